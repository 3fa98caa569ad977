"""Located tables -> a clean Dataset, and every problem at once (file, sheet, cell, column, value, rule).

Rules are those of DATA.md, driven by the column definitions in tables.py. Errors block the whole
set (a set with errors loads nothing); warnings are reported and do not block.
"""

from __future__ import annotations

import difflib
from collections.abc import Sequence

import numpy as np
import pandas as pd

from finance.ingest.cells import PercentCell, Uncalculated, is_error_value
from finance.ingest.dataset import Dataset, SourceFile
from finance.ingest.locate import MAX_REPEATS, Part
from finance.ingest.parse import (
    Distinct,
    Parsed,
    cell_text,
    detect_decimal,
    on_distinct,
    parse_code,
    parse_number,
    parse_stream,
    parse_text,
    parse_yesno,
)
from finance.ingest.staffing import staffing_problems
from finance.ingest.tables import DATASET_TABLES, TABLES_BY_NAME, Column
from finance.ingest.totals import total_rows
from finance.problems import Problem, error, warning

_NOT_READ = {
    "code": "is not an ODS practice code (one letter, five digits)",
    "money": "is not an amount",
    "number": "is not a number",
    "whole": "is not a whole number",
    "percent": "is not a percentage (type 10 for 10%)",
    "yesno": "is not yes or no (yes/no, y/n, true/false or 1/0)",
    "stream": "is not an income stream (contract, pcn_des or federation; GMS, PMS and APMS count as contract)",
}
_COLUMNS = {name: [c.name for c in TABLES_BY_NAME[name].columns] for name in DATASET_TABLES}


def check_across(
    parts: Sequence[Part],
    cleaned: Sequence[tuple[pd.DataFrame, list[Problem]]],
    sources: Sequence[SourceFile] = (),
    *,
    files_unread: bool = False,
) -> tuple[Dataset | None, list[Problem]]:
    """The rules across parts and tables, given each part's ``clean_part`` answer (in the order of ``parts``).

    Only each part's place is read here (``Part.where``, its table and file), never its cells: a part
    cleaned in another process may come without them (finance.ingest.split).
    """
    problems: list[Problem] = []
    by_table: dict[str, list[pd.DataFrame]] = {name: [] for name in DATASET_TABLES}
    for index, (part, (frame, found)) in enumerate(zip(parts, cleaned, strict=True)):
        frame["_part"] = index
        by_table[part.table.stored_as or part.table.name].append(frame)
        problems += found
    tables = {name: _concat(name, frames) for name, frames in by_table.items()}

    present = {name: bool(frames) for name, frames in by_table.items()}
    for name, what in (
        ("practices", "practices"),
        ("income", "contract_income, pcn_des_income, federation_income or income"),
        ("services", "services"),
    ):
        if not present[name]:
            if files_unread:
                continue
            problems.append(error(f"No {name} table was found: upload a file or sheet named {what}. {TABLES_BY_NAME[name].help}"))
        elif tables[name].empty:
            problems.append(error(f"The {name} table has no rows: it needs at least one."))
    problems += _check_unique(parts, tables["practices"], "practice_code", "each practice needs exactly one row")
    problems += _check_unique(parts, tables["services"], "service", "each service needs exactly one row", key=_service_key)
    if present["practices"]:
        known = set(tables["practices"]["practice_code"].dropna())
        for name in ("income", "activity", "practice_costs"):
            problems += _check_practices_exist(parts, tables[name], known)
    if present["services"]:
        catalogue = tables["services"]["service"].dropna()
        for name in ("income", "activity", "service_staffing"):
            problems += _check_services_exist(parts, tables[name], catalogue)
    problems += _check_unique(parts, tables["activity"], ("practice_code", "service"), "one row per practice and service")
    problems += staffing_problems(parts, tables, present)
    problems += _advice(tables, present)

    if any(p.is_error for p in problems):
        return None, problems
    found_in = tuple(sorted({(part.table.name, part.source.file) for part in parts}))
    return _dataset(tables, sources, found_in), problems


def clean_part(part: Part) -> tuple[pd.DataFrame, list[Problem]]:
    """One part's cells parsed by its columns' rules: the typed frame (with _row) and the problems found in it alone."""
    frame, problems = part.frame, []
    out = pd.DataFrame({"_row": frame["_row"].to_numpy()}, index=frame.index)
    decimal, example = ".", None
    if part.source.is_csv:
        numeric = [part.distinct_of(c.name) for c in part.table.columns if c.kind in _NUMERIC_KINDS and c.name in frame]
        decimal, example = detect_decimal(numeric, part.source.separator)
        if decimal == ",":
            problems.append(
                warning(
                    f"read with the comma as decimal mark and the dot between thousands (as '{example}' shows): 1.234,56 is 1234.56",
                    file=part.source.file,
                )
            )
    rows = frame["_row"]
    texts: dict[str, Distinct] = {}  # each text column's cells as text, for total_rows
    for column in part.table.columns:
        if column.name not in frame:
            out[column.name] = None
            continue
        raw = frame[column.name]
        distinct = part.distinct_of(column.name)
        if column.kind in _TEXT_KINDS:
            texts[column.name] = distinct.map(cell_text)
        special = pd.Series(False, index=raw.index)
        if part.source.error_like or part.source.uncalculated:
            special, found = _special_cells(part, column, raw, rows, distinct)
            problems += found
            if special.any():
                raw = raw.where(~special, "")
                distinct = Distinct.of(raw)
        parsed = _parse(column, raw, decimal, distinct)
        if column.kind == "percent":
            parsed = _as_shown(part, column, raw, parsed, rows)
            problems += _small_fees(part, column, raw, parsed, rows)
        if column.required and not (column.name == "stream" and part.table.implied_stream):
            for i in parsed.blank[parsed.blank & ~special].index:
                problems.append(
                    error(f"{column.name} is required but the cell is empty", **part.where(int(rows[i]), column.name), value="")
                )
        for i in parsed.bad[parsed.bad].index:
            value = cell_text(raw[i])
            problems.append(error(_not_read(column, parsed, i, value, decimal), **part.where(int(rows[i]), column.name), value=value))
        problems += _check_range(part, column, parsed, raw, rows)
        out[column.name] = parsed.values
    if part.table.implied_stream:
        out["stream"] = out["stream"].where(out["stream"].notna(), part.table.implied_stream)
    totals = total_rows(part, out, texts)
    if totals:
        problems = [p for p in problems if p.row not in totals or p.file != part.source.file or p.sheet != part.source.sheet]
        for row, reason in totals.items():
            fix = (
                "if it is a real amount, not a total, move it above the rows it equals"
                if "equals the sum" in reason
                else "if it is a real line, not a total, describe it in other words"
            )
            problems.append(
                error(
                    f"this looks like a total row ({reason}): a total in the table would count its money twice. "
                    f"Delete the row (every figure is added up for you); {fix}",
                    **part.where(row, "amount_gbp" if "amount_gbp" in part.column_index else None),
                )
            )
    return out, problems


_NUMERIC_KINDS = ("money", "number", "whole", "percent")
_TEXT_KINDS = ("text", "code", "service", "stream")  # the columns total_rows reads


def _not_read(column: Column, parsed: Parsed, i: int, value: str, decimal: str) -> str:
    if parsed.ambiguous is not None and parsed.ambiguous[i]:
        whole, fraction = value.replace(",", ".").rsplit(".", 1)
        return (
            f"'{value}' reads two ways: {whole}{fraction} or {whole}.{fraction}, and no other number in this file shows whether "
            "'.' and ',' mark decimals or thousands. Type it without the thousands mark (103694 or 103694,50)"
        )
    if parsed.huge is not None and parsed.huge[i]:
        return f"'{value}' is too large to be {'an amount' if column.kind == 'money' else 'a number here'} (over 1,000,000,000,000): type the real figure"
    if decimal == "," and column.kind in _NUMERIC_KINDS:
        return f"'{value}' {_NOT_READ[column.kind]} in a file whose decimal mark is the comma (1.234,56)"
    return f"'{value}' {_NOT_READ[column.kind]}"


def _special_cells(part: Part, column: Column, raw: pd.Series, rows: pd.Series, distinct: Distinct) -> tuple[pd.Series, list[Problem]]:
    """Error values (#N/A, #REF!) and formulas with no saved result: an error each, naming the cell and the fix."""
    texts = distinct.map(cell_text)
    text = texts.series()
    formula = raw.map(lambda v: type(v) is Uncalculated).astype(bool) if part.source.uncalculated else pd.Series(False, index=raw.index)
    failed = texts.mask(is_error_value)
    special = formula | failed
    problems = []
    for i in special[special].index:
        value = text[i]
        where = part.where(int(rows[i]), column.name)
        if failed[i]:
            message = (
                f"the cell shows the error {value}: its formula failed, so there is no figure to read. "
                "Correct the formula in the workbook (or type the value) and upload it again"
            )
        else:
            message = (
                f"the cell holds the formula {value} but no saved result (the file was written by a program that does not "
                "calculate formulas): open the file in Excel or LibreOffice and save it, or type the value instead"
            )
        problems.append(error(message, **where, value=value))
    return special, problems


def _as_shown(part: Part, column: Column, raw: pd.Series, parsed: Parsed, rows: pd.Series) -> Parsed:
    """A cell formatted as a percentage holds 0.08 and shows 8%: read it as 8, what the user sees."""
    shown = raw.map(lambda v: isinstance(v, PercentCell)).astype(bool)
    if not shown.any():
        return parsed
    return Parsed(parsed.values.where(~shown, parsed.values * 100), parsed.blank, parsed.bad, parsed.ambiguous, parsed.huge)


def _small_fees(part: Part, column: Column, raw: pd.Series, parsed: Parsed, rows: pd.Series) -> list[Problem]:
    """A percentage at or below 1 among larger ones is probably 0.08 typed for 8%: a warning naming the cell."""
    values = parsed.values
    larger = values[values > 1]
    if larger.empty:
        return []
    problems = []
    low, high = larger.min(), larger.max()
    others = f"{low:g}" if low == high else f"{low:g} to {high:g}"
    for i in values[(values > 0) & (values <= 1)].index:
        value = cell_text(raw[i])
        problems.append(
            warning(
                f"'{value}' is read as {values[i]:g}%, while the other rows' {column.name} are {others}: "
                f"if you meant {values[i] * 100:g}%, type {values[i] * 100:g}",
                **part.where(int(rows[i]), column.name),
                value=value,
            )
        )
    return problems


def _parse(column: Column, raw: pd.Series, decimal: str = ".", distinct: Distinct | None = None) -> Parsed:
    if column.kind == "code":
        return parse_code(raw, distinct)
    if column.kind in ("money", "number", "whole"):
        parsed = parse_number(raw, decimal=decimal, distinct=distinct)
        if column.kind == "whole":
            fraction = parsed.values.notna() & (parsed.values % 1 != 0)
            return Parsed(parsed.values.where(~fraction), parsed.blank, parsed.bad | fraction, parsed.ambiguous, parsed.huge)
        return parsed
    if column.kind == "percent":
        return parse_number(raw, allow_percent_sign=True, decimal=decimal, distinct=distinct)
    if column.kind == "yesno":
        return parse_yesno(raw, distinct)
    if column.kind == "stream":
        return parse_stream(raw, distinct)
    return parse_text(raw, distinct)


def _check_range(part: Part, column: Column, parsed: Parsed, raw: pd.Series, rows: pd.Series) -> list[Problem]:
    if column.minimum is None and column.maximum is None:
        return []
    values, problems = parsed.values, []
    if column.minimum is not None:
        for i in values[values < column.minimum].index:
            value = cell_text(raw[i])
            problems.append(
                error(
                    f"'{value}' is negative: {column.name} cannot be below {column.minimum:g}",
                    **part.where(int(rows[i]), column.name),
                    value=value,
                )
            )
    if column.maximum is not None:
        for i in values[values > column.maximum].index:
            value = cell_text(raw[i])
            problems.append(
                error(
                    f"'{value}' is over {column.maximum:g}: {column.name} is a percentage from 0 to 100",
                    **part.where(int(rows[i]), column.name),
                    value=value,
                )
            )
    return problems


def _concat(name: str, frames: list[pd.DataFrame]) -> pd.DataFrame:
    columns = [*_COLUMNS[name], "_row", "_part"]
    if not frames:
        return pd.DataFrame({c: pd.Series(dtype=object) for c in columns})
    return pd.concat([f.reindex(columns=columns) for f in frames], ignore_index=True)


def _where(parts: Sequence[Part], row: pd.Series, column: str) -> dict[str, object]:
    return parts[int(row["_part"])].where(int(row["_row"]), column)


def _place(parts: Sequence[Part], row: pd.Series, column: str) -> str:
    part = parts[int(row["_part"])]
    where = part.where(int(row["_row"]), column)
    inside = f"cell {where['cell']}" if where["cell"] else f"row {where['row']}"
    return f"{part.source.file}, {inside}" if part.source.sheet is None else f"{part.source.file}, sheet {part.source.sheet}, {inside}"


def _service_key(values: pd.Series) -> pd.Series:
    """Service names compared without case or extra spaces ('phlebotomy ' is 'Phlebotomy')."""
    return on_distinct(values, _one_service_key)


def _one_service_key(name: object) -> str:
    return " ".join(str(name).casefold().split())


# Where a repeated row is said to be repeated: the other places named, at most this many.
PLACES_SHOWN = 3


def _check_unique(parts: Sequence[Part], table: pd.DataFrame, columns: str | tuple[str, ...], rule: str, key=None) -> list[Problem]:
    """An error for each repeat of a row that must be unique, naming where else it is (a few places, then how many
    more); after MAX_REPEATS of them, one line saying how many more repeats there are. Linear in the rows: a
    hostile file of 100,000 copies of one row gets 21 lines, not 100,000 lines of 100,000 places each."""
    names = (columns,) if isinstance(columns, str) else columns
    usable = table.dropna(subset=list(names))
    if usable.empty:
        return []
    keys = usable[list(names)].apply(key) if key else usable[list(names)]
    repeated = keys.duplicated(keep=False)
    if not repeated.any():
        return []
    doubled, doubled_keys = usable[repeated], keys[repeated]
    problems: list[Problem] = []
    left_out = 0
    for _, group in doubled.groupby([doubled_keys[n] for n in names], sort=False):
        first = group.iloc[0]
        what = " and ".join(f"{n} '{first[n]}'" for n in names)
        room = MAX_REPEATS - len(problems)
        left_out += max(len(group) - 1 - room, 0)
        if room <= 0:
            continue
        shown = group.iloc[: room + PLACES_SHOWN + 1]
        places = [_place(parts, row, names[0]) for _, row in shown.iterrows()]
        for position, (_, row) in enumerate(shown.iloc[1 : room + 1].iterrows(), start=1):
            others = [place for j, place in enumerate(places) if j != position][:PLACES_SHOWN]
            more = len(group) - 1 - len(others)
            also = "; ".join(others) + (f"; and {more:,} more" if more > 0 else "")
            problems.append(
                error(f"{what} appears more than once (also {also}): {rule}", **_where(parts, row, names[0]), value=str(row[names[0]]))
            )
    if left_out:
        problems.append(error(f"{left_out:,} more rows repeat a {' and '.join(names)} already given, like the rows above: {rule}"))
    return problems


def _check_practices_exist(parts: Sequence[Part], table: pd.DataFrame, known: set[str]) -> list[Problem]:
    codes = table["practice_code"]
    unknown = codes.notna() & ~codes.isin(known)
    if not unknown.any():
        return []
    unknown[unknown] = codes[unknown].str.match(r"^[A-Z][0-9]{5}$", na=False)  # a code not valid is reported as such already
    missing = table[unknown]
    return [
        error(f"practice '{row['practice_code']}' is not in practices", **_where(parts, row, "practice_code"), value=row["practice_code"])
        for _, row in missing.iterrows()
    ]


def _check_services_exist(parts: Sequence[Part], table: pd.DataFrame, catalogue: pd.Series) -> list[Problem]:
    """Service names must be in the catalogue; case and spacing are forgiven and put right."""
    spelling = dict(zip(_service_key(catalogue), catalogue, strict=False))
    given = table["service"].notna()
    if not given.any():
        return []
    names = table.loc[given, "service"]
    matched = Distinct.of(names).map(lambda name: spelling.get(_one_service_key(name))).series()
    table.loc[given, "service"] = matched.where(matched.notna(), names)
    problems = []
    hints: dict[str, str] = {}  # each unknown name looked up once (difflib is slow on a long catalogue)
    names_offered = list(catalogue)
    for i in matched[matched.isna()].index:
        row = table.loc[i]
        name = str(row["service"])
        if name not in hints:
            close = difflib.get_close_matches(name, names_offered, n=1, cutoff=0.6) if len(hints) < MAX_REPEATS else []
            hints[name] = f": did you mean '{close[0]}'?" if close else f" (services are: {', '.join(names_offered[:12])})"
        problems.append(error(f"service '{name}' is not in services{hints[name]}", **_where(parts, row, "service"), value=name))
    return problems


def _advice(tables: dict[str, pd.DataFrame], present: dict[str, bool]) -> list[Problem]:
    """Warnings: things that are allowed but probably not meant."""
    problems = []
    practices, income, services = tables["practices"], tables["income"], tables["services"]
    if present["practices"] and present["income"]:
        codes = practices["practice_code"]
        without = practices[codes.str.match(r"^[A-Z][0-9]{5}$", na=False) & ~codes.isin(income["practice_code"].unique())]
        for _, row in without.iterrows():
            problems.append(warning(f"practice {row['practice_code']} ({row['practice_name']}) has no income lines"))
    if present["services"]:
        used = np.concatenate([income["service"].dropna().unique(), tables["activity"]["service"].dropna().unique()])
        rate = pd.to_numeric(services["units_per_1000_patients"], errors="coerce").fillna(0)
        for _, row in services[~services["service"].isin(used) & (rate <= 0)].dropna(subset=["service"]).iterrows():
            problems.append(
                warning(f"service '{row['service']}' has no income, no activity and no units_per_1000_patients: no practice uses it")
            )
        fees = pd.to_numeric(services["management_fee_pct"], errors="coerce").dropna()
        if len(fees) and fees.max() <= 1 and fees.max() > 0:
            problems.append(
                warning(
                    f"every management_fee_pct is 1 or less (e.g. {fees.max():g}): fees are in percent, so {fees.max():g} means {fees.max():g}%. "
                    "If you meant 10%, type 10."
                )
            )
    if not present["federation_costs"] and present["practices"]:
        problems.append(warning("No federation_costs table: the federation's overheads are taken as £0, so its surplus is its fee income."))
    return problems


def _dataset(tables: dict[str, pd.DataFrame], sources: Sequence[SourceFile], table_files: tuple[tuple[str, str], ...]) -> Dataset:
    clean = {name: frame.drop(columns=["_row", "_part"]).reset_index(drop=True) for name, frame in tables.items()}
    practices = clean["practices"]
    practices["list_size"] = practices["list_size"].astype(float)
    practices["weighted_list_size"] = practices["weighted_list_size"].astype(float).fillna(practices["list_size"])
    practices["partners_fte"] = practices["partners_fte"].astype(float)
    practices["federation_member"] = (
        practices["federation_member"].map(lambda v: True if v is None or v is np.nan else bool(v)).astype(bool)
    )
    services = clean["services"]
    for column in (
        "units_per_1000_patients",
        "inhouse_cost_per_unit",
        "inhouse_fixed_cost",
        "federation_cost_per_unit",
        "federation_fixed_cost",
        "management_fee_pct",
        "fee_per_unit_gbp",
        "vat_rate_pct",
        "pcn_cost_per_unit",
        "pcn_fixed_cost",
        "pcn_fee_pct",
    ):
        services[column] = services[column].astype(float)
    services["inhouse_fixed_cost"] = services["inhouse_fixed_cost"].fillna(0.0)
    services["federation_fixed_cost"] = services["federation_fixed_cost"].fillna(0.0)
    for name, column in (
        ("service_staffing", "minutes_per_unit"),
        ("service_staffing", "other_cost_per_unit_gbp"),
        ("staff_rates", "hourly_cost_gbp"),
        ("income", "amount_gbp"),
        ("activity", "units"),
        ("federation_costs", "amount_gbp"),
        ("practice_costs", "amount_gbp"),
    ):
        clean[name][column] = clean[name][column].astype(float)
    return Dataset(sources=tuple(sources), table_files=table_files, **clean)
