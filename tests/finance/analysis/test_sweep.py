"""The fee sweep agrees with the SQL model fee by fee (it is a fast path to the same figures)."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from finance.analysis.sweep import fee_sweep
from finance.ingest.load import load_files
from finance.model.engine import Model
from finance.model.scenario import Scenario
from tests.conftest import WORKED_EXAMPLE, sample_files
from tests.strategies import delivery_federations, delivery_scenarios, federations, scenarios

FEES = (0.0, 2.5, 5.0, 7.5, 10.0, 12.0, 15.0, 20.0, 30.0, 40.0)
COMPARED = ["fee_income_gbp", "overheads_gbp", "surplus_gbp", "practices_participating", "participations", "practices_better_off"]


def assert_sweep_matches_model(model: Model, scenario: Scenario, fees=FEES) -> None:
    sweep = fee_sweep(model, scenario, fees).points
    expected = model.summaries([scenario.with_changes(management_fee_pct=f, service_fee_pct={}) for f in fees])
    for column in COMPARED:
        assert sweep[column].tolist() == pytest.approx(expected[column].tolist(), abs=1e-6), column


RATIONAL = Scenario(participation="rational")


def test_worked_example_sweep():
    model = Model(load_files(sorted(WORKED_EXAMPLE.glob("*.csv"))).dataset)
    sweep = fee_sweep(model, RATIONAL, FEES)
    assert sweep.participation == "rational"
    at = sweep.points.set_index("fee_pct")
    # At 5% the cascade of MODEL.md stops: A is exactly at break-even and stays, B and C gain.
    assert at.loc[5.0, "participations"] == 3
    assert at.loc[5.0, "surplus_gbp"] == pytest.approx(-1_000)
    # At 10% A leaves, then B and C: nobody is left.
    assert at.loc[10.0, "participations"] == 0
    assert sweep.best["fee_pct"] == 5.0
    assert sweep.breakeven_fee_pct is None
    assert_sweep_matches_model(model, RATIONAL, FEES)
    tolerant = fee_sweep(model, Scenario(participation="rational", opt_out_tolerance_gbp=1_000), FEES)
    assert tolerant.breakeven_fee_pct == 7.5  # 7.5% of 40,000 = 3,000 = the overheads


def test_worked_example_sweep_with_every_member():
    """Under 'all' nobody leaves: fee income is the fee x £40,000 at every fee, overheads £3,000."""
    model = Model(load_files(sorted(WORKED_EXAMPLE.glob("*.csv"))).dataset)
    sweep = fee_sweep(model, Scenario(participation="all"), FEES)
    at = sweep.points.set_index("fee_pct")
    assert sweep.participation == "all"
    assert at.loc[10.0, "surplus_gbp"] == pytest.approx(4_000 - 3_000)
    assert at.loc[40.0, "participations"] == 3  # A, B and C stay even where they lose
    assert sweep.breakeven_fee_pct == 7.5
    assert sweep.best["fee_pct"] == 40.0
    assert_sweep_matches_model(model, Scenario(participation="all"), FEES)


def test_sample_sweep_matches_model_under_scenarios():
    model = Model(load_files(sample_files()).dataset)
    for scenario in (
        Scenario(),
        RATIONAL,
        Scenario(participation="rational", opt_out_tolerance_gbp=2_000, activity_change_pct=10),
        Scenario(participation="rational", excluded_practices=("F81004",), federation_cost_change_pct=-20),
        Scenario(excluded_practices=("F81004",), federation_cost_change_pct=-20),
    ):
        assert_sweep_matches_model(model, scenario)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(federations(), scenarios(), st.lists(st.sampled_from(FEES), min_size=1, max_size=5, unique=True))
def test_sweep_matches_model_for_any_federation(dataset, scenario, fees):
    model = Model(dataset)
    try:
        assert_sweep_matches_model(model, scenario, tuple(fees))
    finally:
        model.close()


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data(), st.lists(st.sampled_from(FEES), min_size=1, max_size=4, unique=True))
def test_sweep_matches_model_with_pcn_pools_vat_unit_fees_and_subscriptions(data, fees):
    dataset = data.draw(delivery_federations())
    scenario = data.draw(delivery_scenarios(list(dataset.services["service"]), list(dataset.practices["practice_code"])))
    model = Model(dataset)
    try:
        assert_sweep_matches_model(model, scenario, tuple(fees))
    finally:
        model.close()


def test_sweep_under_membership_choice_is_the_engines(worked_example_files):
    """Membership choice couples services: the sweep asks the engine. At 5% with 6p a patient the
    two-round membership cascade of the golden test empties the federation: surplus -3,000."""
    model = Model(load_files(worked_example_files).dataset)
    scenario = Scenario(subscription_gbp_per_patient=0.06, membership="rational")
    sweep = fee_sweep(model, scenario, (0.0, 5.0)).points.set_index("fee_pct")
    assert sweep.loc[5.0, "surplus_gbp"] == pytest.approx(-3_000)
    assert sweep.loc[5.0, "participations"] == 0
    assert_sweep_matches_model(model, scenario, (0.0, 5.0))


def test_sweep_with_vat_and_a_unit_fee_matches_the_model(worked_example_files):
    """20% VAT and £0.20 a unit on the worked example: at 0% A's advantage is 13,000 - 1.2 x (12,000 + 400)
    = -1,880, so A leaves and the cascade runs at every fee; the sweep must say what the engine says."""
    from dataclasses import replace

    dataset = load_files(worked_example_files).dataset
    dataset = replace(dataset, services=dataset.services.assign(vat_rate_pct=20.0, fee_per_unit_gbp=0.2))
    model = Model(dataset)
    sweep = fee_sweep(model, RATIONAL, FEES).points.set_index("fee_pct")
    assert sweep.loc[0.0, "participations"] == 0
    assert_sweep_matches_model(model, RATIONAL.with_changes(opt_out_tolerance_gbp=2_500), FEES)
    assert_sweep_matches_model(model, RATIONAL.with_changes(opt_out_tolerance_gbp=1_900), FEES)
    assert_sweep_matches_model(model, Scenario(), FEES)  # 'all': nobody leaves, VAT and the unit fee still counted
