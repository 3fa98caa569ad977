"""An .xlsx/.xlsm workbook -> its sheets' cells, read with a streaming XML parser under limits.

Only the cells present in the file are kept, so a stray value in XFD1048576 is one cell, not a
grid of seventeen billion. Each cell keeps what the user sees: a number formatted as a
percentage becomes a PercentCell, a date-formatted number the date, an error value its text
(``#N/A``) and a formula with no saved result an Uncalculated (``=SUM(E2:E9)``). Any DTD or entity
declaration is refused (the "billion laughs" and external-entity tricks need one). Zip sizes are
checked by the caller (finance.ingest.archive) before anything here runs.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import posixpath
import re
import xml.parsers.expat
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field

from finance.errors import UploadError
from finance.ingest.cells import PercentCell, Uncalculated, is_error_value

# Columns beyond this are kept aside (far cells) rather than widening every row list.
KEPT_COLUMNS = 1_000
_BUILTIN_PERCENT = {9, 10}
_BUILTIN_DATE = {14, 15, 16, 17, 18, 19, 20, 21, 22, 27, 30, 36, 45, 46, 47, 50, 57}
_EXCEL_EPOCH = dt.datetime(1899, 12, 30)
_CHUNK = 1 << 16


class _Refused(Exception):
    """The XML declares a DTD or entities."""


@dataclass
class SheetCells:
    """One worksheet as read: rows that hold something, with their sheet row numbers."""

    name: str
    hidden: bool
    rows: list[list[object]] = field(repr=False)
    row_numbers: list[int] = field(repr=False)
    formulas: dict[tuple[int, int], str] = field(default_factory=dict, repr=False)  # (row, column) -> formula with a saved value
    far: list[tuple[int, int, object]] = field(default_factory=list, repr=False)  # (row, column, value) beyond KEPT_COLUMNS
    dimension: str | None = None
    formula_results: int = 0
    zero_results: int = 0
    uncalculated: int = 0
    error_like: bool = False  # some cell may show an error value (#N/A): validate looks for them only then


@dataclass
class WorkbookCells:
    sheets: list[SheetCells]
    recalculate_on_open: bool


def column_number(letters: str) -> int:
    """'A' -> 0, 'AB' -> 27."""
    index = 0
    for char in letters.upper():
        index = index * 26 + ord(char) - 64
    return index - 1


def _parser(start: Callable, end: Callable | None = None, text: Callable | None = None) -> xml.parsers.expat.XMLParserType:
    parser = xml.parsers.expat.ParserCreate()
    parser.buffer_text = True

    def refuse(*_args: object) -> None:
        raise _Refused

    parser.StartDoctypeDeclHandler = refuse
    parser.EntityDeclHandler = refuse
    parser.ExternalEntityRefHandler = refuse
    parser.SetParamEntityParsing(xml.parsers.expat.XML_PARAM_ENTITY_PARSING_NEVER)
    parser.StartElementHandler = start
    if end is not None:
        parser.EndElementHandler = end
    if text is not None:
        parser.CharacterDataHandler = text
    return parser


def _local(tag: str, cache: dict[str, str]) -> str:
    name = cache.get(tag)
    if name is None:
        name = cache[tag] = tag.rpartition(":")[2]
    return name


def _feed(archive: zipfile.ZipFile, member: str, parser: xml.parsers.expat.XMLParserType, file: str) -> None:
    try:
        with archive.open(member) as stream:
            while chunk := stream.read(_CHUNK):
                parser.Parse(chunk, False)
            parser.Parse(b"", True)
    except _Refused:
        raise UploadError(
            f"{file} contains XML that is not allowed in a workbook (entity definitions); it was not read. Save it again from Excel."
        ) from None
    except xml.parsers.expat.ExpatError as exc:
        if exc.code == xml.parsers.expat.errors.codes[xml.parsers.expat.errors.XML_ERROR_UNDEFINED_ENTITY]:
            raise UploadError(
                f"{file} contains XML that is not allowed in a workbook (entity references); it was not read. Save it again from Excel."
            ) from None
        raise UploadError(f"{file} is damaged: part {member} is not valid XML. Save it again from Excel as .xlsx.") from None
    except (zipfile.BadZipFile, EOFError, OSError, ValueError):
        raise UploadError(f"{file} is damaged: it could not be unpacked. Save it again from Excel as .xlsx.") from None


def _relationships(archive: zipfile.ZipFile, member: str, file: str, names: set[str]) -> dict[str, tuple[str, str]]:
    """Relationship id -> (target part, type's last word) for one part's .rels."""
    folder, base = posixpath.split(member)
    rels = posixpath.join(folder, "_rels", base + ".rels")
    found: dict[str, tuple[str, str]] = {}
    if rels not in names:
        return found

    def start(tag: str, attrs: dict[str, str]) -> None:
        if tag.rpartition(":")[2] == "Relationship" and attrs.get("TargetMode") != "External":
            target = attrs.get("Target", "")
            path = target.lstrip("/") if target.startswith("/") else posixpath.normpath(posixpath.join(folder, target))
            found[attrs.get("Id", "")] = (path, attrs.get("Type", "").rpartition("/")[2])

    _feed(archive, rels, _parser(start), file)
    return found


def _workbook_part(archive: zipfile.ZipFile, file: str, names: set[str]) -> str:
    for path, kind in _relationships(archive, "", file, names).values():
        if kind == "officeDocument" and path in names:
            return path
    if "xl/workbook.xml" in names:
        return "xl/workbook.xml"
    raise UploadError(f"{file} is not an Excel workbook (it looks like another kind of document): upload .xlsx or .csv files.")


def _sheet_list(archive: zipfile.ZipFile, member: str, file: str) -> tuple[list[tuple[str, str, bool]], bool]:
    """(name, relationship id, hidden) of each sheet, and whether the file asks for a recalculation on open."""
    sheets: list[tuple[str, str, bool]] = []
    calc = {"full": False}

    def start(tag: str, attrs: dict[str, str]) -> None:
        local = tag.rpartition(":")[2]
        if local == "sheet":
            rid = next((v for k, v in attrs.items() if k.rpartition(":")[2] == "id"), "")
            sheets.append((attrs.get("name", ""), rid, attrs.get("state", "visible") in ("hidden", "veryHidden")))
        elif local == "calcPr":
            calc["full"] = attrs.get("fullCalcOnLoad", "0") in ("1", "true")

    _feed(archive, member, _parser(start), file)
    return sheets, calc["full"]


def _shared_strings(archive: zipfile.ZipFile, member: str | None, file: str) -> list[str]:
    strings: list[str] = []
    if member is None:
        return strings
    state = {"depth_phonetic": 0, "in_t": False}
    parts: list[str] = []
    cache: dict[str, str] = {}

    def start(tag: str, attrs: dict[str, str]) -> None:
        local = _local(tag, cache)
        if local == "si":
            parts.clear()
        elif local == "t" and not state["depth_phonetic"]:
            state["in_t"] = True
        elif local == "rPh":
            state["depth_phonetic"] += 1

    def end(tag: str) -> None:
        local = _local(tag, cache)
        if local == "si":
            strings.append("".join(parts))
        elif local == "t":
            state["in_t"] = False
        elif local == "rPh":
            state["depth_phonetic"] -= 1

    def text(data: str) -> None:
        if state["in_t"]:
            parts.append(data)

    _feed(archive, member, _parser(start, end, text), file)
    return strings


_QUOTED = re.compile(r'"[^"]*"|\[[^\]]*\]|\\.|_.|\*.')


def number_format_kind(code: str) -> str | None:
    """'percent', 'date' or None for a number format code such as '0.0%' or 'dd/mm/yyyy'."""
    bare = _QUOTED.sub("", code.split(";")[0])
    if "%" in bare:
        return "percent"
    if re.search(r"[dmyhs]", bare, re.IGNORECASE) and not re.search(r"[#0?]", bare.replace("s.0", "s").replace("ss.00", "ss")):
        return "date"
    return None


def _styles(archive: zipfile.ZipFile, member: str | None, file: str) -> tuple[set[int], set[int]]:
    """The style indexes (the s= of a cell) shown as a percentage, and those shown as a date."""
    percent: set[int] = set()
    dates: set[int] = set()
    if member is None:
        return percent, dates
    custom: dict[int, str] = {}
    state = {"in_xfs": False, "index": 0}

    def start(tag: str, attrs: dict[str, str]) -> None:
        local = tag.rpartition(":")[2]
        if local == "numFmt":
            with contextlib.suppress(ValueError):
                custom[int(attrs.get("numFmtId", "-1"))] = attrs.get("formatCode", "")
        elif local == "cellXfs":
            state["in_xfs"] = True
        elif local == "xf" and state["in_xfs"]:
            try:
                fmt = int(attrs.get("numFmtId", "0"))
            except ValueError:
                fmt = 0
            kind = number_format_kind(custom[fmt]) if fmt in custom else ("percent" if fmt in _BUILTIN_PERCENT else None)
            if kind is None and fmt not in custom and fmt in _BUILTIN_DATE:
                kind = "date"
            if kind == "percent":
                percent.add(state["index"])
            elif kind == "date":
                dates.add(state["index"])
            state["index"] += 1

    def end(tag: str) -> None:
        if tag.rpartition(":")[2] == "cellXfs":
            state["in_xfs"] = False

    _feed(archive, member, _parser(start, end), file)
    return percent, dates


def excel_date_text(serial: float) -> str:
    """An Excel date serial as the date it shows (1900 date system)."""
    try:
        moment = _EXCEL_EPOCH + dt.timedelta(days=serial)
    except (OverflowError, ValueError):
        return repr(serial)
    if moment.hour or moment.minute:
        return moment.strftime("%Y-%m-%d %H:%M")
    return moment.strftime("%Y-%m-%d")


class _CellBudget:
    """Counts cells across every sheet of every file and stops the read once over the limit."""

    def __init__(self, limit: int):
        self.limit = limit
        self.used = 0


def _sheet(
    archive: zipfile.ZipFile,
    member: str,
    sheet: SheetCells,
    strings: list[str],
    percent_styles: set[int],
    date_styles: set[int],
    budget: _CellBudget,
    file: str,
) -> None:
    rows, row_numbers, formulas, far = sheet.rows, sheet.row_numbers, sheet.formulas, sheet.far
    cache: dict[str, str] = {}
    columns: dict[str, int] = {}
    n_strings = len(strings)
    # The cell being read: [row values, row number, column, type, style, has formula, formula text, value parts]
    state: dict[str, object] = {"row": None, "number": 0, "col": -1, "t": "n", "s": 0, "f": False, "ftext": "", "target": None}
    value_parts: list[str] = []
    formula_parts: list[str] = []
    counts = {"results": 0, "zeros": 0, "uncalculated": 0, "cells": 0}

    def start(tag: str, attrs: dict[str, str]) -> None:
        local = cache.get(tag) or _local(tag, cache)
        if local == "c":
            ref = attrs.get("r")
            if ref:
                letters = ref.rstrip("0123456789")
                col = columns.get(letters)
                if col is None:
                    col = columns[letters] = column_number(letters)
                state["col"] = col
            else:
                state["col"] = state["col"] + 1  # type: ignore[operator]
            state["t"] = attrs.get("t", "n")
            style = attrs.get("s")
            state["s"] = int(style) if style and style.isdigit() else 0
            state["f"] = False
            state["seen"] = False
            state["target"] = None
            value_parts.clear()
            formula_parts.clear()
        elif local == "v" or (local == "t" and state["t"] == "inlineStr"):
            state["target"] = value_parts
            state["seen"] = True
        elif local == "f":
            state["f"] = True
            state["target"] = formula_parts
        elif local == "row":
            ref = attrs.get("r")
            number = int(ref) if ref and ref.isdigit() else state["number"] + 1  # type: ignore[operator]
            state["number"] = number
            state["col"] = -1
            state["row"] = None
        elif local == "dimension":
            sheet.dimension = attrs.get("ref")

    def end(tag: str) -> None:
        local = cache.get(tag) or _local(tag, cache)
        if local == "c":
            _finish_cell()
        elif local in ("v", "t", "f"):
            state["target"] = None

    def text(data: str) -> None:
        target = state["target"]
        if target is not None:
            target.append(data)  # type: ignore[attr-defined]

    def _finish_cell() -> None:
        kind = state["t"]
        has_value = bool(value_parts)
        raw = "".join(value_parts) if has_value else ""
        value: object
        if state["f"]:
            # No <v>, or an empty <v/> on a cell that is not a text formula (openpyxl writes <v/>): never calculated.
            if not state["seen"] or (not has_value and kind != "str"):
                formula = "".join(formula_parts)
                value = Uncalculated("=" + formula if formula else "=(a formula)")
                counts["uncalculated"] += 1
                _store(value)
                return
            counts["results"] += 1
        elif not has_value:
            return  # a formatted but empty cell
        if kind == "s":
            try:
                index = int(raw)
            except ValueError:
                index = -1
            value = strings[index] if 0 <= index < n_strings else ""
        elif kind in ("inlineStr", "str"):
            value = raw
            if raw[:1] == "#" or raw[:4] == "Err:":
                sheet.error_like = True
        elif kind == "b":
            value = "TRUE" if raw.strip() in ("1", "true") else "FALSE"
        elif kind == "e":
            value = raw.strip()
            sheet.error_like = True
        elif kind == "d":
            value = raw.strip()[:16].replace("T", " ").removesuffix(" 00:00")
        else:
            try:
                number = float(raw)
            except ValueError:
                value = raw
            else:
                style = state["s"]
                if style in percent_styles:
                    value = PercentCell(number)
                elif style in date_styles:
                    value = excel_date_text(number)
                else:
                    value = number
                if state["f"] and number == 0:
                    counts["zeros"] += 1
        if state["f"]:
            formulas[(state["number"], state["col"])] = "=" + "".join(formula_parts)  # type: ignore[index]
        if value == "":
            return
        _store(value)

    def _store(value: object) -> None:
        counts["cells"] += 1
        if counts["cells"] & 0xFFFF == 0:
            _spend()
        col = state["col"]
        if col >= KEPT_COLUMNS:  # type: ignore[operator]
            far.append((state["number"], col, value))  # type: ignore[arg-type]
            return
        row = state["row"]
        if row is None:
            row = state["row"] = []
            rows.append(row)  # type: ignore[arg-type]
            row_numbers.append(state["number"])  # type: ignore[arg-type]
        gap = col - len(row)  # type: ignore[operator, arg-type]
        if gap > 0:
            row.extend([""] * gap)  # type: ignore[attr-defined]
        if gap >= 0:
            row.append(value)  # type: ignore[attr-defined]
        else:
            row[col] = value  # type: ignore[index]

    def _spend() -> None:
        budget.used += 0x10000
        if budget.used > budget.limit:
            raise UploadError(
                f"{file} holds more than {budget.limit:,} filled cells, over the limit for one upload: "
                "remove unused sheets and rows, or split it."
            )

    _feed(archive, member, _parser(start, end, text), file)
    budget.used += counts["cells"] & 0xFFFF
    if budget.used > budget.limit:
        _spend()
    sheet.formula_results, sheet.zero_results, sheet.uncalculated = counts["results"], counts["zeros"], counts["uncalculated"]


def read_xlsx(archive: zipfile.ZipFile, file: str, *, max_cells: int, budget: _CellBudget | None = None) -> WorkbookCells:
    """Every worksheet's cells (chart sheets and macro sheets are skipped)."""
    names = set(archive.namelist())
    workbook = _workbook_part(archive, file, names)
    listed, recalc = _sheet_list(archive, workbook, file)
    rels = _relationships(archive, workbook, file, names)
    by_kind = {kind: path for path, kind in rels.values() if path in names}
    strings = _shared_strings(archive, by_kind.get("sharedStrings"), file)
    percent, dates = _styles(archive, by_kind.get("styles"), file)
    budget = budget or _CellBudget(max_cells)
    sheets: list[SheetCells] = []
    for name, rid, hidden in listed:
        path, kind = rels.get(rid, ("", ""))
        if kind != "worksheet" or path not in names:
            continue
        sheet = SheetCells(name, hidden, [], [], error_like=any(is_error_value(s.strip()) for s in strings))
        _sheet(archive, path, sheet, strings, percent, dates, budget, file)
        sheets.append(sheet)
    return WorkbookCells(sheets, recalc)


def cell_budget(limit: int) -> _CellBudget:
    return _CellBudget(limit)
