"""Overview: the federation director's page."""

import streamlit as st

from finance.analysis import views
from finance.format import gbp, pct
from ui import charts, state
from ui.components import data_badge, intro

intro(
    "Federation overview",
    "Whether the federation pays its way with these fees and which practices gain from it: blue is better off with the federation, "
    "orange better off in-house, every figure £ per year and following the sidebar.",
)
data = state.loaded()
data_badge(data.label, data.is_sample)
scenario = state.scenario()
results = state.results()
top = views.headline(results)

surplus, fees, overheads, better = st.columns(4)
surplus.metric("Federation surplus", gbp(top.surplus_gbp), help="Fee income minus overheads.")
fees.metric("Fee income", gbp(top.fee_income_gbp), help="Management fees from the practices using each service.")
overheads.metric("Overheads", gbp(top.overheads_gbp), help="The federation's central costs (federation_costs).")
better.metric(
    "Practices better off",
    f"{top.practices_better_off} of {top.practices}",
    help="Practices whose result with the federation beats delivering everything in-house.",
)
verdict = "covers its overheads" if top.viable else "does not cover its overheads"
rounds = f" Rational departures took {top.rounds} round{'s' if top.rounds != 1 else ''}." if scenario.participation == "rational" else ""
st.markdown(
    f"With these fees the federation **{verdict}**: fee income {gbp(top.fee_income_gbp)} less overheads {gbp(top.overheads_gbp)} leaves {gbp(top.surplus_gbp)}.{rounds}"
)

comparison = views.practice_comparison(results)
shown = views.gainers_and_losers(comparison, each=30)
st.plotly_chart(charts.practice_differences(shown), key="practice_differences")
if len(shown) < len(comparison):
    st.caption(
        f"Showing the 30 practices that gain most and the 30 that lose most, of {len(comparison):,}. The Practices page has every practice."
    )

sweep = state.sweep()
if scenario.management_fee_pct is not None:
    current_fee, current_label = scenario.management_fee_pct, f"Current fee {pct(scenario.management_fee_pct)}"
else:
    current_fee = data.average_fee_pct
    current_label = f"Catalogue fees (average {pct(current_fee)})" if current_fee is not None else ""
st.plotly_chart(charts.fee_sweep_chart(sweep, current_fee, current_label), key="fee_sweep")
participation = "every member using every service" if scenario.participation == "all" else "rational participation"
st.caption(
    "Each point reruns the model with one fee for every service and lets practices leave services that pay them less than in-house "
    f"(within the opt-out tolerance), so it shows the fee that keeps practices in and still pays the overheads. The figures above "
    f"assume {participation}; to see them with rational participation choose Participation: Rational in the sidebar."
)

st.plotly_chart(charts.advantage_heatmap(views.advantage_matrix(results, shown)), key="advantage_heatmap")
