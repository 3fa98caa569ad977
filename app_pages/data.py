"""Data: upload files, see what is wrong or what is loaded, start from NHS payments, get the template."""

import pandas as pd
import streamlit as st

from finance.format import gbp
from finance.ingest.read import Upload
from finance.ingest.template import template_workbook
from ui import cost_builder, data_sets, loaded_files, payments_import, state, upload_report
from ui.components import intro, money_table

intro(
    "Your data",
    "Upload your spreadsheets here: they are checked at once, every problem is listed with its file, sheet and cell, "
    "and when the set is complete and valid every page switches to it (the data already loaded stays until then).",
)
data = state.loaded()
if data.is_sample:
    st.info(
        "You are looking at the **sample federation**. Upload your own files below, or start from the NHS payments for your area.", icon="ℹ️"
    )

st.subheader("Upload your files")
left, right = st.columns([3, 2])
with left:
    files = st.file_uploader(
        "Excel workbooks (.xlsx) or CSV files: practices, income (contract, PCN DES, federation), services, and optionally activity, "
        "federation costs and practice costs",
        accept_multiple_files=True,
        key=loaded_files.uploader_key(),
        max_upload_size=int(state.MAX_FILE_MB),
    )
    loaded_files.hide_chosen_names()
with right:
    st.markdown("**The template** has a sheet per table, the rules for every column, example rows and dropdowns.")
    st.download_button(
        "Download the blank template (.xlsx)",
        data=template_workbook(),
        file_name="gp-federation-finance-template.xlsx",
        mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )

with left:
    loaded_files.handle_upload(tuple(Upload(f.name, f.getvalue()) for f in files or []))

if "upload_report" in st.session_state:
    result, previous = st.session_state["upload_report"]
    upload_report.show(result, previous)

payments_import.show()
data_sets.show()  # files kept for this workspace only

st.subheader("What is loaded now")
loaded_files.file_list()
loaded_files.back_to_sample()
summary = data.dataset.summary()
a, b, c, d = st.columns(4)
a.metric("Practices", f"{summary['practices']:,}", help=f"{summary['members']} are federation members")
b.metric("PCNs", f"{summary['pcns']:,}")
c.metric("Services", f"{summary['services']:,}")
d.metric("Overheads", gbp(summary["overheads_gbp"]))
streams = {"contract": "Contract (GMS/PMS/APMS)", "pcn_des": "PCN DES", "federation": "Federation services"}
income = summary["income_by_stream_gbp"]
money_table(
    pd.DataFrame({"Income stream": [streams[s] for s in income], "Income a year": list(income.values())}),
    money=["Income a year"],
)
st.caption(data.label if not data.is_sample else f"{data.label}. Files: " + ", ".join(summary["files"]))
loaded_files.forget_session()

cost_builder.show()
