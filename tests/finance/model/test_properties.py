"""Invariants of the margin model that hold for any federation and any scenario."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from finance.ingest.dataset import Dataset
from finance.model.engine import Model
from finance.model.scenario import Scenario
from tests.strategies import delivery_federations, delivery_scenarios, federations, scenarios

SLACK = 1e-6  # the model's own allowance for float noise, in pounds
PROPERTY_SETTINGS = settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
DELIVERY_SETTINGS = settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def run(dataset, scenario):
    model = Model(dataset)
    try:
        return model.run(scenario)
    finally:
        model.close()


@PROPERTY_SETTINGS
@given(federations(), scenarios())
def test_advantage_is_return_minus_inhouse_margin(dataset, scenario):
    rows = run(dataset, scenario).rows
    assert (rows["advantage_gbp"] - (rows["federation_return_gbp"] - rows["inhouse_margin_gbp"])).abs().max() < 1e-6 if len(rows) else True
    assert ((rows["inhouse_margin_gbp"] - (rows["income_gbp"] - rows["inhouse_cost_gbp"])).abs() < 1e-6).all()


@PROPERTY_SETTINGS
@given(federations(), scenarios())
def test_fee_income_is_the_participants_fees(dataset, scenario):
    results = run(dataset, scenario)
    rows = results.rows
    assert results.federation.fee_income_gbp == pytest.approx(rows.loc[rows["participates"], "management_fee_gbp"].sum(), abs=1e-6)
    assert results.federation.surplus_gbp == pytest.approx(results.federation.fee_income_gbp - results.federation.overheads_gbp)
    counted = rows[rows["participates"]].groupby("service").size().to_dict()
    assert {s: n for s, n in results.federation.participants.items() if n} == counted
    assert set(results.federation.participants) == set(dataset.services["service"])


@PROPERTY_SETTINGS
@given(federations(), scenarios(participation="rational"))
def test_nobody_left_in_rational_loses_beyond_tolerance(dataset, scenario):
    rows = run(dataset, scenario).rows
    staying = rows[rows["participates"]]
    assert (staying["advantage_gbp"] >= -scenario.opt_out_tolerance_gbp - SLACK).all()


@PROPERTY_SETTINGS
@given(federations(), scenarios(participation="rational"), st.floats(min_value=0.5, max_value=30))
def test_raising_every_fee_never_adds_a_participant(dataset, scenario, rise):
    fees = dict(zip(dataset.services["service"], dataset.services["management_fee_pct"], strict=True))
    if scenario.management_fee_pct is not None:
        fees = dict.fromkeys(fees, scenario.management_fee_pct)
    higher = scenario.with_changes(service_fee_pct={s: min(100.0, f + rise) for s, f in fees.items()})
    model = Model(dataset)
    try:
        before, after = model.run_many([scenario, higher])
    finally:
        model.close()
    staying_before = set(before.rows.loc[before.rows["participates"], ["practice_code", "service"]].itertuples(index=False))
    staying_after = set(after.rows.loc[after.rows["participates"], ["practice_code", "service"]].itertuples(index=False))
    assert staying_after <= staying_before


@PROPERTY_SETTINGS
@given(federations(), scenarios())
def test_practice_difference_is_the_sum_of_its_advantages(dataset, scenario):
    results = run(dataset, scenario)
    rows, practices = results.rows, results.practices.set_index("practice_code")
    gained = rows[rows["participates"]].groupby("practice_code")["advantage_gbp"].sum()
    for code, practice in practices.iterrows():
        assert practice["difference_gbp"] == pytest.approx(gained.get(code, 0.0), abs=1e-6)
        assert practice["result_with_federation_gbp"] - practice["result_all_inhouse_gbp"] == pytest.approx(
            practice["difference_gbp"], abs=1e-6
        )


@PROPERTY_SETTINGS
@given(federations())
def test_only_members_not_excluded_take_part(dataset):
    excluded = tuple(dataset.practices["practice_code"][:1])
    rows = run(dataset, Scenario(excluded_practices=excluded)).rows
    members = set(dataset.practices.loc[dataset.practices["federation_member"], "practice_code"]) - set(excluded)
    assert set(rows.loc[rows["participates"], "practice_code"]) <= members


def run_delivery(data):
    dataset = data.draw(delivery_federations())
    scenario = data.draw(delivery_scenarios(list(dataset.services["service"]), list(dataset.practices["practice_code"])))
    return dataset, scenario, run(dataset, scenario)


@DELIVERY_SETTINGS
@given(st.data())
def test_fee_income_is_management_fees_plus_subscriptions(data):
    _, _, results = run_delivery(data)
    rows, federation = results.rows, results.federation
    federation_rows = rows[rows["participates"] & (rows["route"] == "federation")]
    assert federation.management_fee_income_gbp == pytest.approx(federation_rows["management_fee_gbp"].sum(), abs=1e-6)
    assert federation.subscription_income_gbp == pytest.approx(results.practices["subscription_gbp"].sum(), abs=1e-6)
    assert federation.fee_income_gbp == pytest.approx(federation.management_fee_income_gbp + federation.subscription_income_gbp, abs=1e-9)
    assert federation.surplus_gbp == pytest.approx(federation.fee_income_gbp - federation.overheads_gbp)


@DELIVERY_SETTINGS
@given(st.data())
def test_a_practice_that_left_pays_no_subscription_and_uses_no_federation_service(data):
    dataset, scenario, results = run_delivery(data)
    practices = results.practices.set_index("practice_code")
    gone = set(practices.index[practices["left_federation_round"].notna()])
    assert not practices.loc[list(gone), "member"].any()
    assert (practices.loc[list(gone), "subscription_gbp"] == 0).all()
    rows = results.rows
    assert not rows[rows["practice_code"].isin(gone) & (rows["route"] == "federation")]["participates"].any()
    outside = set(dataset.practices.loc[~dataset.practices["federation_member"], "practice_code"]) | set(scenario.excluded_practices)
    assert (practices.loc[[c for c in practices.index if c in outside], "subscription_gbp"] == 0).all()
    # nobody still a member is worse off than the tolerance allows under membership choice
    if scenario.membership == "rational":
        members = practices[practices["member"]]
        assert (members["difference_gbp"] >= -scenario.opt_out_tolerance_gbp - SLACK).all()


@DELIVERY_SETTINGS
@given(st.data())
def test_pcn_fees_never_reach_the_federation(data):
    dataset, scenario, results = run_delivery(data)
    rows = results.rows
    pcn_rows = rows[rows["participates"] & (rows["route"] == "pcn")]
    assert results.federation.pcn_fee_income_gbp == pytest.approx(pcn_rows["management_fee_gbp"].sum(), abs=1e-6)
    # the same scenario with every PCN fee at 0 gives the federation exactly the same fee income
    free = dataset.services.assign(pcn_fee_pct=0.0)
    without = run(
        Dataset(dataset.practices, dataset.income, free, dataset.activity, dataset.federation_costs, dataset.practice_costs), scenario
    )
    if scenario.membership == "fixed":  # (under membership choice a PCN's fee can tip a practice out of the federation)
        assert without.federation.fee_income_gbp == pytest.approx(results.federation.fee_income_gbp, abs=1e-6)
    assert set(rows.loc[rows["route"] == "pcn", "pcn"].dropna()) <= set(dataset.practices["pcn"].dropna())
