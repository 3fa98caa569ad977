"""A LibreOffice .ods workbook -> its sheets' cells, read like an .xlsx (finance.ingest.xlsx).

content.xml is streamed; a cell's office:value-type says what the user sees (``percentage``:
0.08 shown as 8%, ``date``, ``float``, ``currency``), a formula with no saved value becomes an
Uncalculated. Repeated empty rows and columns (LibreOffice writes a row "repeated 1,048,000
times" to the foot of a sheet) are skipped, never expanded; repeated filled cells count against
the cell limit.
"""

from __future__ import annotations

import zipfile

from finance.errors import UploadError
from finance.ingest.cells import PercentCell, Uncalculated
from finance.ingest.xlsx import KEPT_COLUMNS, SheetCells, WorkbookCells, _CellBudget, _feed, _parser

_REPEAT_CAP = 100_000  # a repeated filled cell or row is expanded at most this many times (the cell limit applies too)


def _repeat(attrs: dict[str, str], name: str) -> int:
    raw = attrs.get(name, "1")
    return int(raw) if raw.isdigit() else 1


def read_ods(archive: zipfile.ZipFile, file: str, *, budget: _CellBudget) -> WorkbookCells:
    """Every sheet's cells; hidden sheets are marked."""
    if "content.xml" not in set(archive.namelist()):
        raise UploadError(f"{file} is not a spreadsheet we can read (no content.xml inside): save it again as .ods or .xlsx.")
    sheets: list[SheetCells] = []
    hidden_styles: set[str] = set()
    state: dict[str, object] = {
        "sheet": None,
        "style": None,
        "row_number": 0,
        "row_repeat": 1,
        "col": 0,
        "cell": None,
        "in_p": 0,
        "row": None,
        "row_start": 0,
    }
    text_parts: list[str] = []
    paragraphs: list[str] = []

    def spend(count: int) -> None:
        budget.used += count
        if budget.used > budget.limit:
            raise UploadError(
                f"{file} holds more than {budget.limit:,} filled cells, over the limit for one upload: "
                "remove unused sheets and rows, or split it."
            )

    def start(tag: str, attrs: dict[str, str]) -> None:
        if tag == "table:table-cell" or tag == "table:covered-table-cell":
            state["cell"] = attrs
            paragraphs.clear()
            text_parts.clear()
        elif tag == "text:p" and state["cell"] is not None:
            state["in_p"] = 1
            text_parts.clear()
        elif tag == "text:s" and state["in_p"]:
            text_parts.append(" " * min(_repeat(attrs, "text:c"), 1000))
        elif tag == "text:tab" and state["in_p"]:
            text_parts.append("\t")
        elif tag == "table:table-row":
            state["row_repeat"] = _repeat(attrs, "table:number-rows-repeated")
            state["col"] = 0
            state["row"] = None
            state["row_start"] = state["row_number"] + 1  # type: ignore[operator]
        elif tag == "table:table":
            sheet = SheetCells(attrs.get("table:name", ""), attrs.get("table:style-name") in hidden_styles, [], [])
            sheets.append(sheet)
            state["sheet"] = sheet
            state["row_number"] = 0
        elif tag == "style:style" and attrs.get("style:family") == "table":
            state["style"] = attrs.get("style:name")
        elif tag == "style:table-properties" and attrs.get("table:display") == "false" and state["style"]:
            hidden_styles.add(state["style"])  # type: ignore[arg-type]

    def end(tag: str) -> None:
        if tag == "text:p" and state["in_p"]:
            paragraphs.append("".join(text_parts))
            state["in_p"] = 0
        elif tag == "table:table-cell" or tag == "table:covered-table-cell":
            finish_cell()
        elif tag == "table:table-row":
            finish_row()
        elif tag == "table:table":
            state["sheet"] = None

    def text(data: str) -> None:
        if state["in_p"]:
            text_parts.append(data)

    def finish_cell() -> None:
        attrs: dict[str, str] = state["cell"]  # type: ignore[assignment]
        state["cell"] = None
        repeat = _repeat(attrs, "table:number-columns-repeated")
        col: int = state["col"]  # type: ignore[assignment]
        state["col"] = col + repeat
        value = cell_value(attrs, "\n".join(paragraphs))
        if value is None or value == "":
            return
        repeat = min(repeat, _REPEAT_CAP)
        spend(repeat)
        sheet: SheetCells = state["sheet"]  # type: ignore[assignment]
        if sheet is None:
            return
        if attrs.get("table:formula") and not isinstance(value, Uncalculated):
            for offset in range(repeat):
                sheet.formulas[(state["row_start"], col + offset)] = "=" + attrs["table:formula"].removeprefix("of:=")  # type: ignore[index]
            sheet.formula_results += repeat
            if isinstance(value, float) and value == 0:
                sheet.zero_results += repeat
        if isinstance(value, Uncalculated):
            sheet.uncalculated += repeat
        elif isinstance(value, str) and (value[:1] == "#" or value[:4] == "Err:"):
            sheet.error_like = True
        row = state["row"]
        if row is None:
            row = state["row"] = []
        for offset in range(repeat):
            position = col + offset
            if position >= KEPT_COLUMNS:
                sheet.far.append((state["row_start"], position, value))  # type: ignore[arg-type]
                continue
            gap = position - len(row)  # type: ignore[arg-type]
            if gap > 0:
                row.extend([""] * gap)  # type: ignore[attr-defined]
            row.append(value)  # type: ignore[attr-defined]

    def finish_row() -> None:
        repeat: int = state["row_repeat"]  # type: ignore[assignment]
        start_number: int = state["row_start"]  # type: ignore[assignment]
        state["row_number"] = start_number + repeat - 1
        row = state["row"]
        sheet: SheetCells = state["sheet"]  # type: ignore[assignment]
        if row is None or sheet is None:
            return
        copies = min(repeat, _REPEAT_CAP)
        if copies > 1:
            spend(len(row) * (copies - 1))  # type: ignore[arg-type]
        for offset in range(copies):
            sheet.rows.append(row if offset == 0 else list(row))  # type: ignore[arg-type]
            sheet.row_numbers.append(start_number + offset)

    _feed(archive, "content.xml", _parser(start, end, text), file)
    recalc = False
    return WorkbookCells(sheets, recalc)


def cell_value(attrs: dict[str, str], shown: str) -> object:
    """The value a cell shows: a number, a PercentCell, text (dates as shown), or an Uncalculated."""
    kind = attrs.get("office:value-type")
    formula = attrs.get("table:formula")
    if kind in ("float", "currency"):
        return _number(attrs.get("office:value"), shown)
    if kind == "percentage":
        number = _number(attrs.get("office:value"), shown)
        return PercentCell(number) if isinstance(number, float) else number
    if kind == "date":
        return attrs.get("office:date-value", shown)[:16].replace("T", " ").removesuffix(" 00:00")
    if kind == "boolean":
        return "TRUE" if attrs.get("office:boolean-value") == "true" else "FALSE"
    if kind in ("string", "time") or (kind is None and shown):
        return attrs.get("office:string-value", shown) if kind == "string" else shown
    if formula:
        return Uncalculated("=" + formula.removeprefix("of:=").removeprefix("="))
    return None


def _number(raw: str | None, shown: str) -> object:
    try:
        return float(raw) if raw is not None else shown
    except ValueError:
        return shown
