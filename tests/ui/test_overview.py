"""The Overview page on the sample federation: its metrics are the engine's, and follow the sidebar."""

from __future__ import annotations

import pytest

from finance.analysis import views
from finance.analysis.sweep import average_catalogue_fee
from finance.format import gbp, pct
from finance.model.scenario import Scenario
from tests.ui.apptest import HEADLINE, PAGE_TEXT, chart_layouts, expected_headline, headline, open_app

INCOME_UP_10 = Scenario(income_change_pct={"contract": 10.0, "pcn_des": 0.0, "federation": 0.0})


@pytest.fixture(scope="module")
def overview():
    """One session on the Overview, left as opened (tests here only read it)."""
    return open_app("Overview")


def test_renders_with_title_intro_and_sample_badge(overview):
    title, intro = PAGE_TEXT["Overview"]
    assert overview.title[0].value == title
    assert intro in overview.markdown[0].value
    assert any("You are looking at sample data" in i.value for i in overview.info)
    assert [m.label for m in overview.metric] == list(HEADLINE)
    assert len(overview.get("plotly_chart")) == 3


def test_metrics_are_the_engines_on_the_sample(overview, sample_model):
    assert headline(overview) == expected_headline(sample_model, Scenario())
    # The hand-checked figures of the sample, so a fault shared by the page and the engine shows too.
    # (9 since issue 11's 20% VAT on document management; tests/finance/model/reference.py agrees)
    assert headline(overview)["Practices better off"] == "9 of 30"


def test_verdict_sentence_gives_the_same_figures(overview, sample_model):
    top = views.headline(sample_model.run(Scenario()))
    verdict = "covers its overheads" if top.viable else "does not cover its overheads"
    sentence = (
        f"With these fees the federation **{verdict}**: fee income {gbp(top.fee_income_gbp)} less overheads "
        f"{gbp(top.overheads_gbp)} leaves {gbp(top.surplus_gbp)}."
    )
    assert any(m.value == sentence for m in overview.markdown)


def test_charts_have_their_titles(overview):
    titles = [layout["title"]["text"] for layout in chart_layouts(overview)]
    assert titles[0].startswith("Each practice: result with the federation")
    assert titles[1].startswith("Fee sweep")
    assert titles[2].startswith("Advantage of federation delivery")


def test_fee_sweep_marks_the_catalogue_average_fee(overview, sample_model):
    sweep = chart_layouts(overview)[1]
    average = average_catalogue_fee(sample_model)
    assert f"Catalogue fees (average {pct(average)})" in [a.get("text") for a in sweep["annotations"]]


@pytest.mark.parametrize(
    ("controls", "scenario"),
    [
        ({"contract_income_change": 10}, INCOME_UP_10),
        ({"overhead_change": 20}, Scenario(overhead_change_pct=20.0)),
        ({"one_fee": True, "management_fee": 6.0}, Scenario(management_fee_pct=6.0)),
        ({"participation": "Rational"}, Scenario(participation="rational")),
        (
            {
                "activity_change": -10,
                "federation_cost_change": 5,
                "participation": "Rational",
                "opt_out_tolerance": 500,
                "excluded_practices": ["F81004", "F81749"],
            },
            Scenario(
                activity_change_pct=-10.0,
                federation_cost_change_pct=5.0,
                participation="rational",
                opt_out_tolerance_gbp=500.0,
                excluded_practices=("F81004", "F81749"),
            ),
        ),
    ],
    ids=["contract-income-10", "overheads-20", "one-fee-6", "rational", "several"],
)
def test_sidebar_changes_move_the_metrics_to_the_engines_figures(controls, scenario, sample_model):
    at = open_app("Overview")
    before = headline(at)
    for key, value in controls.items():  # set every control, then one rerun, as a user's last change would
        widget = {"one_fee": at.checkbox, "participation": at.radio, "opt_out_tolerance": at.number_input}.get(key, at.slider)
        if key == "excluded_practices":
            widget = at.multiselect
        widget(key=key).set_value(value)
        if key == "one_fee":
            at.run()  # the fee slider is disabled until the box is ticked
    at.run()
    assert not at.exception
    expected = expected_headline(sample_model, scenario)
    assert expected["Federation surplus"] != before["Federation surplus"], "the change must matter for this test to prove anything"
    assert headline(at) == expected


def test_rational_participation_says_how_many_rounds(sample_model):
    at = open_app("Overview")
    at.radio(key="participation").set_value("Rational").run()
    rounds = sample_model.run(Scenario(participation="rational")).federation.rounds
    assert rounds > 0
    text = f"Rational departures took {rounds} round{'s' if rounds != 1 else ''}."
    assert any(text in m.value for m in at.markdown)


def test_one_fee_moves_the_sweep_marker_to_the_chosen_fee():
    at = open_app("Overview")
    at.checkbox(key="one_fee").check().run()
    at.slider(key="management_fee").set_value(12.5).run()
    annotations = [a.get("text") for a in chart_layouts(at)[1]["annotations"]]
    assert "Current fee 12.5%" in annotations
