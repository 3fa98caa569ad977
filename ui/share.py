"""The shareable link: the sidebar's scenario in the URL query string, read back on a new visit.

The scenario travels as compact JSON of the parameters that differ from the defaults (never a
pickle) and is checked like any scenario file; a bad link falls back to the defaults with a note.
A short fingerprint of the data lets the colleague who opens the link see whether their data is
the same as the sender's.
"""

from __future__ import annotations

import json

import streamlit as st

from finance.errors import ScenarioError
from finance.model.scenario import Scenario
from ui import sidebar

SCENARIO_PARAM = "scenario"
DATA_PARAM = "data"
FINGERPRINT_CHARS = 12


def read_link_once(practice_codes: set[str], fingerprint: str) -> None:
    """On the first run of a session, set the sidebar from the link's scenario, if it has one."""
    if st.session_state.get("link_read"):
        return
    st.session_state["link_read"] = True
    text = st.query_params.get(SCENARIO_PARAM)
    if not text:
        return
    try:
        scenario = Scenario.from_json(text)
    except ScenarioError as exc:
        st.session_state["link_note"] = (
            "warning",
            "The scenario in this link could not be read, so the defaults are shown: " + "; ".join(exc.problems),
        )
        return
    notes = sidebar.apply(scenario, practice_codes)
    sender = st.query_params.get(DATA_PARAM)
    if sender and sender != fingerprint[:FINGERPRINT_CHARS]:
        notes.append("the link was made on different data from the data loaded now: load the same files to see the sender's figures")
    message = "The scenario from your link is applied." + (" Note: " + "; ".join(notes) + "." if notes else "")
    st.session_state["link_note"] = ("info", message)


def write_link(scenario: Scenario, fingerprint: str) -> None:
    """Keep the address bar's query string equal to the current scenario (empty for the defaults)."""
    changes = scenario.changes()
    wanted = {SCENARIO_PARAM: json.dumps(changes, separators=(",", ":")), DATA_PARAM: fingerprint[:FINGERPRINT_CHARS]} if changes else {}
    current = {k: st.query_params.get(k) for k in (SCENARIO_PARAM, DATA_PARAM) if k in st.query_params}
    if current != wanted:
        st.query_params.clear()
        st.query_params.update(wanted)


def show_note() -> None:
    note = st.session_state.pop("link_note", None)
    if note:
        kind, message = note
        (st.warning if kind == "warning" else st.info)(message)
