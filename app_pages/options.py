"""Options: save scenarios, compare two to four side by side, share a link, take the board pack."""

import streamlit as st

from finance.report.charts import practice_difference_by_option, surplus_by_option
from ui import first_paint, options, route_options, state
from ui.components import intro

intro(
    "Options for the board",
    "Save the sidebar's scenario as a named option, put two to four options side by side against a base, and take away the board pack; "
    "each option's figures come from the same model as every other page.",
)
scenario = state.scenario()

st.subheader("Save an option")
options.save_form(scenario)
with st.expander("Share the scenario in the sidebar as a link"):
    st.markdown(
        "The address in your browser's address bar now holds this scenario. Copy it and send it to a colleague: when they open it, "
        "their sidebar is set the same way. They see your figures only if they have loaded the same data (the link says if not); "
        "if they open it before loading the files, the whole scenario is applied once they load them."
    )
    if state.meeting_on():
        st.caption(
            "Meeting mode is on, so the address holds no scenario now (it would name excluded practices): switch it off to copy the link."
        )

saved = options.saved_list()
if saved:
    st.subheader("Saved options")
    options.saved_table(saved)
    options.manage(saved)

st.subheader("Compare options")
chosen = options.choose_options(saved, scenario)
if chosen:
    comparison = options.run_comparison(*chosen)
    if comparison is not None:
        first_paint.chart(lambda: surplus_by_option(comparison), key="surplus_by_option")
        options.comparison_tables(comparison)
        first_paint.chart(lambda: practice_difference_by_option(comparison), key="practice_difference_by_option")
        st.subheader("Board pack")
        options.board_pack(comparison)

st.subheader("One service three ways")
route_options.show(scenario)
