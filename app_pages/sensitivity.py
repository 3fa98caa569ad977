"""Sensitivity: which assumptions move the answer most, and where the surplus turns."""

import streamlit as st

from finance.analysis.verdict import participation_name
from ui import charts, first_paint, held_value, sensitivity, session_keeper, state, uncertainty
from ui.components import chart_table, intro

intro(
    "Sensitivity",
    "How far the federation surplus (or one practice's gain from the federation) moves when each assumption is moved down and up by "
    "the same step, largest swing first, and the value of each key parameter at which the surplus crosses zero.",
)


@st.fragment
def tornado_and_breakevens() -> None:
    """The page below its intro. A fragment: moving the step or choosing a practice reruns this part
    alone, not the frame, the sidebar and the model run of the whole app (the sidebar's changes still
    rerun everything, this included)."""
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
    choices = [None, *sorted(names, key=names.get)]
    practice = right.selectbox(
        "For one practice (optional)",
        choices,
        index=held_value.index_of("tornado_practice", choices),
        format_func=lambda c: "The federation" if c is None else f"{names[c]} ({c})",
        key="tornado_practice",
    )
    session_keeper.save()  # a change of step or practice reruns this fragment alone, which never reaches the frame's save
    table = sensitivity.tornado_table(scenario, float(step), practice)
    figure = "practice" if practice else "surplus"
    first_paint.chart(lambda: charts.tornado(table, figure, names.get(practice, "The federation")), key="tornado")
    prefix = "gain" if practice else "surplus"
    swing = "gain_swing_gbp" if practice else "swing_gbp"
    chart_table(
        "tornado",
        table[["label", "low_label", f"{prefix}_low_gbp", "high_label", f"{prefix}_high_gbp", swing]],
        money=[f"{prefix}_low_gbp", f"{prefix}_high_gbp", swing],
        rename={
            "label": "Assumption",
            "low_label": "Moved down to",
            f"{prefix}_low_gbp": "Gain, moved down" if practice else "Surplus, moved down",
            "high_label": "Moved up to",
            f"{prefix}_high_gbp": "Gain, moved up" if practice else "Surplus, moved up",
            swing: "Swing",
        },
    )
    if practice:
        st.caption(
            f"What moves {names[practice]}'s gain from the federation (its result with the federation minus all in-house), not its whole "
            "result, which its contract income dominates. The federation's break-even values are on this page with 'The federation' chosen."
        )
    else:
        if scenario.participation == "all":
            st.caption(
                "Under 'All members', activity and delivery-cost changes do not move the federation's surplus (its fees are a share of income); "
                "they matter to practices, and under Rational participation to who stays."
            )
        st.subheader(f"Break-even values, with {participation_name(scenario.participation)}")
        st.caption("The participation is the sidebar's, as on the Overview, whose break-even fee is the first line here.")
        for found in sensitivity.breakevens(scenario):
            st.markdown(f"- **{found.label}:** {found.message}")


tornado_and_breakevens()
uncertainty.show(state.scenario())
