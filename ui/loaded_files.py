"""The Data page's files: what an upload does (add or replace, asked each time) and the loaded files,
each with a remove button; going back to the sample and forgetting the session ask first.

The choice is asked at the upload itself, not set beforehand by a checkbox: a checkbox that the
page forgot on leaving it once replaced 645 income lines by one file. With the sample loaded there
is nothing of the user's to lose, so an upload replaces it straight away. In meeting mode the files
are File 1, File 2, … (ui/meeting_text.py): a file is often named after its practice.
"""

from __future__ import annotations

import streamlit as st

from finance.ingest.read import Upload
from finance.nhs.services import replace_catalogue
from ui import confirm, meeting_text, session_keeper, state

HANDLED = "uploads_handled"  # the signature of the files in the uploader that were already added or replaced
REMOVE_PROBLEM = "remove_file_problem"
EMPTIED = "uploader_emptied"  # how many times meeting mode has emptied the uploader (its key changes each time)
# In meeting mode the uploader's own list of the files just chosen shows no name on screen (the
# browser draws it, so only CSS reaches it), and once they are loaded or refused the uploader is
# emptied (so are files loaded before meeting mode was switched on): their names are then nowhere
# on the page, only File 1, File 2, … in the list below.
HIDE_CHOSEN_NAMES = """<style>
[data-testid="stFileChipName"] { visibility: hidden; position: relative; }
[data-testid="stFileChipName"]::after { content: "(name hidden)"; visibility: visible; position: absolute; left: 0; }
</style>"""


def uploader_key() -> str:
    """The Data page uploader's key: "uploader", then a new one each time meeting mode empties it."""
    emptied = st.session_state.get(EMPTIED, 0)
    return "uploader" if not emptied else f"uploader-{emptied}"


def hide_chosen_names() -> None:
    """In meeting mode, the names in the uploader's list of chosen files are not drawn (a style-only st.html takes no room)."""
    if state.meeting_on():
        st.html(HIDE_CHOSEN_NAMES)


def _empty_the_uploader() -> None:
    st.session_state[EMPTIED] = st.session_state.get(EMPTIED, 0) + 1
    st.session_state.pop(HANDLED, None)  # the new uploader is empty: nothing in it was handled


def label_for(uploads: tuple[Upload, ...]) -> str:
    return "Your files: " + ", ".join(u.name for u in uploads)


def handle_upload(uploads: tuple[Upload, ...]) -> None:
    """Check and load the files just put in the uploader: at once over the sample, else as the user chooses."""
    data = state.source()
    if not uploads:
        if st.session_state.pop(HANDLED, None) is not None:  # the files were just taken out of the uploader
            st.session_state.pop("upload_report", None)
        return
    signature = state.uploads_signature(uploads)
    if st.session_state.get(HANDLED) == signature:
        if state.meeting_on():  # chosen before meeting mode was switched on, and loaded: their names leave the page
            _empty_the_uploader()
            st.rerun()
        return
    if data.is_sample:
        _load(uploads, signature)
        return
    count = len(data.uploads)
    names = ", ".join(u.name for u in uploads) if len(uploads) <= 3 else f"these {len(uploads)} files"
    if state.meeting_on():  # the new files have no alias yet
        names = f"the {len(uploads)} file{'s' if len(uploads) != 1 else ''} just chosen"
    same = sorted({u.name for u in uploads} & {u.name for u in data.uploads})
    if not same:
        clash = ""
    elif len(same) <= 3 and not state.meeting_on():
        clash = (
            f" If you add, the new {', '.join(same)} replace{'s' if len(same) == 1 else ''} the loaded one{'s' if len(same) != 1 else ''}."
        )
    else:
        clash = f" If you add, {len(same)} of them replace loaded files of the same name."
    box = st.container(border=True)
    box.markdown(
        f"**Add {names} to the data loaded now, or replace it?** You have {count} file{'s' if count != 1 else ''} loaded now.{clash}"
    )
    add, replace = box.columns(2)
    if add.button(f"Add to the {count} loaded file{'s' if count != 1 else ''}", key="upload_add", type="primary"):
        # A catalogue of your own replaces the one an NHS import added (its income is tagged again by yours).
        loaded_before, retagged = replace_catalogue(data.uploads, uploads)
        combined = tuple(u for u in loaded_before if u.name not in {n.name for n in uploads}) + uploads
        _load(combined, signature, retagged)
    if replace.button("Replace the loaded files", key="upload_replace"):
        _load(uploads, signature)


def _load(candidate: tuple[Upload, ...], signature: str, retagged: list | None = None) -> None:
    st.session_state[HANDLED] = signature
    with st.spinner(f"Checking {len(candidate)} file{'s' if len(candidate) != 1 else ''}…"):
        result = state.validate(candidate)
    result.problems.extend(retagged or [])  # income the new catalogue has no service for, now core income
    st.session_state["upload_report"] = (result, state.source().label)
    if state.meeting_on():
        _empty_the_uploader()
    if result.ok:
        state.replace_data(result, candidate, label_for(candidate))
    if result.ok or state.meeting_on():
        st.rerun()  # drawn again with the new data, or with the empty uploader


def file_list() -> None:
    """The loaded files, a remove button each; going back to the sample and forgetting the session."""
    data = state.source()
    if data.is_sample:
        return
    st.markdown(f"**Files loaded now** ({len(data.uploads)})")
    for position, upload in enumerate(data.uploads):
        name, size, remove = st.columns([6, 2, 2], vertical_alignment="center")
        shown = meeting_text.file_name(upload.name)
        name.markdown(f"`{shown}`")
        size.caption(f"{len(upload.content) / 1024:,.0f} KB" if len(upload.content) >= 1024 else "under 1 KB")
        remove.button("Remove", key=f"remove_file_{position}", on_click=_remove, args=(upload.name,), help=f"Remove {shown}")
    problem = st.session_state.pop(REMOVE_PROBLEM, None)
    if problem:
        st.error(meeting_text.shown(problem), icon=":material/error:")


def _remove(name: str) -> None:
    data = state.source()
    rest = tuple(u for u in data.uploads if u.name != name)
    if not rest:
        confirm.open_question("back_to_sample")
        return
    result = state.validate(rest)
    if not result.ok:
        st.session_state[REMOVE_PROBLEM] = (
            f"{name} was not removed: without it the files are not a complete, valid set ("
            + "; ".join(str(p) for p in result.errors[:3])
            + (f"; and {len(result.errors) - 3} more" if len(result.errors) > 3 else "")
            + "). Upload a file that replaces it instead."
        )
        return
    state.replace_data(result, rest, label_for(rest))
    st.session_state["upload_report"] = (result, data.label)


def back_to_sample(where=None) -> None:
    """'Go back to the sample federation', after a question: it takes the user's files out of the session."""
    data = state.source()
    if data.is_sample:
        return
    count = len(data.uploads)
    confirm.ask(
        "back_to_sample",
        "Go back to the sample federation",
        f"Go back to the sample federation? Your {count} loaded file{'s' if count != 1 else ''} are taken out of this session "
        "(your saved options stay).",
        "Yes, go back to the sample",
        on_yes=_to_sample,
        where=where,
    )


def _to_sample() -> None:
    state.reset_to_sample()
    st.session_state.pop("payments_import_summary", None)  # the last import's summary no longer describes the data
    st.session_state.pop("upload_report", None)  # HANDLED stays: the files still in the uploader must not load again


def forget_session() -> None:
    """Delete what this session keeps on the server (files, choices), after a question."""
    with st.expander("Your session on this server"):
        st.markdown(
            "Your files and choices are kept on this server for this browser only, so a refresh or a restart loses nothing. "
            "They are deleted after a time without use, or now with this button. Saved options are kept apart and stay."
        )
        confirm.ask(
            "forget_session",
            "Delete my files and choices from the server",
            "Delete your files, your scenario and your page choices from this server, and start again on the sample federation?",
            "Yes, delete them",
            on_yes=session_keeper.forget,
        )
