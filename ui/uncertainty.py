"""Ranges for the assumptions a director is unsure of, beside the tornado: how sure the answer is."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from finance.analysis.uncertainty import SUGGESTED_RANGES, parse_ranges
from finance.errors import ScenarioError
from finance.format import gbp
from finance.model.scenario import Scenario
from ui import analysis_charts, analysis_state, first_paint, state
from ui.components import money_table

LABELS = {
    "income_change_pct.contract": "Contract income change (%)",
    "income_change_pct.pcn_des": "PCN DES income change (%)",
    "income_change_pct.federation": "Federation income change (%)",
    "activity_change_pct": "Activity change (%)",
    "inhouse_cost_change_pct": "In-house cost change (%)",
    "federation_cost_change_pct": "Federation cost change (%)",
    "overhead_change_pct": "Overhead change (%)",
}
# Once run, draws follow every change while practices x services x draws stays below this.
FOLLOW_PAIR_DRAWS = 2_000_000


def starting_ranges() -> pd.DataFrame:
    suggested = {r.name: r for r in SUGGESTED_RANGES}
    rows = []
    for name, label in LABELS.items():
        r = suggested.get(name)
        rows.append(
            {
                "Use": r is not None,
                "Assumption": label,
                "Low": r.low if r else 0.0,
                "Likely": r.likely if r else 0.0,
                "High": r.high if r else 0.0,
            }
        )
    return pd.DataFrame(rows)


def show(scenario: Scenario) -> None:
    """The ranges editor, the chance of covering the overheads, the surplus histogram and each practice's chances."""
    st.subheader("How sure is the answer?")
    st.caption(
        "Give a low, likely and high value for the assumptions you are unsure of. Each draw picks every assumption from its range "
        "(likely values come up most often), lays it over the sidebar's scenario (a range replaces the sidebar's value of that assumption) and runs the model; "
        "the same seed gives the same answer."
    )
    edited = st.data_editor(
        starting_ranges(),
        hide_index=True,
        width="stretch",
        disabled=["Assumption"],
        key="uncertainty_ranges",
        column_config={"Use": st.column_config.CheckboxColumn("Use", help="Untick to keep the sidebar's value")},
    )
    left, right = st.columns(2)
    draws = int(left.number_input("Draws", min_value=100, max_value=10_000, value=1_000, step=100, key="uncertainty_draws"))
    seed = int(right.number_input("Seed", min_value=0, max_value=1_000_000, value=1, step=1, key="uncertainty_seed"))
    names = {label: name for name, label in LABELS.items()}
    chosen = {
        names[row["Assumption"]]: {"low": row["Low"], "likely": row["Likely"], "high": row["High"]}
        for row in edited.to_dict("records")
        if row["Use"]
    }
    try:
        ranges = parse_ranges(chosen, scenario)
    except ScenarioError as exc:
        for problem in exc.problems:
            for name, label in LABELS.items():
                problem = problem.replace(f"{name}: ", f"{label}: ", 1)
            st.error(problem.removeprefix("ranges: "), icon=":material/error:")
        return
    if not ranges:
        st.info("Tick at least one assumption to see how sure the answer is.")
        return
    key = analysis_state.draws_key(scenario, ranges, draws, seed)
    # The draws run on request; once run they follow the sidebar and the ranges where that stays
    # quick (about a second on the sample), and wait for the button again on large data.
    pressed = st.button(f"Run {draws:,} draws", type="primary", key="uncertainty_run")
    if pressed:
        st.session_state["uncertainty_on"] = True
    data = state.loaded()
    quick = len(data.dataset.practices) * max(len(data.dataset.services), 1) * draws <= FOLLOW_PAIR_DRAWS
    if not (pressed or analysis_state.has_draws(key) or (quick and st.session_state.get("uncertainty_on"))):
        st.caption("Press the button to draw the ranges and see how sure the answer is.")
        return
    with st.spinner(f"Running {draws:,} draws…"):
        result = analysis_state.run_draws(scenario, ranges, draws, seed)
    marks = result.surplus_percentiles()
    a, b, c, d = st.columns(4)
    a.metric("Chance of covering overheads", f"{100 * result.p_viable:.0f}%")
    b.metric("Surplus, P10", gbp(marks["p10"]), help="1 draw in 10 is lower than this")
    c.metric("Surplus, P50 (median)", gbp(marks["p50"]))
    d.metric("Surplus, P90", gbp(marks["p90"]), help="1 draw in 10 is higher than this")
    first_paint.chart(lambda: analysis_charts.surplus_histogram(result), key="uncertainty_histogram")
    frame = result.practices_frame().assign(p_better_off=lambda f: 100 * f["p_better_off"]).sort_values("p_better_off")
    st.markdown("**Each practice: the chance it is better off with the federation, and the range of its difference**")
    money_table(
        frame[["practice_name", "practice_code", "p_better_off", "p10", "p50", "p90"]],
        money=["p10", "p50", "p90"],
        percent=["p_better_off"],
        rename={
            "practice_name": "Practice",
            "practice_code": "Code",
            "p_better_off": "Chance better off",
            "p10": "Difference, P10",
            "p50": "Difference, P50",
            "p90": "Difference, P90",
        },
    )
