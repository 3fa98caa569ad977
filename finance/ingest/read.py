"""Uploaded files -> raw sheets: the cells as the user typed them, and which table each sheet holds.

Workbooks are read with python-calamine (fast, and it refuses XML entity tricks); CSV files with the
csv module after working out the encoding and separator. A file that cannot be read becomes one
plain-sentence problem, never a traceback. Nothing here judges the values: that is validate.py.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import python_calamine

from finance.errors import UploadError
from finance.ingest.tables import table_for_name
from finance.problems import Problem, error, warning

DEFAULT_MAX_FILE_MB = 50.0

_ZIP_MAGIC = b"PK\x03\x04"
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # old .xls, and password-protected .xlsx
_WORKBOOK_EXTENSIONS = (".xlsx", ".xlsm")
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


@dataclass
class RawSheet:
    """A sheet (or a CSV file) as read: every cell from A1 / line 1, strings and numbers."""

    file: str
    sheet: str | None  # None for a CSV file
    table: str
    rows: list[list[object]] = field(repr=False)

    @property
    def is_csv(self) -> bool:
        return self.sheet is None


def read_uploads(uploads: Iterable[Upload], *, max_file_mb: float = DEFAULT_MAX_FILE_MB) -> tuple[list[RawSheet], list[Problem]]:
    """Read every file; return the sheets that hold tables and the problems met on the way."""
    sheets: list[RawSheet] = []
    problems: list[Problem] = []
    for upload in uploads:
        try:
            found, notes = read_upload(upload, max_file_mb=max_file_mb)
        except UploadError as exc:
            problems.append(error(str(exc), file=upload.name))
            continue
        sheets.extend(found)
        problems.extend(notes)
    return sheets, problems


def read_upload(upload: Upload, *, max_file_mb: float = DEFAULT_MAX_FILE_MB) -> tuple[list[RawSheet], list[Problem]]:
    """Read one file. Raises UploadError with one sentence when the file cannot be read at all."""
    name, content = upload.name, upload.content
    size_mb = len(content) / 1_000_000
    if size_mb > max_file_mb:
        raise UploadError(f"{name} is {size_mb:,.1f} MB, over the {max_file_mb:g} MB limit for one file: split it or remove unused sheets.")
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
        return _read_workbook(name, content)
    if suffix in _WORKBOOK_EXTENSIONS or suffix == ".xls":
        raise UploadError(
            f"{name} is not a valid Excel workbook (it may be damaged, or not really {suffix}): open it in Excel and save it again as .xlsx."
        )
    if suffix in _TEXT_EXTENSIONS:
        return _read_csv(name, content)
    raise UploadError(f"{name} is not a spreadsheet: upload Excel workbooks (.xlsx) or CSV files (.csv).")


def _read_workbook(name: str, content: bytes) -> tuple[list[RawSheet], list[Problem]]:
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            members = set(archive.namelist())
    except zipfile.BadZipFile:
        raise UploadError(f"{name} is damaged: it could not be opened as an Excel workbook. Save it again from Excel as .xlsx.") from None
    if "xl/workbook.xml" not in members and not any(m.endswith("workbook.xml") for m in members):
        raise UploadError(f"{name} is not an Excel workbook (it looks like another kind of document): upload .xlsx or .csv files.")
    try:
        workbook = python_calamine.load_workbook(io.BytesIO(content))
        sheet_names = [m.name for m in workbook.sheets_metadata if m.typ == python_calamine.SheetTypeEnum.WorkSheet]
    except python_calamine.PasswordError:
        raise UploadError(f"{name} is password-protected: remove the password and save it again, then upload it.") from None
    except python_calamine.XmlError:
        raise UploadError(
            f"{name} contains XML that is not allowed in a workbook (entity definitions); it was not read. Save it again from Excel."
        ) from None
    except Exception:
        raise UploadError(f"{name} is damaged: it could not be read as an Excel workbook. Save it again from Excel as .xlsx.") from None

    sheets: list[RawSheet] = []
    problems: list[Problem] = []
    only_sheet = len(sheet_names) == 1
    for sheet_name in sheet_names:
        table = table_for_name(sheet_name, loose=True)
        if table is None and only_sheet:
            table = table_for_name(Path(name).stem, loose=True)
        try:
            rows = workbook.get_sheet_by_name(sheet_name).to_python(skip_empty_area=False)
        except python_calamine.XmlError:
            raise UploadError(
                f"{name}, sheet {sheet_name} contains XML that is not allowed in a workbook; the file was not read."
            ) from None
        except Exception:
            raise UploadError(f"{name}, sheet {sheet_name} is damaged and could not be read. Save the workbook again from Excel.") from None
        if table is None:
            if any(_cell_text(c) for row in rows for c in row):
                problems.append(warning(_ignored_reason(sheet_name, only_sheet, name), file=name, sheet=sheet_name))
            continue
        sheets.append(RawSheet(name, sheet_name, table, [[_cell_value(c) for c in row] for row in rows]))
    return sheets, problems


_TABLE_LIST = "practices, contract_income, pcn_des_income, federation_income, income, services, activity, federation_costs, practice_costs, service_staffing, staff_rates"


def _ignored_reason(sheet: str | None, only_sheet: bool, file: str) -> str:
    if sheet is None:
        return f"ignored: the file name '{file}' does not name a table ({_TABLE_LIST})"
    if only_sheet:
        return f"ignored: neither the sheet name '{sheet}' nor the file name '{file}' names a table ({_TABLE_LIST})"
    return f"ignored: the sheet name '{sheet}' is not a table name ({_TABLE_LIST})"


def _read_csv(name: str, content: bytes) -> tuple[list[RawSheet], list[Problem]]:
    problems: list[Problem] = []
    if b"\x00" in content[:4096] and not content.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise UploadError(f"{name} is not a text CSV file (it holds binary data): upload .xlsx or .csv files.")
    text, note = _decode(name, content)
    if note:
        problems.append(warning(note, file=name))
    table = table_for_name(Path(name).stem, loose=True)
    if table is None:
        problems.append(warning(_ignored_reason(None, True, name), file=name))
        return [], problems
    separator = _separator(text)
    rows: list[list[object]] = list(csv.reader(io.StringIO(text, newline=""), delimiter=separator))
    return [RawSheet(name, None, table, rows)], problems


def _decode(name: str, content: bytes) -> tuple[str, str | None]:
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
    sample = [line for line in text[:200_000].splitlines()[:20] if line.strip()]
    best, best_score = ",", 0
    for sep in (",", ";", "\t"):
        counts = [len(next(csv.reader([line], delimiter=sep))) for line in sample]
        if not counts or max(counts) < 2:
            continue
        score = sum(c == counts[0] for c in counts) * counts[0]
        if score > best_score:
            best, best_score = sep, score
    return best


def _cell_value(value: object) -> object:
    """Numbers stay numbers; everything else becomes the text Excel would show."""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, (int, float)):
        return float(value)
    return _cell_text(value)


def _cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, dt.datetime):
        return value.strftime("%Y-%m-%d %H:%M") if (value.hour or value.minute) else value.strftime("%Y-%m-%d")
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)
