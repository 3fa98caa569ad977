"""Options side by side: every figure equals the engine's own run of that option alone."""

from __future__ import annotations

import pandas as pd
import pytest

from finance.analysis.compare import Option, as_options, compare
from finance.errors import ScenarioError
from finance.model.scenario import Scenario
from finance.store.scenarios import SavedScenario

A, B, C = "A00001", "B00002", "C00003"


WORKED_OPTIONS = [
    ("Catalogue fees", Scenario()),
    ("Five percent", Scenario(management_fee_pct=5), "one fee of 5%"),
    ("Rational", Scenario(participation="rational")),
]
SAMPLE_OPTIONS = [
    ("A: the federation runs everything", Scenario()),
    ("B: practices choose", Scenario(participation="rational", opt_out_tolerance_gbp=500)),
    ("C: hybrid at 6%", Scenario(management_fee_pct=6, service_fee_pct={"Enhanced Access": 4}, participation="rational")),
]


@pytest.mark.parametrize(("model_name", "options"), [("worked", WORKED_OPTIONS), ("sample", SAMPLE_OPTIONS)])
def test_every_figure_equals_a_single_run(request, model_name, options):
    model = request.getfixturevalue(model_name)
    comparison = compare(model, options)
    headline = comparison.headline.set_index("option")
    for name, scenario, *_ in options:
        alone = model.run(scenario)
        row = headline.loc[name]
        assert row["surplus_gbp"] == pytest.approx(alone.federation.surplus_gbp)
        assert row["fee_income_gbp"] == pytest.approx(alone.federation.fee_income_gbp)
        assert row["overheads_gbp"] == pytest.approx(alone.federation.overheads_gbp)
        assert row["viable"] == alone.federation.viable
        assert row["rounds"] == alone.federation.rounds
        assert row["practices_better_off"] == alone.practices_better_off
        assert row["practices"] == len(alone.practices)
        assert comparison.participants[name].to_dict() == alone.federation.participants
        mine = comparison.practices[comparison.practices["option"] == name].set_index("practice_code")
        theirs = alone.practices.set_index("practice_code")
        for column in ("result_all_inhouse_gbp", "result_with_federation_gbp", "difference_gbp"):
            pd.testing.assert_series_equal(mine[column], theirs[column], check_names=False)
        assert comparison.result(name).federation == alone.federation


def test_variance_against_the_base(worked):
    comparison = compare(worked, WORKED_OPTIONS, base="five percent")
    assert comparison.base == "Five percent"
    headline = comparison.headline.set_index("option")
    assert headline["is_base"].tolist() == [False, True, False]
    assert headline.loc["Catalogue fees", "surplus_vs_base_gbp"] == pytest.approx(2_000)
    assert headline.loc["Catalogue fees", "surplus_vs_base_pct"] == pytest.approx(200)  # of the size of a £1,000 loss
    assert headline.loc["Rational", "surplus_vs_base_pct"] == pytest.approx(-200)
    assert headline.loc["Rational", "fee_income_vs_base_pct"] == pytest.approx(-100)
    assert headline.loc["Five percent", "surplus_vs_base_gbp"] == 0
    assert headline.loc["Catalogue fees", "practices_better_off_vs_base"] == -2
    practices = comparison.practices.set_index(["option", "practice_code"])
    assert practices.loc[("Catalogue fees", A), "vs_base_gbp"] == pytest.approx(-1_000)
    assert practices.loc[("Catalogue fees", A), "vs_base_pct"] == pytest.approx(-100 / 7)


def test_percent_variance_is_none_when_the_base_is_zero(worked):
    comparison = compare(worked, [("Break-even fee", Scenario(management_fee_pct=7.5)), ("Ten", Scenario(management_fee_pct=10))])
    headline = comparison.headline.set_index("option")
    assert headline.loc["Break-even fee", "surplus_gbp"] == pytest.approx(0, abs=1e-9)
    assert headline.loc["Ten", "surplus_vs_base_gbp"] == pytest.approx(1_000)
    assert headline.loc["Ten", "surplus_vs_base_pct"] is pd.NA


def test_sentences(worked):
    comparison = compare(worked, WORKED_OPTIONS)
    assert comparison.sentences() == [
        "Catalogue fees: the federation makes a surplus of £1,000 with 0 of 3 practices better off.",
        "Five percent: the federation makes a loss of £1,000 with 2 of 3 practices better off (£2,000 less than Catalogue fees).",
        "Rational: the federation makes a loss of £3,000 with 0 of 3 practices better off (£4,000 less than Catalogue fees).",
    ]
    assert comparison.headline["description"].tolist() == ["", "one fee of 5%", ""]


def test_practices_wide(worked):
    wide = compare(worked, WORKED_OPTIONS).practices_wide()
    assert wide.columns.tolist() == ["practice_code", "practice_name", "pcn", "Catalogue fees", "Five percent", "Rational"]
    assert wide.set_index("practice_code").loc[B, ["Catalogue fees", "Five percent", "Rational"]].tolist() == pytest.approx(
        [3_000, 3_500, 3_000]
    )


def test_options_from_saved_scenarios_and_options():
    saved = SavedScenario("Saved", Scenario(management_fee_pct=6), "from the store")
    options = as_options([saved, Option("Plain", Scenario()), ("Tuple", Scenario(), "described")])
    assert [(o.name, o.description) for o in options] == [("Saved", "from the store"), ("Plain", ""), ("Tuple", "described")]


@pytest.mark.parametrize(
    ("options", "base", "message"),
    [
        ([], None, "there are no options to compare"),
        ([("A", Scenario()), ("a", Scenario())], None, "two options are named 'A'"),
        ([(" ", Scenario())], None, "every option needs a name"),
        ([("A", Scenario())], "B", "the base option 'B' is not one of the options \\(A\\)"),
    ],
)
def test_bad_options(worked, options, base, message):
    with pytest.raises(ScenarioError, match=message):
        compare(worked, options, base)
