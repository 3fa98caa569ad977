"""Small page components shared by several pages: the page intro, the data badge, money tables, a chart's table."""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd
import streamlit as st

from finance.format import gbp, gbp_per_unit, pct

ROW_PX = 35
MAX_ROWS_SHOWN = 40  # taller tables scroll: 6,500 practices would make a page 230,000 px long


def intro(title: str, how_to_read: str) -> None:
    """Every page opens with its title and one sentence on what it shows and how to read it."""
    st.title(title)
    st.markdown(f"<p style='font-size:1.05rem;margin-top:-0.5rem'>{how_to_read}</p>", unsafe_allow_html=True)


def data_badge(label: str, is_sample: bool) -> None:
    if is_sample:
        st.info(
            f"**You are looking at sample data.** {label}. To use your own figures, go to the **Data** page and upload your files.",
            icon=":material/info:",
        )
    else:
        st.caption(f"Data: {label}")


def money_table(
    frame: pd.DataFrame,
    *,
    money: Sequence[str] = (),
    percent: Sequence[str] = (),
    counts: Sequence[str] = (),
    unit_costs: Sequence[str] = (),
    rename: dict[str, str] | None = None,
) -> None:
    """A table with money as whole pounds (-£1,234), percentages as 12.5% and counts as 1,234,
    tall enough to show every row up to MAX_ROWS_SHOWN. Columns are sorted by their values, not their text."""
    rename = rename or {}
    shown = frame.rename(columns=rename)
    formats = {rename.get(c, c): gbp for c in money} | {rename.get(c, c): pct for c in percent}
    formats |= {rename.get(c, c): (lambda v: "–" if pd.isna(v) else f"{v:,.0f}") for c in counts}
    formats |= {rename.get(c, c): gbp_per_unit for c in unit_costs}
    styler = shown.style.format(formats, na_rep="–")
    st.dataframe(styler, hide_index=True, width="stretch", height=ROW_PX * (min(len(shown), MAX_ROWS_SHOWN) + 1) + 3, placeholder="–")


def chart_table(
    key: str,
    frame: pd.DataFrame,
    *,
    title: str = "Show this chart's figures as a table",
    money: Sequence[str] = (),
    percent: Sequence[str] = (),
    counts: Sequence[str] = (),
    unit_costs: Sequence[str] = (),
    rename: dict[str, str] | None = None,
) -> None:
    """A chart's text equivalent (WCAG 1.1.1): a toggle under it that shows its figures, formatted as
    money_table formats them, as a plain HTML table (a screen reader reads it as a table).

    The table is drawn, and its figures formatted, only while its toggle is on, and the toggle is a
    fragment, so turning it on reruns this table alone. Three tables drawn on every rerun cost the
    Overview ~200 ms of the browser's time a slider move (Chrome's Performance metrics,
    bench/README.md), for tables most people never open; formatting them cost the server ~15 ms."""
    formats = {"money": tuple(money), "percent": tuple(percent), "counts": tuple(counts), "unit_costs": tuple(unit_costs)}
    _toggled_table(frame, formats, rename or {}, title, key)


def formatted_table(frame: pd.DataFrame, formats: dict[str, tuple[str, ...]], rename: dict[str, str]) -> pd.DataFrame:
    """The frame as chart_table shows it: every figure as text, indexed by its first column."""
    shown = frame.copy()
    for kind, format_value in (("money", gbp), ("percent", pct), ("unit_costs", gbp_per_unit)):
        for column in formats[kind]:
            shown[column] = [format_value(v) for v in shown[column]]
    for column in formats["counts"]:
        shown[column] = ["–" if pd.isna(v) else f"{v:,.0f}" for v in shown[column]]
    shown = shown.astype(object).where(shown.notna(), "–").rename(columns=rename)
    return shown.set_index(shown.columns[0])


@st.fragment
def _toggled_table(frame: pd.DataFrame, formats: dict[str, tuple[str, ...]], rename: dict[str, str], title: str, key: str) -> None:
    if st.toggle(title, key=f"chart_table_{key}"):
        st.table(formatted_table(frame, formats, rename))
