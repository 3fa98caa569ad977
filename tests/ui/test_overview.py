"""The Overview page on the sample federation: its metrics are the engine's, and follow the sidebar."""

from __future__ import annotations

import pytest

from finance.analysis import views
from finance.analysis.sensitivity import breakeven
from finance.analysis.sweep import average_catalogue_fee, fee_sweep
from finance.format import gbp, pct
from finance.model.scenario import Scenario
from tests.ui.apptest import HEADLINE, PAGE_TEXT, chart_layouts, expected_headline, go, headline, open_app

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
    assert headline(overview)["Practices better off"] == "16 of 30 members"


def test_the_verdict_leads_and_names_both_participations(overview, sample_model):
    """The first sentence after the badge is the answer under the sidebar's participation ('all') and
    the other's; on the sample: £9,973 to spare with every member, a £179,305 loss if practices leave."""
    every = sample_model.run(Scenario()).federation.surplus_gbp
    rational = sample_model.run(Scenario(participation="rational")).federation.surplus_gbp
    assert (gbp(every), gbp(rational)) == ("£9,973", "-£179,305")
    sentence = (
        f"With these fees the federation **covers its overheads with {gbp(every)} to spare** if every member uses every service; "
        f"if practices leave the services that pay them less than in-house, it loses {gbp(-rational)}."
    )
    texts = [m.value for m in overview.markdown]
    assert texts[1] == sentence  # right after the page's intro: it leads
    top = views.headline(sample_model.run(Scenario()))
    assert (
        f"Fee income {gbp(top.fee_income_gbp)} less overheads {gbp(top.overheads_gbp)} leaves {gbp(top.surplus_gbp)}, "
        "with every member using every service (the sidebar's Participation)."
    ) in texts


@pytest.mark.parametrize("participation", ["All members", "Rational"])
def test_the_sweep_sensitivity_and_headline_agree_and_name_their_participation(participation, sample_model):
    scenario = Scenario(participation={"All members": "all", "Rational": "rational"}[participation])
    at = open_app("Overview")
    at.radio(key="participation").set_value(participation).run()
    found = breakeven(sample_model, scenario, "management_fee_pct")
    sweep = fee_sweep(sample_model, scenario)
    named = "every member using every service" if scenario.participation == "all" else "rational participation"
    texts = [m.value for m in at.markdown]
    finding = [t for t in texts if t.startswith(f"With {named}, ")]
    assert len(finding) == 1, texts
    title = chart_layouts(at)[0]["title"]["text"].replace("<br>", " ")
    assert title.endswith(f"({named})")
    notes = [a.get("text") for a in chart_layouts(at)[0]["annotations"]]
    if scenario.participation == "all":
        assert found.value == 7.4  # fee income 7.40% of the services' income covers the £287,211 overheads
        assert f"one fee of {pct(found.value, decimals=2)} for every service breaks even" in finding[0]
        assert f"Break-even fee: {pct(found.value, decimals=2)}" in notes
    else:
        assert found.value is None
        best = sweep.best
        assert (best["fee_pct"], found.best_value) == (11.0, 11.0)
        assert round(best["surplus_gbp"], 2) == round(found.best_surplus_gbp, 2)
        assert f"no fee from 0% to 40% covers the overheads; the smallest loss is {gbp(-best['surplus_gbp'])}, at 11.0%." in finding[0]
        assert f"Smallest loss: {gbp(-best['surplus_gbp'])} at 11.0%" in notes
    # The Sensitivity page, in the same session, gives the same break-even fee and names the participation.
    go(at, "Sensitivity")
    assert any(h.value == f"Break-even values, with {named}" for h in at.subheader)
    lines = [m.value for m in at.markdown if m.value.startswith("- **Management fee:**")]
    assert lines == [f"- **Management fee:** {found.message}"]
    if scenario.participation == "rational":
        assert f"at best {gbp(best['surplus_gbp'])}, at 11%" in found.message


def test_charts_have_their_titles(overview):
    titles = [layout["title"]["text"].replace("<br>", " ") for layout in chart_layouts(overview)]
    assert titles[0].startswith("Fee sweep")
    assert titles[1].startswith("Each practice: result with the federation")
    assert titles[2].startswith("Advantage of federation delivery")


def test_fee_sweep_marks_the_catalogue_average_fee(overview, sample_model):
    sweep = chart_layouts(overview)[0]
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
    text = f"({rounds} round{'s' if rounds != 1 else ''} of departures)"
    assert any(text in m.value for m in at.markdown)


def test_one_fee_moves_the_sweep_marker_to_the_chosen_fee():
    at = open_app("Overview")
    at.checkbox(key="one_fee").check().run()
    at.slider(key="management_fee").set_value(12.5).run()
    annotations = [a.get("text") for a in chart_layouts(at)[0]["annotations"]]
    assert "Current fee 12.5%" in annotations


def test_every_chart_has_its_table_a_toggle_away(sample_model):
    """The charts' text equivalent: a toggle under each chart shows its figures as a table."""
    at = open_app("Overview")
    assert len(at.toggle) == len(at.get("plotly_chart")) == 3
    assert len(at.table) == 0  # drawn only when asked for
    at.toggle(key="chart_table_fee_sweep").set_value(True).run()
    [table] = at.table
    shown = table.value
    sweep = fee_sweep(sample_model, Scenario())
    assert len(shown) == len(sweep.points) == 41
    at_ten = sweep.points.set_index("fee_pct").loc[10.0]
    assert shown.loc["10.0%", "Surplus"] == gbp(at_ten["surplus_gbp"])
    assert shown.loc["10.0%", "Fee income"] == gbp(at_ten["fee_income_gbp"])
