"""Golden values worked by hand for issue 11's formulas (MODEL.md): VAT, per-unit fees, the PCN
route, the subscription, a two-round membership cascade and a service costed from staff time.

Every case is MODEL.md's worked example (phlebotomy; A 2,000 units and £20,000, B and C 1,000 units
and £10,000 each; in-house £6.00 a unit + £1,000, federation £4.50 a unit + £6,000, fee 10%,
overheads £3,000) with one thing changed, loaded through the uploader like a user's files.
"""

from __future__ import annotations

import pandas as pd
import pytest

from finance.errors import ScenarioError
from finance.ingest.load import load_uploads
from finance.ingest.read import Upload
from finance.model.engine import Model
from finance.model.scenario import Scenario
from finance.model.staff_costs import default_rates
from tests.helpers import csv_bytes

A, B, C, D = "A00001", "B00002", "C00003", "D00004"
SERVICE_COLUMNS = [
    "service",
    "unit",
    "inhouse_cost_per_unit",
    "inhouse_fixed_cost",
    "federation_cost_per_unit",
    "federation_fixed_cost",
    "management_fee_pct",
]
PHLEBOTOMY = ["Phlebotomy", "blood test", 6.0, 1000, 4.5, 6000, 10]


def files(practices=None, services=None, extra=None) -> dict[str, list[list[object]]]:
    tables = {
        "practices": practices
        or [
            ["practice_code", "practice_name", "pcn", "list_size", "weighted_list_size", "partners_fte"],
            [A, "Practice A", "Example PCN", 10000, None, 4],
            [B, "Practice B", "Example PCN", 5000, None, 2],
            [C, "Practice C", "Example PCN", 5000, None, 2],
        ],
        "contract_income": [
            ["practice_code", "line", "service", "amount_gbp"],
            [A, "Phlebotomy LES", "Phlebotomy", 20000],
            [B, "Phlebotomy LES", "Phlebotomy", 10000],
            [C, "Phlebotomy LES", "Phlebotomy", 10000],
        ],
        "services": services or [SERVICE_COLUMNS, PHLEBOTOMY],
        "activity": [["practice_code", "service", "units"], [A, "Phlebotomy", 2000], [B, "Phlebotomy", 1000], [C, "Phlebotomy", 1000]],
        "federation_costs": [["item", "amount_gbp"], ["Central overheads", 3000]],
    }
    tables.update(extra or {})
    return tables


def load(tables: dict[str, list[list[object]]]):
    result = load_uploads([Upload(f"{name}.csv", csv_bytes(rows)) for name, rows in tables.items()])
    assert result.ok, [str(p) for p in result.problems]
    return result


def run(tables, scenario=None):
    model = Model(load(tables).dataset)
    try:
        results = model.run(scenario or Scenario())
    finally:
        model.close()
    return results, results.rows.set_index("practice_code"), results.practices.set_index("practice_code")


def test_vat_on_the_deliverers_charge():
    """20% VAT: A pays 0.2 x (12,000 + 2,000) = 2,800, so its return is 20,000 - 12,000 - 2,000 - 2,800 = 3,200."""
    results, rows, _ = run(files(services=[[*SERVICE_COLUMNS, "vat_rate_pct"], [*PHLEBOTOMY, 20]]))
    assert rows.loc[A, "vat_gbp"] == pytest.approx(2_800)
    assert rows.loc[A, "federation_return_gbp"] == pytest.approx(3_200)
    assert rows.loc[A, "advantage_gbp"] == pytest.approx(-3_800)
    # break-even: 100 x (13,000 / 1.2 - 12,000) / 20,000 = -5.8333%: no fee makes it worth A's while
    assert rows.loc[A, "breakeven_fee_pct"] == pytest.approx(100 * (13_000 / 1.2 - 12_000) / 20_000)
    assert rows.loc[B, "vat_gbp"] == pytest.approx(1_400)  # 0.2 x (6,000 + 1,000)
    assert rows.loc[B, "advantage_gbp"] == pytest.approx(-1_400)
    # VAT goes to HMRC: the federation's fee income is still 4,000
    assert results.federation.fee_income_gbp == pytest.approx(4_000)
    assert results.federation.vat_gbp == pytest.approx(2_800 + 1_400 + 1_400)


def test_per_unit_fee_on_top_of_the_percentage():
    """£0.50 a unit: A's fee 2,000 + 0.5 x 2,000 = 3,000; B's 1,000 + 500 = 1,500; fee income 6,000."""
    results, rows, _ = run(files(services=[[*SERVICE_COLUMNS, "fee_per_unit_gbp"], [*PHLEBOTOMY, 0.5]]))
    assert rows.loc[A, "management_fee_gbp"] == pytest.approx(3_000)
    assert rows.loc[A, "advantage_gbp"] == pytest.approx(-2_000)
    assert rows.loc[A, "breakeven_fee_pct"] == pytest.approx(0.0, abs=1e-9)  # (13,000 - 12,000 - 1,000) / 20,000
    assert rows.loc[B, "management_fee_gbp"] == pytest.approx(1_500)
    assert rows.loc[B, "breakeven_fee_pct"] == pytest.approx(5.0)  # (7,000 - 6,000 - 500) / 10,000
    assert results.federation.fee_income_gbp == pytest.approx(6_000)
    assert results.federation.management_fee_income_gbp == pytest.approx(6_000)
    # The scenario's per-unit fee wins over the column: £1 a unit -> 4,000 + 4,000 units x £1
    results, _, _ = run(
        files(services=[[*SERVICE_COLUMNS, "fee_per_unit_gbp"], [*PHLEBOTOMY, 0.5]]), Scenario(service_fee_per_unit_gbp={"Phlebotomy": 1})
    )
    assert results.federation.fee_income_gbp == pytest.approx(8_000)


PCN_PRACTICES = [
    ["practice_code", "practice_name", "pcn", "list_size", "federation_member"],
    [A, "Practice A", "North PCN", 10000, "yes"],
    [B, "Practice B", "North PCN", 5000, "yes"],
    [C, "Practice C", "South PCN", 5000, "no"],
    [D, "Practice D", None, 5000, "yes"],
]
PCN_SERVICES = [[*SERVICE_COLUMNS, "pcn_cost_per_unit", "pcn_fixed_cost", "pcn_fee_pct"], [*PHLEBOTOMY, 5.0, 3000, 2]]


def pcn_files():
    tables = files(practices=PCN_PRACTICES, services=PCN_SERVICES)
    tables["contract_income"].append([D, "Phlebotomy LES", "Phlebotomy", 10000])
    tables["activity"].append([D, "Phlebotomy", 1000])
    return tables


def test_pcn_route_pools_by_pcn():
    """North PCN runs it for A and B (U = 3,000): A's cost 2,000 x 5 + 3,000 x 2/3 = 12,000, its PCN
    fee 2% of 20,000 = 400, return 7,600, advantage +600. South PCN for C alone (not a federation
    member, it may still use its PCN): 5,000 + 3,000 = 8,000, fee 200, return 1,800, advantage -1,200.
    D has no PCN: in-house. PCN fees (400 + 200 + 200) never reach the federation."""
    results, rows, _ = run(pcn_files(), Scenario(service_route={"Phlebotomy": "pcn"}))
    assert rows.loc[A, "route"] == "pcn" and rows.loc[A, "pcn"] == "North PCN"
    assert rows.loc[A, "federation_delivery_cost_gbp"] == pytest.approx(12_000)
    assert rows.loc[A, "management_fee_gbp"] == pytest.approx(400)
    assert rows.loc[A, "federation_return_gbp"] == pytest.approx(7_600)
    assert rows.loc[A, "advantage_gbp"] == pytest.approx(600)
    assert rows.loc[A, "breakeven_fee_pct"] == pytest.approx(5.0)
    assert rows.loc[B, "federation_delivery_cost_gbp"] == pytest.approx(6_000)
    assert rows.loc[B, "advantage_gbp"] == pytest.approx(800)
    assert rows.loc[C, "participates"] and rows.loc[C, "pcn"] == "South PCN"
    assert rows.loc[C, "federation_delivery_cost_gbp"] == pytest.approx(8_000)
    assert rows.loc[C, "advantage_gbp"] == pytest.approx(-1_200)
    assert (
        not rows.loc[D, "participates"] and pd.isna(rows.loc[D, "federation_delivery_cost_gbp"]) and pd.isna(rows.loc[D, "advantage_gbp"])
    )
    federation = results.federation
    assert federation.fee_income_gbp == 0 and federation.management_fee_income_gbp == 0
    assert federation.pcn_fee_income_gbp == pytest.approx(800)
    assert federation.surplus_gbp == pytest.approx(-3_000)
    assert federation.participants == {"Phlebotomy": 3}
    # Rational: C leaves South PCN in round 1; A and B stay in North.
    results, rows, _ = run(pcn_files(), Scenario(service_route={"Phlebotomy": "pcn"}, participation="rational"))
    assert rows.loc[C, "left_round"] == 1 and rows.loc[A, "participates"] and rows.loc[B, "participates"]
    assert results.federation.rounds == 1
    assert results.federation.pcn_fee_income_gbp == pytest.approx(600)


def test_pcn_route_needs_a_pcn_cost():
    with pytest.raises(ScenarioError, match="'Phlebotomy' is on the PCN route but has no pcn_cost_per_unit"):
        run(files(), Scenario(service_route={"Phlebotomy": "pcn"}))


def test_subscription_by_weighted_or_registered_list():
    """10p a patient: A pays 0.10 x 12,000 weighted = 1,200 (or 1,000 registered), B and C 500 each."""
    practices = [
        ["practice_code", "practice_name", "pcn", "list_size", "weighted_list_size", "partners_fte"],
        [A, "Practice A", "Example PCN", 10000, 12000, 4],
        [B, "Practice B", "Example PCN", 5000, None, 2],
        [C, "Practice C", "Example PCN", 5000, None, 2],
    ]
    results, _, practices_out = run(files(practices=practices), Scenario(subscription_gbp_per_patient=0.10))
    assert practices_out.loc[A, "subscription_gbp"] == pytest.approx(1_200)
    assert practices_out.loc[A, "result_with_federation_gbp"] == pytest.approx(6_000 - 1_200)
    assert practices_out.loc[A, "difference_gbp"] == pytest.approx(-2_200)
    assert practices_out.loc[B, "subscription_gbp"] == pytest.approx(500)
    federation = results.federation
    assert federation.subscription_income_gbp == pytest.approx(2_200)
    assert federation.management_fee_income_gbp == pytest.approx(4_000)
    assert federation.fee_income_gbp == pytest.approx(6_200)
    assert federation.surplus_gbp == pytest.approx(3_200)
    registered, _, by_list = run(files(practices=practices), Scenario(subscription_gbp_per_patient=0.10, subscription_basis="registered"))
    assert by_list.loc[A, "subscription_gbp"] == pytest.approx(1_000)
    assert registered.federation.subscription_income_gbp == pytest.approx(2_000)
    # An excluded practice pays none
    excluded, _, out = run(files(practices=practices), Scenario(subscription_gbp_per_patient=0.10, excluded_practices=(A,)))
    assert out.loc[A, "subscription_gbp"] == 0 and excluded.federation.subscription_income_gbp == pytest.approx(1_000)


def test_two_round_membership_cascade():
    """Fee 5%, 6p a patient, everyone uses every service ("all"): A's difference 0 - 600 = -600, so A
    leaves the federation in round 1. B and C then share the fixed cost alone (U = 2,000): B's cost
    4,500 + 3,000 = 7,500, fee 500, return 2,000, advantage -1,000, difference -1,000 - 300 = -1,300:
    B and C leave in round 2. Nobody is left: no fee, no subscription, surplus -3,000."""
    scenario = Scenario(management_fee_pct=5, subscription_gbp_per_patient=0.06, membership="rational")
    results, rows, practices = run(files(), scenario)
    assert practices.loc[A, "left_federation_round"] == 1
    assert practices.loc[B, "left_federation_round"] == 2 and practices.loc[C, "left_federation_round"] == 2
    assert not practices["member"].any() and (practices["subscription_gbp"] == 0).all()
    assert not rows["participates"].any()
    federation = results.federation
    assert federation.membership_rounds == 2 and federation.members == 0 and federation.rounds == 0
    assert federation.fee_income_gbp == 0 and federation.surplus_gbp == pytest.approx(-3_000)
    # Before anyone leaves (membership fixed) the round-1 figures: A -600, B and C +500 - 300 = +200
    fixed, _, stay = run(files(), scenario.with_changes(membership="fixed"))
    assert stay.loc[A, "difference_gbp"] == pytest.approx(-600) and stay.loc[B, "difference_gbp"] == pytest.approx(200)
    assert fixed.federation.membership_rounds == 0 and fixed.federation.members == 3


def test_membership_and_service_rounds_interleave():
    """Same, with rational participation: nobody leaves the service at first (A's advantage is 0), A
    leaves the federation (membership round 1), then B and C leave the service (service round 1:
    advantage -1,000), so their difference is -300 (the subscription alone): they leave the federation
    in membership round 2. rounds 1, membership_rounds 2."""
    scenario = Scenario(management_fee_pct=5, subscription_gbp_per_patient=0.06, membership="rational", participation="rational")
    results, rows, practices = run(files(), scenario)
    assert pd.isna(rows.loc[A, "left_round"]) and not rows.loc[A, "eligible"]
    assert rows.loc[B, "left_round"] == 1 and rows.loc[C, "left_round"] == 1
    assert list(practices["left_federation_round"]) == [1, 2, 2]
    assert results.federation.rounds == 1 and results.federation.membership_rounds == 2


STAFFED_SERVICES = [SERVICE_COLUMNS, ["Phlebotomy", "blood test", None, 1000, None, 6000, 10]]
STAFFING = [
    ["service", "delivered_by", "role", "minutes_per_unit", "other_cost_per_unit_gbp"],
    ["Phlebotomy", "practice", "HCA", 15, None],
    ["Phlebotomy", "federation", "HCA", 10, 0.50],
]


def test_staff_costed_service_reproduces_the_worked_example():
    """HCA at £24.00 an hour (uploaded): the practice's 15 minutes cost 6.00 a unit, the federation's 10
    minutes 4.00 + 0.50 of consumables = 4.50: exactly the worked example's unit costs."""
    tables = files(
        services=STAFFED_SERVICES, extra={"service_staffing": STAFFING, "staff_rates": [["role", "hourly_cost_gbp"], ["hca", 24.0]]}
    )
    results, rows, _ = run(tables)
    assert rows.loc[A, "inhouse_cost_gbp"] == pytest.approx(13_000)
    assert rows.loc[A, "federation_delivery_cost_gbp"] == pytest.approx(12_000)
    assert rows.loc[B, "advantage_gbp"] == pytest.approx(0, abs=1e-9)
    assert results.federation.fee_income_gbp == pytest.approx(4_000)


def test_staff_costed_service_with_the_shipped_rates():
    """Without an uploaded rate the shipped 2025/26 HCA rate is used: A's in-house cost is
    2,000 x 15/60 x rate + 1,000."""
    hca = float(default_rates().set_index("role").loc["HCA", "hourly_cost_gbp"])
    _, rows, _ = run(files(services=STAFFED_SERVICES, extra={"service_staffing": STAFFING}))
    assert rows.loc[A, "inhouse_cost_gbp"] == pytest.approx(2_000 * 15 / 60 * hca + 1_000)
    assert rows.loc[A, "federation_delivery_cost_gbp"] == pytest.approx(2_000 * (10 / 60 * hca + 0.5) + 3_000)


def test_staff_time_replaces_a_given_cost_with_a_warning():
    services = [SERVICE_COLUMNS, PHLEBOTOMY]
    result = load(
        files(services=services, extra={"service_staffing": STAFFING, "staff_rates": [["role", "hourly_cost_gbp"], ["HCA", 30.0]]})
    )
    warnings = [str(p) for p in result.warnings]
    assert any("inhouse_cost_per_unit 6 for 'Phlebotomy' is replaced by the practice's staff time" in w for w in warnings), warnings
    assert any("federation_cost_per_unit 4.5" in w for w in warnings)
    model = Model(result.dataset)
    try:
        row = model.run(Scenario()).rows.set_index("practice_code").loc[A]
    finally:
        model.close()
    assert row["inhouse_cost_gbp"] == pytest.approx(2_000 * 7.50 + 1_000)  # 15 minutes at £30 an hour


def test_staffing_errors_name_the_cell():
    staffing = [
        ["service", "delivered_by", "role", "minutes_per_unit", "other_cost_per_unit_gbp"],
        ["Phlebotomy", "practice", "Phlebotomist band 9", 15, None],
        ["Phlebotomy", "hub", "HCA", 10, None],
        ["Phlebotomy", "federation", "HCA", None, None],
    ]
    tables = files(
        services=STAFFED_SERVICES, extra={"service_staffing": staffing, "staff_rates": [["role", "hourly_cost_gbp"], ["HCA", 0]]}
    )
    result = load_uploads([Upload(f"{name}.csv", csv_bytes(rows)) for name, rows in tables.items()])
    assert not result.ok
    errors = [str(p) for p in result.errors]
    assert any(e.startswith("service_staffing.csv, row 2 (role): role 'Phlebotomist band 9' is not in staff_rates") for e in errors), errors
    assert any(e.startswith("service_staffing.csv, row 3 (delivered_by): 'hub' is not practice, federation or pcn") for e in errors), errors
    assert any(
        e.startswith("service_staffing.csv, row 4 (minutes_per_unit): minutes_per_unit is required with role 'HCA'") for e in errors
    ), errors
    assert any(e.startswith("staff_rates.csv, row 2 (hourly_cost_gbp)") for e in errors), errors


def test_a_blank_unit_cost_without_staffing_is_an_error():
    tables = files(services=STAFFED_SERVICES)
    result = load_uploads([Upload(f"{name}.csv", csv_bytes(rows)) for name, rows in tables.items()])
    errors = [str(p) for p in result.errors]
    assert any(
        e.startswith("services.csv, row 2 (inhouse_cost_per_unit): inhouse_cost_per_unit is required but the cell is empty") for e in errors
    ), errors
    assert any("federation_cost_per_unit is required" in e for e in errors)
