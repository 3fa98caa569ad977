"""Tornado and break-even: orderings on hand-made cases, and every break-even re-checked by the model."""

from __future__ import annotations

import pytest

from finance.analysis.sensitivity import PENNY, breakeven, tornado
from finance.errors import ScenarioError
from finance.model.scenario import Scenario

A = "A00001"


def test_tornado_on_the_worked_example(worked):
    """Fee income 10% x £40,000 = £4,000 of contract income; overheads £3,000; nothing else moves the surplus."""
    table = tornado(worked, Scenario())
    assert table["parameter"].tolist()[:3] == ["income_change_pct.contract", "management_fee_pct", "overhead_change_pct"]
    rows = table.set_index("parameter")
    assert rows.loc["income_change_pct.contract", ["surplus_low_gbp", "surplus_high_gbp", "swing_gbp"]].tolist() == pytest.approx(
        [600, 1_400, 800]
    )
    assert rows.loc["management_fee_pct", ["low_label", "high_label"]].tolist() == ["each fee -10%", "each fee +10%"]
    assert rows.loc["overhead_change_pct", ["surplus_low_gbp", "surplus_high_gbp"]].tolist() == pytest.approx([1_300, 700])
    assert (table["swing_gbp"].iloc[3:] == 0).all()
    assert (table["surplus_base_gbp"] == 1_000).all()
    assert table["swing_gbp"].is_monotonic_decreasing


def test_tornado_ends_equal_single_runs(sample):
    scenario = Scenario(management_fee_pct=8, activity_change_pct=5, participation="rational", opt_out_tolerance_gbp=200)
    table = tornado(sample, scenario, step_pct=20).set_index("parameter")
    assert table.loc["management_fee_pct", ["low_label", "high_label"]].tolist() == ["6.40%", "9.60%"]
    assert table.loc["activity_change_pct", ["low_label", "high_label"]].tolist() == ["-15%", "+25%"]
    assert "opt_out_tolerance_gbp" in table.index
    checks = {
        "management_fee_pct": (Scenario(management_fee_pct=6.4), Scenario(management_fee_pct=9.6)),
        "activity_change_pct": (Scenario(activity_change_pct=-15), Scenario(activity_change_pct=25)),
        "opt_out_tolerance_gbp": (Scenario(opt_out_tolerance_gbp=160), Scenario(opt_out_tolerance_gbp=240)),
    }
    for parameter, (down, up) in checks.items():
        down = scenario.with_changes(**{k: v for k, v in down.changes().items()})
        up = scenario.with_changes(**{k: v for k, v in up.changes().items()})
        assert table.loc[parameter, "surplus_low_gbp"] == pytest.approx(sample.run(down).federation.surplus_gbp)
        assert table.loc[parameter, "surplus_high_gbp"] == pytest.approx(sample.run(up).federation.surplus_gbp)


def test_tornado_for_one_practice_is_ordered_by_its_gain_from_the_federation(worked):
    """Practice A of the worked example under rational participation, tolerance £1,000, step 10%.

    Base: A's in-house margin 20,000 - 13,000 = 7,000; with the federation 20,000 - 12,000 delivery
    - 2,000 fee = 6,000; gain -1,000 (within the tolerance, so it stays). In-house costs -10% (11,700):
    the gain is 11,700 - 12,000 - 2,000 = -2,300, so A leaves and gains 0; +10% (14,300): +300. Swing
    1,300, the largest. Federation costs -10%: delivery 10,800, gain +200; +10%: -2,200, A leaves, 0:
    swing 1,200. Contract income +10% (22,000, fee 2,200) makes A lose 1,200 and leave, B and C follow;
    -10% leaves it -800: swing 1,000 (as do the fee, activity and the tolerance). Overheads move nothing.
    """
    table = tornado(worked, Scenario(participation="rational", opt_out_tolerance_gbp=1_000), practice_code=A)
    assert table["gain_swing_gbp"].round(2).is_monotonic_decreasing
    rows = table.set_index("parameter")
    assert table["parameter"].tolist()[:2] == ["inhouse_cost_change_pct", "federation_cost_change_pct"]
    assert rows.loc["inhouse_cost_change_pct", ["gain_low_gbp", "gain_base_gbp", "gain_high_gbp"]].tolist() == pytest.approx(
        [0, -1_000, 300]
    )
    assert rows.loc["federation_cost_change_pct", ["gain_low_gbp", "gain_high_gbp", "gain_swing_gbp"]].tolist() == pytest.approx(
        [200, 0, 1_200]
    )
    assert rows.loc["income_change_pct.contract", ["gain_low_gbp", "gain_high_gbp", "gain_swing_gbp"]].tolist() == pytest.approx(
        [-800, 0, 1_000]
    )
    assert rows.loc["overhead_change_pct", "gain_swing_gbp"] == pytest.approx(0)
    # Its whole result is kept beside the gain: contract income moves it from 4,200 to 9,000 (in-house once it left).
    contract = rows.loc["income_change_pct.contract"]
    assert [contract["practice_low_gbp"], contract["practice_base_gbp"], contract["practice_high_gbp"]] == pytest.approx(
        [4_200, 6_000, 9_000]
    )


def test_fee_moves_by_points_when_asked(worked):
    rows = tornado(worked, Scenario(management_fee_pct=8), fee_step_points=1).set_index("parameter")
    assert rows.loc["management_fee_pct", ["low_label", "high_label"]].tolist() == ["7.00%", "9.00%"]
    assert rows.loc["management_fee_pct", ["surplus_low_gbp", "surplus_high_gbp"]].tolist() == pytest.approx([-200, 600])


def test_tornado_checks_its_arguments(worked):
    with pytest.raises(ScenarioError, match="practice 'Z99999' is not in the data"):
        tornado(worked, Scenario(), practice_code="Z99999")
    with pytest.raises(ScenarioError, match="the step must be more than 0%"):
        tornado(worked, Scenario(), step_pct=0)


def test_worked_example_fee_breaks_even_at_seven_and_a_half_percent(worked):
    found = breakeven(worked, Scenario(), "management_fee_pct")
    assert found.value == 7.5
    assert found.rising is True and found.beyond == 7.49
    assert found.message == (
        "The federation breaks even with a management fee of 7.50% on every service: its surplus is £0 there and negative just below it."
    )
    assert worked.run(Scenario(management_fee_pct=7.5)).federation.fee_income_gbp == pytest.approx(3_000)


def recheck(model, scenario, found):
    """The model itself agrees: surplus >= 0 (to the penny) at the value, < 0 a hundredth beyond it."""
    set_to = (
        (lambda x: scenario.with_changes(management_fee_pct=x, service_fee_pct={}))
        if found.parameter == "management_fee_pct"
        else (lambda x: scenario.with_changes(**{found.parameter: x}))
    )
    at, beyond = model.run_many([set_to(found.value), set_to(found.beyond)])
    assert at.federation.surplus_gbp >= -PENNY
    assert beyond.federation.surplus_gbp < -PENNY
    assert abs(found.value - found.beyond) == pytest.approx(0.01)
    assert (found.beyond < found.value) == found.rising


@pytest.mark.parametrize(
    ("scenario", "parameter"),
    [
        (Scenario(), "management_fee_pct"),
        (Scenario(participation="rational", opt_out_tolerance_gbp=2_000), "management_fee_pct"),
        (Scenario(participation="rational"), "federation_cost_change_pct"),
        (Scenario(participation="rational"), "inhouse_cost_change_pct"),
        (Scenario(), "overhead_change_pct"),
    ],
)
def test_breakeven_values_recheck_on_the_sample(sample, scenario, parameter):
    found = breakeven(sample, scenario, parameter)
    assert found.value is not None, found.message
    recheck(sample, scenario, found)
    assert found.value in found.crossings


def test_worked_example_overheads_and_the_cascade(worked):
    overheads = breakeven(worked, Scenario(), "overhead_change_pct")
    assert overheads.value == 33.33 and overheads.rising is False  # £3,000 x 1.3333 = £4,000 of fees
    recheck(worked, Scenario(), overheads)
    rational = Scenario(participation="rational", opt_out_tolerance_gbp=1_000)
    fee = breakeven(worked, rational, "management_fee_pct")
    assert fee.crossings == (7.5, 10.0)  # above 10% A's loss passes the tolerance and the cascade empties the service
    recheck(worked, rational, fee)
    activity = breakeven(worked, rational, "activity_change_pct")
    assert activity.value == 0 and activity.rising is True  # 1% less activity and A's loss passes the tolerance
    recheck(worked, rational, activity)


def test_no_breakeven_in_range(worked):
    found = breakeven(worked, Scenario(), "federation_cost_change_pct")
    assert found.value is None and found.crossings == ()
    assert found.message == (
        "No break-even for federation delivery costs between -100% and +100%: the federation's surplus is £1,000 "
        "whatever its value, because with these settings it does not move the surplus."
    )
    loss = breakeven(worked, Scenario(), "management_fee_pct", high=5)
    assert loss.value is None
    assert loss.message.endswith("the federation makes a loss throughout (at best -£1,000, at 5%).")


def test_unknown_parameter(worked):
    with pytest.raises(ScenarioError, match="no break-even for 'participation'"):
        breakeven(worked, Scenario(), "participation")


@pytest.mark.parametrize("participation", ["all", "rational"])
def test_a_fee_breakeven_is_the_same_with_the_current_surplus_given(sample, participation):
    """The pages pass the surplus they already have; the answer must not change (the fee is searched
    with the fee sweep's fast path, the other parameters with the SQL model)."""
    scenario = Scenario(participation=participation, overhead_change_pct=-20)
    for parameter in ("management_fee_pct", "activity_change_pct"):
        alone = breakeven(sample, scenario, parameter)
        given = breakeven(sample, scenario, parameter, current_surplus_gbp=sample.run(scenario).federation.surplus_gbp)
        assert given.value == alone.value and given.message == alone.message
        if alone.value is not None:  # the value found is the model's break-even: £0 or more there, negative beyond
            at = sample.run(
                scenario.with_changes(management_fee_pct=alone.value, service_fee_pct={})
                if parameter == "management_fee_pct"
                else scenario.with_changes(**{parameter: alone.value})
            )
            assert at.federation.surplus_gbp >= -PENNY
