"""Overview: the federation director's page."""

import streamlit as st

from finance.analysis import verdict, views
from finance.format import gbp, pct
from ui import answers, charts, first_paint, state
from ui.components import chart_table, data_badge, intro

intro(
    "Federation overview",
    "Whether the federation pays its way with these fees and which practices gain from it: blue is better off with the federation, "
    "vermilion (red-orange) better off in-house, every figure £ per year and following the sidebar.",
)
data = state.loaded()
data_badge(data.label, data.is_sample)
scenario = state.scenario()
results = state.results()
top = views.headline(results)

# The answer first, under the participation the sidebar chose and, in the same place, under the other.
answer = verdict.verdict(results.federation, scenario.participation, answers.other_surplus(scenario))
st.markdown(answer.sentence())

surplus, fees, overheads, better = st.columns(4)
surplus.metric("Federation surplus", gbp(top.surplus_gbp), help="Fee income minus overheads.")
fees.metric("Fee income", gbp(top.fee_income_gbp), help="Management fees from the practices using each service.")
overheads.metric("Overheads", gbp(top.overheads_gbp), help="The federation's central costs (federation_costs).")
better.metric(
    "Practices better off",
    f"{top.practices_better_off} of {top.members} members",
    help="Members whose result with the federation beats delivering everything in-house. "
    + (verdict.members_counted(top.members, top.non_members, top.excluded) or "Every practice in the data is a member taking part."),
)
st.markdown(
    f"Fee income {gbp(top.fee_income_gbp)} less overheads {gbp(top.overheads_gbp)} leaves {gbp(top.surplus_gbp)}, "
    f"with {verdict.participation_name(scenario.participation)} (the sidebar's Participation)."
)
counted = verdict.members_counted(top.members, top.non_members, top.excluded)
if counted:
    st.caption(counted)

sweep, fee_breakeven = answers.sweep_and_fee_breakeven(scenario)
if scenario.management_fee_pct is not None:
    current_fee, current_label = scenario.management_fee_pct, f"Current fee {pct(scenario.management_fee_pct)}"
else:
    current_fee = data.average_fee_pct
    current_label = f"Catalogue fees (average {pct(current_fee)})" if current_fee is not None else ""
st.markdown(verdict.fee_finding(sweep, fee_breakeven.value, fee_breakeven.rising))
first_paint.chart(lambda: charts.fee_sweep_chart(sweep, current_fee, current_label, fee_breakeven.value), key="fee_sweep")
st.caption(
    "Each point reruns the model with one fee for every service, with the sidebar's participation"
    + (
        ": practices leave services that pay them less than in-house (within the opt-out tolerance), so it shows the fee that keeps "
        "practices in and still pays the overheads."
        if scenario.participation == "rational"
        else ": every member uses every service whatever it pays them. Choose Participation: Rational to see who would stay."
    )
    + " The Sensitivity page gives the same break-even fee."
)
chart_table(
    "fee_sweep",
    sweep.points[["fee_pct", "fee_income_gbp", "surplus_gbp", "practices_participating", "participations"]],
    percent=["fee_pct"],
    money=["fee_income_gbp", "surplus_gbp"],
    counts=["practices_participating", "participations"],
    rename={
        "fee_pct": "Fee",
        "fee_income_gbp": "Fee income",
        "surplus_gbp": "Surplus",
        "practices_participating": "Practices using a service",
        "participations": "Services used (practice × service)",
    },
)

comparison = views.practice_comparison(results)
shown = views.gainers_and_losers(comparison, each=30)
first_paint.chart(lambda: charts.practice_differences(shown), key="practice_differences")
if len(shown) < len(comparison):
    st.caption(
        f"Showing the 30 practices that gain most and the 30 that lose most, of {len(comparison):,}. The Practices page has every practice."
    )
chart_table(
    "practice_differences",
    shown[["practice_name", "practice_code", "result_all_inhouse_gbp", "result_with_federation_gbp", "difference_gbp"]],
    money=["result_all_inhouse_gbp", "result_with_federation_gbp", "difference_gbp"],
    rename={
        "practice_name": "Practice",
        "practice_code": "Code",
        "result_all_inhouse_gbp": "All in-house",
        "result_with_federation_gbp": "With the federation",
        "difference_gbp": "Difference",
    },
)

matrix = views.advantage_matrix(results, shown)
first_paint.chart(lambda: charts.advantage_heatmap(matrix), key="advantage_heatmap")
chart_table("advantage_heatmap", matrix.reset_index().rename(columns={"practice": "Practice"}), money=list(matrix.columns))
