"""Meeting mode: practices shown as Practice A, B, … and PCNs as PCN 1, 2, … on every page and export.

For a meeting where partners of rival practices sit together. The director switches it in the
sidebar. It works at one place: ui/state.py hands the pages (and so their charts, tables and the
board pack) a copy of the data whose practice codes, practice names and PCN names are replaced, and
a model built on that copy; the scenario's excluded practices are translated on the way in. The
sidebar's controls keep the real codes, so switching the mode back and forth loses no choice.

Letters follow the real practice codes' order (A to Z, then AA, AB, … as Excel names columns), so
the same data always gives the same letters. PCN names are replaced too: a PCN's name is often its
town, and a PCN of two practices would name them.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace

import pandas as pd

from finance.ingest.dataset import Dataset
from finance.model.scenario import Scenario

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
    """Real practice code -> shown code and name; real PCN name -> shown PCN name."""

    codes: Mapping[str, str]
    names: Mapping[str, str]
    pcns: Mapping[str, str]

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
    return Aliases(codes, names, pcns)


def hide_in_text(text: str, dataset: Dataset, aliases: Aliases) -> str:
    """A text (such as the data's label, which names the areas of an NHS payments import) with every real
    practice name, PCN name and practice code replaced by its shown one, longest first."""
    practices = dataset.practices
    swaps = {**dict(zip(practices["practice_name"], practices["practice_code"].map(aliases.names), strict=True)), **aliases.pcns}
    swaps |= dict(aliases.codes)
    for real in sorted(swaps, key=len, reverse=True):
        if isinstance(real, str) and real:
            text = text.replace(real, swaps[real])
    return text


def anonymise(dataset: Dataset, aliases: Aliases) -> Dataset:
    """The same figures under the shown codes and names; the files (and so the fingerprint) are the same."""
    practices = dataset.practices.copy()
    practices["practice_name"] = practices["practice_code"].map(aliases.names)
    practices["pcn"] = practices["pcn"].map(lambda p: aliases.pcns.get(p, p) if isinstance(p, str) else p)
    practices["practice_code"] = practices["practice_code"].map(aliases.codes)
    return replace(
        dataset,
        practices=practices,
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
