"""Meeting mode: practices shown as Practice A, B, … and PCNs as PCN 1, 2, … on every page and export.

For a meeting where partners of rival practices sit together. The director switches it in the
sidebar. It works at one place: ui/state.py hands the pages (and so their charts, tables and the
board pack) a copy of the data whose practice codes, practice names and PCN names are replaced, and
a model built on that copy; the scenario's excluded practices are translated on the way in. The
sidebar's controls keep the real codes, so switching the mode back and forth loses no choice.

Letters follow the real practice codes' order (A to Z, then AA, AB, … as Excel names columns), so
the same data always gives the same letters. PCN names are replaced too: a PCN's name is often its
town, and a PCN of two practices would name them. The uploaded files are File 1, File 2, … in the
order they were loaded (a file is often named after its practice), and free text (an option's name
and description, a message, the data's label) goes through ``hide_in_text`` (ui/name_hider.py).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace

import pandas as pd

from finance.ingest.dataset import Dataset
from finance.model.scenario import Scenario
from ui.name_hider import NameHider

TOGGLE_KEY = "meeting_mode"
TOGGLE_LABEL = "Meeting mode: hide practice names"
TOGGLE_HELP = (
    "Shows practices as Practice A, B, … and PCNs as PCN 1, 2, … on every page, chart and download, for meetings where "
    "partners of other practices are in the room. Letters follow the practice codes' order. The address bar holds no "
    "scenario meanwhile (it would name excluded practices by their codes): switch it off to copy a link."
)


def letters(position: int) -> str:
    """0 -> A, 25 -> Z, 26 -> AA, 27 -> AB, … (spreadsheet column names)."""
    name = ""
    position += 1
    while position:
        position, remainder = divmod(position - 1, 26)
        name = chr(ord("A") + remainder) + name
    return name


@dataclass(frozen=True)
class Aliases:
    """Real practice code -> shown code and name; real PCN name -> shown PCN name; real file name -> File 1, 2, …"""

    codes: Mapping[str, str]
    names: Mapping[str, str]
    pcns: Mapping[str, str]
    files: Mapping[str, str] = field(default_factory=dict)
    hider: NameHider = field(default_factory=lambda: NameHider({}), repr=False, compare=False)

    @property
    def real_codes(self) -> dict[str, str]:
        return {shown: real for real, shown in self.codes.items()}

    def scenario(self, scenario: Scenario) -> Scenario:
        """The scenario as the anonymised model reads it (excluded practices by their shown codes)."""
        if not scenario.excluded_practices:
            return scenario
        return scenario.with_changes(excluded_practices=tuple(self.codes.get(c, c) for c in scenario.excluded_practices))


def aliases_for(dataset: Dataset) -> Aliases:
    practices = dataset.practices.sort_values("practice_code", kind="stable")
    codes = {code: letters(i) for i, code in enumerate(practices["practice_code"])}
    names = {code: f"Practice {alias}" for code, alias in codes.items()}
    pcns: dict[str, str] = {}
    for pcn in practices["pcn"]:
        if isinstance(pcn, str) and pcn not in pcns:
            pcns[pcn] = f"PCN {len(pcns) + 1}"
    files = {name: f"File {i}" for i, name in enumerate(dict.fromkeys(dataset.file_names), start=1)}
    real_names = dict(zip(practices["practice_code"].map(names), practices["practice_name"], strict=True))
    whole = {real: names[code] for code, real in zip(practices["practice_code"], practices["practice_name"], strict=True)}
    whole |= pcns | codes | files
    owners = {alias: [real] for alias, real in real_names.items()} | {alias: [real] for real, alias in pcns.items()}
    return Aliases(codes, names, pcns, files, NameHider.build(whole, owners))


def hide_in_text(text: str, aliases: Aliases) -> str:
    """A text (the data's label, which names the areas of an NHS payments import and the files; an option's
    name) with every real practice name, PCN name, practice code and file name replaced by its shown one,
    and the distinctive parts of the names too ("Eden" of "The Eden Surgeries"): see ui/name_hider.py."""
    return aliases.hider.hide(text)


def anonymise(dataset: Dataset, aliases: Aliases) -> Dataset:
    """The same figures under the shown codes and names, and the files as File 1, 2, …; their contents
    (and so the fingerprint) are the same."""
    practices = dataset.practices.copy()
    practices["practice_name"] = practices["practice_code"].map(aliases.names)
    practices["pcn"] = practices["pcn"].map(lambda p: aliases.pcns.get(p, p) if isinstance(p, str) else p)
    practices["practice_code"] = practices["practice_code"].map(aliases.codes)
    return replace(
        dataset,
        practices=practices,
        sources=tuple(replace(source, name=aliases.files.get(source.name, source.name)) for source in dataset.sources),
        table_files=tuple((table, aliases.files.get(file, file)) for table, file in dataset.table_files),
        income=_recode(dataset.income, aliases),
        activity=_recode(dataset.activity, aliases),
        practice_costs=_recode(dataset.practice_costs, aliases),
    )


def _recode(frame: pd.DataFrame, aliases: Aliases) -> pd.DataFrame:
    if "practice_code" not in frame.columns:
        return frame
    out = frame.copy()
    out["practice_code"] = out["practice_code"].map(lambda c: aliases.codes.get(c, c))
    return out
