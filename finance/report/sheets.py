"""Writing cells, tables and charts for the board pack: every text through excel_text, every figure formatted.

``put`` is the one way a value reaches a cell: text is neutralised and marked as text (openpyxl
would store a string starting with ``=`` as a formula), numbers get the format of their kind
(money, percent, whole number, units), blanks stay empty.
"""

from __future__ import annotations

import pandas as pd
from openpyxl.chart import BarChart, Reference
from openpyxl.chart.data_source import AxDataSource, StrRef
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from finance.format import MONEY_EXCEL_FORMAT, PERCENT_EXCEL_FORMAT
from finance.report.safe_text import excel_text

NHS_BLUE = "005EB8"
HEADER_FONT = Font(bold=True, color="FFFFFF")
HEADER_FILL = PatternFill("solid", fgColor=NHS_BLUE)
TITLE_FONT = Font(bold=True, size=14, color=NHS_BLUE)
BOLD = Font(bold=True)
MONEY, PCT, INT, NUM, TEXT = "money", "pct", "int", "num", "text"
FORMATS = {MONEY: MONEY_EXCEL_FORMAT, PCT: PERCENT_EXCEL_FORMAT, INT: "#,##0", NUM: "#,##0.0"}


def write_table(sheet: Worksheet, row: int, column: int, frame: pd.DataFrame, columns: list[tuple[str, str, str]]) -> int:
    """Write a header row and the frame's rows below it; returns the last row written."""
    for offset, (text, _, _) in enumerate(columns):
        write_header(sheet, row, column + offset, text)
    for r, record in enumerate(frame[[key for _, key, _ in columns]].itertuples(index=False), start=row + 1):
        for offset, ((_, _, kind), value) in enumerate(zip(columns, record, strict=True)):
            put(sheet, r, column + offset, value, kind)
    return row + len(frame)


def put(sheet: Worksheet, row: int, column: int, value: object, kind: str = TEXT) -> None:
    """One cell: text neutralised and marked as text; numbers with their format; blanks empty."""
    cell = sheet.cell(row=row, column=column)
    if value is None or value is pd.NA or (isinstance(value, float) and value != value):
        return
    if isinstance(value, str):
        cell.value = excel_text(value)
        cell.data_type = "s"  # openpyxl would store a string starting with '=' as a formula
        return
    if hasattr(value, "item"):
        value = value.item()
    cell.value = value
    if kind in FORMATS and isinstance(value, (int, float)) and not isinstance(value, bool):
        cell.number_format = FORMATS[kind]


def write_header(sheet: Worksheet, row: int, column: int, text: str) -> None:
    put(sheet, row, column, text)
    cell = sheet.cell(row=row, column=column)
    cell.font, cell.fill = HEADER_FONT, HEADER_FILL
    cell.alignment = Alignment(wrap_text=True, vertical="top")


def write_title(sheet: Worksheet, text: str) -> None:
    put(sheet, 1, 1, text)
    sheet["A1"].font = TITLE_FONT
    sheet.page_setup.orientation = "landscape"
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.page_setup.fitToHeight = 0


def bar_chart(title: str, axis_title: str, sheet: Worksheet, *, categories: tuple[int, int, int], values: tuple[int, int, int]) -> BarChart:
    """A bar chart of one column of values (header row included as the series name) against a column of labels."""
    chart = BarChart()
    chart.title = title
    chart.style = 10
    chart.legend = None
    data = Reference(sheet, min_col=values[0], min_row=values[1], max_row=values[2])
    labels = Reference(sheet, min_col=categories[0], min_row=categories[1], max_row=categories[2])
    chart.add_data(data, titles_from_data=True)
    series = chart.series[0]
    series.cat = AxDataSource(strRef=StrRef(f=str(labels)))  # text labels (set_categories would make them numbers)
    series.graphicalProperties.solidFill = NHS_BLUE
    series.graphicalProperties.line.solidFill = NHS_BLUE
    series.invertIfNegative = False  # a loss stays blue, not a hollow bar
    chart.y_axis.title = axis_title
    chart.y_axis.number_format = MONEY_EXCEL_FORMAT
    chart.y_axis.majorGridlines = None
    chart.x_axis.delete = False  # openpyxl 3.1 leaves the axes unset, and Excel then hides them
    chart.y_axis.delete = False
    chart.x_axis.tickLblPos = "low"  # labels clear of negative bars
    return chart


def set_widths(sheet: Worksheet, fixed: dict[int, float]) -> None:
    """Columns wide enough for their header and figures (fixed widths where given), within reason."""
    for cells in sheet.iter_cols(min_row=4):
        column = cells[0].column
        letter = get_column_letter(column)
        if column in fixed:
            sheet.column_dimensions[letter].width = fixed[column]
            continue
        longest = max((len(str(c.value)) if isinstance(c.value, str) else 12 for c in cells if c.value is not None), default=8)
        sheet.column_dimensions[letter].width = min(max(longest + 2, 11), 30)
