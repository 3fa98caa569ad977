"""The session that cannot be lost: files, scenario and page choices back after a refresh or a restart.

On a session's first run ``start()`` reads the browser's cookie ``finance_session`` (through
st.context.cookies, which Streamlit reads from the connection's request) and, when the server's
session store (finance/store/sessions.py) has that key, loads its files again and sets the sidebar's
controls, each page's choices and meeting mode as they were. A browser without the cookie gets a new
key, written into the cookie by a line of JavaScript (``write_cookie``): Streamlit cannot set a
cookie from Python. The key never goes in the address bar, which people copy into e-mails.

``save()`` runs at the end of every run and writes only what changed (the files when the loaded set
changes, the choices when they change). Page choices are kept apart from their widgets (``recall``)
because Streamlit forgets a widget's value when its page is not drawn: the Practices page kept no
practice after a visit to another page.
"""

from __future__ import annotations

import contextlib
import json
import time
from collections.abc import Callable, Sequence

import streamlit as st

from finance.errors import StoreError
from finance.ingest.read import Upload
from finance.model.scenario import Scenario
from finance.store.sessions import SessionStore, idle_days, is_key, new_key
from ui import meeting_mode, share, sidebar, state, workspace

COOKIE = "finance_session"
SESSION_KEY = "session_key"
KEPT = "kept_choices"  # {widget key: value}, practice codes real
_SAVED_STATE, _SAVED_FILES = "session_saved_state", "session_saved_files"
# Page choices kept across pages and visits; the practice pickers hold practice codes.
CHOICES = ("practice", "service", "tornado_step", "tornado_practice", "manage_option", "compare_options", "compare_base")
PRACTICE_CHOICES = ("practice", "tornado_practice")
CONTROLS = (*sidebar.DEFAULTS, sidebar.SERVICE_FEES_KEY, "fee_default_set")
EXPIRE_EVERY_S = 3600.0
_last_expiry = [0.0]  # when this process last deleted idle sessions


def store() -> SessionStore:
    """The kept sessions of this session's workspace and user (a key from another workspace finds nothing)."""
    membership = workspace.current()
    return SessionStore(workspace=membership.workspace_id, user=membership.user_id)


def browser_key() -> str | None:
    """The key in the browser's cookie, if it has one that this store could have made."""
    key = st.context.cookies.get(COOKIE)
    return key if is_key(key) else None


def start() -> None:
    """On a session's first run: find the browser's session again, or give it a new key."""
    if SESSION_KEY in st.session_state:
        return
    sessions = store()
    if time.monotonic() - _last_expiry[0] > EXPIRE_EVERY_S:
        _last_expiry[0] = time.monotonic()
        with contextlib.suppress(StoreError):  # idle sessions are deleted on a later visit instead
            sessions.expire()
    key = browser_key()
    try:
        stored = sessions.load(key) if key else None
    except StoreError as exc:
        # The store is down or busy: this visit neither restores nor keeps anything (no key), and the
        # browser's cookie stays as it is, so the next visit finds the session again. Never a new key here:
        # it would write the sample over the user's kept files.
        st.session_state[SESSION_KEY] = None
        st.session_state["link_note"] = (
            "warning",
            f"Your kept session could not be read just now ({exc}): you are looking at the sample federation, and "
            "nothing you do on this visit is kept. Refresh the page in a minute to get your session back.",
        )
        return
    if stored is None:  # an unknown key is not reused: a planted cookie must not name the session
        st.session_state[SESSION_KEY] = new_key()
        st.session_state[_SAVED_FILES] = _files_signature()
        return
    st.session_state[SESSION_KEY] = key
    _restore(stored.files, stored.state)


def _restore(files: tuple[tuple[str, bytes], ...], saved: dict) -> None:
    notes = []
    if files:
        uploads = tuple(Upload(name, content) for name, content in files)
        result = state.validate(uploads)
        if result.ok:
            label = str(saved.get("label") or "Your files: " + ", ".join(u.name for u in uploads))
            state.replace_data(result, uploads, label, fit_sidebar=False)
            notes.append(f"your {len(uploads)} file{'s' if len(uploads) != 1 else ''}")
        else:  # e.g. the upload rules changed since: say so, never show other figures silently
            st.session_state["link_note"] = (
                "warning",
                "The files you loaded last time could not be loaded again ("
                + "; ".join(str(p) for p in result.errors[:3])
                + "): you are looking at the sample federation. Upload them again on the Data page.",
            )
    controls = {name: value for name, value in (saved.get("controls") or {}).items() if _valid_control(name, value)}
    for name, value in controls.items():
        st.session_state[name] = value
    st.session_state[KEPT] = dict(saved.get("choices") or {})
    st.session_state[meeting_mode.TOGGLE_KEY] = bool(saved.get("meeting"))
    share.restore_pending(saved.get("link"))
    st.session_state[_SAVED_STATE] = json.dumps(saved, sort_keys=True)
    st.session_state[_SAVED_FILES] = _files_signature()
    if notes or controls:
        st.toast("Your session is back: " + (", ".join(notes) + ", " if notes else "") + "the scenario and each page's choices.")


def _valid_control(name: str, value: object) -> bool:
    """A kept control value the sidebar can show (a later version may have changed a control's range or labels)."""
    slider_keys = {key for _, key, _ in sidebar.CHANGE_SLIDERS}
    if name in slider_keys:
        return isinstance(value, int) and sidebar.SLIDER_RANGE[0] <= value <= sidebar.SLIDER_RANGE[1]
    checks = {
        "management_fee": lambda v: isinstance(v, int | float) and sidebar.FEE_RANGE[0] <= v <= sidebar.FEE_RANGE[1],
        "one_fee": lambda v: isinstance(v, bool),
        "fee_default_set": lambda v: isinstance(v, bool),
        "participation": lambda v: v in sidebar.PARTICIPATION,
        "opt_out_tolerance": lambda v: isinstance(v, int) and 0 <= v <= 1_000_000,
        "excluded_practices": lambda v: isinstance(v, list) and all(isinstance(c, str) for c in v),
        sidebar.SERVICE_FEES_KEY: lambda v: isinstance(v, dict) and all(isinstance(f, int | float) for f in v.values()),
    }
    return name in checks and checks[name](value)


def recall(key: str, options: Sequence | None = None) -> None:
    """Before a page draws a widget: give it the value this session last chose, if it is still an option."""
    kept = st.session_state.get(KEPT, {})
    current_ok = key in st.session_state and (options is None or st.session_state[key] in options)
    if current_ok or key not in kept:
        if key in st.session_state and not current_ok:
            del st.session_state[key]  # e.g. a practice's real code after meeting mode was switched on
        return
    value = kept[key]
    if value is None:  # e.g. "The federation" on Sensitivity: set as None, Streamlit would show an empty box; its default is that option
        st.session_state.pop(key, None)
        return
    if key in PRACTICE_CHOICES:
        value = state.shown_code(value)
    if options is None or value in options:
        st.session_state[key] = value
    elif key in st.session_state:
        del st.session_state[key]


def _remember_choices() -> dict:
    kept = dict(st.session_state.get(KEPT, {}))
    for key in CHOICES:
        if key in st.session_state:
            value = st.session_state[key]
            if key in PRACTICE_CHOICES and value is not None:
                value = state.real_code(value)
            kept[key] = value
    st.session_state[KEPT] = kept
    return kept


def _files_signature() -> str:
    data = state.source()
    return "sample" if data.is_sample else state.uploads_signature(data.uploads)


def save() -> None:
    """At the end of a run: write what changed to the session store."""
    key = st.session_state.get(SESSION_KEY)
    if not key:
        return
    kept = _remember_choices()
    data = state.source()
    record = {
        "version": 1,
        "label": data.label if not data.is_sample else "",
        "controls": {name: st.session_state[name] for name in CONTROLS if name in st.session_state},
        "choices": kept,
        "meeting": state.meeting_on(),
        "link": share.pending_for_store(),
    }
    text = json.dumps(record, sort_keys=True, default=str)
    never_saved = _SAVED_STATE not in st.session_state
    if never_saved and data.is_sample and _untouched(record):
        return  # a visit that changed nothing leaves nothing on the server
    try:
        _write(key, data, text)
    except OSError as exc:  # a full disk or a folder the server cannot write: the page still works, and says so once
        if not st.session_state.get("session_save_failed"):
            st.session_state["session_save_failed"] = True
            st.toast(f"Your session could not be kept on the server ({exc.strerror}): a refresh would lose it.", icon=":material/warning:")


def _write(key: str, data: state.Loaded, text: str) -> None:
    sessions = store()
    files = _files_signature()
    # Only when this session changed its data: a second tab of the same browser, still on the sample,
    # must not write "no files" over the files the first tab loaded.
    if files != st.session_state.get(_SAVED_FILES):
        sessions.save_files(key, () if data.is_sample else tuple((u.name, u.content) for u in data.uploads))
        st.session_state[_SAVED_FILES] = files
    if text != st.session_state.get(_SAVED_STATE):
        sessions.save_state(key, json.loads(text))
        st.session_state[_SAVED_STATE] = text


def _untouched(record: dict) -> bool:
    scenario = sidebar.scenario_from_state({**sidebar.DEFAULTS, **record["controls"]})
    return scenario == Scenario() and not record["choices"] and not record["meeting"] and not record["link"]


def forget() -> None:
    """Delete this session's files and choices from the server, and start again on the sample."""
    key = st.session_state.get(SESSION_KEY)
    if key:
        store().delete(key)
    state.reset_to_sample()
    sidebar.reset()
    for name in (KEPT, _SAVED_STATE, _SAVED_FILES, meeting_mode.TOGGLE_KEY, *CHOICES):
        st.session_state.pop(name, None)
    share.forget_pending()
    st.session_state[SESSION_KEY] = new_key()  # a new cookie: the old key names nothing any more


def write_cookie(where: Callable | None = None) -> None:
    """Put the session's key in the browser's cookie (JavaScript: st.context.cookies is read-only).

    Drawn on every run: React runs the script once, when it first appears, and again only if the
    key changes. Max-Age is refreshed by each visit's first run, so a session in use is never cut off.
    """
    key = st.session_state.get(SESSION_KEY)
    if not is_key(key):
        return
    max_age = int(idle_days() * 86_400)
    script = (
        "<script>(function(){var c='" + COOKIE + "=" + key + "; Path=/; Max-Age=" + str(max_age) + "; SameSite=Lax';"
        "if(location.protocol==='https:'){c+='; Secure';}document.cookie=c;})();</script>"
    )
    (where or st.sidebar).html(script, unsafe_allow_javascript=True)
