"""Writing cells, tables, formulas and charts for the board pack: every text through excel_text, every figure formatted.

``put`` is the one way a value reaches a cell: text is neutralised and marked as text (openpyxl
would store a string starting with ``=`` as a formula), numbers get the format of their kind
(money, percent, whole number, units, pence), blanks stay empty. ``put_formula`` is the one way a
formula reaches a cell: the pack builds formulas only from its own cell references, never from text.
Percentages are stored as real fractions (0.06 with the format 0.0%, shown 6.0%), so ``=A1*B1`` works.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import pandas as pd
from openpyxl import Workbook
from openpyxl.chart import BarChart, Reference
from openpyxl.chart.data_source import AxDataSource, StrRef
from openpyxl.chart.marker import DataPoint
from openpyxl.chart.text import RichText
from openpyxl.drawing.text import CharacterProperties, Paragraph, ParagraphProperties
from openpyxl.drawing.text import Font as DrawingFont
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter, quote_sheetname
from openpyxl.utils.indexed_list import IndexedList
from openpyxl.worksheet.worksheet import Worksheet

from finance.format import MONEY_EXCEL_FORMAT
from finance.report.safe_text import excel_text

NHS_BLUE = "005EB8"
LOSS = "D55E00"  # Okabe-Ito vermilion: a loss, on every chart; never an option's colour
FONT = "Arial"  # the NHS's own; LibreOffice prints it in the metric-compatible Liberation Sans
FONT_PT = 11
HEADER_FONT = Font(name=FONT, size=FONT_PT, bold=True, color="FFFFFF")
HEADER_FILL = PatternFill("solid", fgColor=NHS_BLUE)
TOTAL_FILL = PatternFill("solid", fgColor="E8EDEE")
TITLE_FONT = Font(name=FONT, bold=True, size=14, color=NHS_BLUE)
BOLD = Font(name=FONT, size=FONT_PT, bold=True)
LINK_FONT = Font(name=FONT, size=FONT_PT, color="005EB8", underline="single")
# Wrapped text keeps Excel's bottom alignment, so that a row's figures sit on its text's last line
# with no alignment set on every figure (which would slow a 6,500-practice pack by a third).
WRAP = Alignment(wrap_text=True)
HEADER_ALIGNMENT = Alignment(wrap_text=True, vertical="top")
MONEY, PENCE, PCT, INT, NUM, TEXT = "money", "pence", "pct", "int", "num", "text"
PCT_FORMAT = "0.0%"
FORMATS = {MONEY: MONEY_EXCEL_FORMAT, PENCE: '"£"#,##0.00;-"£"#,##0.00', PCT: PCT_FORMAT, INT: "#,##0", NUM: "#,##0.0"}
# Default widths (Excel character units) of a column of each kind: wide enough for -£12,345,678.
WIDTHS = {MONEY: 11.0, PENCE: 9.0, PCT: 8.0, INT: 8.0, NUM: 9.0, TEXT: 14.0}
LINE_HEIGHT_PT = 15.0


@dataclass(frozen=True)
class Column:
    """One column of a table: its header, the frame's key, its kind, and optionally its width and sheet column."""

    header: str
    key: str
    kind: str = TEXT
    width: float | None = None
    wrap: bool = False


def ref(sheet: Worksheet | str, row: int, column: int, *, absolute: bool = False) -> str:
    """A reference to a cell of the pack: 'Option A'!$B$5 (the sheet name quoted, quotes doubled)."""
    title = sheet if isinstance(sheet, str) else sheet.title
    letter = get_column_letter(column)
    cell = f"${letter}${row}" if absolute else f"{letter}{row}"
    return f"{quote_sheetname(title)}!{cell}"


def local(row: int, column: int, *, absolute: bool = False) -> str:
    letter = get_column_letter(column)
    return f"${letter}${row}" if absolute else f"{letter}{row}"


def span(column: int, first: int, last: int) -> str:
    """A column's cells from first to last row: G6:G35."""
    letter = get_column_letter(column)
    return f"{letter}{first}:{letter}{last}"


def variance_formula(value: str, base: str) -> str:
    """Change from base as a fraction of the size of base, blank when base rounds to £0 (compare.variance_pct)."""
    return f'=IF(ABS({base})<0.005,"",({value}-{base})/ABS({base}))'


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


def put_formula(sheet: Worksheet, row: int, column: int, formula: str, kind: str = MONEY) -> None:
    """A formula the pack wrote itself (from cell references only), with the format of its kind."""
    if not formula.startswith("="):
        raise ValueError(f"not a formula: {formula!r}")
    cell = sheet.cell(row=row, column=column)
    cell.value = formula
    if kind in FORMATS:
        cell.number_format = FORMATS[kind]


def use_font(workbook: Workbook) -> None:
    """Arial 11 for every cell: the width of a column is counted in the default font's digits, so this sets the print budget."""
    font = Font(name=FONT, size=FONT_PT)
    workbook._fonts = IndexedList([font])  # the font of every cell without one of its own
    workbook._named_styles["Normal"].font = font


def write_header(sheet: Worksheet, row: int, column: int, text: str) -> None:
    """A header cell, its column wide enough that no word of the header breaks inside it."""
    put(sheet, row, column, text)
    cell = sheet.cell(row=row, column=column)
    cell.font, cell.fill = HEADER_FONT, HEADER_FILL
    cell.alignment = HEADER_ALIGNMENT
    longest = max((len(word) for word in str(text).split()), default=0)
    want_width(sheet, column, 1.1 * longest + 1)


def write_title(sheet: Worksheet, text: str) -> None:
    put(sheet, 1, 1, text)
    sheet["A1"].font = TITLE_FONT


def write_table(sheet: Worksheet, row: int, frame: pd.DataFrame, columns: Sequence[Column], *, at: Sequence[int] | None = None) -> int:
    """A header row and the frame's rows below it, column i at sheet column ``at[i]`` (default 1, 2, ...); returns the last row."""
    places = list(at) if at is not None else list(range(1, len(columns) + 1))
    for place, column in zip(places, columns, strict=True):
        write_header(sheet, row, place, column.header)
        want_width(sheet, place, column.width or WIDTHS[column.kind])
    fit_rows(sheet, row, row)
    keys = [c.key for c in columns]
    for r, record in enumerate(frame[keys].itertuples(index=False), start=row + 1):
        for place, column, value in zip(places, columns, record, strict=True):
            put(sheet, r, place, value, column.kind)
            if column.wrap:
                sheet.cell(row=r, column=place).alignment = WRAP
    return row + len(frame)


def style_total(sheet: Worksheet, row: int, first: int, last: int) -> None:
    for column in range(first, last + 1):
        cell = sheet.cell(row=row, column=column)
        cell.font, cell.fill = BOLD, TOTAL_FILL


def want_width(sheet: Worksheet, column: int, width: float) -> None:
    """Ask for at least ``width`` for a column (tables sharing a column get the widest)."""
    letter = get_column_letter(column)
    existing = sheet.column_dimensions.get(letter)  # .get: indexing creates a dimension 13 wide
    current = existing.width if existing is not None and existing.width else 0.0
    sheet.column_dimensions[letter].width = max(current, width)


def money_width(values: object, *, least: float = 9.0) -> float:
    """A width for a money column that shows its largest figure (and a total of them) in whole pounds."""
    numbers = [abs(float(v)) for v in values if isinstance(v, (int, float)) and v == v]  # type: ignore[union-attr]
    largest = max(numbers, default=0.0)
    return max(least, len(f"-£{largest:,.0f}") + 1.0)


def text_width(values: object, *, least: float, most: float) -> float:
    """A width for a text column: its longest value plus a little, within [least, most] (longer text wraps)."""
    longest = max((len(str(v)) for v in values if isinstance(v, str)), default=0)  # type: ignore[union-attr]
    return min(max(longest + 2.0, least), most)


def fit_rows(sheet: Worksheet, first: int, last: int) -> None:
    """Rows tall enough for their wrapped text (LibreOffice and Excel do not grow rows they did not write)."""
    widths = {}
    for row in sheet.iter_rows(min_row=first, max_row=last):
        lines = 1
        for cell in row:
            if isinstance(cell.value, str) and cell.alignment.wrap_text and cell.data_type != "f":
                letter = cell.column_letter
                if letter not in widths:
                    dimension = sheet.column_dimensions.get(letter)  # .get: indexing would create one 13 wide
                    widths[letter] = (dimension.width if dimension is not None else None) or 8.43
                bold = 1.15 if cell.font is not None and cell.font.b else 1.0
                lines = max(lines, wrapped_lines(cell.value, widths[letter] / bold))
        if lines > 1:
            current = sheet.row_dimensions[row[0].row].height or LINE_HEIGHT_PT
            sheet.row_dimensions[row[0].row].height = max(current, LINE_HEIGHT_PT * lines)


def wrapped_lines(text: str, width: float) -> int:
    """How many lines ``text`` takes in a column ``width`` characters wide, breaking at spaces.

    >>> wrapped_lines("one two three", 8), wrapped_lines("short", 20)
    (2, 1)
    """
    room = max(int(width * 1.1) - 1, 1)  # a character unit is a digit; most letters are narrower
    lines, used = 1, 0
    for word in text.split():
        needed = len(word) if used == 0 else used + 1 + len(word)
        if needed <= room:
            used = needed
            continue
        lines += 1 if used else 0
        while len(word) > room:  # a word longer than the line breaks inside it
            lines += 1
            word = word[room:]
        used = len(word)
    return lines


def _text(size_pt: float, *, bold: bool = False) -> RichText:
    properties = CharacterProperties(sz=int(size_pt * 100), b=bold, latin=DrawingFont(typeface=FONT))
    return RichText(p=[Paragraph(pPr=ParagraphProperties(defRPr=properties), endParaRPr=properties)])


def set_chart_text(chart: BarChart, title: str, label_pt: float = FONT_PT) -> None:
    """Chart text in Arial, big enough to stay 8 pt or more once the sheet is fitted to the page."""
    chart.title = title
    chart.title.tx.rich.p[0].pPr = ParagraphProperties(defRPr=CharacterProperties(sz=1400, b=True, latin=DrawingFont(typeface=FONT)))
    for axis in (chart.x_axis, chart.y_axis):
        axis.txPr = _text(label_pt)
        if axis.title is not None:
            axis.title.tx.rich.p[0].pPr = ParagraphProperties(
                defRPr=CharacterProperties(sz=FONT_PT * 100, b=True, latin=DrawingFont(typeface=FONT))
            )


def bar_chart(
    title: str,
    axis_title: str,
    sheet: Worksheet,
    *,
    categories: tuple[int, int, int],
    values: tuple[int, int, int],
    signs: Sequence[float] = (),
    label_pt: float = FONT_PT,
) -> BarChart:
    """A bar chart of one column of ``sheet``'s values (rows ``values[1]`` to ``values[2]``) against a column of labels.

    Bars are NHS blue for a gain and vermilion for a loss (``signs``: the values, to colour by),
    and every category is labelled (tick label skip 1), however many there are.
    """
    chart = BarChart()
    chart.style = 10
    chart.legend = None
    data = Reference(sheet, min_col=values[0], min_row=values[1], max_row=values[2])
    labels = Reference(sheet, min_col=categories[0], min_row=categories[1], max_row=categories[2])
    chart.add_data(data, titles_from_data=False)
    series = chart.series[0]
    series.cat = AxDataSource(strRef=StrRef(f=str(labels)))  # text labels (set_categories would make them numbers)
    series.graphicalProperties.solidFill = NHS_BLUE
    series.graphicalProperties.line.solidFill = NHS_BLUE
    series.invertIfNegative = False  # a loss is vermilion, not a hollow bar
    for index, value in enumerate(signs):
        if value < 0:
            point = DataPoint(idx=index)
            point.graphicalProperties.solidFill = LOSS
            point.graphicalProperties.line.solidFill = LOSS
            series.dPt.append(point)
    chart.y_axis.title = axis_title
    chart.y_axis.number_format = MONEY_EXCEL_FORMAT
    set_chart_text(chart, title, label_pt)
    chart.y_axis.majorGridlines = None
    chart.x_axis.delete = False  # openpyxl 3.1 leaves the axes unset, and Excel then hides them
    chart.y_axis.delete = False
    chart.x_axis.tickLblPos = "low"  # labels clear of negative bars
    chart.x_axis.tickLblSkip = 1  # every practice labelled, not every other one
    chart.x_axis.tickMarkSkip = 1
    return chart
