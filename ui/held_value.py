"""Widgets drawn with the value the server holds as their default, so a control the browser lost comes back as it was."""

from __future__ import annotations

import streamlit as st


def now(key: str):
    """A control's value as the server holds it, passed to the widget as its default as well.

    Streamlit's browser side puts a control it has no value for (seen in Chromium after a page
    change or a first run cut short) at the widget's default; without ``value=`` that is a slider's
    minimum, -50%, and the next click sent it to the server as if someone had chosen it. With the
    server's own value as the default, such a control comes back as it was. A keyed widget's
    identity is its key (and its range), so a default that follows the value keeps the widget, and
    the session state still wins over it (``global.disableWidgetStateDuplicationWarning`` is set,
    since setting both is deliberate here)."""
    return copied(st.session_state[key])


def copied(value):
    """A control's value to keep or set: a list (the excluded practices, the PCN services) copied, so
    that the session state and a widget never share one list."""
    return list(value) if isinstance(value, list) else value


def index_of(key: str, options: list) -> int:
    """The same for a choice among options (a radio in the sidebar; a page's practice or service): the
    position of the value the server holds among ``options``, or the first option when it holds none."""
    value = st.session_state.get(key)
    return options.index(value) if value in options else 0
