"""The rules of service_staffing and staff_rates (DATA.md), and the services unit costs they stand in for.

Called by validate.check_across once every part is parsed: the services columns inhouse_cost_per_unit
and federation_cost_per_unit are required unless service_staffing gives that deliverer's staff
time; a role must be in staff_rates or the shipped default rates; a cost given both ways is a
warning saying which one the model uses.
"""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from finance.ingest.locate import Part
from finance.ingest.staff_rates import COST_COLUMN, default_rates, role_key
from finance.ingest.tables import DELIVERERS
from finance.problems import Problem, error, warning


def staffing_problems(parts: Sequence[Part], tables: dict[str, pd.DataFrame], present: dict[str, bool]) -> list[Problem]:
    """Every problem of the two staffing tables and of the services costs they replace."""
    staffing, rates, services = tables["service_staffing"], tables["staff_rates"], tables["services"]
    problems = _rate_problems(parts, rates)
    known_roles = {role_key(r) for r in default_rates()["role"]} | {role_key(r) for r in rates["role"].dropna()}
    staffed: set[tuple[str, str]] = set()
    for _, row in staffing.iterrows():
        where = _where(parts, row)
        deliverer = None if pd.isna(row["delivered_by"]) else str(row["delivered_by"]).strip().lower()
        if deliverer is not None and deliverer not in DELIVERERS:
            problems.append(
                error(
                    f"'{row['delivered_by']}' is not practice, federation or pcn", **where("delivered_by"), value=str(row["delivered_by"])
                )
            )
        has_role = isinstance(row["role"], str) and row["role"].strip() != ""
        has_minutes = pd.notna(row["minutes_per_unit"])
        if has_role and not has_minutes:
            problems.append(
                error(
                    f"minutes_per_unit is required with role '{row['role']}' but the cell is empty", **where("minutes_per_unit"), value=""
                )
            )
        if has_minutes and not has_role:
            problems.append(error("role is required with minutes_per_unit but the cell is empty", **where("role"), value=""))
        if has_role and role_key(row["role"]) not in known_roles:
            problems.append(
                error(
                    f"role '{row['role']}' is not in staff_rates nor in the default rates "
                    f"(add a staff_rates row for it, or use one of: {', '.join(default_rates()['role'])})",
                    **where("role"),
                    value=str(row["role"]),
                )
            )
        if deliverer in DELIVERERS and pd.notna(row["service"]):
            staffed.add((str(row["service"]), deliverer))
    if present.get("services"):
        problems += _cost_problems(parts, services, staffed)
    return problems


def _cost_problems(parts: Sequence[Part], services: pd.DataFrame, staffed: set[tuple[str, str]]) -> list[Problem]:
    problems = []
    for _, row in services.dropna(subset=["service"]).iterrows():
        where = _where(parts, row)
        for deliverer, column in COST_COLUMN.items():
            given = pd.notna(row[column])
            from_staff = (str(row["service"]), deliverer) in staffed
            if deliverer != "pcn" and not given and not from_staff:
                problems.append(
                    error(
                        f"{column} is required but the cell is empty: type the cost of one unit, "
                        f"or give the {deliverer}'s staff time for '{row['service']}' in service_staffing",
                        **where(column),
                        value="",
                    )
                )
            if given and from_staff:
                problems.append(
                    warning(
                        f"{column} {float(row[column]):g} for '{row['service']}' is replaced by the {deliverer}'s staff time "
                        "in service_staffing (the model uses the staff-time cost)",
                        **where(column),
                        value=str(row[column]),
                    )
                )
    return problems


def _rate_problems(parts: Sequence[Part], rates: pd.DataFrame) -> list[Problem]:
    problems = []
    seen: dict[str, str] = {}
    for _, row in rates.iterrows():
        where = _where(parts, row)
        if pd.notna(row["hourly_cost_gbp"]) and float(row["hourly_cost_gbp"]) <= 0:
            problems.append(
                error(
                    f"'{row['hourly_cost_gbp']:g}' is not more than 0: hourly_cost_gbp must be above £0",
                    **where("hourly_cost_gbp"),
                    value=str(row["hourly_cost_gbp"]),
                )
            )
        if isinstance(row["role"], str):
            key = role_key(row["role"])
            if key in seen:
                problems.append(
                    error(
                        f"role '{row['role']}' appears more than once (also {seen[key]}): one rate per role",
                        **where("role"),
                        value=row["role"],
                    )
                )
            else:
                seen[key] = _place(where("role"))
    return problems


def _where(parts: Sequence[Part], row: pd.Series):
    part = parts[int(row["_part"])]
    return lambda column: part.where(int(row["_row"]), column)


def _place(where: dict[str, object]) -> str:
    inside = f"cell {where['cell']}" if where["cell"] else f"row {where['row']}"
    return f"{where['file']}, {inside}" if where["sheet"] is None else f"{where['file']}, sheet {where['sheet']}, {inside}"
