"""The multi-year plan on the worked example: a second year worked by hand, compounding, leaving, the defaults."""

from __future__ import annotations

import json

import pytest

from finance.analysis.plan import (
    DEFAULTS_FILE,
    default_notes,
    default_plan,
    load_plan,
    parse_plan,
    plan_options,
    run_plan,
    year_label,
    year_scenarios,
)
from finance.errors import ScenarioError
from finance.model.scenario import Scenario


def test_a_second_year_worked_by_hand(worked):
    # Year 2: contract income +10%, federation costs -10%, overheads +20%, under "all".
    # Fees 10% of 44,000 = 4,400; overheads 3,600; surplus 800. Reserves 500 + 1,000 + 800 = 2,300.
    # A: in-house 22,000 - 13,000 = 9,000; with the federation 22,000 - (8,100 + 2,700) - 2,200 = 9,000: 0.
    # B: in-house 11,000 - 7,000 = 4,000; with it 11,000 - (4,050 + 1,350) - 1,100 = 4,500: +500 (C the same).
    plan = parse_plan(
        {
            "first_year": "2025/26",
            "opening_reserves_gbp": 500,
            "years": [{"income_change_pct": {"contract": 10}, "federation_cost_change_pct": -10, "overhead_change_pct": 20}],
        }
    )
    result = run_plan(worked, Scenario(), plan)
    document = result.to_json_dict()
    first, second = document["years"]
    assert first["year"] == "2025/26" and second["year"] == "2026/27"
    assert first["federation"]["surplus_gbp"] == pytest.approx(1_000) and first["reserves_gbp"] == pytest.approx(1_500)
    assert first["practices_better_off"] == 0
    assert second["federation"]["fee_income_gbp"] == pytest.approx(4_400)
    assert second["federation"]["overheads_gbp"] == pytest.approx(3_600)
    assert second["federation"]["surplus_gbp"] == pytest.approx(800)
    assert second["reserves_gbp"] == pytest.approx(2_300)
    assert second["practices_better_off"] == 2
    assert set(second) == {"year", "federation", "practices_better_off", "reserves_gbp"}
    assert result.leaving_year is None


def test_changes_compound_on_the_scenario():
    plan = parse_plan(
        {"years": [{"income_change_pct": {"contract": 10}}, {"income_change_pct": {"contract": 10}, "overhead_change_pct": 5}]}
    )
    years = year_scenarios(Scenario(income_change_pct={"contract": 10}, overhead_change_pct=10), plan)
    assert [round(y.income_change_pct["contract"], 9) for y in years] == [10, 21, 33.1]
    assert [round(y.overhead_change_pct, 9) for y in years] == [10, 10, 15.5]


def test_the_year_practices_start_to_leave(worked):
    # Rational within £1,000: in year 1 everyone stays. In year 2 in-house costs fall 20%: A's in-house
    # margin is 20,000 - 10,400 = 9,600 against 8,000 with the federation (-1,600): A leaves, then B and C.
    plan = parse_plan({"first_year": "2026/27", "years": [{"inhouse_cost_change_pct": -20}]})
    result = run_plan(worked, Scenario(participation="rational", opt_out_tolerance_gbp=1_000), plan)
    assert [y.participations for y in result.years] == [3, 0]
    assert result.leaving_year == "2027/28"
    assert result.years[1].results.federation.surplus_gbp == pytest.approx(-3_000)
    assert "Practices start to leave in 2027/28" in " ".join(result.sentences())
    assert [name for name, _ in plan_options(result)] == ["Plan 2026/27", "Plan 2027/28"]


def test_year_labels_advance_one_year_at_a_time():
    assert [year_label("2025/26", k) for k in range(3)] == ["2025/26", "2026/27", "2027/28"]
    assert year_label("2099/00", 1) == "2100/01"
    assert parse_plan({"first_year": "1999/00"}).labels() == ["1999/00"]


@pytest.mark.parametrize(
    ("plan", "problem"),
    [
        ({"first_year": "2025-26"}, 'plan: first_year must be a financial year such as "2025/26", not "2025-26"'),
        ({"first_year": "2025/27"}, 'plan: first_year must be a financial year such as "2025/26", not "2025/27"'),
        ({"reserves": 1}, "plan: unknown key 'reserves'"),
        ({"opening_reserves_gbp": "lots"}, 'plan: opening_reserves_gbp must be a number of pounds, not "lots"'),
        ({"years": {}}, "plan: years must be a list"),
        ({"years": [{"pay_award_pct": 3}]}, "plan: year 2: unknown key 'pay_award_pct'"),
        ({"years": [{}, {"overhead_change_pct": "3%"}]}, 'plan: year 3: overhead_change_pct must be a number (percent), not "3%"'),
        ({"years": [{"income_change_pct": {"gms": 3}}]}, "plan: year 2: income_change_pct: unknown stream 'gms'"),
        ({"years": [{"activity_change_pct": -101}]}, "plan: year 2: activity_change_pct must be -100 or more, not -101"),
    ],
)
def test_bad_plans_are_reported_like_data_errors(plan, problem):
    with pytest.raises(ScenarioError) as caught:
        parse_plan(plan)
    assert any(line.startswith(problem) for line in caught.value.problems), caught.value.problems


def test_the_shipped_defaults_follow_domain_md(tmp_path):
    plan = default_plan()
    assert plan.labels() == ["2025/26", "2026/27", "2027/28"]
    second = plan.years[0]
    assert second.income_change_pct["contract"] == 3.6  # the 2026/27 envelope, +3.6% cash
    assert second.inhouse_cost_change_pct == 3.3  # Agenda for Change 2026/27
    assert second.income_change_pct["pcn_des"] < 0 and second.income_change_pct["federation"] < 0  # at-scale funding eroded
    notes = default_notes()["notes"]
    for label, year in zip(plan.labels()[1:], plan.years, strict=True):
        named = set(notes[label])
        assert {f"income_change_pct.{s}" for s in year.income_change_pct} | set(year.to_dict()) - {"income_change_pct"} == named
    path = tmp_path / "P.json"
    path.write_text(json.dumps(json.loads(DEFAULTS_FILE.read_text())["plan"]))
    assert load_plan(path) == plan
