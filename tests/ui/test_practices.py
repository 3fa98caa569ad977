"""The Practices page: one practice's figures are the engine's, for any practice chosen."""

from __future__ import annotations

import pytest

from finance.analysis import views
from finance.format import gbp, round_half_up
from finance.model.scenario import Scenario
from tests.ui.apptest import PAGE_TEXT, chart_layouts, column_like, go, metrics, open_app, upload, valid_workbook

CHOSEN = "F81749"  # Market Square Surgery: not the first in the list


def expected_metrics(results, code: str) -> dict[str, str]:
    practice = results.practices.set_index("practice_code").loc[code]
    inhouse, federation = round_half_up(practice["result_all_inhouse_gbp"]), round_half_up(practice["result_with_federation_gbp"])
    return {
        "Result all in-house": gbp(inhouse),
        "Result with the federation": gbp(federation),
        "delta": gbp(federation - inhouse, signed=True),
        "Per partner all in-house": gbp(practice["result_all_inhouse_per_partner_gbp"]),  # rounded as gbp rounds
        "Per partner with the federation": gbp(practice["result_with_federation_per_partner_gbp"]),
    }


def table_headed(at, column: str):
    """The one table on the page with this column heading (the chart's table in its expander is another)."""
    [table] = [t.value for t in at.dataframe if column in t.value.columns]
    return table


def shown_metrics(at) -> dict[str, str]:
    shown = metrics(at)
    shown["delta"] = next(m.delta for m in at.metric if m.label == "Result with the federation")
    return shown


@pytest.fixture(scope="module")
def chosen():
    """A session on the Practices page with CHOSEN picked (tests here only read it)."""
    at = open_app("Practices")
    at.selectbox(key="practice").set_value(CHOSEN).run()
    return at


def test_renders_with_title_intro_and_sample_badge(chosen):
    at = chosen
    title, intro = PAGE_TEXT["Practices"]
    assert at.title[0].value == title
    assert intro in at.markdown[0].value
    assert any("You are looking at sample data" in i.value for i in at.info)


def test_practices_are_listed_by_name(sample_dataset, chosen):
    practices = sample_dataset.practices.sort_values("practice_name")
    box = chosen.selectbox(key="practice")
    assert box.options == [f"{n} ({c})" for c, n in zip(practices["practice_code"], practices["practice_name"], strict=True)]
    assert box.value == CHOSEN


def test_the_chosen_practice_is_also_the_default_the_browser_is_told(chosen):
    """A browser that loses the choice shows its default again: that is the practice chosen, not the first
    one (ui/held_value.py)."""
    box = chosen.selectbox(key="practice")
    assert box.options.index(box.format_func(CHOSEN)) > 0  # not the first option, or this proves nothing
    assert box.proto.default == box.options.index(box.format_func(CHOSEN))


def test_metrics_are_the_engines_for_the_chosen_practice(chosen, sample_model):
    assert shown_metrics(chosen) == expected_metrics(sample_model.run(Scenario()), CHOSEN)


def test_service_table_and_bridge_are_the_chosen_practices(chosen, sample_model, sample_dataset):
    results = sample_model.run(Scenario())
    table = table_headed(chosen, "Service")
    expected = views.practice_services(results, CHOSEN)
    column_like(table, expected["service"])
    column_like(table, expected["advantage_gbp"], approx=True)
    lines = table_headed(chosen, "All in-house")
    practice = results.practices.set_index("practice_code").loc[CHOSEN]
    assert round_half_up(practice["result_all_inhouse_gbp"]) in lines.iloc[-1].tolist()
    assert round_half_up(practice["result_with_federation_gbp"]) in lines.iloc[-1].tolist()
    name = sample_dataset.practices.set_index("practice_code").loc[CHOSEN, "practice_name"]
    assert chart_layouts(chosen)[0]["title"]["text"].replace("<br>", " ").startswith(f"{name}: from all in-house")


def test_metrics_follow_the_sidebar(sample_model):
    at = open_app("Practices")
    at.selectbox(key="practice").set_value(CHOSEN)
    at.slider(key="inhouse_cost_change").set_value(15)
    at.radio(key="participation").set_value("Rational")
    at.run()
    scenario = Scenario(inhouse_cost_change_pct=15.0, participation="rational")
    expected = expected_metrics(sample_model.run(scenario), CHOSEN)
    assert expected != expected_metrics(sample_model.run(Scenario()), CHOSEN)
    assert shown_metrics(at) == expected


def test_a_non_member_without_partners_is_told_so(valid_model):
    """tests/helpers.py's set: Old Mill Practice (A81003) is not a member and has no partners_fte."""
    at = open_app("Data")
    upload(at, [("federation.xlsx", valid_workbook())])
    go(at, "Practices")
    at.selectbox(key="practice").set_value("A81003").run()
    assert len(at.warning) == 1
    assert at.warning[0].value.startswith(
        "This practice is not a federation member, so its result with the federation is its result in-house."
    )
    assert any("Add partners_fte" in c.value for c in at.caption)
    assert "**Not a federation member: its result is the same both ways.**" in [m.value for m in at.markdown]
    shown = shown_metrics(at)
    assert "Per partner all in-house" not in shown
    expected = expected_metrics(valid_model.run(Scenario()), "A81003")
    assert {k: shown[k] for k in ("Result all in-house", "Result with the federation")} == {
        k: expected[k] for k in ("Result all in-house", "Result with the federation")
    }


def test_the_change_per_partner_and_one_plain_sentence(chosen, sample_model):
    """The change a partner is the difference of the two per-partner figures shown, and the sentence
    says the same two figures the metrics' deltas show."""
    practice = sample_model.run(Scenario()).practices.set_index("practice_code").loc[CHOSEN]
    change = round_half_up(practice["result_with_federation_gbp"]) - round_half_up(practice["result_all_inhouse_gbp"])
    per_partner = round_half_up(practice["result_with_federation_per_partner_gbp"]) - round_half_up(
        practice["result_all_inhouse_per_partner_gbp"]
    )
    assert practice["partners_fte"] > 0 and change != 0
    deltas = {m.label: m.delta for m in chosen.metric}
    assert deltas["Per partner with the federation"] == gbp(per_partner, signed=True)
    better = "better" if change > 0 else "worse"
    sentence = f"**{gbp(abs(change))} a year {better} off with the federation, {gbp(abs(per_partner))} a partner.**"
    assert sentence in [m.value for m in chosen.markdown]


def test_breakeven_fees_beyond_0_to_100_percent_are_words(chosen, sample_model):
    """Market Square Surgery's break-even fee for Care home rounds is about -2.6%: the federation's
    delivery alone costs more than its own, so the table says so rather than show a negative fee."""
    rows = views.practice_services(sample_model.run(Scenario()), CHOSEN).set_index("service")
    assert rows.loc["Care home rounds", "breakeven_fee_pct"] < 0
    table = table_headed(chosen, "Service").set_index("Service")
    assert table.loc["Care home rounds", "Break-even fee"] == "no fee: the federation costs more to deliver"
    inside = rows[(rows["breakeven_fee_pct"] >= 0) & (rows["breakeven_fee_pct"] <= 100)]
    for service, value in inside["breakeven_fee_pct"].items():
        assert table.loc[service, "Break-even fee"] == f"{value:.1f}%"
