"""Which workspace this session works in, and how much of it the user may see.

With sign-in off there is one workspace, 'local', and everyone sees everything, as before
workspaces. With sign-in on, a user sees only the workspaces they are a member of (picked in the
sidebar when there are several), and a 'practice' member sees only their own practice: the pages
showing every practice are hidden from them (``page_allowed``) and a practice picker offers only
theirs (``practice_choices``). The choice is kept in this session's state, never shared.
"""

from __future__ import annotations

import time
from collections.abc import Sequence

import streamlit as st

from finance.errors import FinanceError
from finance.store.scenarios import ScenarioStore
from finance.store.workspaces import LOCAL_USER, LOCAL_WORKSPACE, Membership, WorkspaceStore

LOCAL = Membership(LOCAL_WORKSPACE, "This server", LOCAL_USER, "member")
PRACTICE_PAGES = ("Practices", "About")  # the pages that show one practice at a time (or none)
_KEY = "workspace_membership"
_MEMBERSHIPS = "workspace_memberships_read"
MEMBERSHIP_CHECK_SECONDS = 60.0  # a member removed loses the workspace within this long
_PICKER = "workspace_picker"


def choose(user: str) -> Membership:
    """This run's workspace for ``user`` (from ui/auth.require_sign_in); stops with a message when they have none."""
    if user == LOCAL_USER:
        st.session_state[_KEY] = LOCAL
        return LOCAL
    memberships = _memberships(user)
    if not memberships:
        st.warning(
            f"You are signed in as {user}, but you are not a member of any workspace yet: ask your federation's administrator to add you."
        )
        st.stop()
    by_id = {m.workspace_id: m for m in memberships}
    chosen = memberships[0].workspace_id
    if len(memberships) > 1:
        chosen = st.sidebar.selectbox("Workspace", list(by_id), format_func=lambda w: by_id[w].workspace_name, key=_PICKER)
    previous = st.session_state.get(_KEY)
    if previous is not None and previous.workspace_id != chosen:
        # Another federation's saved options and data must not follow the user across: start again on the sample.
        for key in ("loaded", "compare_options", "manage_option"):
            st.session_state.pop(key, None)
    st.session_state[_KEY] = by_id[chosen]
    return by_id[chosen]


def _memberships(user: str) -> list[Membership]:
    """The user's memberships, read again at most every MEMBERSHIP_CHECK_SECONDS (not on every slider move)."""
    kept = st.session_state.get(_MEMBERSHIPS)
    if kept is not None and kept[0] == user and time.monotonic() - kept[1] < MEMBERSHIP_CHECK_SECONDS:
        return kept[2]
    try:
        memberships = WorkspaceStore(actor=user).memberships(user)
    except FinanceError as exc:
        st.error(str(exc), icon=":material/error:")
        st.stop()
    st.session_state[_MEMBERSHIPS] = (user, time.monotonic(), memberships)
    return memberships


def current() -> Membership:
    """The workspace chosen this run ('local' before ``choose`` has run, as in a page's own tests)."""
    return st.session_state.get(_KEY, LOCAL)


def scenario_store() -> ScenarioStore:
    """The saved options of this session's workspace, changes recorded under its user's name."""
    membership = current()
    return ScenarioStore(workspace=membership.workspace_id, actor=membership.user_id)


def page_allowed(title: str) -> bool:
    """False for the pages a practice member may not see (they show every practice's figures)."""
    return not current().practice_only or title in PRACTICE_PAGES


def practice_choices(codes: Sequence[str]) -> list[str]:
    """The practice codes this user may pick: all of them, or only their own practice's."""
    return visible_practices(current(), codes)


def visible_practices(membership: Membership, codes: Sequence[str]) -> list[str]:
    """``codes`` as ``membership`` may see them: all, or only its practice's (none when that practice is not in the data).

    >>> visible_practices(LOCAL, ["A81001", "A81002"])
    ['A81001', 'A81002']
    >>> visible_practices(Membership("w", "W", "ann@x.nhs.uk", "practice", "A81002"), ["A81001", "A81002"])
    ['A81002']
    """
    if not membership.practice_only:
        return list(codes)
    return [code for code in codes if code == membership.practice_code]
