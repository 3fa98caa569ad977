"""Uncertainty on the worked example: degenerate ranges are their value, draws follow the seed, bad ranges are errors."""

from __future__ import annotations

import json

import numpy as np
import pytest

from finance.analysis.uncertainty import Range, draw_values, load_ranges, parse_ranges, uncertainty
from finance.errors import ScenarioError
from finance.model.scenario import Scenario


def test_a_range_with_low_likely_high_equal_is_that_value(worked):
    # Overheads +10%: 3,300 against 4,000 of fees, a surplus of 700 in every draw.
    result = uncertainty(worked, Scenario(), [Range("overhead_change_pct", 10, 10, 10)], draws=50, seed=3)
    document = result.to_json_dict()
    assert document["draws"] == 50 and document["seed"] == 3
    assert document["p_viable"] == 1.0
    assert document["surplus_gbp"] == pytest.approx({"p10": 700, "p50": 700, "p90": 700, "mean": 700})
    # A is 1,000 worse off, B and C break even: nobody is better off in any draw.
    assert [p["practice_code"] for p in document["practices"]] == ["A00001", "B00002", "C00003"]
    assert [p["p_better_off"] for p in document["practices"]] == [0.0, 0.0, 0.0]
    assert document["practices"][0]["difference_gbp"] == pytest.approx({"p10": -1_000, "p50": -1_000, "p90": -1_000})


def test_a_dotted_name_sets_one_stream_and_a_fee_range_reaches_the_practices(worked):
    # Contract income +10%: fees 10% of 44,000 = 4,400, surplus 1,400. One fee of 5%: B and C gain 500.
    ranges = parse_ranges(
        {"income_change_pct.contract": {"low": 10, "likely": 10, "high": 10}, "management_fee_pct": {"low": 5, "likely": 5, "high": 5}}
    )
    document = uncertainty(worked, Scenario(), ranges, draws=10).to_json_dict()
    # With 5% on 44,000: fees 2,200, surplus -800; A: 22,000 - 12,000 - 1,100 = 8,900 against 9,000 in-house.
    assert document["surplus_gbp"]["p50"] == pytest.approx(-800)
    assert document["p_viable"] == 0.0
    by_code = {p["practice_code"]: p for p in document["practices"]}
    assert by_code["A00001"]["difference_gbp"]["p50"] == pytest.approx(-100)
    assert by_code["B00002"]["p_better_off"] == 1.0 and by_code["B00002"]["difference_gbp"]["p50"] == pytest.approx(450)


def test_every_draw_is_the_model_at_the_drawn_value(worked):
    # Under "all" the surplus is 4,000 - 3,000 (1 + x/100) = 1,000 - 30 x for overheads +x%.
    rng = Range("overhead_change_pct", 0, 0, 100)
    result = uncertainty(worked, Scenario(), [rng], draws=2_000, seed=7)
    drawn = draw_values([rng], 2_000, 7)["overhead_change_pct"]
    np.testing.assert_allclose(result.surplus_gbp, 1_000 - 30 * drawn, atol=1e-6)
    assert np.array_equal(drawn, np.random.default_rng(7).triangular(0, 0, 100, 2_000))
    # P(x <= 33.3) for a triangle (0, 0, 100) is 1 - (2/3)^2 = 5/9.
    assert result.p_viable == pytest.approx(5 / 9, abs=0.03)
    assert result.p_viable == float(np.mean(drawn <= 100 / 3))


def test_the_same_seed_gives_the_same_document(sample):
    ranges = parse_ranges(
        {"overhead_change_pct": {"low": -5, "likely": 0, "high": 15}, "income_change_pct.pcn_des": {"low": -10, "likely": 0, "high": 5}}
    )
    scenario = Scenario(participation="rational")
    first = json.dumps(uncertainty(sample, scenario, ranges, draws=300, seed=11).to_json_dict())
    again = json.dumps(uncertainty(sample, scenario, ranges, draws=300, seed=11).to_json_dict())
    other = json.dumps(uncertainty(sample, scenario, ranges, draws=300, seed=12).to_json_dict())
    assert first == again
    assert first != other


@pytest.mark.parametrize(
    ("ranges", "problem"),
    [
        ({"overheads": {"low": 0, "likely": 1, "high": 2}}, "ranges: unknown parameter 'overheads' (numeric parameters: "),
        ({"overhead_change_pct": {"low": 5, "likely": 0, "high": 15}}, "ranges: overhead_change_pct: low (5) must not be above likely (0)"),
        (
            {"overhead_change_pct": {"low": 0, "likely": 20, "high": 15}},
            "ranges: overhead_change_pct: likely (20) must not be above high (15)",
        ),
        ({"overhead_change_pct": {"low": 0, "likely": 1}}, "ranges: overhead_change_pct: high is missing"),
        ({"overhead_change_pct": {"low": "a", "likely": 1, "high": 2}}, 'ranges: overhead_change_pct: low must be a number, not "a"'),
        ({"overhead_change_pct": 5}, "ranges: overhead_change_pct must be an object"),
        ({"income_change_pct": {"low": 0, "likely": 1, "high": 2}}, "ranges: 'income_change_pct' needs a stream or service after a dot"),
        (
            {"income_change_pct.gms": {"low": 0, "likely": 1, "high": 2}},
            "ranges: income_change_pct.gms: income_change_pct: unknown stream 'gms'",
        ),
        (
            {"activity_change_pct": {"low": -150, "likely": 0, "high": 2}},
            "ranges: activity_change_pct: activity_change_pct must be -100 or more, not -150",
        ),
        ({"participation": {"low": 0, "likely": 1, "high": 2}}, "ranges: unknown parameter 'participation'"),
    ],
)
def test_bad_ranges_are_reported_like_data_errors(ranges, problem):
    with pytest.raises(ScenarioError) as caught:
        parse_ranges(ranges)
    assert any(line.startswith(problem) for line in caught.value.problems), caught.value.problems


def test_every_problem_at_once_and_from_a_file(tmp_path):
    path = tmp_path / "R.json"
    path.write_text(json.dumps({"x": {"low": 0, "likely": 0, "high": 0}, "overhead_change_pct": {"low": 1, "likely": 0, "high": -1}}))
    with pytest.raises(ScenarioError) as caught:
        load_ranges(path)
    assert len(caught.value.problems) == 3
    assert all(line.startswith("R.json: ") for line in caught.value.problems)
    path.write_text("{not json")
    with pytest.raises(ScenarioError, match="not valid JSON"):
        load_ranges(path)


def test_draws_must_be_positive(worked):
    with pytest.raises(ScenarioError):
        uncertainty(worked, Scenario(), [], draws=0)
