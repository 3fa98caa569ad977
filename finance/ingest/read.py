"""Uploaded files -> raw sheets: the cells as the user sees them, and which table each sheet holds.

Workbooks (.xlsx, .xlsm, .ods) are read by our own streaming readers (finance.ingest.xlsx and
.ods) after their zip is checked against the limits (finance.ingest.archive); CSV files with the
csv module after working out the encoding, the separator and the decimal mark. A file that cannot
be read becomes one plain-sentence problem, never a traceback. Nothing here judges the values:
that is validate.py. Which sheets are read, and why the others are not, is decided in sheets.py.
"""

from __future__ import annotations

import csv
import functools
import hashlib
import io
from dataclasses import dataclass, field
from pathlib import Path

from finance.errors import UploadError
from finance.ingest.archive import open_checked
from finance.ingest.limits import Limits
from finance.ingest.ods import read_ods
from finance.ingest.tables import table_for_name
from finance.ingest.text_rows import TextRows, read_text_rows
from finance.ingest.xlsx import SheetCells, cell_budget, read_xlsx
from finance.problems import Problem, warning

DEFAULT_MAX_FILE_MB = Limits.max_file_mb

_ZIP_MAGIC = b"PK\x03\x04"
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # old .xls, and password-protected .xlsx
_WORKBOOK_EXTENSIONS = (".xlsx", ".xlsm", ".ods")
_TEXT_EXTENSIONS = (".csv", ".txt", ".tsv")


@dataclass(frozen=True)
class Upload:
    """One uploaded file: its name as the user sees it and its bytes."""

    name: str
    content: bytes

    @classmethod
    def from_path(cls, path: str | Path) -> Upload:
        path = Path(path)
        try:
            return cls(path.name, path.read_bytes())
        except FileNotFoundError:
            raise UploadError(f"{path}: there is no such file.") from None
        except IsADirectoryError:
            raise UploadError(f"{path} is a folder, not a file: name the files inside it.") from None
        except OSError as exc:
            raise UploadError(f"{path} could not be opened ({exc.strerror}).") from None

    @functools.cached_property
    def sha256(self) -> str:
        return hashlib.sha256(self.content).hexdigest()


@dataclass
class RawSheet:
    """A sheet (or a CSV file) as read: the rows that hold something, strings and numbers.

    ``row_numbers`` gives each row's number as the sheet shows it (None: rows 1, 2, 3...);
    ``formulas`` the formula of each cell that has one and a saved value, by (row, 0-based column);
    ``far`` the cells beyond column ALL, kept aside; ``separator`` a CSV file's separator.
    """

    file: str
    sheet: str | None  # None for a CSV file
    table: str
    rows: list[list[object]] | TextRows = field(repr=False)  # a CSV file read by Arrow: TextRows (finance/ingest/text_rows.py)
    row_numbers: list[int] | None = field(default=None, repr=False)
    formulas: dict[tuple[int, int], str] = field(default_factory=dict, repr=False)
    far: list[tuple[int, int, object]] = field(default_factory=list, repr=False)
    separator: str | None = None
    matched_by: str = "name"  # "name", "file" or "headings": how the table was recognised
    uncalculated: int = 0  # formulas with no saved result (Uncalculated cells) in the sheet
    error_like: bool = True  # a cell may show an error value (#N/A, #REF!): the validator looks only then

    @property
    def is_csv(self) -> bool:
        return self.sheet is None

    def row_number(self, index: int) -> int:
        return self.row_numbers[index] if self.row_numbers is not None else index + 1


@dataclass
class ReadFile:
    """One file's sheets (named after a table or not) before sheets.py decides what to read."""

    name: str
    sheets: list[SheetCells]
    recalculate_on_open: bool = False
    csv: RawSheet | None = None
    notes: list[Problem] = field(default_factory=list)


def read_and_choose(upload: Upload, *, limits: Limits, budget) -> tuple[list[RawSheet], list[Problem]]:
    """One file of a set: the sheets that hold tables and the problems met (``budget``: the set's cells so far)."""
    from finance.ingest.sheets import choose_sheets  # sheets.py reads locate.py, which reads this module

    try:
        read = read_file(upload, limits=limits, budget=budget)
    except UploadError as exc:
        return [], [_file_error(str(exc), upload.name)]
    return choose_sheets(read)


def _file_error(message: str, file: str) -> Problem:
    return Problem("error", message, file=file)


def read_upload(upload: Upload, *, max_file_mb: float = DEFAULT_MAX_FILE_MB) -> tuple[list[RawSheet], list[Problem]]:
    """Read one file (tests and tools). Raises UploadError with one sentence when it cannot be read at all."""
    from finance.ingest.sheets import choose_sheets

    limits = Limits.from_env(max_file_mb=max_file_mb)
    return choose_sheets(read_file(upload, limits=limits, budget=cell_budget(limits.max_cells)))


def read_file(upload: Upload, *, limits: Limits, budget) -> ReadFile:
    """One file's sheets, or UploadError."""
    name, content = upload.name, upload.content
    size_mb = len(content) / 1_000_000
    if size_mb > limits.max_file_mb:
        raise UploadError(
            f"{name} is {size_mb:,.1f} MB, over the {limits.max_file_mb:g} MB limit for one file: split it or remove unused sheets."
        )
    if not content.strip():
        raise UploadError(f"{name} is empty.")
    suffix = Path(name).suffix.lower()
    if content.startswith(_OLE_MAGIC):
        if suffix == ".xls":
            raise UploadError(f"{name} is an old Excel 97-2003 (.xls) workbook: open it in Excel and save it as .xlsx, then upload that.")
        raise UploadError(
            f"{name} is password-protected or in an old Excel format: remove the password "
            "(File > Info > Protect Workbook) and save it as .xlsx, then upload that."
        )
    if content.startswith(_ZIP_MAGIC):
        return _read_workbook(name, content, limits, budget)
    if suffix in _WORKBOOK_EXTENSIONS or suffix in (".xls", ".xlsb"):
        raise UploadError(
            f"{name} is not a valid Excel workbook (it may be damaged, or not really {suffix}): open it in Excel and save it again as .xlsx."
        )
    if suffix in _TEXT_EXTENSIONS:
        sheet, note = _read_csv(name, content, budget)
        return ReadFile(name, [], csv=sheet, notes=[warning(note, file=name)] if note else [])
    raise UploadError(f"{name} is not a spreadsheet: upload Excel workbooks (.xlsx) or CSV files (.csv).")


def _read_workbook(name: str, content: bytes, limits: Limits, budget) -> ReadFile:
    archive = open_checked(name, content, limits)
    with archive:
        members = set(archive.namelist())
        if "mimetype" in members and "content.xml" in members:
            if b"spreadsheet" not in archive.read("mimetype")[:200]:
                raise UploadError(
                    f"{name} is not a spreadsheet (it looks like another kind of document): upload .xlsx, .ods or .csv files."
                )
            workbook = read_ods(archive, name, budget=budget)
        elif "xl/workbook.bin" in members:
            raise UploadError(f"{name} is an Excel binary workbook (.xlsb): open it in Excel and save it as .xlsx, then upload that.")
        elif not any(m.endswith("workbook.xml") for m in members):
            raise UploadError(f"{name} is not an Excel workbook (it looks like another kind of document): upload .xlsx or .csv files.")
        else:
            workbook = read_xlsx(archive, name, max_cells=limits.max_cells, budget=budget)
    if len(workbook.sheets) > limits.max_sheets:
        raise UploadError(f"{name} has {len(workbook.sheets):,} sheets, over the limit of {limits.max_sheets:,}: remove unused sheets.")
    return ReadFile(name, workbook.sheets, workbook.recalculate_on_open)


_TABLE_LIST = "practices, contract_income, pcn_des_income, federation_income, income, services, activity, federation_costs, practice_costs, service_staffing, staff_rates"


def _read_csv(name: str, content: bytes, budget) -> tuple[RawSheet, str | None]:
    if b"\x00" in content[:4096] and not content.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise UploadError(f"{name} is not a text CSV file (it holds binary data): upload .xlsx or .csv files.")
    text, note = _decode(content)
    table = table_for_name(Path(name).stem, loose=True)
    separator = _separator(text)
    if text.count(separator) > budget.limit - budget.used:  # every cell but a row's first follows a separator
        raise UploadError(f"{name} holds more than {budget.limit:,} cells, over the limit for one upload: split it.")
    rows = read_text_rows(text, separator)  # the same rows, parsed by Arrow (finance/ingest/text_rows.py), or None
    if rows is not None:
        budget.used += len(rows) * rows.width
    else:
        try:
            rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=separator))
        except csv.Error:
            raise UploadError(
                f"{name} could not be read as CSV (a quoted value is never closed, or one cell holds over 131,072 characters): "
                "save it again from Excel as CSV."
            ) from None
        budget.used += sum(map(len, rows))
    if budget.used > budget.limit:
        raise UploadError(f"{name} holds more than {budget.limit:,} cells, over the limit for one upload: split it.")
    error_like = "#" in text or "Err:" in text
    return RawSheet(name, None, table or "", rows, separator=separator, error_like=error_like), note


def _decode(content: bytes) -> tuple[str, str | None]:
    if content.startswith((b"\xff\xfe", b"\xfe\xff")):
        return content.decode("utf-16"), None
    try:
        return content.decode("utf-8-sig"), None
    except UnicodeDecodeError:
        pass
    # Excel's plain "CSV (Comma delimited)" on Windows saves in Windows-1252 (where £ is one byte).
    return content.decode("cp1252", errors="replace"), (
        "read as Windows-1252 text, not UTF-8: check that £ signs and names look right, "
        "or save it from Excel as 'CSV UTF-8 (Comma delimited)'"
    )


def _separator(text: str) -> str:
    """Comma, semicolon or tab: whichever splits the first lines most consistently."""
    sample = [line[:10_000] for line in text[:200_000].splitlines()[:20] if line.strip()]
    best, best_score = ",", 0
    for sep in (",", ";", "\t"):
        try:
            counts = [len(next(csv.reader([line], delimiter=sep))) for line in sample]
        except csv.Error:
            continue
        if not counts or max(counts) < 2:
            continue
        score = sum(c == counts[0] for c in counts) * counts[0]
        if score > best_score:
            best, best_score = sep, score
    return best


def ignored_reason(sheet: str | None, only_sheet: bool, file: str) -> str:
    if sheet is None:
        return f"ignored: the file name '{file}' does not name a table ({_TABLE_LIST})"
    if only_sheet:
        return f"ignored: neither the sheet name '{sheet}' nor the file name '{file}' names a table ({_TABLE_LIST})"
    return f"ignored: the sheet name '{sheet}' is not a table name ({_TABLE_LIST})"
