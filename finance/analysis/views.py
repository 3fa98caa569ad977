"""The tables each page shows, cut from one scenario's Results (no new arithmetic beyond sums).

Pages call these by name, so a figure on screen is one hop from the model: page -> view -> Results.
Money shown beside its total is rounded with whole_pounds_adding_up so the parts add up.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from finance.format import round_half_up, whole_pounds_adding_up
from finance.model.engine import Results


@dataclass(frozen=True)
class Headline:
    """The federation's figures as shown: whole pounds, fee income - overheads = surplus exactly."""

    surplus_gbp: int
    fee_income_gbp: int
    overheads_gbp: int
    practices_better_off: int
    practices: int
    viable: bool
    rounds: int
    members: int = 0  # federation members taking part (not excluded): the "of N members" of the count
    non_members: int = 0
    excluded: int = 0


def headline(results: Results) -> Headline:
    """The headline; practices better off are counted among the members taking part (a non-member or
    an excluded practice uses no federation service, so it can be neither better nor worse off)."""
    federation = results.federation
    fee_income, minus_overheads = whole_pounds_adding_up([federation.fee_income_gbp, -federation.overheads_gbp])
    practices = results.practices
    member = practices["federation_member"].astype(bool)
    excluded = practices["practice_code"].isin(set(results.scenario.excluded_practices)) & member
    taking_part = member & ~excluded
    return Headline(
        surplus_gbp=round_half_up(federation.surplus_gbp),
        fee_income_gbp=fee_income,
        overheads_gbp=-minus_overheads,
        practices_better_off=int((practices.loc[taking_part, "difference_gbp"] > 0.005).sum()),
        practices=len(practices),
        viable=federation.viable,
        rounds=federation.rounds,
        members=int(taking_part.sum()),
        non_members=int((~member).sum()),
        excluded=int(excluded.sum()),
    )


def practice_comparison(results: Results) -> pd.DataFrame:
    """One row per practice, sorted by the difference the federation makes (most gained first)."""
    columns = [
        "practice_code",
        "practice_name",
        "pcn",
        "result_all_inhouse_gbp",
        "result_with_federation_gbp",
        "difference_gbp",
        "services_with_federation",
    ]
    frame = results.practices[columns].sort_values(["difference_gbp", "practice_name"], ascending=[False, True])
    return frame.reset_index(drop=True)


def gainers_and_losers(comparison: pd.DataFrame, each: int) -> pd.DataFrame:
    """The ``each`` practices that gain most and the ``each`` that lose most (all of them when
    there are no more than 2 x each): a chart of 6,500 practices is unreadable and slow."""
    if len(comparison) <= 2 * each:
        return comparison
    return pd.concat([comparison.head(each), comparison.tail(each)]).reset_index(drop=True)


def advantage_matrix(results: Results, practices: pd.DataFrame | None = None) -> pd.DataFrame:
    """Advantage (federation return - in-house margin) per practice (rows) and service (columns).

    Practices are ordered as in practice_comparison (or as given in ``practices``, a subset of
    it); services by their total advantage. Empty where a practice has no income or activity for a service.
    """
    order = practice_comparison(results) if practices is None else practices
    names = order.set_index("practice_code")["practice_name"]
    rows = results.rows[results.rows["practice_code"].isin(names.index)]
    rows = rows.assign(practice=lambda r: r["practice_code"].map(names) + " (" + r["practice_code"] + ")")
    # One row per (practice, service) pair, so a plain unstack (pivot_table took ~25 ms a rerun).
    matrix = rows.set_index(["practice", "service"])["advantage_gbp"].unstack("service")
    matrix.columns.name = "service"
    labels = order["practice_name"] + " (" + order["practice_code"] + ")"
    services = matrix.sum().sort_values(ascending=False).index
    return matrix.reindex(index=[label for label in labels if label in matrix.index], columns=services)


def practice_services(results: Results, practice_code: str) -> pd.DataFrame:
    """A practice's services: both ways of delivering, who delivers at scale (route: "Federation",
    "PCN: <name>", or "In-house (no PCN)" on the PCN route without one), what the deliverer takes
    (fee, VAT) and what the practice keeps (return), the advantage, break-even fee and status."""
    rows = results.rows[results.rows["practice_code"] == practice_code].copy()
    practice = results.practices.set_index("practice_code").loc[practice_code]
    left = practice.get("left_federation_round")
    rows["status"] = [_status(r, left) for r in rows.itertuples()]
    rows["deliverer"] = [_deliverer(r, practice["pcn"]) for r in rows.itertuples()]
    columns = [
        "service",
        "deliverer",
        "income_gbp",
        "units",
        "inhouse_margin_gbp",
        "management_fee_gbp",
        "vat_gbp",
        "federation_return_gbp",
        "advantage_gbp",
        "breakeven_fee_pct",
        "fee_pct",
        "participates",
        "status",
    ]
    return rows[columns].sort_values("advantage_gbp", ascending=False).reset_index(drop=True)


def _deliverer(row, pcn) -> str:
    if row.route != "pcn":
        return "Federation"
    return f"PCN: {pcn}" if isinstance(pcn, str) else "In-house (no PCN)"


def _status(row, left_federation_round=None) -> str:
    at_scale = "its PCN" if getattr(row, "route", "federation") == "pcn" else "the federation"
    if row.participates:
        return f"Uses {at_scale}"
    if getattr(row, "route", "federation") == "pcn" and not row.eligible:
        return "Keeps it in-house (no PCN)"
    if not row.eligible:
        if pd.notna(left_federation_round):
            return f"Keeps it in-house (left the federation in round {int(left_federation_round)})"
        return "Not taking part (not a member, or excluded)"
    if pd.notna(row.left_round):
        return f"Keeps it in-house (left in round {int(row.left_round)})"
    return "Keeps it in-house"


def practice_bridge(results: Results, practice_code: str) -> pd.DataFrame:
    """Steps from the result all in-house to the result with the federation, one per service used.

    Columns: label, amount_gbp (whole pounds; the steps add up to the end exactly), measure
    ('absolute' for the two results, 'relative' for a step), as a waterfall chart wants them.
    """
    practice = results.practices.set_index("practice_code").loc[practice_code]
    used = results.rows[(results.rows["practice_code"] == practice_code) & results.rows["participates"]]
    used = used.sort_values("advantage_gbp", ascending=False)
    start = round_half_up(practice["result_all_inhouse_gbp"])
    end = round_half_up(practice["result_with_federation_gbp"])
    steps = whole_pounds_adding_up(list(used["advantage_gbp"]), total=end - start) if len(used) else []
    labels = ["All in-house", *used["service"], "With the federation"]
    amounts = [start, *steps, end]
    measures = ["absolute", *["relative"] * len(used), "total"]
    return pd.DataFrame({"label": labels, "amount_gbp": amounts, "measure": measures})


def practice_result_lines(results: Results, practice_code: str) -> pd.DataFrame:
    """The practice's result both ways, as parts that add up: core income, services, the federation
    subscription, costs, result."""
    p = results.practices.set_index("practice_code").loc[practice_code]
    subscription = float(p.get("subscription_gbp", 0.0))
    inhouse = whole_pounds_adding_up([p["core_income_gbp"], p["services_inhouse_gbp"], 0.0, -p["practice_costs_gbp"]])
    federation = whole_pounds_adding_up([p["core_income_gbp"], p["services_with_federation_gbp"], -subscription, -p["practice_costs_gbp"]])
    # Core income and costs are the same both ways: show them once, rounded once.
    federation[0], federation[3] = inhouse[0], inhouse[3]
    federation[1] = round_half_up(p["result_with_federation_gbp"]) - inhouse[0] - federation[2] - inhouse[3]
    return pd.DataFrame(
        {
            "line": [
                "Core income (no service attached)",
                "Services (margin or federation return)",
                "Federation subscription",
                "Practice running costs",
                "Result",
            ],
            "all_inhouse_gbp": [*inhouse, sum(inhouse)],
            "with_federation_gbp": [*federation, sum(federation)],
        }
    )


def service_summary(results: Results) -> pd.DataFrame:
    """Per service: who uses the federation, the volume, income, fees and average advantage."""
    services = results.services.copy()
    rows = results.rows
    fee = rows.groupby("service")["fee_pct"].first()
    services["fee_pct"] = services["service"].map(fee)
    units = services["federation_units"].replace(0, np.nan)
    services["federation_cost_per_unit_gbp"] = services["federation_delivery_cost_gbp"] / units
    services["route"] = services["route"].map({"federation": "Federation", "pcn": "PCNs"})
    columns = [
        "service",
        "route",
        "participants",
        "eligible",
        "units",
        "federation_units",
        "income_gbp",
        "fee_pct",
        "fee_income_gbp",
        "pcn_fee_income_gbp",
        "vat_gbp",
        "federation_cost_per_unit_gbp",
        "participants_advantage_gbp",
    ]
    return services[columns].sort_values("fee_income_gbp", ascending=False).reset_index(drop=True)


def service_scale(results: Results, service: str) -> pd.DataFrame:
    """The scale effect for one service: each practice's in-house cost per unit against the
    federation's cost per unit for it (its quote if it is not taking part), by list size."""
    rows = results.rows[(results.rows["service"] == service) & (results.rows["units"] > 0)]
    practices = results.practices.set_index("practice_code")
    frame = pd.DataFrame(
        {
            "practice_code": rows["practice_code"],
            "practice_name": rows["practice_code"].map(practices["practice_name"]),
            "list_size": rows["practice_code"].map(practices["list_size"]),
            "units": rows["units"],
            "inhouse_cost_per_unit_gbp": rows["inhouse_cost_gbp"] / rows["units"],
            "federation_cost_per_unit_gbp": rows["federation_delivery_cost_gbp"] / rows["units"],
            "participates": rows["participates"],
        }
    )
    return frame.sort_values("list_size").reset_index(drop=True)


def breakeven_fees(results: Results) -> pd.DataFrame:
    """Every practice's break-even fee for every service it has income for, beside the fee charged."""
    names = results.practices.set_index("practice_code")["practice_name"]
    rows = results.rows[results.rows["breakeven_fee_pct"].notna()]
    return pd.DataFrame(
        {
            "service": rows["service"],
            "practice_code": rows["practice_code"],
            "practice_name": rows["practice_code"].map(names),
            "breakeven_fee_pct": rows["breakeven_fee_pct"],
            "fee_pct": rows["fee_pct"],
            "participates": rows["participates"],
        }
    ).reset_index(drop=True)


def breakeven_spread(fees: pd.DataFrame) -> pd.DataFrame:
    """Per service, the spread of practices' break-even fees (5th, 25th, 50th, 75th, 95th
    percentiles) and the fee charged: what a box plot shows when there are too many practices to dot."""
    grouped = fees.groupby("service")["breakeven_fee_pct"]
    spread = grouped.quantile([0.05, 0.25, 0.5, 0.75, 0.95]).unstack()
    spread.columns = ["p5", "q1", "median", "q3", "p95"]
    spread["practices"] = grouped.size()
    spread["fee_pct"] = fees.groupby("service")["fee_pct"].first()
    return spread.reset_index()


ROUTE_OPTIONS = ("The federation runs it", "PCNs run it", "All in-house")


def route_options(federation: Results, pcn: Results | None, service: str) -> pd.DataFrame:
    """One service three ways, side by side: the federation runs it, PCNs run it, every practice
    in-house. ``federation`` and ``pcn`` are the same scenario with the service on each route (pcn
    None when the service has no PCN cost). "All in-house" is the federation run with the service
    taken back in-house by every practice: its fees, VAT and advantages removed (services are
    independent under fixed membership, so the rest is unchanged).

    Columns: option, practices_using, practices_keep_gbp (what practices keep from the service:
    return where they use it at scale, else the in-house margin), management_fee_gbp (the
    federation's fees from it), pcn_fee_gbp, vat_gbp, federation_surplus_gbp, practices_better_off.
    """
    rows = []
    for option, results in ((ROUTE_OPTIONS[0], federation), (ROUTE_OPTIONS[1], pcn)):
        if results is None:
            continue
        mine = results.rows[results.rows["service"] == service]
        used = mine[mine["participates"]]
        rows.append(
            {
                "option": option,
                "practices_using": len(used),
                "practices_keep_gbp": float(
                    used["federation_return_gbp"].sum() + mine.loc[~mine["participates"], "inhouse_margin_gbp"].sum()
                ),
                "management_fee_gbp": float(used.loc[used["route"] == "federation", "management_fee_gbp"].sum()),
                "pcn_fee_gbp": float(used.loc[used["route"] == "pcn", "management_fee_gbp"].sum()),
                "vat_gbp": float(used["vat_gbp"].sum()),
                "federation_surplus_gbp": results.federation.surplus_gbp,
                "practices_better_off": results.practices_better_off,
            }
        )
    mine = federation.rows[federation.rows["service"] == service]
    used = mine[mine["participates"]]
    gained = used.groupby("practice_code")["advantage_gbp"].sum()
    difference = federation.practices.set_index("practice_code")["difference_gbp"]
    without = difference - difference.index.map(gained).fillna(0.0).to_numpy()
    rows.append(
        {
            "option": ROUTE_OPTIONS[2],
            "practices_using": 0,
            "practices_keep_gbp": float(mine["inhouse_margin_gbp"].sum()),
            "management_fee_gbp": 0.0,
            "pcn_fee_gbp": 0.0,
            "vat_gbp": 0.0,
            "federation_surplus_gbp": federation.federation.surplus_gbp - float(used["management_fee_gbp"].sum()),
            "practices_better_off": int((without > 0.005).sum()),
        }
    )
    return pd.DataFrame(rows)
