"""Charts for the fee designer, uncertainty and the plan: results in, plotly figures out (house style of ui/charts.py)."""

from __future__ import annotations

import itertools
from collections.abc import Sequence

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from finance import palette
from finance.analysis.design import ServiceStory
from finance.analysis.plan import PlanResult
from finance.analysis.uncertainty import Uncertainty
from finance.format import gbp, money_ticks
from ui.charts import LOSS, NEUTRAL, NHS_BLUE, _figure

HISTOGRAM_BINS = 30


def surplus_histogram(result: Uncertainty) -> go.Figure:
    """How often each surplus came up over the draws, losses orange, with P10, P50 and P90 marked."""
    counts, edges = np.histogram(result.surplus_gbp, bins=HISTOGRAM_BINS)
    middles = (edges[:-1] + edges[1:]) / 2
    colours = [NHS_BLUE if m >= 0 else LOSS for m in middles]
    bars = {
        "type": "bar",
        "x": middles.tolist(),
        "y": counts.tolist(),
        "width": float(edges[1] - edges[0]) if len(edges) > 1 else None,
        "marker": {"color": colours, "line": {"color": "white", "width": 0.5}},
        "customdata": [[gbp(a), gbp(b)] for a, b in itertools.pairwise(edges)],
        "hovertemplate": "%{customdata[0]} to %{customdata[1]}: %{y} draws<extra></extra>",
        "name": "Draws",
        "showlegend": False,
    }
    marks = result.surplus_percentiles()
    shapes, notes = [], []
    for key, colour in (("p10", palette.AXIS), ("p50", palette.INK), ("p90", palette.AXIS)):  # marks, not gains or losses
        x = marks[key]
        shapes.append(
            {"type": "line", "yref": "paper", "x0": x, "x1": x, "y0": 0, "y1": 1, "line": {"color": colour, "width": 2, "dash": "dash"}}
        )
        notes.append(
            {
                "x": x,
                "yref": "paper",
                "y": 1.02,
                "text": f"{key.upper()} {gbp(x)}",
                "showarrow": False,
                "font": {"color": colour, "size": 12},
            }
        )
    shapes.append({"type": "line", "yref": "paper", "x0": 0, "x1": 0, "y0": 0, "y1": 1, "line": {"color": NEUTRAL, "width": 1}})
    chance = f"{100 * result.p_viable:.0f}%"
    return _figure(
        [bars],
        f"Federation surplus over {result.draws:,} draws: covers its overheads in {chance} of them",
        xaxis={"title": {"text": "Federation surplus (£ a year)"}, **money_ticks([edges[0], edges[-1]])},
        yaxis={"title": {"text": "Draws"}},
        shapes=shapes,
        annotations=notes,
        bargap=0,
    )


def plan_chart(result: PlanResult, shown: pd.DataFrame | None = None) -> go.Figure:
    """Surplus by year as columns (NHS blue, losses orange) and reserves as a line, both in pounds;
    labelled with ``shown``'s whole pounds (surplus, reserves) where the page shows a table of them."""
    years = [y.year for y in result.years]
    surplus = [y.results.federation.surplus_gbp for y in result.years]
    reserves = [y.reserves_gbp for y in result.years]
    surplus_text = [gbp(s) for s in (shown["surplus"] if shown is not None else surplus)]
    reserves_text = [gbp(r) for r in (shown["reserves"] if shown is not None else reserves)]
    data = [
        {
            "type": "bar",
            "name": "Surplus in the year",
            "x": years,
            "y": surplus,
            "marker": {"color": [NHS_BLUE if s >= 0 else LOSS for s in surplus]},
            "text": surplus_text,
            "textposition": "outside",
            "hovertemplate": "%{x}: surplus %{text}<extra></extra>",
        },
        {
            "type": "scatter",
            "mode": "lines+markers",
            "name": "Reserves at the year end",
            "x": years,
            "y": reserves,
            "line": {"color": palette.CATEGORIES[2], "width": 3},  # slate: reserves are neither a gain nor a loss
            "customdata": reserves_text,
            "hovertemplate": "%{x}: reserves %{customdata}<extra></extra>",
        },
    ]
    return _figure(
        data,
        f"Federation surplus and reserves by year, {years[0]} to {years[-1]}",
        xaxis={"title": {"text": "Financial year"}, "type": "category"},
        yaxis={"title": {"text": "£ a year"}, **money_ticks([*surplus, *reserves])},
    )


def designed_fees_chart(stories: Sequence[ServiceStory]) -> go.Figure:
    """Each service's designed fee beside today's."""
    services = [s.service for s in stories]
    data = [
        {
            "type": "bar",
            "orientation": "h",
            "name": "Today's fee",
            "y": services,
            "x": [s.today_fee_pct for s in stories],
            "marker": {"color": NEUTRAL},
        },
        {
            "type": "bar",
            "orientation": "h",
            "name": "Designed fee",
            "y": services,
            "x": [s.fee_pct for s in stories],
            "marker": {"color": NHS_BLUE},
        },
    ]
    return _figure(
        data,
        "Management fee by service: designed against today's",
        height=max(320, 40 * len(stories) + 150),
        barmode="group",
        xaxis={"title": {"text": "Fee (% of the service's income)"}, "ticksuffix": "%"},
        yaxis={"title": {"text": ""}, "autorange": "reversed"},
    )
