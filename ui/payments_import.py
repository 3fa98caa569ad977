"""Start from the NHS payments for your area: upload the publication, pick areas, import, read what it equals."""

from __future__ import annotations

import hashlib
import re

import streamlit as st

from finance.errors import FinanceError
from finance.ingest.read import Upload
from finance.nhs.payments import import_publication, list_areas, upload_set
from finance.nhs.publication import read_publication
from finance.nhs.services import read_catalogue
from finance.nhs.summary import summary_lines
from ui import confirm, state


def show() -> None:
    st.subheader("Start from the NHS payments for your area")
    st.markdown(
        "Upload NHS Digital's practice-level *NHS Payments to General Practice* file (CSV or xlsx, any year from 2014/15), choose your "
        "sub-ICBs, PCNs or practices, and the tool builds the practices, contract income and PCN DES income tables for you, every "
        "practice checked against NHS Digital's published total. Practices with no registered patients are left out and named. "
        "Money that is not the practice's to keep (drugs reimbursement, prescribing and dispensing fees, premises, locum "
        "allowances, the retainer scheme, ARRS) gets an equal practice cost named *pass-through*, so it does not raise a "
        "practice's result; Covid vaccination is a service with its delivery cost. Income is tagged with the services of your "
        "catalogue if you give one; otherwise the sample's catalogue is added as its own file, which your own catalogue replaces "
        "when you upload it above and choose *Add*."
    )
    if state.meeting_on():
        st.caption("Meeting mode is on: the import lists practices and areas by name, so it waits until meeting mode is switched off.")
        return
    file = st.file_uploader("NHS payments file (practice level)", key="payments_file", max_upload_size=int(state.MAX_FILE_MB))
    _show_last_summary()
    if file is None:
        return
    content = file.getvalue()
    try:
        with st.spinner("Reading the payments file…"):
            areas = _areas(file.name, content)
    except FinanceError as exc:
        st.error(str(exc), icon=":material/error:")
        return
    labels = {f"{r.name} ({r.kind}, {r.code}, {r.practices} practices)": r.code for r in areas.itertuples()}
    chosen = st.multiselect("Areas (type to search)", list(labels), key="payments_areas")
    keep_pcn = st.checkbox(
        "Keep PCN payments with the practice they were paid to (otherwise shared across the PCN's practices by weighted list)",
        key="payments_keep_pcn",
    )
    own = st.file_uploader(
        "Your service catalogue (optional: a services sheet or file; without it the sample's is used)",
        key="payments_catalogue",
        max_upload_size=int(state.MAX_FILE_MB),
    )
    loaded = state.source()
    if st.button("Import these practices", disabled=not chosen, type="primary"):
        if loaded.is_sample:
            _import(file.name, [labels[c] for c in chosen], keep_pcn, own)
        else:  # the import replaces the user's files: ask first
            confirm.open_question("payments_replace")
    if confirm.asking("payments_replace") and chosen:
        count = len(loaded.uploads)
        box = st.container(border=True)
        box.warning(
            f"The import replaces your {count} loaded file{'s' if count != 1 else ''}. Import anyway? "
            "(To keep your own services or costs, upload them again afterwards and choose Add.)",
            icon=":material/warning:",
        )
        yes, cancel = box.columns(2)
        cancel.button("Cancel", key="payments_replace_cancel", on_click=confirm.close)
        if yes.button("Yes, import and replace my files", key="payments_replace_yes", type="primary"):
            confirm.close()
            _import(file.name, [labels[c] for c in chosen], keep_pcn, own)


def _areas(name: str, content: bytes):
    """The file's areas, read once per file in this session (kept in the session, like every upload)."""
    key = ("payments_area_table", hashlib.sha256(content).hexdigest())
    if st.session_state.get("payments_area_table_key") != key:
        publication = read_publication(content, name)
        st.session_state["payments_publication"] = publication
        st.session_state["payments_area_table"] = list_areas(publication)
        st.session_state["payments_area_table_key"] = key
    return st.session_state["payments_area_table"]


def _import(name: str, codes: list[str], keep_pcn: bool, own) -> None:
    try:
        with st.spinner("Importing and checking…"):
            catalogue = read_catalogue(Upload(own.name, own.getvalue())) if own is not None else None
            publication = st.session_state["payments_publication"]  # read once, for the picker
            imported = import_publication(publication, codes, apportion_pcn=not keep_pcn, catalogue=catalogue)
            uploads = upload_set(imported)
            if own is not None:
                uploads += (Upload(own.name, own.getvalue()),)
            result = state.validate(uploads)
    except FinanceError as exc:
        st.error(str(exc), icon=":material/error:")
        return
    previous = state.source().label
    st.session_state["upload_report"] = (result, previous)
    # The summary and the import's own warnings stay on the page after the rerun below.
    st.session_state["payments_import_summary"] = (summary_lines(imported), [str(p) for p in imported.problems], imported.readings)
    if result.ok:
        label = f"NHS payments import ({name}): " + "; ".join(imported.areas) + ". Files: " + ", ".join(u.name for u in uploads)
        state.replace_data(result, uploads, label)
        st.rerun()


def _show_last_summary() -> None:
    """What the last import equals, what moved across the area's boundary, and who was left out."""
    if "payments_import_summary" not in st.session_state:
        return
    lines, warnings, readings = st.session_state["payments_import_summary"]
    with st.container(border=True):
        st.markdown("**The last import**")
        st.markdown("\n".join(f"- {_plain(line.strip())}" for line in lines))
        if warnings:
            with st.expander(f"{len(warnings)} notes from the import"):
                st.markdown("\n".join(f"- {_plain(w)}" for w in warnings))
        with st.expander("How each column of the file was read"):
            st.markdown("\n".join(f"- **{_plain(header)}**: {_plain(what)}" for header, what in readings))


def _plain(text: str) -> str:
    """Text from the uploaded file shown as written: markdown's marks escaped (a header cannot become a link)."""
    return re.sub(r"([\\`*_{}\[\]<>()#+!|~$])", r"\\\1", str(text))
