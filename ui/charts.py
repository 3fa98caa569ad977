"""Plotly figure builders: frames from finance.views in, figures out. No Streamlit here, so each
chart is testable alone. House style: titled, axes in pounds, NHS blue first, colour-blind-safe
(Okabe-Ito) colours, gains blue and losses orange."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from finance.format import gbp, pct
from finance.sweep import FeeSweep

NHS_BLUE = "#005EB8"
NHS_DARK_BLUE = "#003087"
LOSS = "#D55E00"  # Okabe-Ito vermillion
NEUTRAL = "#768692"  # NHS mid grey
PALETTE = [NHS_BLUE, "#E69F00", "#009E73", "#CC79A7", "#56B4E9", LOSS, "#F0E442", "#000000"]
DIVERGING = [[0.0, LOSS], [0.5, "#F7F7F7"], [1.0, NHS_BLUE]]
MONEY_AXIS = {"tickprefix": "£", "tickformat": ",.0f", "separatethousands": True}


def _layout(fig: go.Figure, title: str, *, height: int = 420) -> go.Figure:
    fig.update_layout(
        title={"text": title, "x": 0, "xanchor": "left", "font": {"size": 17}},
        template="plotly_white",
        colorway=PALETTE,
        height=height,
        margin={"l": 10, "r": 10, "t": 60, "b": 10},
        font={"family": "Arial, sans-serif", "size": 13},
        hoverlabel={"font_size": 13},
        legend={"orientation": "h", "yanchor": "bottom", "y": 1.0, "xanchor": "right", "x": 1},
    )
    return fig


def practice_differences(comparison: pd.DataFrame) -> go.Figure:
    """Each practice's result with the federation minus all in-house, sorted, gains blue, losses orange."""
    frame = comparison.sort_values("difference_gbp")
    labels = frame["practice_name"] + " (" + frame["practice_code"] + ")"
    hover = [
        f"{name}<br>All in-house: {gbp(a)}<br>With the federation: {gbp(w)}<br>Difference: {gbp(d, signed=True)}"
        for name, a, w, d in zip(
            labels, frame["result_all_inhouse_gbp"], frame["result_with_federation_gbp"], frame["difference_gbp"], strict=True
        )
    ]
    fig = go.Figure(
        go.Bar(
            x=frame["difference_gbp"],
            y=labels,
            orientation="h",
            marker_color=[NHS_BLUE if d > 0.005 else LOSS if d < -0.005 else NEUTRAL for d in frame["difference_gbp"]],
            hovertext=hover,
            hoverinfo="text",
            name="Difference",
        )
    )
    fig.update_xaxes(title="With the federation minus all in-house (£ per year)", zeroline=True, zerolinecolor="#425563", **MONEY_AXIS)
    fig.update_yaxes(title=None, automargin=True)
    return _layout(fig, "Each practice: result with the federation versus all in-house", height=max(360, 22 * len(frame) + 120))


def advantage_heatmap(matrix: pd.DataFrame) -> go.Figure:
    """Advantage per practice and service, zero-centred: blue = better with the federation."""
    limit = float(abs(matrix.stack()).max()) if matrix.size and matrix.notna().any().any() else 1.0
    text = [[gbp(v) if pd.notna(v) else "no income or activity" for v in row] for row in matrix.to_numpy()]
    fig = go.Figure(
        go.Heatmap(
            z=matrix.to_numpy(),
            x=list(matrix.columns),
            y=list(matrix.index),
            zmid=0,
            zmin=-limit,
            zmax=limit,
            colorscale=DIVERGING,
            customdata=text,
            hovertemplate="%{y}<br>%{x}: %{customdata}<extra></extra>",
            colorbar={"title": {"text": "£ a year"}, "tickprefix": "£", "tickformat": ",.0f"},
        )
    )
    fig.update_yaxes(autorange="reversed", automargin=True)
    fig.update_xaxes(tickangle=-30, automargin=True)
    return _layout(fig, "Advantage of federation delivery, per practice and service (£ a year)", height=max(380, 20 * len(matrix) + 160))


def fee_sweep_chart(sweep: FeeSweep, current_fee: float | None, current_label: str) -> go.Figure:
    """Federation surplus and participating practices against one fee, under rational participation."""
    points = sweep.points
    fig = go.Figure()
    fig.add_trace(
        go.Scatter(
            x=points["fee_pct"],
            y=points["surplus_gbp"],
            name="Federation surplus (£)",
            mode="lines+markers",
            line={"color": NHS_BLUE, "width": 3},
            marker={"size": 5},
            customdata=[gbp(v) for v in points["surplus_gbp"]],
            hovertemplate="Fee %{x:.1f}%<br>Surplus %{customdata}<extra></extra>",
        )
    )
    fig.add_trace(
        go.Scatter(
            x=points["fee_pct"],
            y=points["participations"],
            name="Services used (practice × service)",
            mode="lines",
            line={"color": "#E69F00", "width": 2, "dash": "dot", "shape": "hv"},
            yaxis="y2",
            customdata=points[["practices_participating", "practices_better_off"]].to_numpy(),
            hovertemplate=(
                "Fee %{x:.1f}%<br>%{y} practice × service pairs use the federation<br>"
                "%{customdata[0]} practices use at least one service; %{customdata[1]} are better off<extra></extra>"
            ),
        )
    )
    fig.add_hline(y=0, line={"color": "#425563", "width": 1})
    best = sweep.best
    fig.add_annotation(
        x=best["fee_pct"],
        y=best["surplus_gbp"],
        text=f"Highest surplus: {gbp(best['surplus_gbp'])} at {pct(best['fee_pct'])}",
        showarrow=True,
        arrowhead=2,
        ay=-40,
        bgcolor="white",
    )
    breakeven = sweep.breakeven_fee_pct
    if breakeven is not None:
        fig.add_vline(x=breakeven, line={"color": "#009E73", "dash": "dash"})
        fig.add_annotation(
            x=breakeven, y=0, text=f"Break-even fee: {pct(breakeven)}", showarrow=False, yshift=14, xanchor="left", bgcolor="white"
        )
    else:
        fig.add_annotation(
            xref="paper",
            yref="paper",
            x=0.01,
            y=0.02,
            text="No fee from 0% to 40% breaks even",
            showarrow=False,
            xanchor="left",
            bgcolor="white",
        )
    if current_fee is not None:
        fig.add_vline(x=current_fee, line={"color": NHS_DARK_BLUE, "width": 2})
        fig.add_annotation(x=current_fee, yref="paper", y=1.0, text=current_label, showarrow=False, yshift=10, bgcolor="white")
    fig.update_layout(
        yaxis={"title": "Federation surplus (£ a year)", **MONEY_AXIS},
        yaxis2={
            "title": "Services used (practice × service)",
            "overlaying": "y",
            "side": "right",
            "rangemode": "tozero",
            "showgrid": False,
            "tickformat": "d",
        },
        xaxis={"title": "One management fee for every service (%)", "ticksuffix": "%"},
    )
    return _layout(fig, "Fee sweep: federation surplus and services kept, by management fee (rational participation)", height=460)


def practice_bridge(bridge: pd.DataFrame, practice_name: str) -> go.Figure:
    """Waterfall from the result all in-house to the result with the federation, a step per service."""
    fig = go.Figure(
        go.Waterfall(
            x=bridge["label"],
            y=bridge["amount_gbp"],
            measure=bridge["measure"],
            text=[gbp(v, signed=m == "relative") for v, m in zip(bridge["amount_gbp"], bridge["measure"], strict=True)],
            textposition="outside",
            increasing={"marker": {"color": NHS_BLUE}},
            decreasing={"marker": {"color": LOSS}},
            totals={"marker": {"color": NEUTRAL}},
            connector={"line": {"color": "#AEB7BD"}},
            hoverinfo="x+text",
        )
    )
    values = bridge["amount_gbp"]
    low, high = float(values[bridge["measure"] != "relative"].min()), float(values[bridge["measure"] != "relative"].max())
    swing = float(values[bridge["measure"] == "relative"].abs().sum()) or max(abs(high) * 0.01, 1.0)
    fig.update_yaxes(title="Result (£ a year)", range=[min(low, high) - 1.5 * swing, max(low, high) + 1.5 * swing], **MONEY_AXIS)
    fig.update_xaxes(tickangle=-30, automargin=True)
    return _layout(fig, f"{practice_name}: from all in-house to with the federation, service by service", height=460)


def service_scale(scale: pd.DataFrame, service: str) -> go.Figure:
    """In-house cost per unit by practice size against the federation's cost per unit."""
    fig = go.Figure()
    fig.add_trace(
        go.Scatter(
            x=scale["list_size"],
            y=scale["inhouse_cost_per_unit_gbp"],
            mode="markers",
            name="In-house cost per unit",
            marker={"color": "#E69F00", "size": 10, "symbol": "circle", "line": {"color": "#333", "width": 0.5}},
            text=scale["practice_name"],
            hovertemplate="%{text}<br>%{x:,} patients<br>In-house £%{y:,.2f} a unit<extra></extra>",
        )
    )
    fig.add_trace(
        go.Scatter(
            x=scale["list_size"],
            y=scale["federation_cost_per_unit_gbp"],
            mode="lines+markers",
            name="Federation cost per unit",
            line={"color": NHS_BLUE, "width": 3},
            marker={"size": 6},
            text=scale["practice_name"],
            hovertemplate="%{text}<br>%{x:,} patients<br>Federation £%{y:,.2f} a unit<extra></extra>",
        )
    )
    fig.update_xaxes(title="Practice list size (registered patients)", tickformat=",")
    fig.update_yaxes(title="Cost per unit (£)", tickprefix="£", tickformat=",.2f", rangemode="tozero")
    return _layout(fig, f"{service}: cost per unit in-house by practice size, against the federation at scale")


def breakeven_strip(fees: pd.DataFrame) -> go.Figure:
    """Each practice's break-even fee per service (dots) against the fee charged (diamond)."""
    order = fees.groupby("service")["breakeven_fee_pct"].median().sort_values().index.tolist()
    fig = go.Figure()
    fig.add_trace(
        go.Box(
            x=fees["breakeven_fee_pct"],
            y=fees["service"],
            orientation="h",
            boxpoints="all",
            jitter=0.4,
            pointpos=0,
            fillcolor="rgba(0,0,0,0)",
            line={"color": "rgba(0,0,0,0)"},
            marker={"color": NHS_BLUE, "size": 6, "opacity": 0.7},
            name="A practice's break-even fee",
            text=fees["practice_name"],
            hovertemplate="%{text}<br>%{y}: breaks even at %{x:.1f}%<extra></extra>",
        )
    )
    charged = fees.groupby("service")["fee_pct"].first()
    fig.add_trace(
        go.Scatter(
            x=[charged[s] for s in order],
            y=order,
            mode="markers",
            name="Fee charged",
            marker={"symbol": "diamond", "size": 14, "color": LOSS, "line": {"color": "#333", "width": 1}},
            hovertemplate="%{y}: fee charged %{x:.1f}%<extra></extra>",
        )
    )
    fig.update_yaxes(categoryorder="array", categoryarray=order, automargin=True, title=None)
    fig.update_xaxes(
        title="Management fee (%): a practice is better off with the federation left of its dot", ticksuffix="%", zeroline=True
    )
    return _layout(fig, "Break-even fee per practice and service, against the fee charged", height=max(360, 45 * len(order) + 140))
