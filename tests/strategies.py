"""Hypothesis strategies: small random federations as Datasets, and scenarios."""

from __future__ import annotations

import pandas as pd
from hypothesis import strategies as st

from finance.ingest.dataset import Dataset
from finance.model.scenario import Scenario

money = st.floats(min_value=0, max_value=50_000, allow_nan=False, allow_infinity=False).map(lambda x: round(x, 2))
unit_cost = st.floats(min_value=0, max_value=60, allow_nan=False).map(lambda x: round(x, 2))
fee = st.floats(min_value=0, max_value=40, allow_nan=False).map(lambda x: round(x, 1))


@st.composite
def federations(draw) -> Dataset:
    n_practices = draw(st.integers(1, 6))
    n_services = draw(st.integers(1, 3))
    codes = [f"A{i:05d}" for i in range(1, n_practices + 1)]
    services = [f"Service {i}" for i in range(1, n_services + 1)]
    practices = pd.DataFrame(
        {
            "practice_code": codes,
            "practice_name": [f"Practice {c}" for c in codes],
            "pcn": "PCN",
            "list_size": [float(draw(st.integers(0, 20_000))) for _ in codes],
            "weighted_list_size": 1000.0,
            "partners_fte": [draw(st.sampled_from([None, 0.0, 1.0, 3.5])) for _ in codes],
            "federation_member": [draw(st.booleans()) or draw(st.booleans()) for _ in codes],
        }
    )
    catalogue = pd.DataFrame(
        {
            "service": services,
            "unit": "unit",
            "units_per_1000_patients": [draw(st.sampled_from([None, 0.0, 50.0, 300.0])) for _ in services],
            "inhouse_cost_per_unit": [draw(unit_cost) for _ in services],
            "inhouse_fixed_cost": [draw(money) for _ in services],
            "federation_cost_per_unit": [draw(unit_cost) for _ in services],
            "federation_fixed_cost": [draw(money) for _ in services],
            "management_fee_pct": [draw(fee) for _ in services],
        }
    )
    income_rows, activity_rows = [], []
    for code in codes:
        income_rows.append((code, "contract", "Global Sum", None, draw(money)))
        for service in services:
            if draw(st.booleans()):
                stream = draw(st.sampled_from(["contract", "pcn_des", "federation"]))
                income_rows.append((code, stream, f"{service} income", service, draw(money)))
            if draw(st.booleans()):
                activity_rows.append((code, service, float(draw(st.integers(0, 5_000)))))
    income = pd.DataFrame(income_rows, columns=["practice_code", "stream", "line", "service", "amount_gbp"])
    activity = pd.DataFrame(activity_rows, columns=["practice_code", "service", "units"]).astype({"units": float})
    federation_costs = pd.DataFrame({"item": ["Overheads"], "amount_gbp": [draw(money)]})
    practice_costs = pd.DataFrame({"practice_code": codes[:1], "item": ["Staff"], "amount_gbp": [draw(money)]})
    return Dataset(practices, income, catalogue, activity, federation_costs, practice_costs)


@st.composite
def scenarios(draw, participation: str | None = None) -> Scenario:
    change = st.integers(-50, 50).map(float)
    return Scenario(
        income_change_pct={"contract": draw(change), "pcn_des": draw(change), "federation": draw(change)},
        activity_change_pct=draw(change),
        inhouse_cost_change_pct=draw(change),
        federation_cost_change_pct=draw(change),
        overhead_change_pct=draw(change),
        management_fee_pct=draw(st.none() | fee),
        participation=participation or draw(st.sampled_from(["all", "rational"])),
        opt_out_tolerance_gbp=draw(st.sampled_from([0.0, 0.0, 100.0, 2_500.0])),
    )


@st.composite
def delivery_federations(draw) -> Dataset:
    """A federation with the delivery economics of issue 11: PCNs (some practices with none),
    weighted lists, per-unit fees, VAT and PCN costs on every service."""
    dataset = draw(federations())
    practices = dataset.practices.copy()
    practices["pcn"] = [draw(st.sampled_from(["North PCN", "North PCN", "South PCN", None])) for _ in range(len(practices))]
    practices["weighted_list_size"] = [float(draw(st.integers(0, 20_000))) for _ in range(len(practices))]
    catalogue = dataset.services.copy()
    n = len(catalogue)
    catalogue["fee_per_unit_gbp"] = [draw(st.sampled_from([0.0, 0.0, 0.5, 2.0])) for _ in range(n)]
    catalogue["vat_rate_pct"] = [draw(st.sampled_from([0.0, 0.0, 20.0])) for _ in range(n)]
    catalogue["pcn_cost_per_unit"] = [draw(unit_cost) for _ in range(n)]
    catalogue["pcn_fixed_cost"] = [draw(money) for _ in range(n)]
    catalogue["pcn_fee_pct"] = [draw(st.sampled_from([0.0, 0.0, 2.0, 5.0])) for _ in range(n)]
    return Dataset(practices, dataset.income, catalogue, dataset.activity, dataset.federation_costs, dataset.practice_costs)


@st.composite
def delivery_scenarios(draw, services: list[str], practice_codes: list[str]) -> Scenario:
    """Any scenario, with routes, per-unit fees, a subscription and membership choice drawn too."""
    base = draw(scenarios())
    routes = {s: draw(st.sampled_from(["federation", "pcn"])) for s in services if draw(st.booleans())}
    unit_fees = {s: draw(st.sampled_from([0.0, 1.0, 3.0])) for s in services if draw(st.booleans())}
    excluded = tuple(c for c in practice_codes if draw(st.integers(0, 4)) == 0)
    return base.with_changes(
        service_route=routes,
        service_fee_per_unit_gbp=unit_fees,
        subscription_gbp_per_patient=draw(st.sampled_from([0.0, 0.0, 0.1, 0.5, 2.0])),
        subscription_basis=draw(st.sampled_from(["weighted", "registered"])),
        membership=draw(st.sampled_from(["fixed", "rational"])),
        excluded_practices=list(excluded),
    )
