"""Raw sheet -> the table's columns: find the header row, match headings to columns, drop blank rows.

Headings are matched loosely (case, spaces, underscores, a trailing (£) or gbp, synonyms from
tables.py). The header is the row, among the first few, that names the most of the table's
columns, so a title row or two above the headings does no harm. What is left out (a column with
no heading, a cell far outside the table, a CSV row with more values than headings) is reported
with what it holds.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from operator import itemgetter

import numpy as np
import pandas as pd

from finance.ingest.parse import Distinct, cell_text
from finance.ingest.read import RawSheet
from finance.ingest.tables import TABLES_BY_NAME, Table, column_lookup, normalise_name
from finance.ingest.text_rows import TextRows
from finance.problems import Problem, error, warning

HEADER_SEARCH_ROWS = 30
MAX_REPEATS = 20  # the same problem on more rows than this is one more line saying how many


@dataclass
class Part:
    """The rows of one table found in one sheet, with where each cell came from."""

    source: RawSheet
    table: Table
    header_row: int  # 1-based row number of the headings
    column_index: dict[str, int]  # column name -> 0-based position in the sheet
    frame: pd.DataFrame  # one column per table column found (raw cells) and _row (1-based sheet row)
    # Each column of ``frame`` factorised once (finance.ingest.parse.Distinct), for the validator.
    distinct: dict[str, Distinct] = field(default_factory=dict, repr=False)

    def distinct_of(self, column: str) -> Distinct:
        """The column of ``frame`` as its distinct values (computed here when locate did not)."""
        found = self.distinct.get(column)
        if found is None or len(found.codes) != len(self.frame):
            found = self.distinct[column] = Distinct.of(self.frame[column])
        return found

    def placed(self) -> Part:
        """The part without its cells: where it is and what it holds, all that the checks across tables read."""
        source = self.source
        kept = RawSheet(source.file, source.sheet, source.table, [], separator=source.separator, matched_by=source.matched_by)
        return Part(kept, self.table, self.header_row, self.column_index, self.frame.iloc[:0])

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


def numbers_in(values: list[object]) -> tuple[int, float]:
    """How many cells hold a number, and their sum (text such as '£1,200' counts)."""
    count, total = 0, 0.0
    for value in values:
        if isinstance(value, float):
            count, total = count + 1, total + value
        elif isinstance(value, str) and value:
            text = value.replace("£", "").replace(",", "").strip()
            try:
                number = float(text.strip("()"))
            except ValueError:
                continue
            if number == number and abs(number) != float("inf"):
                count, total = count + 1, total + (-number if text.startswith("(") else number)
    return count, total


def _looks_like_money(heading: str) -> bool:
    text = heading.lower()
    return any(word in text for word in ("£", "gbp", "amount", "income", "cost", "value", "payment", "total", "fee"))


def holding(values: list[object]) -> str:
    """' (its 12 numbers add up to 45,120)' or '': the money a left-out column holds."""
    count, total = numbers_in(values)
    if not count:
        return ""
    return f" (its {count:,} number{'s' if count != 1 else ''} add{'s' if count == 1 else ''} up to {total:,.2f})".replace(".00)", ")")


def locate(sheet: RawSheet) -> tuple[Part | None, list[Problem]]:
    """Find the table in a sheet; problems for missing, doubled and ignored columns."""
    table = TABLES_BY_NAME[sheet.table]
    lookup = column_lookup(table)
    rows = sheet.rows
    place = {"file": sheet.file, "sheet": sheet.sheet}
    header_at, named = _find_header(rows, lookup)
    if header_at is None:
        return None, [warning(f"holds no data, so no {table.name} rows were read from it", **place)]
    header_row = sheet.row_number(header_at)

    problems: list[Problem] = []
    if named == 0:
        problems.append(_no_headings(sheet, table, lookup))
    headings = [cell_text(c) for c in rows[header_at]]
    column_index: dict[str, int] = {}
    body = rows[header_at + 1 :]
    for position, heading in enumerate(headings):
        if not heading:
            continue
        name = lookup.get(normalise_name(heading))
        where = {**place, "cell": _cell(sheet, position, header_row), "row": header_row}
        if name is None:
            values = _cells_at(body, position)
            count, total = numbers_in(values)
            problems.append(
                warning(
                    f"column '{heading}' ignored{holding(values)}: it is not a column of {table.name} ({', '.join(table.column_names)})",
                    **where,
                    left_out_gbp=total if count and _looks_like_money(heading) else None,
                )
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
    if named:
        for name in missing:
            found = ", ".join(f"'{h}'" for h in headings if h) or "none"
            problems.append(
                error(
                    f"no {name} column: {table.name} needs {name} ({table.column(name).help}). Headings found in row {header_row}: {found}",
                    **place,
                    row=header_row,
                )
            )

    numbers = sheet.row_numbers[header_at + 1 :] if sheet.row_numbers is not None else range(header_at + 2, len(rows) + 1)
    if isinstance(body, TextRows):  # a CSV file read by Arrow: each column factorised there, a str made per distinct value
        index = pd.RangeIndex(len(body))
        distinct = {name: Distinct.of_arrow(body.column(i), index) for name, i in column_index.items()}
        frame = pd.DataFrame({name: column.values[column.codes] for name, column in distinct.items()}, index=index, dtype=object)
    else:
        columns = _columns(body, column_index)
        frame = pd.DataFrame(columns, dtype=object)
        if sheet.is_csv:  # every cell is text
            distinct = {name: Distinct.of_text(cells, frame.index) for name, cells in columns.items()}
        else:
            distinct = {name: Distinct.of(frame[name]) for name in column_index}
    frame["_row"] = np.arange(header_at + 2, len(rows) + 1) if sheet.row_numbers is None else list(numbers)
    problems += _stray_values(sheet, headings, body, header_row)
    problems += _long_rows(sheet, headings, body, numbers)
    problems += _far_cells(sheet)
    # Blank rows are skipped; so is a row with values only in ignored columns.
    if column_index and len(frame):
        filled = np.zeros(len(frame), dtype=bool)
        for name in column_index:
            column = distinct[name]
            filled |= pd.Series(column.values, dtype=object).astype(str).str.strip().ne("").to_numpy(dtype=bool)[column.codes]
        if not filled.all():
            frame = frame[filled]
            distinct = {name: column.rows(filled, pd.RangeIndex(len(frame))) for name, column in distinct.items()}
    return Part(sheet, table, header_row, column_index, frame.reset_index(drop=True), distinct), problems


def _widest(body: list[list[object]] | TextRows) -> int:
    """The number of cells in the longest row (0 for no rows)."""
    if isinstance(body, TextRows):
        return body.width if len(body) else 0
    return max(map(len, body), default=0)


def _cells_at(body: list[list[object]] | TextRows, position: int) -> list[object]:
    """The cells at ``position`` of the rows that reach it."""
    if isinstance(body, TextRows):
        return body.column(position).to_pylist() if position < body.width else []
    return [r[position] for r in body if position < len(r)]


def _columns(body: list[list[object]], column_index: dict[str, int]) -> dict[str, list[object]]:
    """Each named column's cells, '' where a row stops short of it."""
    if body and column_index and min(map(len, body)) > max(column_index.values()):
        return {name: list(map(itemgetter(i), body)) for name, i in column_index.items()}
    return {name: [r[i] if i < len(r) else "" for r in body] for name, i in column_index.items()}


def _no_headings(sheet: RawSheet, table: Table, lookup: dict[str, str]) -> Problem:
    """No row near the top names a column: say where we looked, and where the headings seem to be."""
    place = {"file": sheet.file, "sheet": sheet.sheet}
    searched = min(HEADER_SEARCH_ROWS, len(sheet.rows))
    last = sheet.row_number(searched - 1) if searched else 1
    for index, row in enumerate(sheet.rows[HEADER_SEARCH_ROWS:], start=HEADER_SEARCH_ROWS):
        count = len({lookup[k] for k in (normalise_name(cell_text(c)) for c in row) if k in lookup})
        if count >= 2:
            return error(
                f"the headings of {table.name} seem to be in row {sheet.row_number(index)}, but only the first {HEADER_SEARCH_ROWS} rows "
                f"that hold something (rows 1 to {last}) are searched: delete the rows above the headings",
                **place,
            )
    return error(
        f"no headings of {table.name} found in rows 1 to {last}, where they are looked for: put the headings "
        f"({', '.join(c.name for c in table.columns if c.required)}) in one row above the data",
        **place,
    )


def _stray_values(sheet: RawSheet, headings: list[str], body: list[list[object]], header_row: int) -> list[Problem]:
    """Values in a column with no heading are reported, not silently dropped (CSV rows longer than the headings: _long_rows)."""
    width = _widest(body)
    named_width = _named_width(headings)
    if sheet.is_csv:
        width = min(width, named_width)
    unnamed = [i for i in range(width) if i >= len(headings) or not headings[i]]
    problems = []
    for position in unnamed:
        values = [v for v in _cells_at(body, position) if cell_text(v)]
        if values:
            problems.append(
                warning(
                    f"column {column_letter(position)} has {len(values):,} value{'s' if len(values) != 1 else ''} but no heading, "
                    f"so it was ignored{holding(values)}",
                    file=sheet.file,
                    sheet=sheet.sheet,
                    row=header_row,
                )
            )
    return problems


def _named_width(headings: list[str]) -> int:
    return max((i + 1 for i, h in enumerate(headings) if h), default=0)


def _long_rows(sheet: RawSheet, headings: list[str], body: list[list[object]], numbers) -> list[Problem]:
    """A CSV row with more values than headings: a value such as 103,694.00 unquoted has split in two."""
    if not sheet.is_csv:
        return []
    width = _named_width(headings)
    if _widest(body) <= width:
        return []
    long = [(n, r) for n, r in zip(numbers, body, strict=False) if len(r) > width and any(cell_text(c) for c in r[width:])]
    problems = []
    for number, row in long[:MAX_REPEATS]:
        values = sum(1 for c in row if cell_text(c))
        problems.append(
            error(
                f"this row has {len(row)} values but there are {width} headings, so its values do not line up with the columns: "
                f"a value with a comma in it (such as 103,694.00) splits in two unless it is in quotes. "
                f"Remove the thousands commas or save the file again from Excel as CSV ({values} values: "
                + ", ".join(repr(cell_text(c)) for c in row[: width + 2])
                + ")",
                file=sheet.file,
                row=number,
            )
        )
    if len(long) > MAX_REPEATS:
        problems.append(
            error(f"{len(long) - MAX_REPEATS:,} more rows have more values than headings, like the rows above", file=sheet.file)
        )
    return problems


def _far_cells(sheet: RawSheet) -> list[Problem]:
    """Cells far to the right of any table (beyond column ALL) are reported one by one, not read."""
    problems = []
    for row, col, value in sheet.far[:MAX_REPEATS]:
        text = cell_text(value)
        money = f" (a number: {value:,.2f})" if isinstance(value, float) else ""
        problems.append(
            warning(
                f"cell {column_letter(col)}{row} holds '{text[:40]}'{money} far outside the table: it was not read",
                file=sheet.file,
                sheet=sheet.sheet,
                cell=f"{column_letter(col)}{row}",
                value=text[:40],
            )
        )
    if len(sheet.far) > MAX_REPEATS:
        count, total = numbers_in([v for _, _, v in sheet.far[MAX_REPEATS:]])
        problems.append(
            warning(
                f"{len(sheet.far) - MAX_REPEATS:,} more cells far outside the table were not read ({count:,} numbers adding up to {total:,.2f})",
                file=sheet.file,
                sheet=sheet.sheet,
            )
        )
    return problems


def _find_header(rows: list[list[object]], lookup: dict[str, str]) -> tuple[int | None, int]:
    """The row naming the most columns among the first rows (and how many); else the first row with anything in it."""
    best, best_count, first_filled = None, 0, None
    for index, row in enumerate(rows[:HEADER_SEARCH_ROWS]):
        texts = [cell_text(c) for c in row]
        if first_filled is None and any(texts):
            first_filled = index
        count = len({lookup[k] for k in (normalise_name(t) for t in texts if t) if k in lookup})
        if count > best_count:
            best, best_count = index, count
    return (best, best_count) if best is not None else (first_filled, 0)


def _cell(sheet: RawSheet, position: int, row: int) -> str | None:
    return None if sheet.is_csv else f"{column_letter(position)}{row}"
