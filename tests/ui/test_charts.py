"""ui/charts.py's figure builders, fed with finance.analysis.views frames of the sample: titles, £ axes, traces, points."""

from __future__ import annotations

import pytest

from finance.analysis import views
from finance.analysis.sweep import fee_sweep
from finance.format import gbp, pct
from finance.model.scenario import Scenario
from tests.ui.apptest import is_money_axis
from ui import charts


@pytest.fixture(scope="module")
def results(sample_model):
    return sample_model.run(Scenario())


@pytest.fixture(scope="module")
def sweep(sample_model):
    return fee_sweep(sample_model, Scenario(participation="rational"))


def title_of(fig) -> str:
    """The title as read: charts break long titles into lines (ui.charts.wrap_title)."""
    return fig.layout.title.text.replace("<br>", " ")


def annotations(fig) -> list[str]:
    return [a.text for a in fig.layout.annotations]


def test_practice_differences(results):
    comparison = views.practice_comparison(results)
    fig = charts.practice_differences(comparison)
    assert title_of(fig) == "Each practice: result with the federation versus all in-house"
    assert is_money_axis(fig.layout.xaxis) and "£" in fig.layout.xaxis.title.text
    assert len(fig.data) == 1 and len(fig.data[0].x) == len(results.practices) == 30
    assert list(fig.data[0].x) == sorted(comparison["difference_gbp"])
    colours = list(fig.data[0].marker.color)
    assert colours.count(charts.NHS_BLUE) == results.practices_better_off
    assert colours.count(charts.LOSS) == 30 - results.practices_better_off


def test_advantage_heatmap(results):
    matrix = views.advantage_matrix(results)
    fig = charts.advantage_heatmap(matrix)
    assert title_of(fig).startswith("Advantage of federation delivery") and "£" in title_of(fig)
    assert len(fig.data) == 1
    heatmap = fig.data[0]
    assert (len(heatmap.y), len(heatmap.x)) == (30, len(results.services)) == (30, 12)
    assert heatmap.zmid == 0 and heatmap.zmin == -heatmap.zmax
    assert is_money_axis(heatmap.colorbar)


def test_fee_sweep_chart(sweep):
    fig = charts.fee_sweep_chart(sweep, 6.0, "Current fee 6.0%")
    assert title_of(fig).startswith("Fee sweep") and title_of(fig).endswith("(rational participation)")
    assert is_money_axis(fig.layout.yaxis) and "£" in fig.layout.yaxis.title.text
    assert fig.layout.xaxis.ticksuffix == "%"
    assert [len(trace.x) for trace in fig.data] == [41, 41]
    assert list(fig.data[0].y) == list(sweep.points["surplus_gbp"])
    best = sweep.best
    # The sample under rational participation loses at every fee: the best point is said as the smallest loss.
    assert best["surplus_gbp"] < 0
    assert f"Smallest loss: {gbp(-best['surplus_gbp'])} at {pct(best['fee_pct'])}" in annotations(fig)
    assert not any("Highest surplus" in text for text in annotations(fig))
    assert "Current fee 6.0%" in annotations(fig)
    lines = sorted(shape.x0 for shape in fig.layout.shapes if shape.x0 == shape.x1 and shape.x0 is not None)
    assert 6.0 in lines
    if sweep.breakeven_fee_pct is not None:
        assert f"Break-even fee: {pct(sweep.breakeven_fee_pct)}" in annotations(fig)


def test_fee_sweep_chart_says_when_no_fee_breaks_even(sample_model):
    hopeless = fee_sweep(sample_model, Scenario(overhead_change_pct=1000.0))
    assert hopeless.breakeven_fee_pct is None
    fig = charts.fee_sweep_chart(hopeless, None, "")
    assert "No fee from 0% to 40% covers the overheads" in annotations(fig)
    assert not any(text and text.startswith("Current") for text in annotations(fig))


def test_fee_sweep_chart_under_every_member_marks_the_exact_break_even(sample_model):
    every = fee_sweep(sample_model, Scenario())
    assert every.participation == "all"
    fig = charts.fee_sweep_chart(every, None, "", 7.4)
    assert title_of(fig).endswith("(every member using every service)")
    assert "Break-even fee: 7.40%" in annotations(fig)
    assert 7.4 in [shape.x0 for shape in fig.layout.shapes if shape.x0 == shape.x1]
    # Points that cover the overheads are blue, those that lose vermilion (the palette's meaning).
    colours = list(fig.data[0].marker.color)
    surplus = every.points["surplus_gbp"].tolist()
    assert colours == [charts.NHS_BLUE if v >= 0 else charts.LOSS for v in surplus]
    assert fig.data[1].line.color not in (charts.NHS_BLUE, charts.LOSS)


def test_practice_bridge(results):
    code = "F81749"
    bridge = views.practice_bridge(results, code)
    fig = charts.practice_bridge(bridge, "Market Square Surgery")
    assert title_of(fig).startswith("Market Square Surgery: from all in-house")
    assert is_money_axis(fig.layout.yaxis) and "£" in fig.layout.yaxis.title.text
    used = results.rows[(results.rows["practice_code"] == code) & results.rows["participates"]]
    waterfall = fig.data[0]
    assert len(waterfall.x) == len(used) + 2
    assert (waterfall.x[0], waterfall.x[-1]) == ("All in-house", "With the federation")
    assert waterfall.y[0] + sum(waterfall.y[1:-1]) == waterfall.y[-1]


def test_service_scale(results):
    scale = views.service_scale(results, "Phlebotomy")
    fig = charts.service_scale(scale, "Phlebotomy")
    assert title_of(fig).startswith("Phlebotomy: cost per unit")
    assert is_money_axis(fig.layout.yaxis) and "£" in fig.layout.yaxis.title.text
    assert [trace.name for trace in fig.data] == ["In-house cost per unit", "Federation cost per unit"]
    assert [len(trace.x) for trace in fig.data] == [len(scale), len(scale)] == [30, 30]


def test_breakeven_strip(results):
    fees = views.breakeven_fees(results)
    fig = charts.breakeven_strip(fees)
    assert title_of(fig).startswith("Break-even fee per practice and service")
    assert fig.layout.xaxis.ticksuffix == "%"
    (dots,) = [trace for trace in fig.data if trace.type == "box"]
    (charged,) = [trace for trace in fig.data if trace.type == "scatter"]
    assert len(dots.x) == len(fees) == 306  # 30 practices x 10 services, and the 6 Covid vaccination sites
    # Document management earns no income, so it has no break-even fee: 11 of the 12 services.
    assert len(charged.x) == fees["service"].nunique() == len(results.services) - 1 == 11
    assert list(fig.layout.yaxis.categoryarray) == list(charged.y)
