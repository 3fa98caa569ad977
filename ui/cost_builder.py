"""Data page: cost a service from staff time (role and minutes per unit for each deliverer), see the
cost per unit and its make-up, and use it: the builder writes the service_staffing table an upload would."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from finance.format import gbp_per_unit
from finance.ingest.read import Upload
from finance.ingest.tables import DELIVERERS
from finance.model.staff_costs import COST_COLUMN, rates, replace_staffing, staffing_lines
from ui import meeting_text, state

FILE_NAME = "service_staffing.csv"
DELIVERER_WORDS = {"practice": "the practice (in-house)", "federation": "the federation", "pcn": "the PCN"}


def show() -> None:
    data = state.loaded()
    dataset = data.dataset
    st.subheader("Cost a service from staff time")
    st.markdown(
        "Give the minutes of each role for one unit, and any consumables: the tool works out the cost per unit "
        "(minutes / 60 × hourly cost + other costs). Hourly costs are your staff_rates, else the tool's 2025/26 rates "
        "(Agenda for Change 2025/26 with employer NI 15% above £5,000 and pension 14.38%; BMA, PSSRU: DOMAIN.md section 7)."
    )
    left, right = st.columns(2)
    service = left.selectbox("Service", list(dataset.services["service"]), key="cost_builder_service")
    deliverer = right.radio(
        "Delivered by", list(DELIVERERS), key="cost_builder_deliverer", horizontal=True, format_func=DELIVERER_WORDS.get
    )
    table = rates(dataset.staff_rates)
    staffing = dataset.service_staffing
    current = staffing[(staffing["service"] == service) & (staffing["delivered_by"].map(lambda d: str(d).strip().lower()) == deliverer)]
    start = current[["role", "minutes_per_unit", "other_cost_per_unit_gbp"]].reset_index(drop=True)
    if start.empty:
        start = pd.DataFrame({"role": [None], "minutes_per_unit": [None], "other_cost_per_unit_gbp": [None]})
    edited = st.data_editor(
        start.astype({"minutes_per_unit": float, "other_cost_per_unit_gbp": float}),
        key=f"cost_builder_rows_{service}_{deliverer}",
        num_rows="dynamic",
        hide_index=True,
        column_config={
            "role": st.column_config.SelectboxColumn("Role", options=list(table["role"]), required=False),
            "minutes_per_unit": st.column_config.NumberColumn("Minutes per unit", min_value=0.0, step=0.5),
            "other_cost_per_unit_gbp": st.column_config.NumberColumn("Other cost per unit (£)", min_value=0.0, step=0.05, format="£%.2f"),
        },
    )
    rows = replace_staffing(None, service, deliverer, edited)
    if rows.empty:
        st.info(f"No staff time yet: {service} costs {DELIVERER_WORDS[deliverer]} what the services table says.")
        return
    lines = staffing_lines(rows, table)
    makeup = pd.DataFrame(
        {
            "Role": lines["role"].fillna("(other costs)"),
            "Minutes": lines["minutes_per_unit"],
            "Hourly cost": lines["hourly_cost_gbp"].map(lambda v: "–" if pd.isna(v) else f"£{v:,.2f}"),
            "Cost per unit": lines["cost_per_unit_gbp"].map(gbp_per_unit),
        }
    )
    st.dataframe(makeup, hide_index=True)
    total = float(lines["cost_per_unit_gbp"].sum())
    given = dataset.services.set_index("service").loc[service].get(COST_COLUMN[deliverer])
    note = f" (the services table says {gbp_per_unit(given)}: the staff time replaces it)" if pd.notna(given) else ""
    st.markdown(f"**Cost per unit for {DELIVERER_WORDS[deliverer]}: {gbp_per_unit(total)}**{note}")
    full = replace_staffing(staffing, service, deliverer, edited)
    content = full.to_csv(index=False).encode("utf-8")
    st.download_button("Download service_staffing.csv", data=content, file_name=FILE_NAME, mime="text/csv", key="cost_builder_download")
    real = state.source()  # the files by their real names (File 1, 2, … in meeting mode's copy)
    holding = real.dataset.files_holding("service_staffing")
    in_workbook = [name for name in holding if not name.lower().endswith(".csv")]  # read at upload: no file is opened again here
    if in_workbook:
        shown = ", ".join(meeting_text.file_name(name) for name in in_workbook)
        st.caption(f"{shown} holds a service_staffing sheet: replace it with the downloaded table and upload again.")
        return
    if st.button("Use these costs", key="cost_builder_use", type="primary"):
        data = real
        kept = tuple(u for u in data.uploads if u.name not in holding)  # the CSV the builder's table replaces
        uploads = (*kept, Upload(FILE_NAME, content))
        result = state.validate(uploads)
        st.session_state["upload_report"] = (result, data.label)
        if result.ok:
            state.replace_data(
                result,
                uploads,
                data.label if data.label.endswith("(costs from the cost builder)") else f"{data.label} (costs from the cost builder)",
            )
            st.rerun()
