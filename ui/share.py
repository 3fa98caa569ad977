"""The shareable link: the sidebar's scenario in the URL query string, read back on a new visit.

The scenario travels as compact JSON of the parameters that differ from the defaults (never a
pickle) and is checked like any scenario file; a bad link falls back to the defaults with a note.
A short fingerprint of the data lets the colleague who opens the link see whether their data is
the same as the sender's.

A link opened before the sender's data is loaded (a colleague on the sample, or on other files) is
kept as the session's pending link: what the data allows is applied at once, the address keeps the
whole link (exclusions included), and when data is loaded whose fingerprint matches, or which has
every practice the link excludes, the whole scenario is applied. Moving a control drops it.
"""

from __future__ import annotations

import json

import streamlit as st

from finance.errors import ScenarioError
from finance.model.scenario import Scenario
from ui import first_paint, meeting_mode, sidebar

SCENARIO_PARAM = "scenario"
DATA_PARAM = "data"
FINGERPRINT_CHARS = 12
PENDING = "link_pending"  # {"scenario": link JSON, "data": sender's fingerprint or None, "checked": fingerprint, "applied": JSON}


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
    sender = st.query_params.get(DATA_PARAM)
    if st.session_state.get("session_restored") and _sidebar_now() == scenario.to_json():
        return  # a refresh of a page whose address holds this session's own scenario: nothing to say
    notes = sidebar.apply(scenario, practice_codes)
    differs = _difference(scenario, practice_codes, sender, fingerprint)
    if differs:
        st.session_state[PENDING] = {"scenario": text, "data": sender, "checked": fingerprint, "applied": None}
        notes.append(
            f"the link was made on different data from the data loaded now ({differs}): when you load the sender's files on the "
            "Data page, the whole scenario is applied"
        )
    message = "The scenario from your link is applied." + (" Note: " + "; ".join(notes) + "." if notes else "")
    st.session_state["link_note"] = ("info", message)


def apply_pending(practice_codes: set[str], fingerprint: str) -> None:
    """New data loaded while a link waits: apply the whole link if the data is the sender's or has every
    practice it excludes, else say what still differs. Runs before the sidebar draws."""
    pending = st.session_state.get(PENDING)
    if not pending or pending.get("checked") == fingerprint:
        return
    pending.update(checked=fingerprint, applied=None)
    try:
        scenario = Scenario.from_json(pending["scenario"])
    except ScenarioError:
        forget_pending()
        return
    same_data = bool(pending.get("data")) and pending["data"] == fingerprint[:FINGERPRINT_CHARS]
    missing = sorted(set(scenario.excluded_practices) - practice_codes)
    if missing and not same_data:
        st.session_state["link_note"] = (
            "warning",
            f"The data loaded now is not the data of your link ({_difference(scenario, practice_codes, pending.get('data'), fingerprint)}), "
            "so its scenario is still waiting: load the sender's files to see the sender's figures.",
        )
        return
    notes = sidebar.apply(scenario, practice_codes)
    if same_data:
        forget_pending()
    else:
        notes.append(
            f"this is not the sender's data ({_difference(scenario, practice_codes, pending.get('data'), fingerprint)}), so the figures may differ"
        )
    st.session_state["link_note"] = (
        "info",
        "The scenario from your link is now applied to the data you loaded." + (" Note: " + "; ".join(notes) + "." if notes else ""),
    )


def _difference(scenario: Scenario, practice_codes: set[str], sender: str | None, fingerprint: str) -> str:
    """How the data loaded now differs from the link's, in words ('' when it does not)."""
    parts = []
    missing = sorted(set(scenario.excluded_practices) - practice_codes)
    if missing:
        parts.append(
            f"{len(missing)} practice{'s' if len(missing) != 1 else ''} it excludes {'are' if len(missing) != 1 else 'is'} missing: {', '.join(missing)}"
        )
    if sender and sender != fingerprint[:FINGERPRINT_CHARS]:
        parts.append(f"the sender's data fingerprint is {sender}, the data here is {fingerprint[:FINGERPRINT_CHARS]}")
    return "; ".join(parts)


def _sidebar_now() -> str:
    values = {
        **sidebar.DEFAULTS,
        **{k: st.session_state[k] for k in (*sidebar.DEFAULTS, sidebar.SERVICE_FEES_KEY) if k in st.session_state},
    }
    return sidebar.scenario_from_state(values).to_json()


def restore_pending(saved: object) -> None:
    """A pending link kept in the session store (after a refresh or a restart)."""
    if isinstance(saved, dict) and isinstance(saved.get("scenario"), str):
        st.session_state[PENDING] = {k: saved.get(k) for k in ("scenario", "data", "checked", "applied")}
    st.session_state["session_restored"] = True


def pending_for_store() -> dict | None:
    return st.session_state.get(PENDING)


def forget_pending() -> None:
    st.session_state.pop(PENDING, None)


def write_link(scenario: Scenario, fingerprint: str) -> None:
    """Keep the address bar's query string equal to the current scenario (empty for the defaults); while
    a link waits for its data, the whole link stays in the address."""
    pending = st.session_state.get(PENDING)
    if pending:
        if pending.get("applied") is None:
            pending["applied"] = scenario.to_json()
        elif pending["applied"] != scenario.to_json():  # the user moved a control: their scenario now
            forget_pending()
            pending = None
    changes = scenario.changes()
    wanted = {SCENARIO_PARAM: json.dumps(changes, separators=(",", ":")), DATA_PARAM: fingerprint[:FINGERPRINT_CHARS]} if changes else {}
    if pending:
        wanted = {SCENARIO_PARAM: pending["scenario"], **({DATA_PARAM: pending["data"]} if pending.get("data") else {})}
    if st.session_state.get(meeting_mode.TOGGLE_KEY):  # on a projector the address would name excluded practices by code
        wanted = {}
    current = {k: st.query_params.get(k) for k in (SCENARIO_PARAM, DATA_PARAM) if k in st.query_params}
    if current != wanted:
        # One message, so one entry in the browser's history a move (clear() then update() made two,
        # the first an address with no scenario at all), and the browser draws one change, not two.
        st.query_params.from_dict(wanted)


def show_note() -> None:
    note = first_paint.take_once("link_note")
    if note:
        kind, message = note
        (st.warning if kind == "warning" else st.info)(message)
