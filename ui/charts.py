"""Plotly figure builders: frames from finance.analysis.views in, figures out. No Streamlit here, so each
chart is testable alone. House style: titled, axes in pounds, and finance.palette's colours, the same
on every chart: better off / gain / surplus in NHS blue, worse off / loss in Okabe-Ito vermilion,
series and categories in its separate colour-blind-safe set.

Each figure is written as one plain dict and validated once by ``go.Figure(spec)``: building it
step by step with update_layout/add_trace costs 30-60 ms a chart, too slow for live sliders.
"""

from __future__ import annotations

import math
from typing import Any

import pandas as pd
import plotly.graph_objects as go
import plotly.io as pio

from finance import palette
from finance.analysis import verdict
from finance.analysis.sweep import FeeSweep
from finance.analysis.views import breakeven_spread
from finance.format import gbp, money_ticks, pct

NHS_BLUE = palette.GAIN
LOSS = palette.LOSS
NEUTRAL = palette.NEUTRAL
PALETTE = list(palette.CATEGORIES)
DIVERGING = [list(stop) for stop in palette.DIVERGING]
GRID = palette.GRID

# Plotly's built-in templates cost ~60 ms a figure to apply; the house style is in _figure instead.
pio.templates.default = "none"


def _axis(**settings: Any) -> dict[str, Any]:
    return {"gridcolor": GRID, "linecolor": "#AEB7BD", "zerolinecolor": "#AEB7BD", "automargin": True, **settings}


TITLE_LINE_CHARS = 62  # a 17 px title line that fits a chart 560 px wide (a 1024-wide laptop beside the sidebar)


def wrap_title(title: str, width: int = TITLE_LINE_CHARS) -> str:
    """Break a long title into lines at spaces (plotly never wraps a title: it runs off the chart).

    >>> wrap_title("Fee sweep: federation surplus and services kept, by fee (rational participation)", 40)
    'Fee sweep: federation surplus and<br>services kept, by fee (rational<br>participation)'
    """
    lines: list[str] = []
    for word in title.split(" "):
        if lines and len(lines[-1]) + 1 + len(word) <= width:
            lines[-1] += " " + word
        else:
            lines.append(word)
    return "<br>".join(lines)


def _figure(data: list[dict], title: str, *, height: int = 420, **layout: Any) -> go.Figure:
    layout.setdefault("xaxis", {})
    layout.setdefault("yaxis", {})
    layout["xaxis"] = _axis(**layout["xaxis"])
    layout["yaxis"] = _axis(**layout["yaxis"])
    text = wrap_title(title)
    lines = text.count("<br>") + 1
    spec = {
        "data": data,
        "layout": {
            # The title at the top of the chart, the legend just above the plot: room for both.
            "title": {
                "text": text,
                "x": 0,
                "xanchor": "left",
                "yref": "container",
                "y": 1,
                "yanchor": "top",
                "pad": {"t": 12},
                "font": {"size": 17},
            },
            "paper_bgcolor": "white",
            "plot_bgcolor": "white",
            "colorway": PALETTE,
            "height": height + 22 * (lines - 1),
            "margin": {"l": 10, "r": 10, "t": 50 + 22 * lines, "b": 10},
            "font": {"family": "Arial, sans-serif", "size": 13, "color": "#212B32"},
            "hoverlabel": {"font": {"size": 13}},
            "legend": {"orientation": "h", "yanchor": "bottom", "y": 1.0, "xanchor": "right", "x": 1},
            **layout,
        },
    }
    return go.Figure(spec)


def _label(frame: pd.DataFrame) -> pd.Series:
    return frame["practice_name"] + " (" + frame["practice_code"] + ")"


def practice_differences(comparison: pd.DataFrame) -> go.Figure:
    """Each practice's result with the federation minus all in-house, sorted, gains blue, losses vermilion."""
    frame = comparison.sort_values("difference_gbp")
    labels = _label(frame)
    hover = [
        f"{name}<br>All in-house: {gbp(a)}<br>With the federation: {gbp(w)}<br>Difference: {gbp(d, signed=True)}"
        for name, a, w, d in zip(
            labels, frame["result_all_inhouse_gbp"], frame["result_with_federation_gbp"], frame["difference_gbp"], strict=True
        )
    ]
    bars = {
        "type": "bar",
        "orientation": "h",
        "x": frame["difference_gbp"].tolist(),
        "y": labels.tolist(),
        "marker": {"color": [palette.gain_or_loss(d) for d in frame["difference_gbp"]]},
        "hovertext": hover,
        "hoverinfo": "text",
        "name": "Difference",
    }
    return _figure(
        [bars],
        "Each practice: result with the federation versus all in-house",
        height=max(360, 22 * len(frame) + 130),
        xaxis={
            "title": {"text": "With the federation minus all in-house (£ per year)"},
            "zeroline": True,
            "zerolinecolor": palette.AXIS,
            **money_ticks(frame["difference_gbp"]),
        },
        yaxis={"title": {"text": ""}},
        showlegend=False,
    )


def advantage_heatmap(matrix: pd.DataFrame) -> go.Figure:
    """Advantage per practice and service, zero-centred: blue = better with the federation."""
    values = matrix.to_numpy(dtype=float)
    finite = values[~pd.isna(values)]
    limit = float(abs(finite).max()) if finite.size else 1.0
    text = [[gbp(v) if not pd.isna(v) else "no income or activity" for v in row] for row in values]
    heat = {
        "type": "heatmap",
        "z": [[None if pd.isna(v) else float(v) for v in row] for row in values],
        "x": list(matrix.columns),
        "y": list(matrix.index),
        "zmid": 0,
        "zmin": -limit,
        "zmax": limit,
        "colorscale": DIVERGING,
        "customdata": text,
        "hovertemplate": "%{y}<br>%{x}: %{customdata}<extra></extra>",
        "colorbar": {"title": {"text": "£ a year"}, **money_ticks([-limit, limit], count=4)},
    }
    return _figure(
        [heat],
        "Advantage of federation delivery, per practice and service (£ a year; blue = better with the federation)",
        height=max(380, 20 * len(matrix) + 170),
        yaxis={"autorange": "reversed"},
        xaxis={"tickangle": -30},
    )


def fee_sweep_chart(sweep: FeeSweep, current_fee: float | None, current_label: str, breakeven_fee_pct: float | None = None) -> go.Figure:
    """Federation surplus and services kept against one fee, under the sweep's participation (named in
    the title). ``breakeven_fee_pct``: the exact break-even fee (sensitivity.breakeven) to mark; by
    default the lowest fee on the sweep's grid that covers the overheads."""
    points = sweep.points
    surplus = {
        "type": "scatter",
        "mode": "lines+markers",
        "name": "Federation surplus (£)",
        "x": points["fee_pct"].tolist(),
        "y": points["surplus_gbp"].tolist(),
        "line": {"color": palette.category(0), "width": 3},
        # Each point says what it is: blue where the fee covers the overheads, vermilion where it loses.
        "marker": {"size": 7, "color": [palette.GAIN if v >= -0.005 else palette.LOSS for v in points["surplus_gbp"]]},
        "customdata": [gbp(v) for v in points["surplus_gbp"]],
        "hovertemplate": "Fee %{x:.1f}%<br>Surplus %{customdata}<extra></extra>",
    }
    kept = {
        "type": "scatter",
        "mode": "lines",
        "name": "Services used (practice × service)",
        "x": points["fee_pct"].tolist(),
        "y": points["participations"].tolist(),
        "yaxis": "y2",
        "line": {"color": palette.category(1), "width": 2, "dash": "dot", "shape": "hv"},
        "customdata": points[["practices_participating", "practices_better_off"]].to_numpy().tolist(),
        "hovertemplate": (
            "Fee %{x:.1f}%<br>%{y} practice × service pairs use the federation<br>"
            "%{customdata[0]} practices use at least one service; %{customdata[1]} are better off<extra></extra>"
        ),
    }
    shapes = [{"type": "line", "xref": "paper", "x0": 0, "x1": 1, "y0": 0, "y1": 0, "line": {"color": palette.AXIS, "width": 1}}]
    best = sweep.best
    notes = [
        {
            "x": float(best["fee_pct"]),
            "y": float(best["surplus_gbp"]),
            "text": verdict.sweep_best_text(sweep),
            # Right of the middle, the note reads leftwards from its point so that it stays on the chart.
            "xanchor": "right" if float(best["fee_pct"]) > float(points["fee_pct"].median()) else "left",
            "ax": -20 if float(best["fee_pct"]) > float(points["fee_pct"].median()) else 20,
            "showarrow": True,
            "arrowhead": 2,
            "ay": -40,
            "bgcolor": "white",
        }
    ]
    breakeven = sweep.breakeven_fee_pct if breakeven_fee_pct is None else breakeven_fee_pct
    at_bottom = {"yref": "paper", "y": 0.0, "yanchor": "bottom", "showarrow": False, "bgcolor": "white"}
    if breakeven is not None:
        shapes.append(
            {
                "type": "line",
                "yref": "paper",
                "x0": breakeven,
                "x1": breakeven,
                "y0": 0,
                "y1": 1,
                "line": {"color": palette.AXIS, "dash": "dash"},
            }
        )
        decimals = 1 if breakeven_fee_pct is None else 2
        notes.append({**at_bottom, "x": breakeven, "xanchor": "left", "text": f"Break-even fee: {pct(breakeven, decimals=decimals)}"})
    else:
        notes.append(
            {
                **at_bottom,
                "xref": "paper",
                "x": 1.0,
                "xanchor": "right",
                "text": f"No fee {verdict.sweep_range(sweep)} covers the overheads",
            }
        )
    if current_fee is not None:
        shapes.append(
            {
                "type": "line",
                "yref": "paper",
                "x0": current_fee,
                "x1": current_fee,
                "y0": 0,
                "y1": 1,
                "line": {"color": palette.INK, "width": 2},
            }
        )
        notes.append({**at_bottom, "y": 0.1, "x": current_fee, "xanchor": "left", "text": current_label})
    kept_max = max(int(points["participations"].max()) if len(points) else 0, 1)
    return _figure(
        [surplus, kept],
        f"Fee sweep: federation surplus and services kept, by management fee ({verdict.participation_name(sweep.participation)})",
        height=470,
        xaxis={"title": {"text": "One management fee for every service (%)"}, "ticksuffix": "%"},
        yaxis={"title": {"text": "Federation surplus (£ a year)"}, **money_ticks(points["surplus_gbp"])},
        yaxis2={
            "title": {"text": "Services used (practice × service)"},
            "overlaying": "y",
            "side": "right",
            "range": [0, kept_max * 1.05],
            "dtick": max(1, math.ceil(kept_max / 6)),
            "showgrid": False,
            "tickformat": ",d",
        },
        shapes=shapes,
        annotations=notes,
    )


def practice_bridge(bridge: pd.DataFrame, practice_name: str) -> go.Figure:
    """Waterfall from the result all in-house to the result with the federation, a step per service."""
    measures = bridge["measure"].tolist()
    amounts = bridge["amount_gbp"].tolist()
    steps = {
        "type": "waterfall",
        "x": bridge["label"].tolist(),
        "y": amounts,
        "measure": measures,
        "text": [gbp(v, signed=m == "relative") for v, m in zip(amounts, measures, strict=True)],
        "textposition": "outside",
        "increasing": {"marker": {"color": NHS_BLUE}},
        "decreasing": {"marker": {"color": LOSS}},
        "totals": {"marker": {"color": NEUTRAL}},
        "connector": {"line": {"color": "#AEB7BD"}},
        "hoverinfo": "x+text",
    }
    ends = [a for a, m in zip(amounts, measures, strict=True) if m != "relative"]
    swing = sum(abs(a) for a, m in zip(amounts, measures, strict=True) if m == "relative") or max(abs(max(ends)) * 0.01, 1.0)
    # Zoomed on the steps: the results are large beside the steps, so the axis starts near them.
    low, high = min(ends) - 1.5 * swing, max(ends) + 1.5 * swing
    return _figure(
        [steps],
        f"{practice_name}: from all in-house to with the federation, service by service",
        height=470,
        yaxis={
            "title": {"text": "Result (£ a year; the axis does not start at £0)"},
            "range": [low, high],
            **money_ticks([low, high], count=5),
        },
        xaxis={"tickangle": -30},
        showlegend=False,
    )


def service_scale(scale: pd.DataFrame, service: str) -> go.Figure:
    """In-house cost per unit by practice size against the federation's cost per unit."""
    inhouse = {
        "type": "scatter",
        "mode": "markers",
        "name": "In-house cost per unit",
        "x": scale["list_size"].tolist(),
        "y": scale["inhouse_cost_per_unit_gbp"].tolist(),
        "text": scale["practice_name"].tolist(),
        "marker": {"color": palette.category(2), "size": 10, "line": {"color": "#333333", "width": 0.5}},
        "hovertemplate": "%{text}<br>%{x:,} patients<br>In-house £%{y:,.2f} a unit<extra></extra>",
    }
    federation = {
        "type": "scatter",
        "mode": "lines+markers",
        "name": "Federation cost per unit",
        "x": scale["list_size"].tolist(),
        "y": scale["federation_cost_per_unit_gbp"].tolist(),
        "text": scale["practice_name"].tolist(),
        "line": {"color": palette.category(0), "width": 3},
        "marker": {"size": 6},
        "hovertemplate": "%{text}<br>%{x:,} patients<br>Federation £%{y:,.2f} a unit<extra></extra>",
    }
    return _figure(
        [inhouse, federation],
        f"{service}: cost per unit in-house by practice size, against the federation at scale",
        xaxis={"title": {"text": "Practice list size (registered patients)"}, "tickformat": ","},
        yaxis={"title": {"text": "Cost per unit (£)"}, "tickprefix": "£", "tickformat": ",.2f", "rangemode": "tozero"},
    )


def breakeven_strip(fees: pd.DataFrame) -> go.Figure:
    """Each practice's break-even fee per service (dots) against the fee charged (open diamond).

    The axis shows -50% to 100%, where decisions are made; practices beyond it are counted in a note.
    """
    order = fees.groupby("service")["breakeven_fee_pct"].median().sort_values().index.tolist()
    charged = fees.groupby("service")["fee_pct"].first()
    diamonds = {
        "type": "scatter",
        "mode": "markers",
        "name": "Fee charged",
        "x": [float(charged[s]) for s in order],
        "y": order,
        "marker": {"symbol": "diamond-open", "size": 18, "color": palette.INK, "line": {"width": 3}},
        "hovertemplate": "%{y}: fee charged %{x:.1f}%<extra></extra>",
    }
    # Every practice as a dot while that stays readable; beyond that, a box per service from
    # percentiles worked out in the engine (sending 100,000 dots to the browser takes seconds).
    if len(fees) <= 3000:
        dots = {
            "type": "box",
            "orientation": "h",
            "x": fees["breakeven_fee_pct"].tolist(),
            "y": fees["service"].tolist(),
            "boxpoints": "all",
            "jitter": 0.5,
            "pointpos": 0,
            "fillcolor": "rgba(0,0,0,0)",
            "line": {"color": "rgba(0,0,0,0)"},
            "marker": {"color": palette.category(0), "size": 6, "opacity": 0.75},
            "name": "A practice's break-even fee",
            "text": fees["practice_name"].tolist(),
            "hovertemplate": "%{text}<br>%{y}: breaks even at %{x:.1f}%<extra></extra>",
        }
    else:
        spread = breakeven_spread(fees)
        dots = {
            "type": "box",
            "orientation": "h",
            "y": spread["service"].tolist(),
            "q1": spread["q1"].tolist(),
            "median": spread["median"].tolist(),
            "q3": spread["q3"].tolist(),
            "lowerfence": spread["p5"].tolist(),
            "upperfence": spread["p95"].tolist(),
            "fillcolor": "rgba(0,48,135,0.2)",
            "line": {"color": palette.category(0)},
            "name": "Practices' break-even fees (box: middle half; whiskers: 5th to 95th percentile)",
        }
    low, high = -50.0, 100.0
    outside = int(((fees["breakeven_fee_pct"] < low) | (fees["breakeven_fee_pct"] > high)).sum())
    notes = []
    if outside:
        notes.append({"xref": "paper", "yref": "paper", "x": 1, "y": 0, "xanchor": "right", "yanchor": "bottom", "showarrow": False, "bgcolor": "white",
                      "text": f"{outside} break-even fee{'s' if outside != 1 else ''} beyond -50% to 100% not shown"})  # fmt: skip
    return _figure(
        [diamonds, dots],
        "Break-even fee per practice and service, against the fee charged",
        height=max(360, 45 * len(order) + 150),
        yaxis={"categoryorder": "array", "categoryarray": order, "title": {"text": ""}},
        xaxis={
            "title": {"text": "Management fee (%): a practice is better off with the federation while the fee is left of its dot"},
            "ticksuffix": "%",
            "zeroline": True,
            "range": [low, high],
        },
        annotations=notes,
    )


def tornado(table: pd.DataFrame, figure: str, subject: str) -> go.Figure:
    """Bars from the base to the answer with each assumption moved down (plain bar) and up (hatched
    bar), largest swing at the top; a bar is blue where the answer is better than the base and
    vermilion where it is worse (the palette's meaning on every chart, not the direction).

    ``figure`` "surplus": the federation's surplus; "practice": the practice's gain from the federation
    (its result with the federation minus all in-house, the tornado's gain_* columns)."""
    prefix = "surplus" if figure == "surplus" else "gain"
    frame = table.iloc[::-1]  # plotly draws the first category at the bottom
    base = float(table[f"{prefix}_base_gbp"].iloc[0]) if len(table) else 0.0
    bars = []
    for side, labels, pattern in (("low", "low_label", ""), ("high", "high_label", "/")):
        values = frame[f"{prefix}_{side}_gbp"]
        moves = (values - base).tolist()
        bars.append(
            {
                "type": "bar",
                "orientation": "h",
                "name": "Assumption moved down (plain bar)" if side == "low" else "Assumption moved up (hatched bar)",
                "y": frame["label"].tolist(),
                "x": moves,
                "base": base,
                "marker": {
                    "color": [palette.gain_or_loss(m) for m in moves],
                    "pattern": {"shape": pattern, "fgcolor": "white", "solidity": 0.3},
                    "line": {"color": palette.INK, "width": 0.5},
                },
                "customdata": [[t, gbp(v)] for t, v in zip(frame[labels], values, strict=True)],
                "hovertemplate": "%{y}: %{customdata[0]}<br>Result %{customdata[1]}<extra></extra>",
            }
        )
    every = [*table[f"{prefix}_low_gbp"], *table[f"{prefix}_high_gbp"], base]
    what = "Federation surplus" if figure == "surplus" else f"Gain from the federation for {subject}"
    axis = "Federation surplus" if figure == "surplus" else "Gain from the federation: result with it minus all in-house"
    return _figure(
        bars,
        f"{what}: what moves it most (base {gbp(base)}; blue better, vermilion worse)",
        height=max(320, 48 * len(table) + 150),
        barmode="overlay",
        xaxis={"title": {"text": f"{axis} (£ a year)"}, **money_ticks(every)},
        yaxis={"title": {"text": ""}},
        shapes=[{"type": "line", "yref": "paper", "x0": base, "x1": base, "y0": 0, "y1": 1, "line": {"color": palette.AXIS, "width": 2}}],
    )
