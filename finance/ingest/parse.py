"""Cells -> typed values, a column at a time: text, ODS codes, numbers, money, percentages, yes/no.

Each parser takes a column of raw cells (numbers or text, as read) and returns the parsed values
plus a mask of blank cells and a mask of cells it could not read, so the validator can say which
cell broke which rule. Vectorised with pandas: a 260,000-row income sheet parses in well under a
second.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np
import pandas as pd
import pyarrow as pa

from finance.ingest.tables import NO_WORDS, STREAM_WORDS, YES_WORDS, normalise_name

ODS_PRACTICE_CODE = re.compile(r"^[A-Z][0-9]{5}$")

# One amount as people type it: optional brackets or sign, optional £, thousands commas, a trailing %.
_NUMBER = re.compile(
    r"^\s*(?P<open>\()?\s*(?P<sign>[-+])?\s*(?:£|GBP)?\s*(?P<sign2>[-+])?\s*"
    r"(?P<digits>\d{1,3}(?:,\d{3})+(?:\.\d*)?|\d+(?:\.\d*)?|\.\d+)\s*(?P<pct>%)?\s*(?P<close>\))?\s*$",
    re.IGNORECASE,
)
_DASHES = str.maketrans({"\u2212": "-", "\u2013": "-", "\u2014": "-", "\xa0": " ", "\u202f": " "})
# Characters a user cannot see: zero-width ones are removed, non-breaking spaces become spaces
# (a code pasted from a web page or an email often carries them).
_INVISIBLE = str.maketrans(
    {"\u200b": None, "\u200c": None, "\u200d": None, "\u2060": None, "\ufeff": None, "\xa0": " ", "\u202f": " ", "\u2007": " "}
)
# A European amount: dots between thousands, a comma before the decimals (1.234.567,89).
_EU_NUMBER = re.compile(r"^(?P<lead>[^\d]*?)(?P<int>\d{1,3}(?:\.\d{3})+|\d+)(?:,(?P<dec>\d+))?(?P<trail>[^\d]*)$")
# Reads two ways when a file does not show its decimal mark: one mark followed by exactly three digits.
AMBIGUOUS = re.compile(r"^[^\d]*[1-9]\d{0,2}[.,]\d{3}[^\d]*$")
# Larger than any amount in a practice's or a federation's year; keeps every sum far from overflow.
MAX_MAGNITUDE = 1e12


@dataclass(frozen=True)
class Parsed:
    values: pd.Series
    blank: pd.Series  # bool: the cell is empty
    bad: pd.Series  # bool: the cell is not empty and could not be read
    ambiguous: pd.Series | None = None  # bool: a number that reads two ways (decimal mark unknown)
    huge: pd.Series | None = None  # bool: a number beyond MAX_MAGNITUDE or not finite (1e308, inf)


def cell_text(value: object) -> str:
    """The text a user sees in a cell: 12.0 shows as '12', text is stripped."""
    if value is None:
        return ""
    if isinstance(value, float):
        if value != value:  # NaN
            return ""
        if value.is_integer() and abs(value) < 1e15:
            return str(int(value))
        return repr(value)
    return str(value).translate(_INVISIBLE).strip()


class Distinct:
    """A column as its distinct values and, for each row, which of them it holds: a conversion runs
    once a distinct value (an income sheet of 260,000 rows has a few thousand practice codes and a
    few dozen line names), and a column factorised once serves every check that reads it."""

    __slots__ = ("codes", "index", "values")

    def __init__(self, codes: np.ndarray, values: np.ndarray, index: pd.Index):
        self.codes, self.values, self.index = codes, values, index

    @classmethod
    def of(cls, raw: pd.Series) -> Distinct:
        codes, distinct = pd.factorize(raw.astype(object), use_na_sentinel=False)
        return cls(codes, np.asarray(distinct, dtype=object), raw.index)

    @classmethod
    def of_text(cls, cells: list[str], index: pd.Index) -> Distinct:
        """The same for cells that are all text (a CSV file's), factorised by Arrow: about twice as fast."""
        try:
            arrow = pa.array(cells, type=pa.string())
        except (pa.ArrowException, UnicodeError, TypeError):
            return cls.of(pd.Series(cells, index=index, dtype=object))
        return cls.of_arrow(arrow, index)

    @classmethod
    def of_arrow(cls, cells: pa.Array, index: pd.Index) -> Distinct:
        """The same for a column of Arrow text (a CSV file read by Arrow: finance/ingest/text_rows.py)."""
        encoded = cells.dictionary_encode()
        codes = encoded.indices.to_numpy(zero_copy_only=False).astype(np.intp, copy=False)
        return cls(codes, np.array(encoded.dictionary.to_pylist(), dtype=object), index)

    def map(self, convert) -> Distinct:
        """``convert`` applied to each distinct value; the rows keep pointing at theirs."""
        return Distinct(self.codes, np.array([convert(v) for v in self.values] or [""], dtype=object), self.index)

    def rows(self, keep: np.ndarray, index: pd.Index) -> Distinct:
        """The same column with only the rows ``keep`` (a bool mask), under a new index."""
        return Distinct(self.codes[keep], self.values, index)

    def mask(self, test) -> pd.Series:
        """A bool Series: ``test`` of each row's value."""
        truth = np.array([bool(test(v)) for v in self.values] or [False], dtype=bool)
        return pd.Series(truth[self.codes], index=self.index, dtype=bool)

    def series(self) -> pd.Series:
        return pd.Series(self.values[self.codes], index=self.index, dtype=object)


def distinct_of(raw: pd.Series | Distinct) -> Distinct:
    return raw if isinstance(raw, Distinct) else Distinct.of(raw)


def on_distinct(raw: pd.Series | Distinct, convert) -> pd.Series:
    """``raw.map(convert)``, converting each distinct value once."""
    return distinct_of(raw).map(convert).series()


def as_text(raw: pd.Series | Distinct) -> pd.Series:
    """Every cell as stripped text ('' when empty)."""
    return on_distinct(raw, cell_text)


def parse_text(raw: pd.Series, distinct: Distinct | None = None) -> Parsed:
    text = distinct_of(raw if distinct is None else distinct).map(cell_text)
    blank = text.mask(_is_empty)
    values = text.series()
    return Parsed(values.where(~blank, None), blank, pd.Series(False, index=raw.index))


def _is_empty(text: str) -> bool:
    return text == ""


def _code_text(value: object) -> str:
    return "".join(cell_text(value).split()).upper()  # str.split() splits on exactly what \s matches


def parse_code(raw: pd.Series, distinct: Distinct | None = None) -> Parsed:
    """ODS practice codes: upper-cased, spaces removed; anything else is bad."""
    codes = distinct_of(raw if distinct is None else distinct).map(_code_text)
    text = codes.series()
    blank = codes.mask(_is_empty)
    valid = codes.mask(lambda code: ODS_PRACTICE_CODE.match(code))
    return Parsed(text.where(~blank, None), blank, ~blank & ~valid)


def parse_number(raw: pd.Series, *, allow_percent_sign: bool = False, decimal: str = ".", distinct: Distinct | None = None) -> Parsed:
    """Numbers typed any way an Excel user would: 12345, £12,345.67, (1,200.00), -1200, 10%.

    ``decimal`` is the file's decimal mark: "." (UK), "," (a European CSV: 1.234,56 is 1234.56 and
    103.694 is 103694) or "?" when the file does not show it (a number such as 103.694 is then
    flagged ``ambiguous``, never guessed).
    """
    ambiguous = pd.Series(False, index=raw.index)
    if decimal == "?":
        ambiguous = distinct_of(raw if distinct is None else distinct).mask(lambda v: isinstance(v, str) and AMBIGUOUS.match(v.strip()))
    if decimal == ",":
        raw = on_distinct(raw if distinct is None else distinct, _european)
    values = pd.to_numeric(raw, errors="coerce").astype(float)
    failed = values.isna()
    blank = pd.Series(False, index=raw.index)
    bad = pd.Series(False, index=raw.index)
    if failed.any():
        text = raw[failed].map(cell_text).str.translate(_DASHES).str.strip()
        is_blank = text == ""
        blank.loc[is_blank[is_blank].index] = True
        rest = text[~is_blank]
        if len(rest):
            parsed = _parse_number_text(rest, allow_percent_sign)
            values.loc[rest.index] = parsed
            bad.loc[rest.index] = parsed.isna()
    huge = (~np.isfinite(values) & ~values.isna()) | (values.abs() > MAX_MAGNITUDE)
    bad |= huge | ambiguous
    values = values.where(~bad & ~blank, np.nan)
    return Parsed(values, blank, bad, ambiguous, huge)


def _european(value: object) -> object:
    """'1.234,56' -> '1234.56' (then read as usual); a number in another form cannot be read."""
    if not isinstance(value, str) or not any(ch.isdigit() for ch in value):
        return value
    text = value.translate(_DASHES).strip()
    match = _EU_NUMBER.match(text)
    if match is None:
        return "\x00" + text  # e.g. 1,234.56 in a file whose decimal mark is the comma
    number = match["int"].replace(".", "") + ("." + match["dec"] if match["dec"] else "")
    return match["lead"] + number + match["trail"]


def _parse_number_text(text: pd.Series, allow_percent_sign: bool) -> pd.Series:
    """The numbers in cells that are not plain numbers (a few in a hundred: £12,345.67, (1,200.00), 10%); NaN where none.

    A loop over those cells (one match each) rather than ``str.extract``, which builds a row of
    groups per cell; the digits are still read by ``pd.to_numeric``.
    """
    digits: list[str | None] = []
    negative: list[bool] = []
    for value in text.tolist():
        match = _NUMBER.search(value)
        if match is None:
            digits.append(None)
            negative.append(False)
            continue
        brackets = match["open"] is not None and match["close"] is not None
        unbalanced = (match["open"] is None) != (match["close"] is None)
        signs = (match["sign"] or "") + (match["sign2"] or "")
        ok = not unbalanced and len(signs) <= 1 and not (brackets and signs) and (allow_percent_sign or match["pct"] is None)
        digits.append(match["digits"].replace(",", "") if ok else None)
        negative.append(brackets or signs == "-")
    number = pd.to_numeric(pd.Series(digits, index=text.index, dtype=object), errors="coerce").astype(float)
    return number.where(~pd.Series(negative, index=text.index, dtype=bool), -number)


def parse_yesno(raw: pd.Series, distinct: Distinct | None = None) -> Parsed:
    """yes/no in any case: y, yes, true, 1 / n, no, false, 0. Blank is left to the caller."""
    words = distinct_of(raw if distinct is None else distinct).map(lambda v: cell_text(v).lower())
    blank = words.mask(_is_empty)
    yes = words.mask(YES_WORDS.__contains__)
    no = words.mask(NO_WORDS.__contains__)
    values = pd.Series(np.where(yes, True, np.where(no, False, None)), index=raw.index, dtype=object)
    return Parsed(values, blank, ~blank & ~yes & ~no)


def parse_stream(raw: pd.Series, distinct: Distinct | None = None) -> Parsed:
    """contract, pcn_des or federation; GMS/PMS/APMS mean contract, 'PCN DES' means pcn_des."""
    text = distinct_of(raw if distinct is None else distinct).map(cell_text)
    blank = text.mask(_is_empty)
    values = text.map(lambda v: STREAM_WORDS.get(normalise_name(v))).series()
    bad = ~blank & values.isna()
    return Parsed(values.where(~bad & ~blank, None), blank, bad)


_EN_EVIDENCE = re.compile(r"^[^\d]*(?:\d{1,3}(?:,\d{3})+\.\d+|\d+\.(?:\d{1,2}|\d{4,})|\d{1,3}(?:,\d{3}){2,}|0\.\d+|\d+\.)[^\d]*$")
_EU_EVIDENCE = re.compile(r"^[^\d]*(?:\d{1,3}(?:\.\d{3})+,\d+|\d+,(?:\d{1,2}|\d{4,})|\d{1,3}(?:\.\d{3}){2,}|0,\d+|\d+,)[^\d]*$")
_CHUNK = 5_000


def detect_decimal(columns: list[pd.Series | Distinct], separator: str | None) -> tuple[str, str | None]:
    """A CSV file's decimal mark from its numbers: '.', ',' or '?' (not shown), and a value that shows it.

    A number such as 12.50 or 1,234,567 shows the dot; 12,50 or 1.234.567 the comma. Only the
    values up to the first that shows the mark are looked at: a value in the other form later
    cannot be read under the file's mark, and is reported as not an amount. The rows are taken
    5,000 at a time; the first such chunk that shows a mark decides, by its majority. Each
    distinct value is looked at once.
    """
    for column in columns:
        distinct = distinct_of(column)
        seen = np.zeros(len(distinct.values), dtype=bool)
        dot_of, comma_of = np.zeros(len(distinct.values), dtype=bool), np.zeros(len(distinct.values), dtype=bool)
        text_of = np.full(len(distinct.values), "", dtype=object)
        for start in range(0, len(distinct.codes), _CHUNK):
            codes = distinct.codes[start : start + _CHUNK]
            new = np.unique(codes[~seen[codes]])
            if len(new):
                seen[new] = True
                _look_for_marks(distinct.values[new], new, text_of, dot_of, comma_of)
            dot, comma = dot_of[codes], comma_of[codes]
            if dot.any() or comma.any():
                if dot.sum() >= comma.sum():
                    return ".", text_of[codes[np.flatnonzero(dot)[0]]]
                return ",", text_of[codes[np.flatnonzero(comma)[0]]]
    return ("?" if separator == ";" else "."), None


def _look_for_marks(values: np.ndarray, at: np.ndarray, text_of: np.ndarray, dot_of: np.ndarray, comma_of: np.ndarray) -> None:
    """Which of these distinct values show the dot or the comma as decimal mark (text only: numbers show none)."""
    cells = pd.Series(values, dtype=object)
    is_text = cells.map(lambda v: isinstance(v, str)).astype(bool).to_numpy()
    if not is_text.any():
        return
    text = cells[is_text].astype(str).str.strip()
    marked = text.str.contains(r"[.,]", regex=True).to_numpy(dtype=bool)
    where = at[is_text]
    text_of[where] = text.to_numpy(dtype=object)
    dot_of[where] = marked & text.str.match(_EN_EVIDENCE).to_numpy(dtype=bool)
    comma_of[where] = marked & text.str.match(_EU_EVIDENCE).to_numpy(dtype=bool)
