"""NHS Digital's "NHS Payments to General Practice" (practice level) -> a ready upload set.

A federation director picks areas (sub-ICBs or CCGs, PCNs, practices, by code or name) and gets
``practices``, ``contract_income``, ``pcn_des_income`` and pass-through ``practice_costs`` tables
for its practices, tagged by a service catalogue (theirs, or the sample's added as a file), so
nobody retypes what the NHS already publishes. Each step is a module of its own:

- columns.py / payment_columns.csv: which column holds what, by meaning, for any year's spellings;
- publication.py: the file read into one row a practice;
- areas.py: which practices an area means;
- membership.py: practices with no registered patients are left out (each named with its money);
  practices that opened or closed in the year are named;
- apportion.py: PCN money paid to one practice on the PCN's behalf shared by weighted list, with
  what crossed the area's boundary;
- passthrough.py: an equal practice cost against money that is not the practice's to keep;
- services.py: income tagged only with services the catalogue has;
- reconcile.py: every practice checked against the published total;
- summary.py: the lines the command line and the Data page show.

``list_size`` must be a whole number but the NHS file holds quarterly averages (4029.25): it is
rounded to the nearest patient, halves up; ``weighted_list_size`` is kept exact. Names written in
capitals are title-cased, keeping NHS, PCN and GP; area matching uses the names as published.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from finance.errors import UploadError
from finance.ingest.read import Upload
from finance.nhs.apportion import PcnFlows, share_pcn_money
from finance.nhs.areas import area_table, choose
from finance.nhs.columns import ColumnRule
from finance.nhs.membership import CORE_LINES, NamedPractice, change_of, changes_in_year, financial_year, no_patients
from finance.nhs.passthrough import COSTS_FILE, pass_through_costs
from finance.nhs.publication import Publication, read_publication
from finance.nhs.reconcile import Reconciliation, reconcile
from finance.nhs.services import Catalogue, fit_to_catalogue, read_catalogue, sample_catalogue
from finance.problems import Problem, warning

TABLE_FILES = {
    "practices": "practices.csv",
    "contract_income": "contract_income.csv",
    "pcn_des_income": "pcn_des_income.csv",
    "practice_costs": COSTS_FILE,
}


@dataclass(frozen=True)
class PaymentsImport:
    """The upload set for the chosen practices, and everything the summary says about it."""

    practices: pd.DataFrame  # practice_code, practice_name, pcn, list_size, weighted_list_size
    contract_income: pd.DataFrame  # practice_code, line, service, amount_gbp (service None = core)
    pcn_des_income: pd.DataFrame  # same columns
    practice_costs: pd.DataFrame  # practice_code, item, amount_gbp: one "pass-through: ..." row per pass-through line
    problems: list[Problem]  # warnings only
    areas: list[str]  # what matched, in words
    file: str = ""
    year: str | None = None  # "2022/23"
    catalogue: Catalogue = field(default_factory=lambda: Catalogue((), ""))
    left_out: list[NamedPractice] = field(default_factory=list)  # no registered patients, with the money each holds
    changes: list[NamedPractice] = field(default_factory=list)  # opened or closed in the year
    pcn: PcnFlows = field(default_factory=lambda: PcnFlows(True))
    check: Reconciliation | None = None
    readings: list[tuple[str, str]] = field(default_factory=list)  # (header, what it was read as)
    pass_through_lines: tuple[str, ...] = ()

    @property
    def supplies(self) -> tuple[str, ...]:
        """The files of the set, in order: the four tables, then the catalogue when the import adds it."""
        added = (self.catalogue.upload.name,) if self.catalogue.upload else ()
        return tuple(TABLE_FILES.values()) + added

    @property
    def imported_gbp(self) -> float:
        return float(self.contract_income["amount_gbp"].sum() + self.pcn_des_income["amount_gbp"].sum())


def import_payments(
    source: str | Path | bytes,
    areas: Sequence[str],
    *,
    filename: str | None = None,
    apportion_pcn: bool = True,
    catalogue: Catalogue | str | Path | Upload | None = None,
) -> PaymentsImport:
    """The upload set for the practices of ``areas`` (codes or names; several are combined)."""
    areas = [a for a in ([areas] if isinstance(areas, str) else areas) if str(a).strip()]
    if not areas:
        raise UploadError("Choose at least one area: a sub-ICB, PCN or practice code or name.")
    return import_publication(read_publication(source, filename), areas, apportion_pcn=apportion_pcn, catalogue=catalogue)


def import_publication(
    pub: Publication, areas: Sequence[str], *, apportion_pcn: bool = True, catalogue: Catalogue | str | Path | Upload | None = None
) -> PaymentsImport:
    """import_payments on a file already read (the app reads it once for the area picker and the import)."""
    areas = [a for a in ([areas] if isinstance(areas, str) else areas) if str(a).strip()]
    if not areas:
        raise UploadError("Choose at least one area: a sub-ICB, PCN or practice code or name.")
    if catalogue is None:
        catalogue = sample_catalogue()
    elif not isinstance(catalogue, Catalogue):
        catalogue = read_catalogue(catalogue)
    chosen, described = choose(pub.table, areas)
    empty = no_patients(pub.table)
    kept = chosen & ~empty
    if not kept.any():
        raise UploadError(f"{pub.name}: no practice with registered patients in " + "; ".join(described) + ".")
    check, problems = reconcile(pub, chosen)
    columns = [c for c, _ in pub.payments]
    per_pcn = [c for c, rule in pub.payments if rule.per_pcn]
    amounts, flows = share_pcn_money(pub.table, columns, per_pcn, chosen, empty, apportion_pcn)
    year = financial_year(pub.name, pub.table)
    left_out = _left_out(pub.table, amounts, chosen & empty, year)
    problems += [warning(f"practice {p.practice_code} ({p.practice_name}) {p.what}: it was not imported, with the £{p.amount_gbp:,.2f} it holds", file=pub.name)
                 for p in left_out]  # fmt: skip
    core = amounts[[c for c, r in pub.payments if r.line in CORE_LINES]].sum(axis=1) if columns else None
    changes = changes_in_year(pub.table, kept, year, core)
    practices = pub.table.loc[kept, ["practice_code", "practice_name", "pcn", "list_size", "weighted_list_size"]]
    practices = practices.assign(list_size=np.floor(practices["list_size"] + 0.5).astype("int64"))
    rules = dict(pub.payments)
    lines = _income_lines(amounts[kept].assign(practice_code=pub.table.loc[kept, "practice_code"]), rules)
    pass_through = lines[lines["column"].map(lambda c: rules[c].kind == "pass_through")]
    names = dict(zip(practices["practice_code"], practices["practice_name"], strict=True))
    costs, found = pass_through_costs(pass_through, names, COSTS_FILE)
    problems += found
    income, found = fit_to_catalogue(lines.drop(columns="column"), catalogue, "contract_income.csv / pcn_des_income.csv")
    problems += found
    streams = {s: income[lines["stream"] == s].drop(columns="stream").reset_index(drop=True) for s in ("contract", "pcn_des")}
    return PaymentsImport(
        practices=practices.sort_values("practice_code").reset_index(drop=True),
        contract_income=streams["contract"],
        pcn_des_income=streams["pcn_des"],
        practice_costs=costs,
        problems=pub.problems + problems + _crossing(flows, pub),
        areas=described,
        file=pub.name,
        year=f"{year[0].year}/{str(year[1].year)[2:]}" if year else None,
        catalogue=catalogue,
        left_out=left_out,
        changes=changes,
        pcn=flows,
        check=check,
        readings=pub.readings,
        pass_through_lines=tuple(dict.fromkeys(r.line for r in rules.values() if r.kind == "pass_through")),
    )


def _left_out(table: pd.DataFrame, amounts: pd.DataFrame, mask: np.ndarray, year) -> list[NamedPractice]:
    """Practices with no registered patients, the money each holds, and how it closed, when the file says."""
    held = amounts[mask].sum(axis=1)
    named = []
    for i, (_, row) in enumerate(table[mask].iterrows()):
        change = change_of(row, year)
        what = "has no registered patients" + (f" ({change})" if change else "")
        named.append(NamedPractice(row["practice_code"], row["practice_name"], what, float(held.iat[i])))
    return named


def _crossing(flows: PcnFlows, pub: Publication) -> list[Problem]:
    """A warning per PCN whose money crossed the area's boundary (or was left outside it)."""
    problems = []
    for p in flows.pcns:
        if flows.apportioned and (p.moved_out_gbp or p.moved_in_gbp):
            problems.append(warning(
                f"PCN {p.pcn} has practices outside the chosen area: sharing its £{p.paid_gbp:,.2f} of PCN payments by weighted list "
                f"moved £{p.moved_out_gbp:,.2f} out of the area and £{p.moved_in_gbp:,.2f} into it", file=pub.name))  # fmt: skip
        elif not flows.apportioned and p.paid_gbp - p.paid_inside_gbp:
            problems.append(warning(
                f"PCN {p.pcn}: £{p.paid_gbp - p.paid_inside_gbp:,.2f} of its PCN payments was paid to practices outside the chosen "
                "area and, kept where paid, was not imported", file=pub.name))  # fmt: skip
    return problems


def _income_lines(amounts: pd.DataFrame, rules: dict[str, ColumnRule]) -> pd.DataFrame:
    """One row per practice per non-zero payment column: practice_code, line, service, amount_gbp, stream, column."""
    long = amounts.melt(id_vars="practice_code", value_vars=list(rules), var_name="column", value_name="amount_gbp")
    long = long[long["amount_gbp"] != 0]
    order = {h: i for i, h in enumerate(rules)}
    long = long.sort_values(["practice_code", "column"], key=lambda s: s.map(order) if s.name == "column" else s, kind="stable")
    return pd.DataFrame({
        "practice_code": long["practice_code"].to_numpy(),
        "line": long["column"].map(lambda h: rules[h].line).to_numpy(),
        "service": long["column"].map(lambda h: rules[h].service).to_numpy(),
        "amount_gbp": long["amount_gbp"].to_numpy(dtype="float64"),
        "stream": long["column"].map(lambda h: rules[h].stream).to_numpy(),
        "column": long["column"].to_numpy(),
    })  # fmt: skip


def list_areas(source: str | Path | bytes | Publication, *, filename: str | None = None) -> pd.DataFrame:
    """Sub-ICBs and PCNs in the file (kind, code, name, practices) so the app can offer a picker."""
    pub = source if isinstance(source, Publication) else read_publication(source, filename)
    table = area_table(pub.table)
    return table.loc[table["kind"] != "practice", ["kind", "code", "name", "practices"]].reset_index(drop=True)


def upload_set_files(result: PaymentsImport) -> dict[str, bytes]:
    """The four tables as CSV files in memory: {"practices.csv": b"...", ...} (the catalogue is result.catalogue.upload)."""
    return {file: getattr(result, table).to_csv(index=False).encode("utf-8") for table, file in TABLE_FILES.items()}


def upload_set(result: PaymentsImport) -> tuple[Upload, ...]:
    """Every file of the set as uploads, the sample catalogue last when the import adds it."""
    files = tuple(Upload(name, content) for name, content in upload_set_files(result).items())
    return files + ((result.catalogue.upload,) if result.catalogue.upload else ())


def write_upload_set(result: PaymentsImport, out_dir: str | Path) -> list[Path]:
    """Writes the set's files (UTF-8 CSV, and the sample catalogue when added) and returns the paths."""
    out = Path(out_dir)
    try:
        out.mkdir(parents=True, exist_ok=True)
        paths = []
        for upload in upload_set(result):
            path = out / upload.name
            path.write_bytes(upload.content)
            paths.append(path)
    except OSError as exc:
        raise UploadError(f"Could not write the upload set to {out}: {exc.strerror or exc}.") from exc
    return paths
