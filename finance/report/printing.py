"""How each sheet of the board pack prints: A4, one page wide at a legible size, titles, header and footer.

Fit-to-width shrinks a sheet until its columns fit the page, so the text on paper is 11 pt times
(printable width / the sheet's width). ``printed_font_pt`` works that out from the column widths,
and the sheets are laid out (one grid of columns, second tables below the first, charts below the
tables) so that it stays at 8 pt or more. A chart starts on a fresh page when it would otherwise
cross a page break.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from openpyxl.utils import get_column_letter
from openpyxl.worksheet.pagebreak import Break
from openpyxl.worksheet.worksheet import Worksheet

from finance.report.safe_text import excel_text

A4_MM = (210.0, 297.0)
MARGIN_IN = 0.4  # left and right; top and bottom leave room for the header and footer
TOP_BOTTOM_IN = 0.7
HEADER_IN = 0.3
BASE_FONT_PT = 11.0  # the pack's Arial 11 (sheets.use_font)
LEAST_FONT_PT = 8.0
DEFAULT_WIDTH = 8.43
DEFAULT_ROW_PT = 15.0
CM_PER_PT = 2.54 / 72


@dataclass(frozen=True)
class PrintInfo:
    """What every page's header and footer says."""

    federation: str
    date: str
    data: str


def column_mm(width: float) -> float:
    """Printed width at 100% of a column ``width`` characters wide in the pack's Arial 11.

    A character is the default font's digit: Arial 11's is 8 px, plus 5 px of padding a column, at
    96 px an inch. LibreOffice (Liberation Sans) measured the same on Debian: 160 characters in 8
    columns, 346 mm. Without Liberation it falls back to DejaVu Sans, about 15% wider.
    """
    return (math.trunc(width * 8 + 5)) * 25.4 / 96


def sheet_width_mm(sheet: Worksheet) -> float:
    last = max(sheet.max_column, 1)
    return sum(column_mm(_width(sheet, c)) for c in range(1, last + 1))


def printable_mm(landscape: bool) -> tuple[float, float]:
    """The printable (width, height) of an A4 page with the pack's margins, header and footer excluded."""
    short, long = A4_MM
    width, height = (long, short) if landscape else (short, long)
    return width - 2 * MARGIN_IN * 25.4, height - 2 * TOP_BOTTOM_IN * 25.4


def scale(sheet: Worksheet, landscape: bool) -> float:
    """The factor fit-to-width prints the sheet at (1.0 when it is narrower than the page)."""
    return min(1.0, printable_mm(landscape)[0] / sheet_width_mm(sheet))


def printed_font_pt(sheet: Worksheet, landscape: bool) -> float:
    """The size the sheet's 11 pt text comes out on A4 once fitted to one page wide."""
    return BASE_FONT_PT * scale(sheet, landscape)


def set_up_page(
    sheet: Worksheet, info: PrintInfo, *, landscape: bool, title_rows: tuple[int, int] | None = None, title: str | None = None
) -> None:
    """A4, landscape or portrait, one page wide (as many pages tall as it takes), header and footer, print titles."""
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.orientation = "landscape" if landscape else "portrait"
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.print_options.horizontalCentered = False
    margins = sheet.page_margins
    margins.left = margins.right = MARGIN_IN
    margins.top = margins.bottom = TOP_BOTTOM_IN
    margins.header = margins.footer = HEADER_IN
    if title_rows:
        sheet.print_title_rows = f"{title_rows[0]}:{title_rows[1]}"
    sheet.oddHeader.left.text = header_text(info.federation)
    sheet.oddHeader.center.text = header_text(title, limit=60) if title else "&A"  # the option's name, or the sheet's
    sheet.oddHeader.right.text = header_text(info.date)
    sheet.oddFooter.left.text = header_text(info.data)
    sheet.oddFooter.right.text = "Page &P of &N"


def header_text(text: str, limit: int = 80) -> str:
    """Text for a header or footer: '&' is a code there (written '&&'), and Excel allows 255 characters in all.

    >>> header_text("Smith & Jones Federation")
    'Smith && Jones Federation'
    """
    plain = " ".join(excel_text(text).split())
    if len(plain) > limit:
        plain = plain[: limit - 1].rstrip() + "…"
    return plain.replace("&", "&&")


def rows_height_pt(sheet: Worksheet, first: int, last: int) -> float:
    return sum((sheet.row_dimensions[r].height or DEFAULT_ROW_PT) for r in range(first, last + 1))


def chart_rows(height_cm: float) -> int:
    """How many default rows a chart ``height_cm`` tall covers."""
    return math.ceil(height_cm / (DEFAULT_ROW_PT * CM_PER_PT))


def page_room_cm(sheet: Worksheet, *, landscape: bool, title_pt: float = 0.0) -> float:
    """The height (at 100%) a chart can take on a page of its own, below the repeated title rows."""
    return (printable_mm(landscape)[1] / 25.4 * 72 / scale(sheet, landscape) - title_pt) * CM_PER_PT


def break_before_chart(
    sheet: Worksheet, row: int, height_cm: float, *, landscape: bool, title_pt: float = 0.0, always: bool = False
) -> bool:
    """Put a page break above ``row`` when a chart starting there would cross the page's end (or ``always``); True if it did.

    Pages are counted from the top, at the sheet's fit-to-width scale; repeated title rows
    (``title_pt`` tall) take their height from every page after a break.
    """
    page_pt = printable_mm(landscape)[1] / 25.4 * 72 / scale(sheet, landscape)
    breaks = {b.id for b in sheet.row_breaks.brk}
    used = 0.0
    for r in range(1, row):
        height = sheet.row_dimensions[r].height or DEFAULT_ROW_PT
        if r - 1 in breaks or used + height > page_pt:  # a break above row r
            used = title_pt
        used += height
    # LibreOffice's header and footer take more of the page than Excel's: a chart fits only with room to spare.
    if used <= title_pt or (not always and used + height_cm / CM_PER_PT <= page_pt * 0.8):
        return False
    # One row above ``row`` (a break's id is the 0-based row below it): a chart starting right at the break
    # printed a sliver of its frame on the page before in LibreOffice.
    sheet.row_breaks.append(Break(id=row - 2))
    return True


def _width(sheet: Worksheet, column: int) -> float:
    dimension = sheet.column_dimensions.get(get_column_letter(column))  # .get: indexing would create one 13 wide
    if dimension is None or dimension.width is None:
        return DEFAULT_WIDTH
    return float(dimension.width)


def chart_width_cm(sheet: Worksheet, *, most: float = 26.0) -> float:
    """A chart as wide as the sheet's columns (so fit-to-width is not widened by it), at most ``most`` cm."""
    return min(sheet_width_mm(sheet) / 10 * 0.97, most)
