"""Sensitivity: which assumptions move the answer most, and where the surplus turns."""

import streamlit as st

from ui import charts, sensitivity, session_keeper, state, uncertainty
from ui.components import intro

intro(
    "Sensitivity",
    "How far the federation surplus (or one practice's result) moves when each assumption is moved down and up by the same step, "
    "largest swing first, and the value of each key parameter at which the surplus crosses zero.",
)
data = state.loaded()
scenario = state.scenario()
left, right = st.columns(2)
session_keeper.recall("tornado_step", range(1, 51))
st.session_state.setdefault("tornado_step", 10)  # the default here, not as value=: the kept step may be set above
step = left.slider(
    "Step (%)", min_value=1, max_value=50, step=1, key="tornado_step", help="Each assumption moves down and up by this percent."
)
names = dict(zip(data.dataset.practices["practice_code"], data.dataset.practices["practice_name"], strict=True))
session_keeper.recall("tornado_practice", [None, *names])
practice = right.selectbox(
    "For one practice (optional)",
    [None, *sorted(names, key=names.get)],
    format_func=lambda c: "The federation" if c is None else f"{names[c]} ({c})",
    key="tornado_practice",
)
table = sensitivity.tornado_table(scenario, float(step), practice)
st.plotly_chart(charts.tornado(table, "practice" if practice else "surplus", names.get(practice, "The federation")), key="tornado")
if scenario.participation == "all":
    st.caption(
        "Under 'All members', activity and delivery-cost changes do not move the federation's surplus (its fees are a share of income); "
        "they matter to practices, and under Rational participation to who stays."
    )

st.subheader("Break-even values")
for found in sensitivity.breakevens(scenario):
    st.markdown(f"- **{found.label}:** {found.message}")

uncertainty.show(scenario)
