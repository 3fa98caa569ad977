"""Text that came from an upload, made safe to write into a spreadsheet, a CSV file or a web page.

Excel, LibreOffice and Google Sheets read a cell that starts with ``=``, ``+``, ``-`` or ``@`` (or a
tab or carriage return) as a formula, so a practice named ``=HYPERLINK("http://x","y")`` would run
when a partner opens the board pack. Following OWASP's advice on CSV injection, such text is
written with a single quote in front, which every spreadsheet shows as text and never runs. The
xlsx writer also marks the cell as text, because openpyxl otherwise stores any string starting
with ``=`` as a formula.
"""

from __future__ import annotations

import html
import re

import pandas as pd

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
# Characters an xlsx file (XML 1.0) cannot hold: openpyxl refuses them with IllegalCharacterError.
_NOT_IN_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


def neutralise(text: str) -> str:
    """Prefix a quote to text a spreadsheet would read as a formula; leave other text alone.

    >>> neutralise('=HYPERLINK("http://x","y")'), neutralise("-5"), neutralise("Riverside Surgery")
    ('\\'=HYPERLINK("http://x","y")', "'-5", 'Riverside Surgery')
    >>> neutralise("  =1+1")
    "'  =1+1"
    """
    if text.startswith(FORMULA_STARTS) or text.lstrip().startswith(FORMULA_STARTS):
        return "'" + text
    return text


def excel_text(text: str) -> str:
    """Text for an xlsx cell: neutralised, without the control characters XML cannot carry."""
    return neutralise(_NOT_IN_XML.sub("", text))


def neutralise_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy with every text cell neutralised (numbers, booleans and blanks untouched)."""
    safe = frame.copy()
    for column in safe.columns:
        if safe[column].dtype == object or pd.api.types.is_string_dtype(safe[column]):
            safe[column] = safe[column].map(lambda v: neutralise(v) if isinstance(v, str) else v)
    return safe


def html_text(value: object) -> str:
    """Text for a web page: every character shown as typed, none read as markup.

    >>> html_text("<b>A & B</b>")
    '&lt;b&gt;A &amp; B&lt;/b&gt;'
    """
    return html.escape("" if value is None else str(value), quote=True)
