"""Raw sheet -> the table's columns: find the header row, match headings to columns, drop blank rows.

Headings are matched loosely (case, spaces, underscores, a trailing (£) or gbp, synonyms from
tables.py). The header is the row, among the first few, that names the most of the table's
columns, so a title row or two above the headings does no harm.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from finance.ingest.parse import cell_text
from finance.ingest.read import RawSheet
from finance.ingest.tables import TABLES_BY_NAME, Table, column_lookup, normalise_name
from finance.problems import Problem, error, warning

HEADER_SEARCH_ROWS = 30


@dataclass
class Part:
    """The rows of one table found in one sheet, with where each cell came from."""

    source: RawSheet
    table: Table
    header_row: int  # 1-based row number of the headings
    column_index: dict[str, int]  # column name -> 0-based position in the sheet
    frame: pd.DataFrame  # one column per table column found (raw cells) and _row (1-based sheet row)

    def where(self, row: int | None, column: str | None) -> dict[str, object]:
        """Location keywords for a Problem: file, sheet, cell (workbooks) or row (CSV), column."""
        cell = None
        if row is not None and column in self.column_index and not self.source.is_csv:
            cell = f"{column_letter(self.column_index[column])}{row}"
        return {"file": self.source.file, "sheet": self.source.sheet, "cell": cell, "row": row, "column": column}


def column_letter(index: int) -> str:
    """0 -> A, 25 -> Z, 26 -> AA: the letters Excel shows above a column."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def locate(sheet: RawSheet) -> tuple[Part | None, list[Problem]]:
    """Find the table in a sheet; problems for missing, doubled and ignored columns."""
    table = TABLES_BY_NAME[sheet.table]
    lookup = column_lookup(table)
    rows = sheet.rows
    place = {"file": sheet.file, "sheet": sheet.sheet}
    header_at = _find_header(rows, lookup)
    if header_at is None:
        return None, [warning(f"holds no data, so no {table.name} rows were read from it", **place)]

    problems: list[Problem] = []
    headings = [cell_text(c) for c in rows[header_at]]
    column_index: dict[str, int] = {}
    for position, heading in enumerate(headings):
        if not heading:
            continue
        name = lookup.get(normalise_name(heading))
        where = {**place, "cell": _cell(sheet, position, header_at + 1), "row": header_at + 1}
        if name is None:
            problems.append(
                warning(f"column '{heading}' ignored: it is not a column of {table.name} ({', '.join(table.column_names)})", **where)
            )
        elif name in column_index:
            first = headings[column_index[name]]
            problems.append(
                error(
                    f"columns '{first}' ({column_letter(column_index[name])}) and '{heading}' ({column_letter(position)}) both mean {name}: keep one",
                    **where,
                    column=name,
                )
            )
        else:
            column_index[name] = position

    missing = [c.name for c in table.columns if c.required and c.name not in column_index]
    if table.implied_stream is not None and "stream" in missing:
        missing.remove("stream")
    for name in missing:
        found = ", ".join(f"'{h}'" for h in headings if h) or "none"
        problems.append(
            error(
                f"no {name} column: {table.name} needs {name} ({table.column(name).help}). Headings found in row {header_at + 1}: {found}",
                **place,
                row=header_at + 1,
            )
        )

    body = rows[header_at + 1 :]
    data = {name: [r[i] if i < len(r) else "" for r in body] for name, i in column_index.items()}
    frame = pd.DataFrame(data, dtype=object)
    frame["_row"] = range(header_at + 2, header_at + 2 + len(body))
    problems += _stray_values(sheet, headings, body, header_at + 1)
    # Blank rows are skipped; so is a row with values only in ignored columns.
    if column_index and len(frame):
        filled = pd.Series(False, index=frame.index)
        for name in column_index:
            filled |= frame[name].astype(str).str.strip().ne("")
        frame = frame[filled]
    return Part(sheet, table, header_at + 1, column_index, frame.reset_index(drop=True)), problems


def _stray_values(sheet: RawSheet, headings: list[str], body: list[list[object]], header_row: int) -> list[Problem]:
    """Values in a column with no heading are reported, not silently dropped."""
    width = max((len(r) for r in body), default=0)
    unnamed = [i for i in range(width) if i >= len(headings) or not headings[i]]
    problems = []
    for position in unnamed:
        if any(position < len(r) and cell_text(r[position]) for r in body):
            problems.append(
                warning(
                    f"column {column_letter(position)} has values but no heading, so it was ignored",
                    file=sheet.file,
                    sheet=sheet.sheet,
                    row=header_row,
                )
            )
    return problems


def _find_header(rows: list[list[object]], lookup: dict[str, str]) -> int | None:
    """The row naming the most columns among the first rows; else the first row with anything in it."""
    best, best_count, first_filled = None, 0, None
    for index, row in enumerate(rows[:HEADER_SEARCH_ROWS]):
        texts = [cell_text(c) for c in row]
        if first_filled is None and any(texts):
            first_filled = index
        count = len({lookup[k] for k in (normalise_name(t) for t in texts if t) if k in lookup})
        if count > best_count:
            best, best_count = index, count
    return best if best is not None else first_filled


def _cell(sheet: RawSheet, position: int, row: int) -> str | None:
    return None if sheet.is_csv else f"{column_letter(position)}{row}"
