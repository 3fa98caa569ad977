"""MODEL.md in plain Python, line by line, as an oracle for the DuckDB engine (slow, obvious, small inputs only).

Written from the text of MODEL.md, not from the SQL: per practice and service, the at-scale route
(federation or PCN), pools, fees, VAT, break-even, rational participation in rounds, the
subscription and membership choice as an outer loop. Unit costs come from the same costed
services table the engine reads (staff_costs has its own tests).
"""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass

import pandas as pd

from finance.ingest.dataset import Dataset
from finance.model.scenario import Scenario
from finance.model.staff_costs import costed_services

SLACK = 0.000001


@dataclass
class Line:
    practice: str
    service: str
    income: float
    units: float
    inhouse_cost: float
    route: str
    pool: tuple | None
    cost_per_unit: float
    fixed_cost: float
    fee_pct: float
    fee_per_unit: float
    vat_pct: float
    eligible: bool
    left_round: int | None = None
    # worked out by quote()
    participates: bool = False
    delivery: float | None = None
    fee: float | None = None
    vat: float | None = None
    back: float | None = None
    advantage: float | None = None
    breakeven: float | None = None

    @property
    def margin(self) -> float:
        return self.income - self.inhouse_cost


def reference(dataset: Dataset, scenario: Scenario) -> dict:
    services = costed_services(dataset.services, dataset.service_staffing, dataset.staff_rates).set_index("service")
    practices = dataset.practices.set_index("practice_code")
    factor = {s: scenario.income_factor(s) for s in ("contract", "pcn_des", "federation")}
    activity = 1 + scenario.activity_change_pct / 100
    inhouse_factor = 1 + scenario.inhouse_cost_change_pct / 100
    at_scale_factor = 1 + scenario.federation_cost_change_pct / 100
    income = defaultdict(float)
    has_income = set()
    core = defaultdict(float)
    for row in dataset.income.itertuples():
        amount = row.amount_gbp * factor[row.stream]
        if row.service is None or (isinstance(row.service, float) and math.isnan(row.service)):
            core[row.practice_code] += amount
        else:
            income[(row.practice_code, row.service)] += amount
            has_income.add((row.practice_code, row.service))
    units_given = {(r.practice_code, r.service): r.units for r in dataset.activity.itertuples()}
    left_federation: dict[str, int] = {}
    excluded = set(scenario.excluded_practices)
    lines: list[Line] = []
    for code, p in practices.iterrows():
        for service, s in services.iterrows():
            if (code, service) in units_given:
                u = units_given[(code, service)]
            elif pd.notna(s["units_per_1000_patients"]):
                u = p["list_size"] * s["units_per_1000_patients"] / 1000
            else:
                u = 0.0
            if (code, service) not in has_income and not u > 0:
                continue
            u *= activity
            on_pcn = scenario.route(service) == "pcn"
            pcn = p["pcn"] if isinstance(p["pcn"], str) else None
            if on_pcn:
                pool = ("pcn", pcn) if pcn is not None else None
                cost, fixed, fee_pct, fee_unit = s["pcn_cost_per_unit"], s["pcn_fixed_cost"], s["pcn_fee_pct"], 0.0
            else:
                pool = ("federation",)
                cost, fixed = s["federation_cost_per_unit"], s["federation_fixed_cost"]
                fee_pct = scenario.service_fee_pct.get(
                    service, scenario.management_fee_pct if scenario.management_fee_pct is not None else s["management_fee_pct"]
                )
                fee_unit = scenario.service_fee_per_unit_gbp.get(service, s["fee_per_unit_gbp"])
            lines.append(
                Line(
                    practice=code,
                    service=service,
                    income=income[(code, service)],
                    units=u,
                    inhouse_cost=(u * s["inhouse_cost_per_unit"] + s["inhouse_fixed_cost"]) * inhouse_factor,
                    route="pcn" if on_pcn else "federation",
                    pool=pool,
                    cost_per_unit=cost * at_scale_factor,
                    fixed_cost=fixed * at_scale_factor,
                    fee_pct=fee_pct,
                    fee_per_unit=fee_unit,
                    vat_pct=s["vat_rate_pct"],
                    eligible=(pool is not None) if on_pcn else bool(p["federation_member"]) and code not in excluded,
                )
            )

    def subscription(code: str) -> float:
        p = practices.loc[code]
        if not p["federation_member"] or code in excluded or code in left_federation:
            return 0.0
        basis = p["weighted_list_size"] if scenario.subscription_basis == "weighted" else p["list_size"]
        return scenario.subscription_gbp_per_patient * basis

    def quote() -> None:
        for line in lines:
            line.participates = line.eligible and line.left_round is None
        pools = defaultdict(list)
        for line in lines:
            pools[(line.service, line.pool)].append(line)
        for line in lines:
            if line.pool is None:
                line.delivery = line.fee = line.vat = line.back = line.advantage = line.breakeven = None
                continue
            group = [x for x in pools[(line.service, line.pool)] if x.participates]
            if not line.participates:
                group = [*group, line]
            big_u = sum(x.units for x in group)
            big_i = sum(max(x.income, 0.0) for x in group)
            if big_u > 0:
                share = line.units / big_u
            elif big_i > 0:
                share = max(line.income, 0.0) / big_i
            else:
                share = 1 / len(group)
            line.delivery = line.units * line.cost_per_unit + line.fixed_cost * share
            line.fee = line.fee_pct / 100 * max(line.income, 0.0) + line.fee_per_unit * line.units
            line.vat = line.vat_pct / 100 * (line.delivery + line.fee)
            line.back = line.income - line.delivery - line.fee - line.vat
            line.advantage = line.back - line.margin
            line.breakeven = (
                100 * (line.inhouse_cost / (1 + line.vat_pct / 100) - line.delivery - line.fee_per_unit * line.units) / line.income
                if line.income > 0
                else None
            )

    def difference(code: str) -> float:
        mine = [x for x in lines if x.practice == code]
        return sum(x.back if x.participates else x.margin for x in mine) - sum(x.margin for x in mine) - subscription(code)

    tolerance = scenario.opt_out_tolerance_gbp
    service_round = 0
    membership_round = 0
    while True:
        quote()
        if scenario.participation == "rational":
            while True:
                leaving = [x for x in lines if x.participates and x.advantage < -tolerance - SLACK]
                if not leaving:
                    break
                service_round += 1
                for x in leaving:
                    x.left_round = service_round
                quote()
        if scenario.membership != "rational":
            break
        members = [c for c, p in practices.iterrows() if p["federation_member"] and c not in left_federation]
        leavers = [c for c in members if difference(c) < -tolerance - SLACK]
        if not leavers:
            break
        membership_round += 1
        for code in leavers:
            left_federation[code] = membership_round
        for line in lines:
            if line.practice in left_federation and line.route == "federation":
                line.eligible = False

    rounds_by_service = defaultdict(set)
    for line in lines:
        if line.left_round is not None:
            rounds_by_service[line.service].add(line.left_round)
    management_fees = sum(x.fee for x in lines if x.participates and x.route == "federation")
    subscriptions = {c: subscription(c) for c in practices.index}
    overheads = float(dataset.federation_costs["amount_gbp"].sum()) * (1 + scenario.overhead_change_pct / 100)
    fee_income = management_fees + sum(subscriptions.values())
    result_practices = {}
    for code, p in practices.iterrows():
        mine = [x for x in lines if x.practice == code]
        costs = float(dataset.practice_costs.loc[dataset.practice_costs["practice_code"] == code, "amount_gbp"].sum())
        inhouse = core[code] + sum(x.margin for x in mine) - costs
        with_federation = core[code] + sum(x.back if x.participates else x.margin for x in mine) - costs - subscriptions[code]
        result_practices[code] = {
            "result_all_inhouse_gbp": inhouse,
            "result_with_federation_gbp": with_federation,
            "difference_gbp": with_federation - inhouse,
            "member": bool(p["federation_member"]) and code not in left_federation,
            "subscription_gbp": subscriptions[code],
        }
    return {
        "rows": {(x.practice, x.service): x for x in lines},
        "practices": result_practices,
        "federation": {
            "fee_income_gbp": fee_income,
            "management_fee_income_gbp": management_fees,
            "subscription_income_gbp": sum(subscriptions.values()),
            "pcn_fee_income_gbp": sum(x.fee for x in lines if x.participates and x.route == "pcn"),
            "overheads_gbp": overheads,
            "surplus_gbp": fee_income - overheads,
            "rounds": max((len(r) for r in rounds_by_service.values()), default=0),
            "members": sum(1 for r in result_practices.values() if r["member"]),
            "membership_rounds": membership_round,
            "participants": {s: sum(1 for x in lines if x.service == s and x.participates) for s in services.index},
        },
    }
