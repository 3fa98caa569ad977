"""The Sensitivity page (app_pages/sensitivity.py, ui/sensitivity.py) through the real frame: the
tornado is finance.analysis.sensitivity.tornado's, in its order, for the step and the practice chosen and the
sidebar's scenario; the break-even lines are finance.analysis.sensitivity.breakeven's."""

from __future__ import annotations

import pytest

from finance.analysis.sensitivity import breakeven, tornado
from finance.format import gbp
from finance.model.scenario import Scenario
from tests.ui.apptest import chart_specs, open_app, plotly_values
from ui.sensitivity import BREAKEVEN_PARAMETERS

PRACTICE = "F81004"  # The Eden Surgeries


@pytest.fixture(autouse=True)
def store(tmp_path, monkeypatch):
    """The app never touches the project's own scenario store from a test."""
    monkeypatch.setenv("FINANCE_SCENARIO_STORE", str(tmp_path / "scenarios.duckdb"))


def shown_tornado(at) -> dict:
    """The tornado as drawn: its rows top to bottom, each row's bars (ends relative to the base, down
    then up), and the title."""
    [spec] = chart_specs(at)
    low, high = spec["data"][:2]
    labels = plotly_values(low["y"])
    assert labels == plotly_values(high["y"])
    bars = dict(zip(labels, zip(plotly_values(low["x"]), plotly_values(high["x"]), strict=True), strict=True))
    return {
        "rows": labels[::-1],
        "bars": bars,
        "title": spec["layout"]["title"]["text"].replace("<br>", " "),
    }  # plotly draws the first row at the bottom


def ranked(rows: list[str], bars: dict) -> list[set[str]]:
    """The rows in order of their swing, rows whose swings are equal to the penny as one set (the
    engine's order among them is not fixed: see test_the_tornado_order_is_the_same_every_time)."""
    groups: list[tuple[float, set[str]]] = []
    for row in rows:
        down, up = bars[row]
        swing = round(max(down, up, 0.0) - min(down, up, 0.0), 2)
        if groups and groups[-1][0] == swing:
            groups[-1][1].add(row)
        else:
            groups.append((swing, {row}))
    return [labels for _, labels in groups]


def assert_shows(shown: dict, table, figure: str = "surplus") -> None:
    """The chart holds the engine's table: the same rows, ranked the same, every bar to the penny."""
    base = table[f"{figure}_base_gbp"].iloc[0]
    bars = {
        label: (low - base, high - base)
        for label, low, high in zip(table["label"], table[f"{figure}_low_gbp"], table[f"{figure}_high_gbp"], strict=True)
    }
    assert sorted(shown["rows"]) == sorted(bars)
    assert ranked(shown["rows"], shown["bars"]) == ranked(table["label"].tolist(), bars)
    for label, ends in bars.items():
        assert shown["bars"][label] == pytest.approx(ends, abs=0.01), label


def breakeven_lines(at) -> list[str]:
    return [m.value for m in at.markdown if m.value.startswith("- **")]


def test_the_tornado_is_the_engines_in_its_order(sample_model):
    at = open_app("Sensitivity")
    assert at.slider(key="tornado_step").value == 10
    table = tornado(sample_model, Scenario(), 10.0)
    shown = shown_tornado(at)
    assert_shows(shown, table)
    assert (
        shown["title"]
        == f"Federation surplus: what moves it most (base {gbp(table['surplus_base_gbp'].iloc[0])}; blue better, vermilion worse)"
    )
    swings = table["swing_gbp"].round(2).tolist()
    assert swings == sorted(swings, reverse=True) and swings[0] > 0


def test_the_step_changes_the_figures(sample_model):
    at = open_app("Sensitivity")
    before = shown_tornado(at)
    at.slider(key="tornado_step").set_value(25).run()
    after = shown_tornado(at)
    assert_shows(after, tornado(sample_model, Scenario(), 25.0))
    assert after["bars"]["Federation overheads"] != pytest.approx(before["bars"]["Federation overheads"])


def test_the_tornado_follows_the_sidebar(sample_model):
    at = open_app("Sensitivity")
    at.slider(key="overhead_change").set_value(20)
    at.radio(key="participation").set_value("Rational").run()
    scenario = at.session_state["scenario"]
    assert scenario == Scenario(overhead_change_pct=20.0, participation="rational")
    shown = shown_tornado(at)
    table = tornado(sample_model, scenario, 10.0)
    assert_shows(shown, table)
    assert gbp(table["surplus_base_gbp"].iloc[0]) in shown["title"]


def test_a_practice_shows_what_moves_its_gain_and_no_federation_break_even(sample_model, sample_dataset):
    """For one practice the tornado is its gain from the federation (difference_gbp), not its whole
    result, and the federation's break-even block is not shown under it."""
    name = sample_dataset.practices.set_index("practice_code").loc[PRACTICE, "practice_name"]
    at = open_app("Sensitivity")
    federation = shown_tornado(at)
    assert breakeven_lines(at)
    at.selectbox(key="tornado_practice").select(PRACTICE).run()
    shown = shown_tornado(at)
    table = tornado(sample_model, Scenario(), 10.0, PRACTICE)
    assert_shows(shown, table, "gain")
    assert shown["title"].startswith(f"Gain from the federation for {name}: what moves it most")
    assert gbp(table["gain_base_gbp"].iloc[0]) in shown["title"]
    assert shown["rows"] != federation["rows"], "the practice's order must differ for this test to prove anything"
    # Its contract income swings its whole result by tens of thousands but its gain barely: not the top bar.
    contract = table.set_index("label").loc["Contract income"]
    assert contract["practice_swing_gbp"] > 10 * contract["gain_swing_gbp"]
    assert shown["rows"][0] != "Contract income"
    assert breakeven_lines(at) == []
    assert not any(h.value.startswith("Break-even values") for h in at.subheader)


@pytest.mark.parametrize(
    "controls",
    [{}, {"overhead_change": 25, "participation": "Rational"}],
    ids=["defaults", "overheads-25-rational"],
)
def test_breakeven_lines_are_the_engines(controls, sample_model):
    """[defaults] fails most runs while a break-even message for a parameter that does not move the
    surplus names a point picked by floating-point noise (test_a_breakeven_message_is_the_same_every_time)."""
    at = open_app("Sensitivity")
    for key, value in controls.items():
        (at.radio if key == "participation" else at.slider)(key=key).set_value(value)
    at.run()
    scenario = at.session_state["scenario"]
    found = [breakeven(sample_model, scenario, parameter) for parameter in BREAKEVEN_PARAMETERS]
    assert [f.parameter for f in found] == ["management_fee_pct", "federation_cost_change_pct", "activity_change_pct"]
    assert breakeven_lines(at) == [f"- **{f.label}:** {f.message}" for f in found]


def test_a_breakeven_message_is_the_same_every_time(sample_model):
    """Fails today. Under 'All members' the federation's surplus does not depend on its delivery
    costs or on activity, yet finance/analysis/sensitivity.py _none_message names the grid point where the
    (constant) surplus is lowest: `min(surplus, key=...)` picks it by floating-point noise of the
    order of 1e-11 (DuckDB sums in parallel), so the line reads "at least £9,973, at -45%", then
    "at +50%", then "at -75%" for the same scenario, and two sessions disagree. It should say the
    surplus is the same whatever the value (compare values rounded to the penny, ties to the lowest)."""
    messages = {breakeven(sample_model, Scenario(), "federation_cost_change_pct").message for _ in range(8)}
    assert len(messages) == 1, sorted(messages)


def test_the_tornado_order_is_the_same_every_time(sample_model):
    """Fails today. Under 'All members' activity, in-house costs and delivery costs leave the
    federation's surplus unchanged, but their swings come out as 0 or ~1e-10 (floating-point noise
    of DuckDB's parallel sums), and finance/analysis/sensitivity.py tornado sorts on the raw swing, so these
    three rows change places from one call (one page load) to the next. Sorting on the swing rounded
    to the penny would keep tied rows in the parameters' own order (the sort is already stable)."""
    orders = {tuple(tornado(sample_model, Scenario(), 10.0)["label"]) for _ in range(40)}
    assert len(orders) == 1, sorted(orders)
