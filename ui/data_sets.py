"""The Data page's data sets kept in the workspace: keep the files loaded now, open a kept set, delete one.

Kept files are stored for this session's workspace only (finance/store/datasets.py): another
workspace never lists them, and deleting removes their bytes. A kept set is checked again, like
a new upload, when it is opened. Only with sign-in on: without it everyone using the server shares
the one local workspace, and uploaded figures must stay in each user's own session.
"""

from __future__ import annotations

import streamlit as st

from finance.errors import FinanceError
from finance.store.datasets import DataSetStore
from ui import auth, meeting_text, state, workspace


def store() -> DataSetStore:
    membership = workspace.current()
    return DataSetStore(workspace=membership.workspace_id, actor=membership.user_id)


def show() -> None:
    """Keep the data loaded now (not the sample), and open or delete the workspace's kept data sets (sign-in on only)."""
    if not auth.configured():
        return
    st.subheader("Kept in this workspace")
    data = state.source()  # the files by their real names, to keep
    if not data.is_sample:
        with st.form("keep_data_set", clear_on_submit=True):
            name = st.text_input("Name for the data loaded now", placeholder="March 2026 figures")
            if st.form_submit_button("Keep in this workspace"):
                try:
                    saved = store().save(data.uploads, data.dataset, name)
                except FinanceError as exc:
                    st.error(str(exc), icon=":material/error:")
                else:
                    st.toast(meeting_text.shown(f"Kept '{saved.name}' in this workspace."), icon=":material/check_circle:")
    try:
        kept = store().list()
    except FinanceError as exc:
        st.error(str(exc), icon=":material/error:")
        return
    if not kept:
        st.caption("No data sets are kept in this workspace yet. Files you keep are seen only by this workspace's members.")
        return
    by_id = {d.data_set_id: d for d in kept}
    chosen = st.selectbox(
        "Kept data set",
        list(by_id),
        format_func=lambda i: _described(by_id[i]),
        key="kept_data_set",
    )
    open_column, delete_column = st.columns(2)
    if open_column.button("Open this data set", key="open_data_set", type="primary"):
        _open(chosen, by_id[chosen].name)
    if delete_column.button("Delete it from the workspace", key="delete_data_set"):
        try:
            store().delete(chosen)
        except FinanceError as exc:
            st.error(str(exc), icon=":material/error:")
        else:
            st.toast(meeting_text.shown(f"Deleted '{by_id[chosen].name}' and its files."), icon=":material/delete:")
            st.rerun()


def _described(kept) -> str:
    """A kept set in the picker: its name, its files (their count in meeting mode: kept files have no alias), when and by whom."""
    files = f"{len(kept.file_names)} files" if state.meeting_on() else ", ".join(kept.file_names)
    return meeting_text.shown(f"{kept.name} ({files}; kept {kept.saved_at:%d %b %Y} by {kept.saved_by})")


def _open(data_set_id: str, name: str) -> None:
    try:
        uploads = store().load(data_set_id)
    except FinanceError as exc:
        st.error(str(exc), icon=":material/error:")
        return
    result = state.validate(uploads)  # what comes back from storage is checked like any upload
    if not result.ok:
        st.error(meeting_text.shown(f"'{name}' no longer passes the upload checks, so it was not opened."), icon=":material/error:")
        return
    state.replace_data(result, uploads, f"Kept in this workspace: {name}")
    st.rerun()
