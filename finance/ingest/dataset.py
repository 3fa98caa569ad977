"""A validated upload set: the six tables the model reads, and the files they came from."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field

import pandas as pd

from finance.ingest.tables import STREAMS


@dataclass(frozen=True)
class SourceFile:
    name: str
    size_bytes: int
    sha256: str


@dataclass(frozen=True)
class Dataset:
    """Clean tables with the column names of DATA.md; amounts in pounds per year.

    practices: practice_code, practice_name, pcn, list_size, weighted_list_size, partners_fte, federation_member
    income: practice_code, stream, line, service (None = core income), amount_gbp
    services: service, unit, units_per_1000_patients, inhouse_cost_per_unit, inhouse_fixed_cost,
              federation_cost_per_unit, federation_fixed_cost, management_fee_pct
    activity: practice_code, service, units
    federation_costs: item, amount_gbp
    practice_costs: practice_code, item, amount_gbp
    service_staffing: service, delivered_by, role, minutes_per_unit, other_cost_per_unit_gbp (optional)
    staff_rates: role, hourly_cost_gbp, source (optional: uploaded rates, over the shipped defaults)
    services also carries fee_per_unit_gbp, vat_rate_pct, pcn_cost_per_unit, pcn_fixed_cost, pcn_fee_pct
    where uploaded (the model reads them as blank = default when the columns are absent).
    """

    practices: pd.DataFrame
    income: pd.DataFrame
    services: pd.DataFrame
    activity: pd.DataFrame
    federation_costs: pd.DataFrame
    practice_costs: pd.DataFrame
    sources: tuple[SourceFile, ...] = field(default=())
    service_staffing: pd.DataFrame = field(
        default_factory=lambda: pd.DataFrame(
            {c: pd.Series(dtype=object) for c in ("service", "delivered_by", "role", "minutes_per_unit", "other_cost_per_unit_gbp")}
        )
    )
    staff_rates: pd.DataFrame = field(
        default_factory=lambda: pd.DataFrame({c: pd.Series(dtype=object) for c in ("role", "hourly_cost_gbp", "source")})
    )
    # (table, file) for every table found in every file: which uploaded file holds which table, as read.
    table_files: tuple[tuple[str, str], ...] = field(default=())

    @property
    def fingerprint(self) -> str:
        """One hash of the files' contents, whatever order they were uploaded in."""
        digest = hashlib.sha256()
        for source in sorted(self.sources, key=lambda s: (s.sha256, s.name)):
            digest.update(source.sha256.encode())
        return digest.hexdigest()

    def files_holding(self, table: str) -> list[str]:
        """The uploaded files a table was read from (a workbook's sheet or a CSV named after it)."""
        return [file for name, file in self.table_files if name == table]

    @property
    def file_names(self) -> list[str]:
        return [s.name for s in self.sources]

    def summary(self) -> dict[str, object]:
        """What is loaded, in a user's words: counts and income by stream."""
        by_stream = self.income.groupby("stream")["amount_gbp"].sum()
        pcns = self.practices["pcn"].dropna()
        return {
            "practices": len(self.practices),
            "members": int(self.practices["federation_member"].sum()),
            "pcns": int(pcns.nunique()),
            "services": len(self.services),
            "income_lines": len(self.income),
            "income_by_stream_gbp": {s: float(by_stream.get(s, 0.0)) for s in STREAMS},
            "overheads_gbp": float(self.federation_costs["amount_gbp"].sum()),
            "files": self.file_names,
        }

    def summary_line(self) -> str:
        s = self.summary()
        return (
            f"{s['practices']} practices ({s['members']} federation members) in {s['pcns']} PCNs, "
            f"{s['services']} services, {s['income_lines']} income lines"
        )
