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


def chart_table(frame: pd.DataFrame, *, title: str = "The figures in this chart, as a table", **formats) -> None:
    """A chart's text equivalent (WCAG 1.1.1): its figures as a money_table in a closed expander under it."""
    with st.expander(title):
        money_table(frame, **formats)
