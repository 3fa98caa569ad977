"""MODEL.md's worked example, every figure, through the whole engine (files -> DuckDB -> results)."""

from __future__ import annotations

import pytest

from finance.ingest.load import load_files
from finance.model.engine import Model
from finance.model.scenario import Scenario

A, B, C = "A00001", "B00002", "C00003"


@pytest.fixture(scope="module")
def model(request):
    from tests.conftest import WORKED_EXAMPLE

    result = load_files(sorted(WORKED_EXAMPLE.glob("*.csv")))
    assert result.ok, [str(p) for p in result.problems]
    model = Model(result.dataset)
    yield model
    model.close()


def by_practice(results):
    return {r["practice_code"]: r for r in results.rows.to_dict(orient="records")}


# practice: inhouse_cost, inhouse_margin, federation delivery cost, fee, return, advantage, break-even fee
WORKED_TABLE = {
    A: (13_000, 7_000, 12_000, 2_000, 6_000, -1_000, 5.0),
    B: (7_000, 3_000, 6_000, 1_000, 3_000, 0, 10.0),
    C: (7_000, 3_000, 6_000, 1_000, 3_000, 0, 10.0),
}


@pytest.mark.parametrize("practice", [A, B, C])
def test_worked_example_table(model, practice):
    row = by_practice(model.run(Scenario()))[practice]
    cost, margin, delivery, fee, back, advantage, breakeven = WORKED_TABLE[practice]
    assert row["inhouse_cost_gbp"] == pytest.approx(cost)
    assert row["inhouse_margin_gbp"] == pytest.approx(margin)
    assert row["federation_delivery_cost_gbp"] == pytest.approx(delivery)
    assert row["management_fee_gbp"] == pytest.approx(fee)
    assert row["federation_return_gbp"] == pytest.approx(back)
    assert row["advantage_gbp"] == pytest.approx(advantage, abs=1e-9)
    assert row["breakeven_fee_pct"] == pytest.approx(breakeven)
    assert row["participates"]


def test_all_members_federation(model):
    federation = model.run(Scenario()).federation
    assert federation.fee_income_gbp == pytest.approx(4_000)
    assert federation.overheads_gbp == pytest.approx(3_000)
    assert federation.surplus_gbp == pytest.approx(1_000)
    assert federation.viable is True
    assert federation.rounds == 0
    assert federation.participants == {"Phlebotomy": 3}


def test_rational_cascade_empties_the_service(model):
    results = model.run(Scenario(participation="rational"))
    rows = by_practice(results)
    assert rows[A]["left_round"] == 1
    assert rows[B]["left_round"] == 2 and rows[C]["left_round"] == 2
    assert not any(r["participates"] for r in rows.values())
    federation = results.federation
    assert federation.fee_income_gbp == 0
    assert federation.surplus_gbp == pytest.approx(-3_000)
    assert federation.viable is False
    assert federation.rounds == 2
    assert federation.participants == {"Phlebotomy": 0}


def test_round_two_figures_for_b(model):
    """After A leaves, U = 2,000: B's delivery cost 4,500 + 3,000 = 7,500, return 1,500, advantage -1,500."""
    row = by_practice(model.run(Scenario(excluded_practices=(A,))))[B]
    assert row["federation_delivery_cost_gbp"] == pytest.approx(7_500)
    assert row["federation_return_gbp"] == pytest.approx(1_500)
    assert row["advantage_gbp"] == pytest.approx(-1_500)


def test_tolerance_keeps_everyone(model):
    results = model.run(Scenario(participation="rational", opt_out_tolerance_gbp=1_000))
    assert results.federation.participants == {"Phlebotomy": 3}
    assert results.federation.rounds == 0
    assert results.federation.surplus_gbp == pytest.approx(1_000)


def test_five_percent_fee(model):
    results = model.run(Scenario(management_fee_pct=5))
    rows = by_practice(results)
    assert rows[A]["advantage_gbp"] == pytest.approx(0, abs=1e-9)
    assert rows[B]["advantage_gbp"] == pytest.approx(500)
    assert rows[C]["advantage_gbp"] == pytest.approx(500)
    assert results.federation.fee_income_gbp == pytest.approx(2_000)
    assert results.federation.surplus_gbp == pytest.approx(-1_000)
    assert results.federation.viable is False


def test_per_service_fee_wins_over_one_fee(model):
    results = model.run(Scenario(management_fee_pct=5, service_fee_pct={"Phlebotomy": 20}))
    assert results.federation.fee_income_gbp == pytest.approx(8_000)


def test_practice_results(model):
    practices = model.run(Scenario()).practices.set_index("practice_code")
    assert practices.loc[A, "result_all_inhouse_gbp"] == pytest.approx(7_000)
    assert practices.loc[A, "result_with_federation_gbp"] == pytest.approx(6_000)
    assert practices.loc[A, "difference_gbp"] == pytest.approx(-1_000)
    assert practices.loc[A, "result_all_inhouse_per_partner_gbp"] == pytest.approx(7_000 / 4)
    assert practices.loc[B, "result_with_federation_per_partner_gbp"] == pytest.approx(3_000 / 2)


def test_scenario_changes_apply(model):
    """+10% income, +10% activity, +10% in-house cost, -10% federation cost, +100% overheads."""
    results = model.run(
        Scenario(
            income_change_pct={"contract": 10, "pcn_des": 0, "federation": 0},
            activity_change_pct=10,
            inhouse_cost_change_pct=10,
            federation_cost_change_pct=-10,
            overhead_change_pct=100,
        )
    )
    row = by_practice(results)[A]
    assert row["income_gbp"] == pytest.approx(22_000)
    assert row["units"] == pytest.approx(2_200)
    assert row["inhouse_cost_gbp"] == pytest.approx((2_200 * 6 + 1_000) * 1.1)
    assert row["federation_delivery_cost_gbp"] == pytest.approx(2_200 * 4.5 * 0.9 + 6_000 * 0.9 * 2_200 / 4_400)
    assert row["management_fee_gbp"] == pytest.approx(2_200)
    assert results.federation.overheads_gbp == pytest.approx(6_000)


def test_run_many_matches_single_runs(model):
    scenarios = [Scenario(), Scenario(participation="rational"), Scenario(management_fee_pct=5)]
    together = model.run_many(scenarios)
    for scenario, result in zip(scenarios, together, strict=True):
        alone = model.run(scenario)
        assert result.federation == alone.federation
        assert result.rows.equals(alone.rows)
