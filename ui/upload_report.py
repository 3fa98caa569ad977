"""The validation report: one line saying what loaded and what was left out (in £), then every problem in a table that wraps.

In meeting mode the files, practices and PCNs the report quotes are shown by their aliases when they are
the data loaded now; the problems of files that did not load quote names no alias hides, so their tables
wait until meeting mode is off.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from finance.ingest.load import LoadResult, result_line
from finance.problems import Problem
from ui import meeting_text, state

# A table of more lines than this shows the first ones; the download holds them all.
SHOWN = 200


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


def _table(problems: list[Problem], what: str, key: str, names_shown: bool) -> None:
    """A static table (its long lines wrap, unlike a data grid's), the first SHOWN lines, and all of them as CSV."""
    if not names_shown:
        st.caption(f"Meeting mode is on: the {what} quote your files' names and cells, so they are listed when it is switched off.")
        return
    frame = problems_frame(problems)
    if state.meeting_on():
        frame = frame.map(lambda v: meeting_text.shown(v) if isinstance(v, str) else v)
    st.table(frame.head(SHOWN), hide_index=True)
    if len(frame) > SHOWN:
        st.caption(f"The first {SHOWN:,} of {len(frame):,} {what} are shown: download them all.")
    if len(frame) > 10:
        st.download_button(
            f"Download every {what[:-1]} (.csv)",
            data=frame.to_csv(index=False).encode("utf-8-sig"),
            file_name=f"upload-{what}.csv",
            mime="text/csv",
            key=key,
        )


def _names_shown(result: LoadResult) -> bool:
    """Out of meeting mode; in it, when the files reported on are the data loaded now (their names have aliases)."""
    is_loaded = result.dataset is not None and result.dataset.fingerprint == state.source().dataset.fingerprint
    return not state.meeting_on() or is_loaded


def show(result: LoadResult, still_loaded: str) -> None:
    """Say what happened to the files just checked, and list every problem."""
    errors, warnings = result.errors, result.warnings
    still_loaded, names_shown = meeting_text.shown(still_loaded), _names_shown(result)
    if errors:
        st.error(
            f"**{len(errors)} problem{'s' if len(errors) != 1 else ''} to fix: nothing was loaded.** "
            f"You are still looking at {still_loaded}. Fix the cells listed below and upload the files again.",
            icon=":material/error:",
        )
        _table(errors, "problems", "download_problems", names_shown)
    else:
        st.success(f"**Loaded.** {result.dataset.summary_line()}. Every page now shows these figures.", icon=":material/check_circle:")
    st.markdown(result_line(result))
    if result.sheets_read and names_shown:
        st.caption(meeting_text.shown("Read: " + "; ".join(result.sheets_read)))
    if warnings:
        with st.expander(
            f"{len(warnings)} warning{'s' if len(warnings) != 1 else ''} (these do not stop the data loading)", expanded=not errors
        ):
            _table(warnings, "warnings", "download_warnings", names_shown)
