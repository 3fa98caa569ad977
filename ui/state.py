"""The one place that touches st.session_state for data, model and results.

Everything a user uploads lives in their own session only: the Dataset, the Model (a private
DuckDB connection) and the results are kept in st.session_state, never in a cache shared across
sessions. Only the public sample federation is cached for everyone.
"""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass, field
from pathlib import Path

import streamlit as st

from finance.analysis.sweep import FeeSweep, average_catalogue_fee, fee_sweep
from finance.ingest.dataset import Dataset
from finance.ingest.load import LoadResult, load_uploads
from finance.ingest.read import DEFAULT_MAX_FILE_MB, Upload
from finance.model.engine import Model, Results
from finance.model.scenario import Scenario

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


def loaded() -> Loaded:
    """This session's data; the sample federation on a first visit."""
    if "loaded" not in st.session_state:
        st.session_state["loaded"] = _make_loaded(_sample_dataset(), sample_uploads(), SAMPLE_LABEL, is_sample=True)
    return st.session_state["loaded"]


def _make_loaded(dataset: Dataset, uploads: tuple[Upload, ...], label: str, *, is_sample: bool) -> Loaded:
    model = Model(dataset)
    return Loaded(dataset, uploads, label, is_sample, model, average_catalogue_fee(model))


def replace_data(result: LoadResult, uploads: tuple[Upload, ...], label: str) -> None:
    """Make a valid upload set this session's data (the old model is closed)."""
    assert result.dataset is not None
    old = st.session_state.get("loaded")
    st.session_state["loaded"] = _make_loaded(result.dataset, uploads, label, is_sample=False)
    if old is not None:
        old.model.close()
    _fit_sidebar_to(result.dataset)


def reset_to_sample() -> None:
    old = st.session_state.pop("loaded", None)
    if old is not None:
        old.model.close()
    _fit_sidebar_to(loaded().dataset)


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
    chosen = for_scenario or scenario()
    key = ("results", chosen.to_json())
    if key not in data.memo:
        if len(data.memo) > 32:
            data.memo.clear()
        data.memo[key] = data.model.run(chosen)
    return data.memo[key]


def sweep(for_scenario: Scenario | None = None) -> FeeSweep:
    """The fee sweep under the sidebar's participation; the fee set in the sidebar does not change it,
    so moving the fee slider redraws the marker without rerunning the sweep."""
    data = loaded()
    chosen = (for_scenario or scenario()).with_changes(management_fee_pct=None, service_fee_pct={})
    key = sweep_key(chosen)
    if key not in data.memo:
        data.memo[key] = fee_sweep(data.model, chosen)
    return data.memo[key]


def sweep_key(for_scenario: Scenario) -> tuple:
    """The memo's key for a scenario's fee sweep (the fee set aside: it does not change the sweep)."""
    return ("sweep", for_scenario.with_changes(management_fee_pct=None, service_fee_pct={}).to_json())
