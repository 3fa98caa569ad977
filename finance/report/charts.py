"""Plotly figures for the options report: a Comparison in, figures out (no Streamlit).

Colours are finance.palette's, as on every page: a surplus or a gain in NHS blue, a loss in Okabe-Ito
vermilion (never red against green), and options told apart by its category colours, which are
neither of those two.
"""

from __future__ import annotations

import html
from collections.abc import Sequence

import plotly.graph_objects as go

from finance import palette
from finance.analysis.compare import Comparison
from finance.format import gbp, money_ticks

NHS_BLUE = palette.GAIN
LOSS = palette.LOSS
OPTION_COLOURS = palette.CATEGORIES
OUTLINE = palette.INK
FONT = "Arial, Helvetica, sans-serif"
PRACTICES_PER_PAGE = 26  # a printed A4 landscape page holds about 700 px of chart
PRINT_ROW_PX = 20


def option_colour(position: int) -> str:
    return palette.category(position)


def label(text: object) -> str:
    """Text for a plotly label: plotly reads a few HTML tags in labels, so show every character as typed."""
    return html.escape(str(text), quote=False)


def surplus_by_option(comparison: Comparison) -> go.Figure:
    """One bar per option: the federation's surplus (blue) or loss (vermilion), labelled in £."""
    headline = comparison.headline
    surplus = headline["surplus_gbp"].tolist()
    figure = go.Figure(
        go.Bar(
            x=[label(n) for n in headline["option"]],
            y=surplus,
            marker_color=[NHS_BLUE if v >= 0 else LOSS for v in surplus],
            text=[gbp(v) for v in surplus],
            textposition="outside",
            cliponaxis=False,
            customdata=[gbp(v) for v in surplus],
            hovertemplate="%{x}<br>Federation surplus: %{customdata}<extra></extra>",
        )
    )
    figure.add_hline(y=0, line_width=1, line_color="#425563")
    _layout(figure, "Federation surplus by option", height=460)
    figure.update_yaxes(title_text="Surplus (£ per year)", zeroline=False, **money_ticks(surplus))
    figure.update_xaxes(title_text="Option")
    return figure


def practice_difference_by_option(comparison: Comparison, codes: Sequence[str] | None = None, *, title: str | None = None) -> go.Figure:
    """Each practice's result with the federation minus all in-house, one bar colour per option (``codes``: only these practices)."""
    practices = comparison.practices
    if codes is not None:
        practices = practices[practices["practice_code"].isin(set(codes))]
    figure = go.Figure()
    for position, name in enumerate(comparison.names):
        mine = practices[practices["option"] == name]
        figure.add_trace(
            go.Bar(
                y=[label(f"{p} ({c})") for p, c in zip(mine["practice_name"], mine["practice_code"], strict=True)],
                x=mine["difference_gbp"].tolist(),
                name=label(name),
                orientation="h",
                marker={"color": option_colour(position), "line": {"color": OUTLINE, "width": 0.5}},
                customdata=[gbp(v, signed=True) for v in mine["difference_gbp"]],
                hovertemplate="%{y}<br>" + label(name) + ": %{customdata}<extra></extra>",
            )
        )
    rows = practices["practice_code"].nunique()
    _layout(
        figure,
        title or "Each practice: better or worse off with the federation, by option",
        height=max(420, 140 + rows * (16 * len(comparison.names) if codes is None else PRINT_ROW_PX)),
    )
    figure.update_layout(barmode="group", legend_title_text="Option", yaxis={"autorange": "reversed"})
    figure.update_xaxes(title_text="With the federation minus all in-house (£ per year)", **money_ticks(practices["difference_gbp"]))
    figure.update_yaxes(title_text="Practice")
    figure.add_vline(x=0, line_width=1, line_color="#425563")
    return figure


def practice_pages(comparison: Comparison, per_page: int = PRACTICES_PER_PAGE) -> list[go.Figure]:
    """The practice chart in pieces that each fit a printed A4 landscape page (every practice labelled)."""
    codes = comparison.practices.drop_duplicates("practice_code")["practice_code"].tolist()
    pieces = -(-len(codes) // per_page) or 1
    size = -(-len(codes) // pieces) or 1
    figures = []
    for start in range(0, max(len(codes), 1), size):
        part = f" ({start + 1} to {min(start + size, len(codes))} of {len(codes)})" if pieces > 1 else ""
        figures.append(
            practice_difference_by_option(
                comparison, codes[start : start + size], title=f"Each practice{part}: better or worse off with the federation, by option"
            )
        )
    return figures


def report_figures(comparison: Comparison) -> dict[str, go.Figure]:
    """The report's charts by a file-friendly name (for HTML and for PNG/PDF images)."""
    return {
        "surplus_by_option": surplus_by_option(comparison),
        "practice_difference_by_option": practice_difference_by_option(comparison),
    }


def _layout(figure: go.Figure, title: str, *, height: int) -> None:
    figure.update_layout(
        title={"text": label(title), "x": 0, "xanchor": "left", "xref": "paper"},
        template="plotly_white",
        font={"family": FONT, "size": 13, "color": "#212B32"},
        height=height,
        margin={"l": 80, "r": 30, "t": 70, "b": 60},
        separators=".,",
    )
