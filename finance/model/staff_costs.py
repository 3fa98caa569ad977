"""Costs from staff time (MODEL.md, "Costs from staff time"): hourly rates by role and cost per unit.

A deliverer's cost of one unit of a service is the sum over its service_staffing rows of
minutes_per_unit / 60 x hourly_cost_gbp(role) + other_cost_per_unit_gbp, and replaces the
matching services column (inhouse_cost_per_unit for the practice, federation_cost_per_unit,
pcn_cost_per_unit). Hourly costs: an uploaded staff_rates row wins, role by role, over the shipped
default rates (finance/ingest/staff_rates.py: staff_rates_2025_26.csv, each with its salary, on-costs, hours and source).

>>> staffing = pd.DataFrame({"service": ["Phlebotomy"], "delivered_by": ["practice"], "role": ["HCA"],
...                          "minutes_per_unit": [12.0], "other_cost_per_unit_gbp": [0.5]})
>>> round(float(staffed_costs(staffing, rates({"HCA": 20.0})).iloc[0]["cost_per_unit_gbp"]), 2)
4.5
"""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

from finance.ingest.staff_rates import COST_COLUMN, default_rates, role_key


def rates(uploaded: pd.DataFrame | Mapping[str, float] | None = None) -> pd.DataFrame:
    """Hourly cost by role: the shipped defaults with uploaded rows replacing theirs role by role.

    Columns: role, key (role_key), hourly_cost_gbp, source, origin ('uploaded' or 'default').
    """
    if isinstance(uploaded, Mapping):
        uploaded = pd.DataFrame({"role": list(uploaded), "hourly_cost_gbp": list(uploaded.values()), "source": None})
    defaults = default_rates()[["role", "hourly_cost_gbp", "source"]].assign(origin="default")
    frames = [defaults]
    if uploaded is not None and len(uploaded):
        mine = uploaded.dropna(subset=["role", "hourly_cost_gbp"])[["role", "hourly_cost_gbp"]].copy()
        mine["source"] = uploaded.get("source")
        frames.insert(0, mine.assign(origin="uploaded"))
    table = pd.concat(frames, ignore_index=True)
    table["key"] = table["role"].map(role_key)
    table["hourly_cost_gbp"] = table["hourly_cost_gbp"].astype(float)
    return table.drop_duplicates("key", keep="first").reset_index(drop=True)


def staffed_costs(staffing: pd.DataFrame, rate_table: pd.DataFrame) -> pd.DataFrame:
    """Cost per unit for each (service, delivered_by) with staffing rows: service, delivered_by,
    cost_per_unit_gbp, staff_cost_per_unit_gbp, other_cost_per_unit_gbp. A role with no rate is a
    KeyError here (validation reports it, naming the cell, before a model is ever built)."""
    columns = ["service", "delivered_by", "cost_per_unit_gbp", "staff_cost_per_unit_gbp", "other_cost_per_unit_gbp"]
    if staffing is None or staffing.empty:
        return pd.DataFrame({c: pd.Series(dtype=object if c in ("service", "delivered_by") else float) for c in columns})
    lines = staffing_lines(staffing, rate_table)
    grouped = lines.groupby(["service", "delivered_by"], sort=False)[["staff_cost_per_unit_gbp", "other_cost_per_unit_gbp"]].sum()
    grouped["cost_per_unit_gbp"] = grouped["staff_cost_per_unit_gbp"] + grouped["other_cost_per_unit_gbp"]
    return grouped.reset_index()[columns]


def staffing_lines(staffing: pd.DataFrame, rate_table: pd.DataFrame) -> pd.DataFrame:
    """Each staffing row with its hourly cost and its cost per unit (the make-up a cost builder shows)."""
    hourly = dict(zip(rate_table["key"], rate_table["hourly_cost_gbp"], strict=True))
    lines = staffing.copy()
    has_role = lines["role"].notna() & (lines["role"].astype(str).str.strip() != "")
    keys = lines["role"].where(has_role).map(lambda r: role_key(r) if isinstance(r, str) else None)
    missing = sorted({str(r) for r, k in zip(lines["role"], keys, strict=True) if k is not None and k not in hourly})
    if missing:
        raise KeyError(f"no hourly cost for role(s) {', '.join(missing)}")
    lines["delivered_by"] = lines["delivered_by"].map(lambda d: str(d).strip().lower())
    lines["hourly_cost_gbp"] = keys.map(hourly).astype(float)
    minutes = pd.to_numeric(lines["minutes_per_unit"], errors="coerce").fillna(0.0).astype(float)
    lines["staff_cost_per_unit_gbp"] = (minutes / 60.0 * lines["hourly_cost_gbp"]).where(has_role, 0.0).astype(float)
    lines["other_cost_per_unit_gbp"] = pd.to_numeric(lines["other_cost_per_unit_gbp"], errors="coerce").fillna(0.0).astype(float)
    lines["cost_per_unit_gbp"] = lines["staff_cost_per_unit_gbp"] + lines["other_cost_per_unit_gbp"]
    return lines


SERVICE_DEFAULTS = {
    "fee_per_unit_gbp": 0.0,
    "vat_rate_pct": 0.0,
    "pcn_fixed_cost": 0.0,
    "pcn_fee_pct": 0.0,
    "inhouse_fixed_cost": 0.0,
    "federation_fixed_cost": 0.0,
}
NUMERIC_SERVICE_COLUMNS = (
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
)


def costed_services(services: pd.DataFrame, staffing: pd.DataFrame | None, staff_rates: pd.DataFrame | None) -> pd.DataFrame:
    """The services table the model reads: every column of DATA.md (absent optional ones at their
    defaults), and each deliverer's cost per unit from staff time where service_staffing has rows.
    pcn_cost_per_unit stays blank (NaN) where neither gives it: the PCN route then cannot be used."""
    out = services.copy()
    for column in NUMERIC_SERVICE_COLUMNS:
        if column not in out:
            out[column] = float("nan")
        out[column] = pd.to_numeric(out[column], errors="coerce").astype(float)
    for column, default in SERVICE_DEFAULTS.items():
        out[column] = out[column].fillna(default)
    if staffing is not None and len(staffing):
        staffed = staffed_costs(staffing, rates(staff_rates))
        for deliverer, column in COST_COLUMN.items():
            mine = staffed[staffed["delivered_by"] == deliverer].set_index("service")["cost_per_unit_gbp"]
            replaced = out["service"].map(mine)
            out[column] = replaced.where(replaced.notna(), out[column]).astype(float)
    return out


STAFFING_COLUMNS = ("service", "delivered_by", "role", "minutes_per_unit", "other_cost_per_unit_gbp")


def replace_staffing(staffing: pd.DataFrame | None, service: str, deliverer: str, rows: pd.DataFrame) -> pd.DataFrame:
    """The service_staffing table with one (service, deliverer)'s rows replaced by ``rows`` (role,
    minutes_per_unit, other_cost_per_unit_gbp; blank rows dropped): what the app's cost builder writes."""
    kept = (
        staffing[~((staffing["service"] == service) & (staffing["delivered_by"].map(lambda d: str(d).strip().lower()) == deliverer))]
        if staffing is not None and len(staffing)
        else pd.DataFrame(columns=list(STAFFING_COLUMNS))
    )
    new = rows.reindex(columns=["role", "minutes_per_unit", "other_cost_per_unit_gbp"]).copy()
    new["role"] = new["role"].map(lambda r: r.strip() if isinstance(r, str) and r.strip() else None)
    new = new[new["role"].notna() | pd.to_numeric(new["other_cost_per_unit_gbp"], errors="coerce").fillna(0).gt(0)]
    new.insert(0, "delivered_by", deliverer)
    new.insert(0, "service", service)
    return pd.concat([kept[list(STAFFING_COLUMNS)], new[list(STAFFING_COLUMNS)]], ignore_index=True)
