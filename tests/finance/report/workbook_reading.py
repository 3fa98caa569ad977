"""Reading the board pack back in tests: find its tables by their labels, and recalculate its formulas with pycel."""

from __future__ import annotations

from pathlib import Path

import openpyxl
from openpyxl.worksheet.worksheet import Worksheet
from pycel import ExcelCompiler


def row_of(sheet: Worksheet, label: str, column: int = 1) -> int:
    """The first row whose cell in ``column`` holds exactly ``label``."""
    for row in range(1, sheet.max_row + 1):
        if sheet.cell(row=row, column=column).value == label:
            return row
    raise AssertionError(f"{sheet.title}: no row labelled {label!r}")


def headers(sheet: Worksheet, row: int) -> dict[str, int]:
    """Header text -> column, for the header row ``row``."""
    return {c.value: c.column for c in sheet[row] if isinstance(c.value, str)}


def table_rows(sheet: Worksheet, header_row: int) -> range:
    """The rows of a table under ``header_row``, up to its totals row or first blank."""
    row = header_row + 1
    while sheet.cell(row=row, column=1).value not in (None, "All practices", "All services"):
        row += 1
    return range(header_row + 1, row)


class Recalculated:
    """The workbook's formulas worked out by pycel, as Excel would on opening it."""

    def __init__(self, path: Path):
        self.path = path
        self.compiler = ExcelCompiler(filename=str(path))
        self.workbook = openpyxl.load_workbook(path)

    def value(self, sheet: str, row: int, column: int) -> object:
        letter = openpyxl.utils.get_column_letter(column)
        title = sheet.replace("'", "''")
        value = self.compiler.evaluate(f"'{title}'!{letter}{row}")
        return None if value == "" else value

    def set(self, sheet: str, row: int, column: int, value: float) -> None:
        letter = openpyxl.utils.get_column_letter(column)
        self.compiler.set_value(f"'{sheet}'!{letter}{row}", value)


def summary_surplus(path) -> dict[str, float]:
    """Each option's federation surplus on the Summary, its formulas recalculated."""
    recalculated = Recalculated(path)
    sheet = recalculated.workbook["Summary"]
    header = row_of(sheet, "Option")
    surplus = headers(sheet, header)["Federation surplus"]
    names = {}
    row = header + 1
    while sheet.cell(row=row, column=1).value:
        names[sheet.cell(row=row, column=1).value] = recalculated.value("Summary", row, surplus)
        row += 1
    return names
