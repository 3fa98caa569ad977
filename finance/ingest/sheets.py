"""Which sheets of a file are read as which table, and what the others hold (rows and £) when they are not.

The rule (DATA.md, "Which table a sheet holds", and "Bad input"):
1. a hidden sheet is never read: it is named in a warning with the rows and the money it holds;
2. a sheet named after a table is that table;
3. a workbook's only sheet, or a CSV file, is the table its file is named after;
4. otherwise a sheet whose headings are one table's columns (a sheet per month: Jan, Feb...) is read
   as that table, and a warning names it with its rows and money, so the summary shows every sheet read;
5. any other sheet with something in it is ignored, with a warning saying how many rows and how
   much money it holds.
"""

from __future__ import annotations

from pathlib import Path

from finance.ingest.cells import PercentCell
from finance.ingest.parse import cell_text
from finance.ingest.read import RawSheet, ReadFile, ignored_reason
from finance.ingest.tables import INCOME_TABLES, TABLES, TABLES_BY_NAME, column_lookup, normalise_name, table_for_name
from finance.ingest.xlsx import SheetCells
from finance.problems import Problem, warning

HEADER_SEARCH_ROWS = 30
_MONEY_HEADINGS = {normalise_name(h) for h in ("amount_gbp", "amount", "value", "£", "annual amount", "total", "cost", "cost £", "income")}
_LOOKUPS = {t.name: column_lookup(t) for t in TABLES}


def choose_sheets(read: ReadFile) -> tuple[list[RawSheet], list[Problem]]:
    """The sheets of one file to read, each with its table, and a warning for each sheet left out."""
    problems = list(read.notes)
    if read.csv is not None:
        return _choose_csv(read.csv, problems)
    sheets: list[RawSheet] = []
    visible = [s for s in read.sheets if not s.hidden]
    only_sheet = len(read.sheets) == 1
    file_table = table_for_name(Path(read.name).stem, loose=True)
    for cells in read.sheets:
        place = {"file": read.name, "sheet": cells.name}
        if not cells.rows and not cells.far:
            continue
        if cells.hidden:
            text, money = measure(cells.rows)
            problems.append(
                warning(
                    f"hidden sheet '{cells.name}' not read: {text}. Unhide it in Excel if it should be read", **place, left_out_gbp=money
                )
            )
            continue
        table, how = table_for_name(cells.name, loose=False), "name"
        if table is None and len(visible) == 1 and file_table is not None:
            table, how = file_table, "file"
        if table is None:
            table, how = by_headings(cells.rows, file_table), "headings"
            if table is not None:
                problems.append(
                    warning(
                        f"sheet '{cells.name}' read as {table} (its headings are that table's columns): {holdings(cells.rows)}", **place
                    )
                )
        if table is None:
            text, money = measure(cells.rows)
            problems.append(warning(f"{ignored_reason(cells.name, only_sheet, read.name)}; it holds {text}", **place, left_out_gbp=money))
            continue
        sheets.append(_raw(read.name, cells, table, how))
    problems += _recalculation(read)
    return sheets, problems


def _choose_csv(sheet: RawSheet, problems: list[Problem]) -> tuple[list[RawSheet], list[Problem]]:
    if sheet.table:
        sheet.matched_by = "file"
        return [sheet], problems
    table = by_headings(sheet.rows, None)
    if table is not None:
        sheet.table, sheet.matched_by = table, "headings"
        problems.append(warning(f"read as {table} (its headings are that table's columns): {holdings(sheet.rows)}", file=sheet.file))
        return [sheet], problems
    if any(cell_text(c) for row in sheet.rows for c in row):
        text, money = measure(sheet.rows)
        problems.append(warning(f"{ignored_reason(None, True, sheet.file)}; it holds {text}", file=sheet.file, left_out_gbp=money))
    return [], problems


def _raw(file: str, cells: SheetCells, table: str, how: str) -> RawSheet:
    return RawSheet(
        file,
        cells.name,
        table,
        cells.rows,
        cells.row_numbers,
        cells.formulas,
        cells.far,
        matched_by=how,
        uncalculated=cells.uncalculated,
        error_like=cells.error_like,
    )


def by_headings(rows: list[list[object]], file_table: str | None) -> str | None:
    """The one table whose required columns are all among a row of headings near the top, or None."""
    best: list[tuple[int, str]] = []
    for table in TABLES:
        lookup = _LOOKUPS[table.name]
        required = {c.name for c in table.columns if c.required}
        if table.implied_stream:
            required.discard("stream")
        for row in rows[:HEADER_SEARCH_ROWS]:
            found = {lookup[k] for k in (normalise_name(cell_text(c)) for c in row) if k in lookup}
            if required <= found and len(found) >= 2:
                best.append((len(found), table.name))
                break
    if not best:
        return None
    top = max(n for n, _ in best)
    names = {name for n, name in best if n == top}
    if names & set(INCOME_TABLES):
        if "income" in names and _has_stream_heading(rows):
            return "income"
        if file_table in INCOME_TABLES:
            return file_table
        names = (names - set(INCOME_TABLES)) | {"income"}
    return names.pop() if len(names) == 1 else None


def _has_stream_heading(rows: list[list[object]]) -> bool:
    lookup = _LOOKUPS["income"]
    return any(lookup.get(normalise_name(cell_text(c))) == "stream" for row in rows[:HEADER_SEARCH_ROWS] for c in row)


def holdings(rows: list[list[object]]) -> str:
    """'142 rows, £128,380 in its 'Amount' column': what a sheet holds, in a user's words."""
    return measure(rows)[0]


def measure(rows: list[list[object]]) -> tuple[str, float | None]:
    """What a sheet holds in words, and the money in its amount column (None when it has none)."""
    header, column, heading = _money_column(rows)
    body = rows[header + 1 :] if header is not None else rows
    filled = [r for r in body if any(cell_text(c) for c in r)]
    text = f"{len(filled):,} row{'s' if len(filled) != 1 else ''}"
    if column is not None:
        amounts = [_money(row[column]) for row in filled if column < len(row)]
        amounts = [a for a in amounts if a is not None]
        if amounts:
            return f"{text}, £{sum(amounts):,.0f} in its '{heading}' column", sum(amounts)
    numbers = [c for r in filled for c in r if isinstance(c, float) and not isinstance(c, PercentCell)]
    if numbers:
        return f"{text} with {len(numbers):,} number{'s' if len(numbers) != 1 else ''} adding up to {sum(numbers):,.0f}", None
    return f"{text} of text", None


def _money(value: object) -> float | None:
    if isinstance(value, float):
        return value
    return _money_text(cell_text(value))


def _money_column(rows: list[list[object]]) -> tuple[int | None, int | None, str]:
    for index, row in enumerate(rows[:HEADER_SEARCH_ROWS]):
        for position, cell in enumerate(row):
            text = cell_text(cell)
            if text and normalise_name(text) in _MONEY_HEADINGS:
                return index, position, text
    return None, None, ""


def _money_text(text: str) -> float | None:
    cleaned = text.replace("£", "").replace(",", "").strip()
    negative = cleaned.startswith("(") and cleaned.endswith(")")
    try:
        value = float(cleaned.strip("()"))
    except ValueError:
        return None
    return -value if negative else value


def _recalculation(read: ReadFile) -> list[Problem]:
    """Every formula result saved as 0 in a file that asks to be recalculated when opened: never calculated."""
    results = sum(s.formula_results for s in read.sheets if not s.hidden)
    zeros = sum(s.zero_results for s in read.sheets if not s.hidden)
    if not read.recalculate_on_open or results == 0 or zeros < results:
        return []
    return [
        warning(
            f"all {results:,} formula results in this workbook are saved as 0 and it is set to recalculate when opened: "
            "the formulas were probably never calculated. Open it in Excel, save it, and upload it again",
            file=read.name,
        )
    ]


__all__ = ["TABLES_BY_NAME", "by_headings", "choose_sheets", "holdings", "measure"]
