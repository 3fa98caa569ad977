"""Read one "NHS Payments to General Practice" file (CSV or workbook, any year) into a practice table.

One row a practice: who it is (codes, names, PCN, sub-ICB, lists, open and close dates, NHS
Digital's notes), then one column per payment column in pounds, then the published totals.
Nothing here chooses practices or moves money.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from finance.errors import UploadError
from finance.ingest.limits import Limits
from finance.ingest.read import Upload, read_file
from finance.ingest.xlsx import cell_budget
from finance.nhs.columns import ColumnMap, ColumnRule, find_header, map_columns
from finance.problems import Problem, warning

REQUIRED = {"practice_code": "practice code", "list_size": "registered list", "weighted_list_size": "weighted list"}
TOTAL_PREFIX = "published total: "
_WORKBOOK_SUFFIXES = (".xlsx", ".xlsm", ".xls", ".ods")
_NO_PCN = re.compile(r"^\s*(unknown.*|no pcn.*|none|n/?a|-)?\s*$", re.IGNORECASE)
_KEEP_UPPER = {"NHS", "PCN", "GP", "ICB", "CCG", "UK"}


@dataclass(frozen=True)
class Publication:
    """The payments file as read: one row a practice, fields named, payment columns in pounds."""

    name: str
    table: pd.DataFrame  # identification columns, then one column per payment header, then published totals
    payments: list[tuple[str, ColumnRule]]  # (column of table, rule) of each imported payment column
    totals: dict[str, str]  # the published totals the file has (base, with_covid, with_pcn, all) -> header
    whole_pounds: bool  # every amount is whole pounds (2014/15): totals were rounded on their own
    readings: list[tuple[str, str]]  # (header, what it was read as), for the user
    problems: list[Problem]


def read_publication(source: str | Path | bytes, filename: str | None) -> Publication:
    """The file's practices and payments; an UploadError (one sentence) when it cannot be imported."""
    rows, name = _read_rows(source, filename)
    if not any(any(c.strip() for c in row) for row in rows):
        raise UploadError(f"{name} is empty.")
    header_at = find_header(rows)
    if header_at is None:
        raise UploadError(
            f"{name} does not look like an NHS Payments to General Practice file: no row of its "
            "first 30 has headers such as 'Practice Code', 'Global Sum' or 'Total QOF Payments'."
        )
    header = rows[header_at]
    columns = map_columns(header)
    for field, words in REQUIRED.items():
        if field not in columns.fields:
            raise UploadError(f"{name} has no {words} column, so it cannot be imported.")
    width = max(i + 1 for i, h in enumerate(header) if h.strip())
    numbered = [(header_at + 2 + i, r) for i, r in enumerate(rows[header_at + 1 :]) if any(c.strip() for c in r)]
    short = next((n for n, r in numbered if len(r) < width), None)
    if short is not None:  # a cut-short file must not import as zeros
        raise UploadError(f"{name}, row {short} has fewer cells than the header: the file looks cut short or damaged.")
    if not numbered:
        raise UploadError(f"{name} has headers but no practices.")
    raw = pd.DataFrame([r[: len(header)] + [""] * (len(header) - len(r)) for _, r in numbered], dtype="string")
    numbers = [n for n, _ in numbered]  # spreadsheet row of each practice, for messages
    table = _practice_table(raw, columns, name, header, numbers)
    keys = _unique([h for _, h, _ in columns.payments])
    amounts = _pounds(raw[[i for i, _, _ in columns.payments]], name, keys, numbers)
    total_keys = [TOTAL_PREFIX + t for t in columns.totals]
    totals = _pounds(raw[list(columns.totals.values())], name, total_keys, numbers)
    keep = (table["practice_code"] != "").to_numpy()
    table = pd.concat([table, amounts, totals], axis=1)[keep].reset_index(drop=True)
    twice = table["practice_code"][table["practice_code"].duplicated()]
    if len(twice):
        raise UploadError(f"{name} lists practice {twice.iloc[0]} twice, so it cannot be imported.")
    problems = _unknown_money(columns, raw, name, numbers)
    money = table[keys].to_numpy()
    whole = bool(money.size) and bool(np.all(money == np.round(money)))
    payments = [(key, rule) for key, (_, _, rule) in zip(keys, columns.payments, strict=True)]
    shown = {kind: str(header[at]).strip() for kind, at in columns.totals.items()}
    return Publication(name, table, payments, shown, whole, columns.readings, problems)


def _unique(headers: list[str]) -> list[str]:
    seen: dict[str, int] = {}
    out = []
    for h in headers:
        seen[h] = seen.get(h, 0) + 1
        out.append(h if seen[h] == 1 else f"{h} ({seen[h]})")
    return out


def _unknown_money(columns: ColumnMap, raw: pd.DataFrame, name: str, numbers: list[int]) -> list[Problem]:
    """A warning per unknown column, with the money it holds, so nothing is dropped unseen."""
    problems = []
    for at, shown in columns.unknown:
        message = f"column '{shown}' is not a known payment column and was not imported"
        try:
            held = float(_pounds(raw[[at]], name, [shown], numbers).to_numpy().sum())
            message += f" (it holds £{held:,.2f} in the file)" if held else ""
        except UploadError:
            pass  # text, not amounts: there is no money to name
        problems.append(warning(message, file=name))
    return problems


def _read_rows(source: str | Path | bytes, filename: str | None) -> tuple[list[list[str]], str]:
    """The cells of the file (first sheet with a payments header for a workbook) as text."""
    if isinstance(source, (str, Path)):
        name = filename or Path(source).name
        try:
            data = Path(source).read_bytes()
        except OSError as exc:
            raise UploadError(f"{name} could not be opened: {exc.strerror or exc}.") from exc
    else:
        data, name = bytes(source), filename or "The payments file"
    if not data.strip():
        raise UploadError(f"{name} is empty.")
    if name.lower().endswith(_WORKBOOK_SUFFIXES) or data[:4] == b"PK\x03\x04":
        return _workbook_rows(data, name), name
    try:
        text = data.decode("utf-16" if data[:2] in (b"\xff\xfe", b"\xfe\xff") else "utf-8-sig")
    except UnicodeDecodeError:
        text = data.decode("cp1252", errors="replace")  # older NHS files are Windows-encoded
    first_line = text[:5000].splitlines()[0] if text.strip() else ""
    separator = max(",;\t", key=first_line.count)  # Excel saves ';' in some locales
    try:
        return list(csv.reader(io.StringIO(text), delimiter=separator)), name
    except csv.Error as exc:
        raise UploadError(f"{name} is neither a CSV file nor a workbook that can be read.") from exc


def _workbook_rows(data: bytes, name: str) -> list[list[str]]:
    """A workbook's cells through the uploads' own streaming reader, under the same limits (zip parts,
    unpacked size, cells): a stray far cell or a zip bomb is one sentence, never a native crash."""
    limits = Limits.from_env()
    read = read_file(Upload(name, data), limits=limits, budget=cell_budget(limits.max_cells))
    texts = [[[_cell(c) for c in row] for row in sheet.rows] for sheet in read.sheets if not sheet.hidden]
    return next((rows for rows in texts if find_header(rows) is not None), texts[0] if texts else [])


def _cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime | dt.date):  # an open or close date typed as a date in Excel
        return value.strftime("%d/%m/%Y")
    return str(value)


def _practice_table(raw: pd.DataFrame, columns: ColumnMap, name: str, header: list[str], numbers: list[int]) -> pd.DataFrame:
    """Who each row is: codes, names, PCN, sub-ICB, the two lists, dates and notes."""
    fields = columns.fields

    def text(field: str) -> pd.Series:
        return raw[fields[field]].fillna("").str.strip() if field in fields else pd.Series("", index=raw.index, dtype="string")

    codes = text("practice_code").str.upper()
    pcn_code, pcn_name = text("pcn_code"), text("pcn_name")
    no_pcn = (pcn_code.str.fullmatch(_NO_PCN) & pcn_name.str.fullmatch(_NO_PCN)).fillna(True).astype(bool)
    table = pd.DataFrame({
        "practice_code": codes,
        "practice_name": text("practice_name").map(tidy_name),
        "pcn_key": (pcn_code.where(pcn_code != "", pcn_name)).str.upper().where(~no_pcn, None),
        "pcn_code": pcn_code,
        "pcn": pcn_name.map(tidy_name).where(~no_pcn, None),
        "sub_icb_code": text("sub_icb_code").str.upper(),
        "sub_icb_name": text("sub_icb_name"),
        "pcn_name_raw": pcn_name,
        "practice_name_raw": text("practice_name"),
        "open_date": text("open_date").map(_date),
        "close_date": text("close_date").map(_date),
        "atypical": text("atypical"),
    })  # fmt: skip
    headings = [header[fields["list_size"]].strip(), header[fields["weighted_list_size"]].strip()]
    lists = raw[[fields["list_size"], fields["weighted_list_size"]]]
    lists = lists.apply(lambda c: c.str.replace(r"(?i)^\s*(n/?a|no known patients)\s*$", "", regex=True))
    lists = _pounds(lists, name, headings, numbers)
    return table.assign(list_size=lists.iloc[:, 0], weighted_list_size=lists.iloc[:, 1])


def _date(text: str) -> dt.date | None:
    """'30/09/2016', '2016-09-30' or '30-Sep-2016'; '-' or blank is no date."""
    text = str(text).strip().split(" ")[0]
    for form in ("%d/%m/%Y", "%Y-%m-%d", "%d-%b-%Y", "%d/%m/%y"):
        try:
            return dt.datetime.strptime(text, form).date()
        except ValueError:
            continue
    return None


def _pounds(cells: pd.DataFrame, name: str, columns: list[str], numbers: list[int]) -> pd.DataFrame:
    """Amounts as published: '1234.5', '£1,234.50', '(12.00)' (negative); blank or '-' is 0."""
    if cells.shape[1] == 0:
        return pd.DataFrame(index=cells.index)
    text = pd.Series(cells.to_numpy().ravel(), dtype="string").fillna("").str.strip()  # all columns at once
    negative = text.str.fullmatch(r"\(.*\)").to_numpy(dtype=bool)
    digits = text.str.replace(r"[£,()\s]", "", regex=True).replace({"": "0", "-": "0"})
    values = pd.to_numeric(digits, errors="coerce").to_numpy(dtype="float64")
    bad = np.flatnonzero(np.isnan(values))
    if bad.size:
        row, column = divmod(int(bad[0]), cells.shape[1])
        raise UploadError(f"{name}, row {numbers[row]} ({columns[column]}): '{text.iloc[bad[0]]}' is not an amount.")
    values = np.where(negative, -values, values).reshape(cells.shape)
    return pd.DataFrame(values, columns=columns, index=cells.index)


def tidy_name(name: str) -> str:
    """'DR SMITH & PARTNERS PCN' -> 'Dr Smith & Partners PCN'; mixed-case names are left alone."""
    if not name or name != name.upper():
        return name
    word = re.compile(r"[^\W\d_]+(?:'[^\W\d_]+)?")  # letters in any alphabet, with an apostrophe
    return word.sub(lambda m: m[0] if m[0] in _KEEP_UPPER else m[0].capitalize(), name)
