"""The fee designer on the worked example (worked by hand), against the best single fee, and re-run through the engine."""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings

from finance.analysis import design as design_module
from finance.analysis.design import (
    affordable_overheads,
    design_fees,
    explain,
    federation_services,
    fee_grid,
    with_fees,
)
from finance.analysis.design_table import engine_table, fast_table
from finance.errors import ScenarioError
from finance.model.engine import Model
from finance.model.scenario import Scenario
from tests.strategies import federations, scenarios


def test_all_participation_covers_the_overheads_at_7_5_pct(worked):
    # Fee f% of 40,000 income: 400 f >= 3,000 needs f >= 7.5. A gains 1,000 - 200 f (only below 5%),
    # B and C 1,000 - 100 f each (below 10%): the most better off at a viable fee is 2, and the
    # lowest such fee (the largest sum of differences, 3,000 - 400 f) is 7.5%.
    design = design_fees(worked, Scenario())
    assert design.to_json_dict() == {
        "service_fee_pct": {"Phlebotomy": 7.5},
        "viable": True,
        "practices_better_off": 2,
        "practices": 3,
        "federation": {
            "fee_income_gbp": 3000.0,
            "overheads_gbp": 3000.0,
            "surplus_gbp": 0.0,
            "viable": True,
            "rounds": 0,
            "participants": {"Phlebotomy": 3},
            "management_fee_income_gbp": 3000.0,
            "subscription_income_gbp": 0.0,
            "pcn_fee_income_gbp": 0.0,
            "members": 3,
            "membership_rounds": 0,
        },
    }


def test_rational_participation_cannot_cover_the_overheads(worked):
    # Up to 5% everyone stays (A's advantage 1,000 - 200 f >= 0) and fees bring in at most 2,000;
    # above 5% A leaves, B's share of the fixed cost doubles and B and C follow: fee income 0.
    # The highest surplus is -1,000, at 5%.
    design = design_fees(worked, Scenario(participation="rational"))
    assert design.service_fee_pct == {"Phlebotomy": 5.0}
    assert design.viable is False
    assert design.federation.surplus_gbp == pytest.approx(-1_000)
    assert design.federation.participants == {"Phlebotomy": 3}
    assert design.practices_better_off == 2  # A is exactly at break-even: not better off


def test_rational_with_tolerance_covers_them_at_7_5_pct(worked):
    # Within £1,000, A stays while 1,000 - 200 f >= -1,000, i.e. up to 10%: 7.5% covers the overheads.
    design = design_fees(worked, Scenario(participation="rational", opt_out_tolerance_gbp=1_000))
    assert design.service_fee_pct == {"Phlebotomy": 7.5}
    assert design.viable and design.federation.participants == {"Phlebotomy": 3}


def test_the_highest_fee_bounds_the_search(worked):
    capped = design_fees(worked, Scenario(), max_fee_pct=7)
    assert capped.service_fee_pct == {"Phlebotomy": 7.0}  # 2,800 of fees: the highest surplus, -200
    assert capped.federation.surplus_gbp == pytest.approx(-200)
    assert not capped.viable
    off_grid = design_fees(worked, Scenario(), max_fee_pct=7.3)
    assert off_grid.service_fee_pct == {"Phlebotomy": 7.3}
    assert list(fee_grid(1.2)) == [0.0, 0.5, 1.0, 1.2]
    with pytest.raises(ScenarioError):
        fee_grid(-1)


@pytest.mark.parametrize("participation", ["all", "rational"])
def test_rerunning_the_designed_fees_gives_the_same_federation_block(sample, participation):
    scenario = Scenario(participation=participation, opt_out_tolerance_gbp=500)
    design = design_fees(sample, scenario)
    again = sample.run(scenario.with_changes(service_fee_pct=design.service_fee_pct))
    assert again.federation.to_dict() == design.federation.to_dict()
    assert again.practices_better_off == design.practices_better_off
    assert set(design.service_fee_pct) == set(sample.dataset.services["service"])
    assert all(0 <= f <= 30 for f in design.service_fee_pct.values())


def _best_single_fee(model: Model, scenario: Scenario) -> tuple[bool, float, int, float]:
    services = federation_services(model, scenario)
    grid = fee_grid(30)
    runs = model.run_many([with_fees(scenario, dict.fromkeys(services, float(f))) for f in grid])
    scored = [
        (r.federation.surplus_gbp >= 0, r.federation.surplus_gbp, r.practices_better_off, r.practices["difference_gbp"].sum()) for r in runs
    ]
    viable = [s for s in scored if s[0]]
    if viable:
        return max(viable, key=lambda s: (s[2], s[3]))
    return max(scored, key=lambda s: s[1])


def _at_least_as_good(design, floor) -> bool:
    viable, surplus, better_off, total = floor
    if viable:
        got = (design.practices_better_off, round(float(design.results.practices["difference_gbp"].sum()), 2))
        return design.viable and got >= (better_off, round(total, 2))
    return design.viable or design.federation.surplus_gbp >= surplus - 1e-6


@pytest.mark.parametrize(
    "scenario",
    [Scenario(), Scenario(participation="rational", opt_out_tolerance_gbp=2_000, overhead_change_pct=-40)],
)
def test_never_worse_than_the_best_single_fee_on_the_sample(sample, scenario):
    design = design_fees(sample, scenario)
    assert _at_least_as_good(design, _best_single_fee(sample, scenario))


@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(federations(), scenarios())
def test_never_worse_than_the_best_single_fee_for_any_federation(dataset, scenario):
    model = Model(dataset)
    try:
        design = design_fees(model, scenario, max_fee_pct=10)
        services = federation_services(model, scenario)
        runs = model.run_many([with_fees(scenario, dict.fromkeys(services, float(f))) for f in fee_grid(10)])
        surpluses = [r.federation.surplus_gbp for r in runs]
        if any(s >= 0 for s in surpluses):
            assert design.viable
            best = max(r.practices_better_off for r, s in zip(runs, surpluses, strict=True) if s >= 0)
            assert design.practices_better_off >= best
        else:
            assert design.federation.surplus_gbp >= max(surpluses) - 1e-6
        again = model.run(with_fees(scenario, design.service_fee_pct))
        assert again.federation.to_dict() == design.federation.to_dict()
    finally:
        model.close()


def test_the_engine_table_is_used_where_the_numpy_table_does_not_match(worked, monkeypatch):
    monkeypatch.setattr(design_module, "fast_table", lambda *args: None)
    assert design_fees(worked, Scenario()).service_fee_pct == {"Phlebotomy": 7.5}


def test_the_numpy_table_matches_the_engine_table(sample):
    scenario = Scenario(participation="rational", opt_out_tolerance_gbp=300, activity_change_pct=5)
    services = federation_services(sample, scenario)
    grid = fee_grid(30)
    fast, engine = fast_table(sample, scenario, services, grid), engine_table(sample, scenario, services, grid)
    assert fast is not None and engine.exact
    np.testing.assert_allclose(fast.fee_income, engine.fee_income, atol=1e-6)
    np.testing.assert_allclose(fast.gain, engine.gain, atol=1e-6)
    assert fast.base_surplus == pytest.approx(engine.base_surplus, abs=1e-6)


def test_when_the_table_does_not_predict_the_engine_every_move_is_run(worked, monkeypatch):
    real = design_module.engine_table

    def untrusted(*args):
        table = real(*args)
        table.exact = False
        return table

    monkeypatch.setattr(design_module, "fast_table", lambda *args: None)
    monkeypatch.setattr(design_module, "engine_table", untrusted)
    design = design_fees(worked, Scenario())
    assert design.method == "engine"
    assert design.service_fee_pct == {"Phlebotomy": 7.5}


def test_only_federation_route_services_are_designed(worked):
    assert federation_services(worked, Scenario()) == ["Phlebotomy"]
    assert federation_services(worked, SimpleNamespace(service_route={"Phlebotomy": "pcn"})) == []


def test_service_by_service_explanation(worked):
    design = design_fees(worked, Scenario(participation="rational"))
    (story,) = explain(design, worked)
    assert story.sentence() == "Phlebotomy at 5% (today 10%): keeps 3 of 3 practices and earns £2,000 a year."
    high = design_fees(worked, Scenario(participation="rational"), max_fee_pct=5)
    assert explain(high, worked)[0].leavers == ()


def test_affordable_overheads_at_todays_fees(worked):
    at_all = affordable_overheads(worked, Scenario())
    assert (at_all.fee_income_gbp, at_all.overheads_gbp, at_all.headroom_gbp) == (4_000, 3_000, 1_000)
    assert at_all.sentence().endswith("They are £3,000, so £1,000 is to spare.")
    rational = affordable_overheads(worked, Scenario(participation="rational"))
    assert rational.fee_income_gbp == 0  # at 10% everyone leaves
    assert "£3,000 a year has to be cut or found elsewhere" in rational.sentence()


def test_two_services_at_once_get_past_where_one_at_a_time_sticks():
    from finance.analysis.design_table import Table

    # Fees 0, 1 or 2 points on two services, each bringing in 5 a point; overheads 10. Practice 1
    # gains only when service A is free, practice 2 only when B is. From (1, 1) no single move both
    # keeps the overheads covered and frees a practice; A at 2 with B at 0 does.
    gain = np.zeros((2, 3, 2))
    gain[0, :, 0] = [1, -1, -2]
    gain[1, :, 1] = [1, -1, -2]
    table = Table(["A", "B"], np.array([0.0, 1.0, 2.0]), np.array([[0, 5, 10], [0, 5, 10]], dtype=float), gain, -10.0, np.zeros(2))
    alone = table.search(np.array([1, 1]))
    assert alone.fees == {"A": 1.0, "B": 1.0} and alone.better_off == 0
    both = table.search(np.array([1, 1]), pairs=True)
    assert both.viable and both.better_off == 1
    assert both.fees in ({"A": 2.0, "B": 0.0}, {"A": 0.0, "B": 2.0})


@settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(federations(), scenarios())
def test_the_numpy_table_is_the_engine_table_for_any_federation(dataset, scenario):
    model = Model(dataset)
    try:
        services, grid = federation_services(model, scenario), fee_grid(12)
        fast, engine = fast_table(model, scenario, services, grid), engine_table(model, scenario, services, grid)
        assert fast is not None  # the numpy figures cover every scenario of this model
        np.testing.assert_allclose(fast.fee_income, engine.fee_income, atol=1e-6)
        np.testing.assert_allclose(fast.gain, engine.gain, atol=1e-6)
    finally:
        model.close()
