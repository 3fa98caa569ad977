"""Ask before doing something that cannot be undone: the button opens a question with Yes and Cancel.

An inline step rather than a dialog: it stays where the button was, works the same in a browser
and in AppTest, and a refresh simply forgets the question.
"""

from __future__ import annotations

from collections.abc import Callable

import streamlit as st

_ASKING = "confirm_asking"  # the key of the question shown now (one at a time)


def ask(key: str, label: str, question: str, yes: str, *, on_yes: Callable[[], None], button_type: str = "secondary", where=None) -> None:
    """A button ``label``; once pressed, ``question`` with the buttons ``yes`` (runs ``on_yes`` in its
    callback, before the page draws again) and Cancel."""
    where = where or st
    if st.session_state.get(_ASKING) != key:
        where.button(label, key=f"{key}_ask", type=button_type, on_click=_open, args=(key,))
        return
    ask_now(key, question, yes, on_yes=on_yes, where=where)


def ask_now(key: str, question: str, yes: str, *, on_yes: Callable[[], None], where=None) -> None:
    """The question with Yes and Cancel, if ``key``'s question is open (its button drawn elsewhere)."""
    if st.session_state.get(_ASKING) != key:
        return
    box = (where or st).container(border=True)
    box.warning(question, icon=":material/warning:")
    left, right = box.columns(2)
    left.button(yes, key=f"{key}_yes", type="primary", on_click=_yes, args=(on_yes,))
    right.button("Cancel", key=f"{key}_cancel", on_click=close)


def open_question(key: str) -> None:
    """Show a question without its button (for a question that follows from another action)."""
    _open(key)


def asking(key: str) -> bool:
    return st.session_state.get(_ASKING) == key


def close() -> None:
    st.session_state.pop(_ASKING, None)


def _open(key: str) -> None:
    st.session_state[_ASKING] = key


def _yes(on_yes: Callable[[], None]) -> None:
    close()
    on_yes()
