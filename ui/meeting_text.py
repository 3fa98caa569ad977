"""Free text as the pages show it: as written, or in meeting mode with no real practice, PCN or file named.

Free text is what the data cannot anonymise for itself: saved options' names and descriptions
(typed by users: "Penistone and Hill Brow out"), messages that quote them, the names of the
loaded files. The data the pages draw is anonymised once, in ui/state.py; this is for the rest.
"""

from __future__ import annotations

from collections.abc import Callable

import streamlit as st

from ui import meeting_mode, state


def shown(text: str) -> str:
    """A text as the pages show it now (ui/meeting_mode.hide_in_text in meeting mode)."""
    if not state.meeting_on() or not text:
        return text
    return meeting_mode.hide_in_text(text, state.loaded().aliases)


def shown_by() -> Callable[[str], str]:
    """``shown`` as a plain function of the text (no session state), as a widget's format_func must be."""
    if not state.meeting_on():
        return str
    return state.loaded().aliases.hider.hide


def file_name(name: str) -> str:
    """A loaded file's name as the pages show it: File 1, File 2, … in meeting mode."""
    if not state.meeting_on():
        return name
    return state.loaded().aliases.files.get(name, shown(name))


def distinct(names: list[str]) -> dict[str, str]:
    """Each name (of an option) as shown, told apart when two would show alike: "Eden out" and "F81004 out" are
    both "Practice A out" in meeting mode, so the second is "Practice A out (2)"."""
    told_apart: dict[str, str] = {}
    taken: set[str] = set()
    for name in names:
        text = candidate = shown(name)
        count = 1
        while candidate.casefold() in taken:
            count += 1
            candidate = f"{text} ({count})"
        told_apart[name] = candidate
        taken.add(candidate.casefold())
    return told_apart


def hide_link_note() -> None:
    """The note a link or a restored session leaves for the page (ui/share.py shows it), as shown: it can
    name excluded practices by their codes. Called before the note is shown."""
    note = st.session_state.get("link_note")
    if note and state.meeting_on():
        kind, message = note
        st.session_state["link_note"] = (kind, shown(message))
