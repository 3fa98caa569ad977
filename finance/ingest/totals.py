"""Totals and subtotal rows: found in every table, so their money is never added a second time.

A row is a total when a text cell says so (``Total``, ``Grand total``, ``Subtotal``, ``Sum``,
``Total for A81001``), when its amount is a ``=SUM()``/``=SUBTOTAL()`` formula, or when its amount
equals, to the penny, the sum of at least two rows above it in the same block (the same practice's
run of rows, or the whole table where rows have no practice).
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from finance.ingest.locate import Part, column_letter
from finance.ingest.parse import Distinct, cell_text

# "Total", "Grand total", "Sub-total:", "Total, all lines", "Total for A81001", "Total income", "A81001 Total" (what Excel's
# Subtotal command writes), "Sum"; not a name that merely starts with the word, such as "Total triage".
_TOTAL_WORDS = re.compile(
    r"^\s*(?:(?:grand|sub|overall)\s*-?\s*)?totals?\s*(?:$|[:=,-]|for\b|of\b|[a-z]\d{5}\b|(?:contract\s+|pcn\s+|des\s+|federation\s+)*"
    r"(?:income|costs?|overheads?|expenses|amount|payments?)\s*$)|^.{0,60}\s(?:grand\s+)?total\s*$|^\s*sum\s*:?\s*$",
    re.IGNORECASE,
)
_SUM_FORMULA = re.compile(r"^=\s*(?:SUM|SUBTOTAL|AGGREGATE)\s*\(", re.IGNORECASE)
_TEXT_KINDS = ("text", "code", "service", "stream")


def total_rows(part: Part, cleaned: pd.DataFrame, texts: dict[str, Distinct] | None = None) -> dict[int, str]:
    """Sheet row number -> why it is a total row, for one located table.

    ``texts``: the text columns' cells as text (``Distinct``), when the validator has them already.
    """
    frame = part.frame
    found: dict[int, str] = {}
    rows = frame["_row"].to_numpy()
    for column in part.table.columns:
        if column.kind not in _TEXT_KINDS or column.name not in frame:
            continue
        text = texts[column.name] if texts and column.name in texts else part.distinct_of(column.name).map(cell_text)
        says = text.mask(_TOTAL_WORDS.match).to_numpy()
        for i in np.flatnonzero(says):
            found.setdefault(int(rows[i]), f"{column.name} says '{text.values[text.codes[i]]}'")
    money = next((c.name for c in part.table.columns if c.kind == "money" and c.name == "amount_gbp"), None)
    if money is None or money not in part.column_index:
        return found
    position = part.column_index[money]
    letter = column_letter(position)
    formulas = part.source.formulas
    for row in rows if formulas else ():
        formula = formulas.get((int(row), position))
        if formula and _SUM_FORMULA.match(formula):
            found.setdefault(int(row), f"{money} is the formula {formula}")
    amounts = pd.to_numeric(cleaned[money], errors="coerce").to_numpy(dtype=float)
    if "practice_code" in cleaned:
        codes = cleaned["practice_code"].astype(object).where(cleaned["practice_code"].notna(), None).ffill()
        block = (codes != codes.shift()).cumsum().to_numpy()
    else:
        block = np.zeros(len(cleaned), dtype=int)
    for i in _sum_of_rows_above(amounts, block):
        row = int(rows[i])
        if row not in found:
            found[row] = f"{money} ({letter}{row}) equals the sum of the rows above it"
    return found


def _sum_of_rows_above(amounts: np.ndarray, block: np.ndarray) -> list[int]:
    """Indexes of rows whose amount equals the sum of the 2+ earlier rows of their block (to the penny)."""
    if len(amounts) < 3:
        return []
    values = np.nan_to_num(amounts, nan=0.0)
    order = pd.Series(values).groupby(block)
    before = (order.cumsum() - values).to_numpy()
    position = order.cumcount().to_numpy()
    equal = (position >= 2) & (np.abs(values) >= 0.005) & (np.abs(before - values) < 0.005) & ~np.isnan(amounts)
    return [int(i) for i in np.flatnonzero(equal)]
