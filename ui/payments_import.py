"""Start from the NHS payments for your area: upload the publication, pick areas, import."""

from __future__ import annotations

import hashlib

import streamlit as st

from finance.errors import FinanceError
from finance.ingest.read import Upload
from finance.nhs.payments import import_payments, list_areas, upload_set_files
from ui import state

# The sample's catalogue: services and the staff time its unit costs come from (issue 11).
CATALOGUE = ("services.xlsx", "service_staffing.csv", "staff_rates.csv")


def show() -> None:
    st.subheader("Start from the NHS payments for your area")
    st.markdown(
        "Upload NHS Digital's practice-level *NHS Payments to General Practice* file (CSV or xlsx, any year), choose your sub-ICB, "
        "PCNs or practices, and the tool builds the practices, contract income and PCN DES income tables for you. "
        "The sample's service catalogue is added so the set works at once; add your own services and costs afterwards."
    )
    file = st.file_uploader("NHS payments file (practice level)", key="payments_file", max_upload_size=int(state.MAX_FILE_MB))
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
    if st.button("Import these practices", disabled=not chosen, type="primary"):
        _import(file.name, content, [labels[c] for c in chosen], keep_pcn)


def _areas(name: str, content: bytes):
    """The file's areas, read once per file in this session (kept in the session, like every upload)."""
    key = ("payments_area_table", hashlib.sha256(content).hexdigest())
    if st.session_state.get("payments_area_table_key") != key:
        st.session_state["payments_area_table"] = list_areas(content, filename=name)
        st.session_state["payments_area_table_key"] = key
    return st.session_state["payments_area_table"]


def _import(name: str, content: bytes, codes: list[str], keep_pcn: bool) -> None:
    try:
        with st.spinner("Importing and checking…"):
            imported = import_payments(content, codes, filename=name, apportion_pcn=not keep_pcn)
            uploads = tuple(Upload(n, b) for n, b in upload_set_files(imported).items())
            catalogue = tuple(u for u in state.sample_uploads() if u.name in CATALOGUE)
            result = state.validate(uploads + catalogue)
    except FinanceError as exc:
        st.error(str(exc), icon=":material/error:")
        return
    previous = state.loaded().label
    st.session_state["upload_report"] = (result, previous)
    if result.ok:
        state.replace_data(result, uploads + catalogue, f"NHS payments import ({name}): " + "; ".join(imported.areas))
        st.rerun()
