"""The one place that touches st.session_state for data, model and results.

Everything a user uploads lives in their own session only: the Dataset, the Model (a private
DuckDB connection) and the results are kept in st.session_state, never in a cache shared across
sessions. Only the public sample federation is shared by everyone: its Dataset, its Model (each of
its calls takes the model's own lock) and the figures worked out on it (``remember``), so a new
visit's Overview is drawn from figures the server already has.
"""

from __future__ import annotations

import hashlib
import os
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import streamlit as st

from finance.analysis.sweep import FeeSweep, average_catalogue_fee, fee_sweep
from finance.ingest.dataset import Dataset
from finance.ingest.load import LoadResult, load_uploads
from finance.ingest.read import DEFAULT_MAX_FILE_MB, Upload
from finance.model.engine import Model, Results
from finance.model.scenario import Scenario
from ui import meeting_mode

SAMPLE_FOLDER = Path(__file__).resolve().parent.parent / "sample_data"
SAMPLE_LABEL = "Sample federation: 30 West Essex practices (NHS payments 2022/23, costs assumed)"
MAX_FILE_MB = float(os.environ.get("FINANCE_MAX_FILE_MB", DEFAULT_MAX_FILE_MB))


@dataclass
class Loaded:
    """The data this session is looking at, the files it came from, and its model."""

    dataset: Dataset
    uploads: tuple[Upload, ...]
    label: str
    is_sample: bool
    model: Model = field(repr=False)
    average_fee_pct: float | None = None
    memo: dict = field(default_factory=dict, repr=False)
    shared: bool = False  # the public sample's model and figures, shared by every session on it: never closed here
    aliases: meeting_mode.Aliases | None = field(default=None, repr=False)  # set on the meeting-mode copy
    meeting: Loaded | None = field(default=None, repr=False)  # the meeting-mode copy, made on first use


def sample_uploads() -> tuple[Upload, ...]:
    files = sorted(p for p in SAMPLE_FOLDER.iterdir() if p.suffix in (".csv", ".xlsx"))
    return tuple(Upload.from_path(p) for p in files)


@st.cache_data(show_spinner=False)
def _sample_dataset() -> Dataset:
    """The sample is public data, so it is parsed once for everyone (a copy per session)."""
    result = load_uploads(sample_uploads())
    if not result.ok:  # the committed sample is tested; this would be a packaging fault
        raise RuntimeError("the sample data does not validate: " + "; ".join(str(p) for p in result.errors))
    return result.dataset


MEMO_LIMIT = 32  # figures a session keeps (``remember``)


class SharedFigures:
    """Figures worked out on the public sample, kept for every session on it: bounded, one lock."""

    LIMIT = 256

    def __init__(self) -> None:
        self._values: dict = {}
        self._lock = threading.Lock()

    def get(self, key):
        with self._lock:
            return self._values.get(key)

    def put(self, key, value) -> None:
        with self._lock:
            if len(self._values) >= self.LIMIT:
                self._values.pop(next(iter(self._values)))  # the oldest first
            self._values[key] = value


@st.cache_resource(show_spinner=False)
def _sample_shared() -> tuple[Model, float | None, SharedFigures]:
    """The sample's model, its average fee and its figures, made once for the server (public data only)."""
    model = Model(_sample_dataset())
    return model, average_catalogue_fee(model), SharedFigures()


def source() -> Loaded:
    """This session's data with the real practice names; the sample federation on a first visit."""
    if "loaded" not in st.session_state:
        model, average_fee_pct, _ = _sample_shared()
        st.session_state["loaded"] = Loaded(_sample_dataset(), sample_uploads(), SAMPLE_LABEL, True, model, average_fee_pct, shared=True)
    return st.session_state["loaded"]


def remember(key: tuple, work: Callable[[], object]):
    """``work()`` for the data the pages show, worked out once per key: kept in the session's memo, and
    on the public sample also for every other session on it (never for anyone's own data)."""
    data = loaded()
    if key in data.memo:
        return data.memo[key]
    shared = _sample_shared()[2] if data.shared else None
    value = shared.get(key) if shared is not None else None
    if value is None:
        value = work()
        if shared is not None:
            shared.put(key, value)
    if len(data.memo) >= MEMO_LIMIT:  # a session's memo is bounded: the oldest figures go first
        oldest = next((k for k in data.memo if isinstance(k, tuple)), None)  # other keys are bookkeeping (analysis_state.LATEST)
        data.memo.pop(oldest, None)
    data.memo[key] = value
    return value


def meeting_on() -> bool:
    return bool(st.session_state.get(meeting_mode.TOGGLE_KEY))


def loaded() -> Loaded:
    """The data the pages show: ``source()``, or in meeting mode its copy with practices as Practice A, B, …"""
    data = source()
    if not meeting_on():
        return data
    if data.meeting is None:
        aliases = meeting_mode.aliases_for(data.dataset)
        label = meeting_mode.hide_in_text(data.label, aliases)  # an NHS import's label names its PCNs
        data.meeting = _make_loaded(meeting_mode.anonymise(data.dataset, aliases), data.uploads, label, is_sample=data.is_sample)
        data.meeting.aliases = aliases
    return data.meeting


def model_scenario(chosen: Scenario) -> Scenario:
    """A scenario (real practice codes) as the model of ``loaded()`` reads it."""
    aliases = loaded().aliases
    return aliases.scenario(chosen) if aliases is not None else chosen


def practice_labels() -> Callable[[str], str]:
    """How the sidebar names a practice by its real code: "Name (code)", or "Practice A" in meeting mode.
    A plain function of the code (no session state), as a widget's format_func must be."""
    data = source()
    if meeting_on():
        aliases = loaded().aliases.names
        return lambda code: aliases.get(code, code)
    names = dict(zip(data.dataset.practices["practice_code"], data.dataset.practices["practice_name"], strict=True))
    return lambda code: f"{names.get(code, code)} ({code})"


def shown_code(code: str) -> str:
    """A real practice code as the pages show it (its letter in meeting mode)."""
    aliases = loaded().aliases
    return aliases.codes.get(code, code) if aliases is not None else code


def real_code(code: str) -> str:
    """A practice code as the pages show it, back to the real one."""
    aliases = loaded().aliases
    return aliases.real_codes.get(code, code) if aliases is not None else code


def _make_loaded(dataset: Dataset, uploads: tuple[Upload, ...], label: str, *, is_sample: bool) -> Loaded:
    model = Model(dataset)
    return Loaded(dataset, uploads, label, is_sample, model, average_catalogue_fee(model))


def replace_data(result: LoadResult, uploads: tuple[Upload, ...], label: str, *, fit_sidebar: bool = True) -> None:
    """Make a valid upload set this session's data (the old model is closed)."""
    assert result.dataset is not None
    old = st.session_state.get("loaded")
    st.session_state["loaded"] = _make_loaded(result.dataset, uploads, label, is_sample=False)
    _close(old)
    if fit_sidebar:
        _fit_sidebar_to(result.dataset)


def reset_to_sample() -> None:
    _close(st.session_state.pop("loaded", None))
    _fit_sidebar_to(source().dataset)


def _close(old: Loaded | None) -> None:
    if old is not None:
        if not old.shared:
            old.model.close()
        if old.meeting is not None:
            old.meeting.model.close()


def _fit_sidebar_to(dataset: Dataset) -> None:
    """New data: unless the user has set one fee, the fee slider starts again from the new
    catalogue's average fee. (Excluded practices the data lacks are dropped by the sidebar itself,
    before it draws: a widget's value cannot change once it is on the page.)"""
    if not st.session_state.get("one_fee"):
        st.session_state.pop("fee_default_set", None)


def validate(uploads: tuple[Upload, ...]) -> LoadResult:
    return load_uploads(uploads, max_file_mb=MAX_FILE_MB)


def uploads_signature(uploads: tuple[Upload, ...]) -> str:
    digest = hashlib.sha256()
    for upload in uploads:
        digest.update(upload.name.encode())
        digest.update(hashlib.sha256(upload.content).digest())
    return digest.hexdigest()


def scenario() -> Scenario:
    """The scenario the sidebar set on this run (the defaults before the sidebar has drawn)."""
    return st.session_state.get("scenario", Scenario())


def results(for_scenario: Scenario | None = None) -> Results:
    """The model's results for a scenario (the sidebar's by default), computed once per change."""
    data = loaded()
    chosen = model_scenario(for_scenario or scenario())
    return remember(("results", chosen.to_json()), lambda: data.model.run(chosen))


def sweep(for_scenario: Scenario | None = None) -> FeeSweep:
    """The fee sweep under the sidebar's participation; the fee set in the sidebar does not change it,
    so moving the fee slider redraws the marker without rerunning the sweep."""
    data = loaded()
    chosen = model_scenario(for_scenario or scenario()).with_changes(management_fee_pct=None, service_fee_pct={})
    return remember(sweep_key(chosen), lambda: fee_sweep(data.model, chosen))


def sweep_key(for_scenario: Scenario) -> tuple:
    """The memo's key for a scenario's fee sweep (the fee set aside: it does not change the sweep)."""
    return ("sweep", for_scenario.with_changes(management_fee_pct=None, service_fee_pct={}).to_json())
