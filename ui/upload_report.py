"""The validation report: errors as a table a practice manager can act on, warnings apart."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from finance.ingest.load import LoadResult
from finance.problems import Problem


def problems_frame(problems: list[Problem]) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "File": [p.file or "" for p in problems],
            "Sheet": [p.sheet or "" for p in problems],
            "Cell": [p.cell or (f"row {p.row}" if p.row is not None else "") for p in problems],
            "Column": [p.column or "" for p in problems],
            "Value": [p.value if p.value is not None else "" for p in problems],
            "Problem": [p.message for p in problems],
        }
    )


def show(result: LoadResult, still_loaded: str) -> None:
    """Say what happened to the files just checked, and list every problem."""
    errors, warnings = result.errors, result.warnings
    if errors:
        st.error(
            f"**{len(errors)} problem{'s' if len(errors) != 1 else ''} to fix: nothing was loaded.** "
            f"You are still looking at {still_loaded}. Fix the cells listed below and upload the files again.",
            icon=":material/error:",
        )
        st.dataframe(problems_frame(errors), hide_index=True, width="stretch")
    else:
        st.success(f"**Loaded.** {result.dataset.summary_line()}. Every page now shows these figures.", icon=":material/check_circle:")
    if warnings:
        with st.expander(
            f"{len(warnings)} warning{'s' if len(warnings) != 1 else ''} (these do not stop the data loading)", expanded=not errors
        ):
            st.dataframe(problems_frame(warnings), hide_index=True, width="stretch")
