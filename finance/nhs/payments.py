"""NHS Digital's "NHS Payments to General Practice" (practice level) -> a ready upload set.

A federation director picks an area (sub-ICB, PCN or practice) and gets ``practices``,
``contract_income`` and ``pcn_des_income`` tables for its practices, so nobody retypes what the
NHS already publishes. Any year's CSV or workbook works: columns are matched by meaning through
the table in ``payment_columns.csv``, never by position. Headers are normalised (case, punctuation,
spaces) and matched in full against each row's pattern, first match winning. ``kind`` is ``field``
for the columns that identify a practice (the first free column matching a field's rows, in table
order, claims it: so HEEC's 2022/23 ``CCG NAME`` is the PCN name when a sub-ICB name column exists),
``income``, ``pass_through`` or ``skip``; ``service`` names the catalogue service a payment pays
for (blank: core income); ``per_pcn`` marks money paid to one practice on the PCN's behalf.

Choices, so that nothing is dropped or guessed silently:

- Totals, averages, deductions and identification columns are not income (``skip``). A column
  the table does not know is reported as a warning and not imported.
- Drug reimbursement, prescribing and dispensing fees are pass-through money: they are imported
  as core contract lines named "... (pass-through)"; a practice's drug costs should offset them.
- Covid vaccination, Covid support and Long Covid payments were income in their year: imported
  as core contract lines named as such.
- PCN Participation (the Network Participation Payment) is paid to every practice under the
  Network Contract DES: stream ``pcn_des``, kept where it was paid.
- The other PCN columns are paid to one practice on the PCN's behalf. With ``apportion_pcn``
  they are shared across the PCN's practices in the whole file by weighted list, in pennies, the
  rounding remainder going to the largest practice, so each PCN total is kept to the penny. Shares
  of practices outside the chosen area are not imported, and a warning says how much that is.
- ``list_size`` must be a whole number but the NHS file holds quarterly averages (4029.25): it is
  rounded to the nearest patient, halves up; ``weighted_list_size`` is kept exact.
- Names written in capitals (``THE DENSHAM SURGERY``) are title-cased (``The Densham Surgery``),
  keeping NHS, PCN and GP; area matching uses the names as published.
"""

from __future__ import annotations

import csv
import difflib
import io
import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd
import python_calamine

from finance.errors import UploadError
from finance.problems import Problem, warning

COLUMNS_TABLE = Path(__file__).with_name("payment_columns.csv")
REQUIRED = {"practice_code": "practice code", "list_size": "registered list", "weighted_list_size": "weighted list"}
_WORKBOOK_SUFFIXES = (".xlsx", ".xlsm", ".xls", ".ods")
_NO_PCN = re.compile(r"^\s*(unknown.*|no pcn.*|none|n/?a|-)?\s*$", re.IGNORECASE)
_KEEP_UPPER = {"NHS", "PCN", "GP", "ICB", "CCG", "UK"}


@dataclass(frozen=True)
class ColumnRule:
    """One row of payment_columns.csv: what a column whose header matches ``pattern`` holds."""

    pattern: re.Pattern[str]
    kind: str  # field (identifies the practice), income, pass_through or skip
    stream: str  # contract or pcn_des
    line: str  # the income line name, or the field name for kind "field"
    service: str | None
    per_pcn: bool  # paid to one practice on the PCN's behalf
    reason: str


@dataclass(frozen=True)
class PaymentsImport:
    practices: pd.DataFrame  # practice_code, practice_name, pcn, list_size, weighted_list_size
    contract_income: pd.DataFrame  # practice_code, line, service, amount_gbp (service None = core)
    pcn_des_income: pd.DataFrame  # same columns
    problems: list[Problem]  # warnings only
    areas: list[str]  # what matched, in words


@dataclass(frozen=True)
class _Publication:
    """The payments file as read: one row a practice, fields named, payment columns in pounds."""

    name: str
    table: pd.DataFrame  # practice_code, practice_name, pcn_key, pcn, sub_icb_code, sub_icb_name, lists
    payments: list[tuple[str, ColumnRule]]  # (header as published, rule) of each imported column
    problems: list[Problem]


@lru_cache(maxsize=1)
def column_rules() -> tuple[ColumnRule, ...]:
    """The rows of payment_columns.csv, in order."""
    rows = pd.read_csv(COLUMNS_TABLE, dtype=str, keep_default_na=False)
    return tuple(
        ColumnRule(re.compile(r["pattern"]), r["kind"], r["stream"], r["line"], r["service"] or None,
                   r["per_pcn"] == "yes", r["reason"])
        for r in rows.to_dict("records")
    )  # fmt: skip


def normalise_header(text: object) -> str:
    """'Appraisal - Appraiser Costs ' -> 'appraisal appraiser costs': case, punctuation, spaces."""
    text = str(text).replace("\ufeff", "").replace("&", " and ").lower()
    return " ".join(re.sub(r"[^a-z0-9]+", " ", text).split())


def import_payments(
    source: str | Path | bytes,
    areas: Sequence[str],
    *,
    filename: str | None = None,
    apportion_pcn: bool = True,
) -> PaymentsImport:
    """The upload set for the practices of ``areas`` (codes or names; several are combined)."""
    areas = [a for a in ([areas] if isinstance(areas, str) else areas) if str(a).strip()]
    if not areas:
        raise UploadError("Choose at least one area: a sub-ICB, PCN or practice code or name.")
    pub = _read_publication(source, filename)
    chosen = pd.Series(False, index=pub.table.index)
    described, known = [], _areas(pub.table)
    for text in areas:
        mask, words = _match_area(pub.table, known, text)
        chosen |= mask
        described.append(words)
    amounts, problems = _amounts_for(pub, chosen, apportion_pcn)
    practices = pub.table.loc[chosen, ["practice_code", "practice_name", "pcn", "list_size", "weighted_list_size"]]
    practices = practices.assign(list_size=np.floor(practices["list_size"] + 0.5).astype("int64"))
    streams = {s: _income_lines(amounts, pub.payments, s) for s in ("contract", "pcn_des")}
    return PaymentsImport(
        practices=practices.sort_values("practice_code").reset_index(drop=True),
        contract_income=streams["contract"],
        pcn_des_income=streams["pcn_des"],
        problems=pub.problems + problems,
        areas=described,
    )


def list_areas(source: str | Path | bytes, *, filename: str | None = None) -> pd.DataFrame:
    """Sub-ICBs and PCNs in the file (kind, code, name, practices) so the app can offer a picker."""
    table = _areas(_read_publication(source, filename).table)
    return table.loc[table["kind"] != "practice", ["kind", "code", "name", "practices"]].reset_index(drop=True)


def upload_set_files(result: PaymentsImport) -> dict[str, bytes]:
    """The upload set as CSV files in memory: {"practices.csv": b"...", ...} (for the app)."""
    return {
        f"{name}.csv": getattr(result, name).to_csv(index=False).encode("utf-8")
        for name in ("practices", "contract_income", "pcn_des_income")
    }


def write_upload_set(result: PaymentsImport, out_dir: str | Path) -> list[Path]:
    """Writes practices.csv, contract_income.csv, pcn_des_income.csv (UTF-8) and returns the paths."""
    out = Path(out_dir)
    try:
        out.mkdir(parents=True, exist_ok=True)
        paths = []
        for name, content in upload_set_files(result).items():
            path = out / name
            path.write_bytes(content)
            paths.append(path)
    except OSError as exc:
        raise UploadError(f"Could not write the upload set to {out}: {exc.strerror or exc}.") from exc
    return paths


# -- reading -------------------------------------------------------------------------------------


def _read_publication(source: str | Path | bytes, filename: str | None) -> _Publication:
    rows, name = _read_rows(source, filename)
    if not any(any(c.strip() for c in row) for row in rows):
        raise UploadError(f"{name} is empty.")
    header_at = _find_header(rows)
    if header_at is None:
        raise UploadError(
            f"{name} does not look like an NHS Payments to General Practice file: no row of its "
            "first 30 has headers such as 'Practice Code', 'Global Sum' or 'Total QOF Payments'."
        )
    header = rows[header_at]
    fields, payments, problems = _map_columns(header, name)
    for field, words in REQUIRED.items():
        if field not in fields:
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
    lists = [header[fields["list_size"]].strip(), header[fields["weighted_list_size"]].strip()]
    table = _practice_table(raw, fields, name, lists, numbers)
    amounts = _pounds(raw[[p for p, _ in payments]], name, [h for _, (h, _) in payments], numbers)
    table = pd.concat([table, amounts], axis=1)[table["practice_code"] != ""].reset_index(drop=True)
    twice = table["practice_code"][table["practice_code"].duplicated()]
    if len(twice):
        raise UploadError(f"{name} lists practice {twice.iloc[0]} twice, so it cannot be imported.")
    return _Publication(name, table, [(h, rule) for _, (h, rule) in payments], problems)


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
    try:
        book = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(data))
        sheets = [book.get_sheet_by_name(s).to_python() for s in book.sheet_names]
    except Exception as exc:  # calamine raises several types for corrupt or protected files
        raise UploadError(f"{name} could not be read as a workbook (is it password-protected?).") from exc
    texts = [[["" if c is None else str(c) for c in row] for row in sheet] for sheet in sheets]
    return next((rows for rows in texts if _find_header(rows) is not None), texts[0] if texts else [])


def _find_header(rows: list[list[str]]) -> int | None:
    """The first row (of 30) where at least three headers are known columns."""
    for at, row in enumerate(rows[:30]):
        known = sum(any(r.pattern.fullmatch(normalise_header(c)) for r in column_rules()) for c in row if c)
        if known >= 3:
            return at
    return None


def _map_columns(header: list[str], name: str) -> tuple[dict[str, int], list, list[Problem]]:
    """Field name -> position; the payment columns to import; a warning per unknown column."""
    keys = [normalise_header(h) for h in header]
    fields: dict[str, int] = {}
    for rule in (r for r in column_rules() if r.kind == "field"):  # in table order: first claim wins
        free = [i for i, k in enumerate(keys) if i not in fields.values() and rule.pattern.fullmatch(k)]
        if rule.line not in fields and free:
            fields[rule.line] = free[0]
    payments, problems = [], []
    for i, key in enumerate(keys):
        if i in fields.values() or not key:
            continue
        rule = next((r for r in column_rules() if r.pattern.fullmatch(key)), None)
        if rule is None:
            problems.append(warning(f"column '{header[i].strip()}' is not a known payment column and was not imported", file=name))
        elif rule.kind in ("income", "pass_through"):
            payments.append((i, (header[i].strip(), rule)))
    return fields, payments, problems


def _practice_table(raw: pd.DataFrame, fields: dict[str, int], name: str, headings: list[str], numbers: list[int]) -> pd.DataFrame:
    """Who each row is: codes, names, PCN, sub-ICB and the two lists."""

    def text(field: str) -> pd.Series:
        return raw[fields[field]].fillna("").str.strip() if field in fields else pd.Series("", index=raw.index, dtype="string")

    codes = text("practice_code").str.upper()
    pcn_code, pcn_name = text("pcn_code"), text("pcn_name")
    no_pcn = pcn_code.str.fullmatch(_NO_PCN) & pcn_name.str.fullmatch(_NO_PCN)
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
    })  # fmt: skip
    lists = _pounds(raw[[fields["list_size"], fields["weighted_list_size"]]], name, headings, numbers)
    return table.assign(list_size=lists.iloc[:, 0], weighted_list_size=lists.iloc[:, 1])


def _pounds(cells: pd.DataFrame, name: str, columns: list[str], numbers: list[int]) -> pd.DataFrame:
    """Amounts as published: '1234.5', '£1,234.50', '(12.00)' (negative); blank or '-' is 0."""
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


# -- areas ---------------------------------------------------------------------------------------


def _areas(table: pd.DataFrame) -> pd.DataFrame:
    """Every sub-ICB, PCN and practice: kind, code, name, practices, and the key that selects them."""
    parts = []
    for kind, code, name, key in (
        ("sub-ICB", "sub_icb_code", "sub_icb_name", "sub_icb_code"),
        ("PCN", "pcn_code", "pcn_name_raw", "pcn_key"),
        ("practice", "practice_code", "practice_name_raw", "practice_code"),
    ):
        known = table[table[key].notna() & (table[key] != "")]
        if known.empty:
            continue
        grouped = known.groupby(key, sort=True).agg(code=(code, "first"), name=(name, "first"), practices=(key, "size"))
        parts.append(grouped.reset_index(names="key").assign(kind=kind, column=key))
    columns = ["kind", "code", "name", "practices", "key", "column"]
    return pd.concat(parts, ignore_index=True)[columns] if parts else pd.DataFrame(columns=columns)


def _match_area(table: pd.DataFrame, areas: pd.DataFrame, text: str) -> tuple[pd.Series, str]:
    """Which practices ``text`` means: a code exactly, else a name exactly, else a unique part of a name."""
    wanted = " ".join(str(text).split()).casefold()
    codes, names = areas["code"].str.casefold(), areas["name"].str.split().str.join(" ").str.casefold()
    found = areas[codes == wanted]
    if found.empty:
        found = areas[names == wanted]
    if found.empty:
        found = areas[names.str.contains(wanted, regex=False)]
    if len(found) > 1:
        listed = "; ".join(f"{r.name} ({r.kind} {r.code})" for r in found.head(6).itertuples())
        more = f" and {len(found) - 6} more" if len(found) > 6 else ""
        raise UploadError(f"'{text}' matches {len(found)} areas: {listed}{more}. Use a code or a longer name.")
    if found.empty:
        close = difflib.get_close_matches(wanted, list(names) + list(codes), n=3, cutoff=0.6)
        hint = f" Did you mean {' or '.join(repr(c.upper()) for c in close)}?" if close else ""
        raise UploadError(f"No sub-ICB, PCN or practice in the payments file matches '{text}'.{hint}")
    area = found.iloc[0]
    words = f"{area['name']} ({area['kind']} {area['code']}"
    words += ")" if area["kind"] == "practice" else f", {area['practices']} practices)"
    return table[area["column"]] == area["key"], words


# -- amounts -------------------------------------------------------------------------------------


def _amounts_for(pub: _Publication, chosen: pd.Series, apportion_pcn: bool) -> tuple[pd.DataFrame, list[Problem]]:
    """Each chosen practice's amount per payment column, PCN columns apportioned if asked."""
    amounts = pub.table[[h for h, _ in pub.payments]].copy()
    per_pcn = [h for h, rule in pub.payments if rule.per_pcn]
    problems: list[Problem] = []
    if apportion_pcn and per_pcn:
        paid = np.rint(amounts[per_pcn].to_numpy() * 100).astype("int64")  # pennies: totals stay exact
        shared, inside = paid.copy(), chosen.to_numpy()
        for members in pub.table.groupby("pcn_key").indices.values():  # positions of each PCN's practices
            if not inside[members].any():
                continue
            shares = _share_pennies(paid[members].sum(axis=0), _weights(pub.table.iloc[members]))
            shared[members] = shares
            outside = shares[~inside[members]].sum() / 100
            if outside:
                problems.append(warning(
                    f"PCN {pub.table['pcn'].iloc[members[0]]} has practices outside the chosen area: £{outside:,.2f} of its "
                    f"£{shares.sum() / 100:,.2f} PCN payments went to them and was not imported", file=pub.name))  # fmt: skip
        amounts[per_pcn] = shared / 100
    return amounts[chosen].assign(practice_code=pub.table.loc[chosen, "practice_code"]), problems


def _weights(members: pd.DataFrame) -> np.ndarray:
    """Weighted list, else registered list, else equal shares."""
    for column in ("weighted_list_size", "list_size"):
        weights = members[column].clip(lower=0).to_numpy()
        if weights.sum() > 0:
            return weights
    return np.ones(len(members))


def _share_pennies(totals: np.ndarray, weights: np.ndarray) -> np.ndarray:
    """Split each total (pennies) by weight; the remainder goes to the largest weight.

    >>> _share_pennies(np.array([1001]), np.array([1.0, 1.0, 2.0])).ravel().tolist()
    [250, 250, 501]
    """
    shares = np.rint(np.outer(weights / weights.sum(), totals)).astype("int64")
    shares[int(np.argmax(weights))] += totals - shares.sum(axis=0)
    return shares


def _income_lines(amounts: pd.DataFrame, payments: list[tuple[str, ColumnRule]], stream: str) -> pd.DataFrame:
    """One row per practice per non-zero payment column of ``stream``."""
    rules = {h: rule for h, rule in payments if rule.stream == stream}
    long = amounts.melt(id_vars="practice_code", value_vars=list(rules), var_name="column", value_name="amount_gbp")
    long = long[long["amount_gbp"] != 0]
    order = {h: i for i, h in enumerate(rules)}
    long = long.sort_values(["practice_code", "column"], key=lambda s: s.map(order) if s.name == "column" else s)
    return pd.DataFrame({
        "practice_code": long["practice_code"].to_numpy(),
        "line": long["column"].map(lambda h: rules[h].line).to_numpy(),
        "service": long["column"].map(lambda h: rules[h].service).to_numpy(),
        "amount_gbp": long["amount_gbp"].to_numpy(dtype="float64"),
    })  # fmt: skip
