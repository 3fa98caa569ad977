"""The Overview page on the sample federation: its metrics are the engine's, and follow the sidebar."""

from __future__ import annotations

import pytest

from finance.analysis import views
from finance.analysis.sensitivity import breakeven
from finance.analysis.sweep import fee_sweep
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
    better = sample_model.run(Scenario()).practices_better_off
    assert headline(overview)["Practices better off"] == f"{better} of 30 members"  # all 30 sample practices are members


def test_the_verdict_leads_and_names_both_participations(overview, sample_model):
    """The first sentence after the badge is the answer under the sidebar's participation ('all') and
    the other's; on the sample the federation covers its overheads with every member and loses money
    if practices leave (the sentence below takes both figures from the engine)."""
    every = sample_model.run(Scenario()).federation.surplus_gbp
    rational = sample_model.run(Scenario(participation="rational")).federation.surplus_gbp
    assert every > 0 > rational  # the case this sentence is for
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
    if found.value is not None:
        # The fee found covers the overheads, and a hundredth of a point less does not.
        assert sample_model.run(scenario.with_changes(management_fee_pct=found.value)).federation.surplus_gbp >= 0
        assert sample_model.run(scenario.with_changes(management_fee_pct=found.value - 0.01)).federation.surplus_gbp < 0
        assert f"one fee of {pct(found.value, decimals=2)} for every service breaks even" in finding[0]
        assert f"Break-even fee: {pct(found.value, decimals=2)}" in notes
    else:
        best = sweep.best
        assert best["fee_pct"] == found.best_value
        assert round(best["surplus_gbp"], 2) == round(found.best_surplus_gbp, 2)
    at.checkbox(key="one_fee").check().run()  # the fee slider is live only for one fee for every service
    at.slider(key="management_fee").set_value(12.5).run()
    annotations = [a.get("text") for a in chart_layouts(at)[0]["annotations"]]
    assert "Current fee 12.5%" in annotations


def test_every_chart_has_its_table_a_toggle_away(sample_model):
    """The charts' text equivalent: a toggle under each chart shows its figures as a table."""
    at = open_app("Overview")
    toggles = [t for t in at.toggle if t.key.startswith("chart_table_")]  # the sidebar has a toggle of its own
    assert len(toggles) == len(at.get("plotly_chart")) == 3
    assert len(at.table) == 0  # drawn only when asked for
    at.toggle(key="chart_table_fee_sweep").set_value(True).run()
    [table] = at.table
    shown = table.value
    sweep = fee_sweep(sample_model, Scenario())
    assert len(shown) == len(sweep.points) == 41
    at_ten = sweep.points.set_index("fee_pct").loc[10.0]
    assert shown.loc["10.0%", "Surplus"] == gbp(at_ten["surplus_gbp"])
    assert shown.loc["10.0%", "Fee income"] == gbp(at_ten["fee_income_gbp"])
