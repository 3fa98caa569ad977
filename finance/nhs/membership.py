"""Practices that are not ordinary members: no registered patients (left out), opened or closed in the year.

Rules, in order, so that the summary can say why a practice is named:

- No registered patients: the registered list is 0 or blank, or NHS Digital's note says "No
  registered patients" / "No known registered patients". These are closed practices and codes used
  as ledgers; they are left out (not imported), each named with the money it holds.
- Opened or closed in the year: the open or close date falls in the financial year. The year is
  read from the file name (``22-23``, ``2022-23``), else it is the financial year of the latest
  open or close date in the file. A close date before the year is named too (the money is late
  adjustments). NHS Digital's note "Part year of data" names a practice whose dates do not.
- A file with neither dates nor notes (HEEC's 2014/15 has '-' for every date): a practice whose
  core contract money (global sum, MPIG, PMS) per weighted patient is under half the file's
  median is named as paid for part of the year (it may have opened or closed).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

import numpy as np
import pandas as pd

_NO_PATIENTS = re.compile(r"no (?:known )?registered patients", re.IGNORECASE)
_PART_YEAR = re.compile(r"part year", re.IGNORECASE)
CORE_LINES = ("Global Sum", "MPIG correction factor", "PMS contract payments")


@dataclass(frozen=True)
class NamedPractice:
    """A practice the summary names, and why."""

    practice_code: str
    practice_name: str
    what: str
    amount_gbp: float = 0.0  # the money it holds (for a practice left out)


def no_patients(table: pd.DataFrame) -> np.ndarray:
    """True for practices with no registered patients."""
    notes = table["atypical"].fillna("").str.contains(_NO_PATIENTS).to_numpy(dtype=bool)
    return (table["list_size"].fillna(0).to_numpy() <= 0) | notes


def financial_year(name: str, table: pd.DataFrame) -> tuple[dt.date, dt.date] | None:
    """1 April to 31 March of the file's year: from its name, else from its latest date."""
    for match in re.finditer(r"(?<!\d)(20)?(\d{2})\s*[-_/ ]\s*(20)?(\d{2})(?!\d)", name):
        first, second = int(match[2]), int(match[4])
        if second == (first + 1) % 100:
            return dt.date(2000 + first, 4, 1), dt.date(2001 + first, 3, 31)
    dates = [d for d in pd.concat([table["open_date"], table["close_date"]]) if isinstance(d, dt.date)]
    if not dates:
        return None
    latest = max(dates)
    start = latest.year if latest.month >= 4 else latest.year - 1
    return dt.date(start, 4, 1), dt.date(start + 1, 3, 31)


def changes_in_year(
    table: pd.DataFrame, chosen: np.ndarray, year: tuple[dt.date, dt.date] | None, core: pd.Series | None
) -> list[NamedPractice]:
    """The chosen practices that opened or closed in the year (or were paid for part of it)."""
    named = []
    rows = table[chosen]
    has_dates = rows["open_date"].notna().any() or rows["close_date"].notna().any() or table["close_date"].notna().any()
    has_notes = (table["atypical"].fillna("") != "").any()
    for _, row in rows.iterrows():
        what = change_of(row, year)
        if what:
            named.append(NamedPractice(row["practice_code"], row["practice_name"], what))
    if not has_dates and not has_notes and core is not None:
        named += _part_paid(table, chosen, core)
    return named


def change_of(row: pd.Series, year: tuple[dt.date, dt.date] | None) -> str | None:
    """How a practice opened or closed in the year, in words, or None."""
    opened, closed = row["open_date"], row["close_date"]
    if isinstance(closed, dt.date) and (year is None or closed <= year[1]):
        if year is not None and closed < year[0]:
            return f"closed on {closed:%d %B %Y}, before the year began (its payments are late adjustments)"
        return f"closed on {closed:%d %B %Y}"
    if isinstance(opened, dt.date) and year is not None and year[0] <= opened <= year[1]:
        return f"opened on {opened:%d %B %Y}"
    if _PART_YEAR.search(str(row["atypical"] or "")):
        return "paid for part of the year (NHS Digital's note: 'Part year of data')"
    return None


def _part_paid(table: pd.DataFrame, chosen: np.ndarray, core: pd.Series) -> list[NamedPractice]:
    """No dates in the file: practices whose core money per weighted patient is under half the median."""
    weighted = table["weighted_list_size"].to_numpy()
    per_patient = np.divide(core.to_numpy(), weighted, out=np.full(len(table), np.nan), where=weighted > 0)
    paid = per_patient[np.isfinite(per_patient) & (per_patient > 0)]
    if not paid.size:
        return []
    median = float(np.median(paid))
    low = chosen & np.isfinite(per_patient) & (per_patient < median / 2)
    return [
        NamedPractice(
            table["practice_code"].iat[i], table["practice_name"].iat[i],
            f"paid core contract money of £{per_patient[i]:,.2f} per weighted patient against the file's median £{median:,.2f}: "
            "it may have opened or closed in the year (the file has no open or close dates)",
        )
        for i in np.flatnonzero(low)
    ]  # fmt: skip
