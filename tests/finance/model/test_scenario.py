"""Scenarios: strict checking of JSON, round trips, and the messages a user sees."""

from __future__ import annotations

import json

import pytest

from finance.errors import ScenarioError
from finance.model.scenario import Scenario


def test_defaults_leave_the_data_as_it_is():
    scenario = Scenario()
    assert scenario.to_dict() == {
        "income_change_pct": {"contract": 0.0, "pcn_des": 0.0, "federation": 0.0},
        "activity_change_pct": 0.0,
        "inhouse_cost_change_pct": 0.0,
        "federation_cost_change_pct": 0.0,
        "overhead_change_pct": 0.0,
        "management_fee_pct": None,
        "service_fee_pct": {},
        "participation": "all",
        "opt_out_tolerance_gbp": 0.0,
        "excluded_practices": [],
        "service_fee_per_unit_gbp": {},
        "service_route": {},
        "subscription_gbp_per_patient": 0.0,
        "subscription_basis": "weighted",
        "membership": "fixed",
    }
    assert Scenario.from_dict({}) == scenario


def test_json_round_trip():
    scenario = Scenario.from_dict(
        {
            "income_change_pct": {"pcn_des": -10},
            "management_fee_pct": 7.5,
            "service_fee_pct": {"Phlebotomy": 12},
            "participation": "rational",
            "opt_out_tolerance_gbp": 500,
            "excluded_practices": [" a81001", "A81002"],
        }
    )
    assert scenario.income_change_pct == {"contract": 0.0, "pcn_des": -10.0, "federation": 0.0}
    assert scenario.excluded_practices == ("A81001", "A81002")
    assert Scenario.from_json(scenario.to_json()) == scenario


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        ({"fee": 5}, "unknown parameter 'fee'"),
        ({"management_fee_pct": "5"}, 'management_fee_pct must be a number, not "5"'),
        ({"management_fee_pct": True}, "management_fee_pct must be a number, not true"),
        ({"management_fee_pct": 120}, "management_fee_pct must be 100 or less, not 120"),
        ({"activity_change_pct": -150}, "activity_change_pct must be -100 or more, not -150"),
        ({"participation": "some"}, 'participation must be "all" or "rational", not "some"'),
        ({"income_change_pct": 5}, "income_change_pct must be an object"),
        ({"income_change_pct": {"gms": 5}}, "income_change_pct: unknown stream 'gms'"),
        ({"service_fee_pct": {"Phlebotomy": "ten"}}, 'service_fee_pct.Phlebotomy must be a number, not "ten"'),
        ({"excluded_practices": "A81001"}, "excluded_practices must be a list of practice codes"),
        ({"opt_out_tolerance_gbp": -1}, "opt_out_tolerance_gbp must be 0 or more, not -1"),
        ({"service_route": {"Enhanced Access": "PCN"}}, 'service_route.Enhanced Access must be "federation" or "pcn", not "PCN"'),
        ({"service_route": ["pcn"]}, "service_route must be an object of service name"),
        ({"service_fee_per_unit_gbp": {"Phlebotomy": -1}}, "service_fee_per_unit_gbp.Phlebotomy must be 0 or more, not -1"),
        ({"service_fee_per_unit_gbp": {"Phlebotomy": "1.50"}}, 'service_fee_per_unit_gbp.Phlebotomy must be a number, not "1.50"'),
        ({"subscription_gbp_per_patient": -0.5}, "subscription_gbp_per_patient must be 0 or more, not -0.5"),
        ({"subscription_gbp_per_patient": None}, "subscription_gbp_per_patient must be a number, not null"),
        ({"subscription_basis": "list"}, 'subscription_basis must be "weighted" or "registered", not "list"'),
        ({"membership": True}, 'membership must be "fixed" or "rational", not true'),
    ],
)
def test_bad_scenarios_are_refused_with_a_clear_line(data, expected):
    with pytest.raises(ScenarioError) as caught:
        Scenario.from_dict(data)
    assert any(expected in line for line in caught.value.problems), caught.value.problems


def test_new_parameters_round_trip_and_read_in_words():
    scenario = Scenario.from_dict(
        {
            "service_fee_per_unit_gbp": {"Phlebotomy": 1.5},
            "service_route": {"Enhanced Access": "pcn", "Phlebotomy": "federation"},
            "subscription_gbp_per_patient": 0.5,
            "subscription_basis": "registered",
            "membership": "rational",
        }
    )
    assert Scenario.from_json(scenario.to_json()) == scenario
    assert (
        scenario.route("Enhanced Access") == "pcn"
        and scenario.route("Phlebotomy") == "federation"
        and scenario.route("Other") == "federation"
    )
    assert scenario.describe() == (
        "Phlebotomy fee £1.50 a unit; PCNs run Enhanced Access; subscription £0.50 a registered patient; members leave when better off alone"
    )
    assert scenario.unknown_names({"A81001"}, {"Phlebotomy"}) == ["service_route names service 'Enhanced Access', which is not in the data"]


def test_every_problem_at_once():
    with pytest.raises(ScenarioError) as caught:
        Scenario.from_dict({"fee": 1, "participation": 3, "management_fee_pct": "x"})
    assert len(caught.value.problems) == 3


def test_not_an_object_and_not_json():
    with pytest.raises(ScenarioError, match="must be a JSON object"):
        Scenario.from_dict([1, 2])
    with pytest.raises(ScenarioError, match="not valid JSON"):
        Scenario.from_json("{participation: all}")


def test_load_names_the_file(tmp_path):
    path = tmp_path / "option-b.json"
    path.write_text(json.dumps({"participation": "none"}))
    with pytest.raises(ScenarioError) as caught:
        Scenario.load(path)
    assert caught.value.problems[0].startswith("option-b.json: participation must be")


def test_changes_lists_only_what_differs():
    assert Scenario(management_fee_pct=6, participation="rational").changes() == {"management_fee_pct": 6, "participation": "rational"}
