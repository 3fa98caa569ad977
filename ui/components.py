"""Small page components shared by several pages: the page intro, the data badge, money tables."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from finance.format import gbp, pct


def intro(title: str, how_to_read: str) -> None:
    """Every page opens with its title and one sentence on what it shows and how to read it."""
    st.title(title)
    st.markdown(f"<p style='font-size:1.05rem;margin-top:-0.5rem'>{how_to_read}</p>", unsafe_allow_html=True)


def data_badge(label: str, is_sample: bool) -> None:
    if is_sample:
        st.info(
            f"**You are looking at sample data.** {label}. To use your own figures, go to the **Data** page and upload your files.",
            icon="ℹ️",
        )
    else:
        st.caption(f"Data: {label}")


def money_table(
    frame: pd.DataFrame, *, money: list[str] = (), percent: list[str] = (), rename: dict[str, str] | None = None, height: int | None = None
) -> None:
    """A table with money as whole pounds (-£1,234) and percentages as 12.5%, sortable by value."""
    styler = frame.style.format({c: (lambda v: gbp(v)) for c in money} | {c: (lambda v: pct(v)) for c in percent}, na_rep="–")
    if rename:
        styler = styler.relabel_index([rename.get(c, c) for c in frame.columns], axis=1)
    kwargs = {"hide_index": True, "width": "stretch"}
    if height:
        kwargs["height"] = height
    st.dataframe(styler, **kwargs)
