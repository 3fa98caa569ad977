"""The multi-year plan on a page: the year-on-year changes (editable, DOMAIN.md defaults), surplus and reserves by year."""

from __future__ import annotations

import itertools

import pandas as pd
import streamlit as st

from finance.analysis.plan import Plan, default_notes, default_plan, parse_plan, year_label
from finance.errors import FinanceError, ScenarioError
from finance.format import round_half_up, whole_pounds_adding_up
from finance.model.scenario import Scenario
from ui import analysis_charts, analysis_state, first_paint, meeting_text, state
from ui.components import money_table

COLUMNS = {
    "income.contract": "Contract income (%)",
    "income.pcn_des": "PCN DES income (%)",
    "income.federation": "Federation income (%)",
    "activity_change_pct": "Activity (%)",
    "inhouse_cost_change_pct": "In-house costs (%)",
    "federation_cost_change_pct": "Federation costs (%)",
    "overhead_change_pct": "Overheads (%)",
}


def changes_frame(plan: Plan, later_years: int) -> pd.DataFrame:
    """One row per later year (the shipped years, the last repeated if more are asked for)."""
    years = list(plan.years)[:later_years]
    while len(years) < later_years:
        years.append(years[-1])
    rows = []
    for k, year in enumerate(years, start=1):
        values = year.to_dict()
        row = {"Year": year_label(plan.first_year, k)}
        row.update({COLUMNS[f"income.{s}"]: v for s, v in values["income_change_pct"].items()})
        row.update({label: values[name] for name, label in COLUMNS.items() if not name.startswith("income.")})
        rows.append(row)
    return pd.DataFrame(rows)


def plan_from(first_year: str, opening: float, edited: pd.DataFrame) -> Plan:
    years = []
    for row in edited.to_dict("records"):
        year = {"income_change_pct": {name.split(".")[1]: row[label] for name, label in COLUMNS.items() if name.startswith("income.")}}
        year.update({name: row[label] for name, label in COLUMNS.items() if not name.startswith("income.")})
        years.append(year)
    return parse_plan({"first_year": first_year, "opening_reserves_gbp": opening, "years": years})


def shown_figures(result) -> pd.DataFrame:
    """The plan by year in whole pounds that add up as a reader checks them: each year's reserves
    are the year before's plus its surplus, and each surplus is its fee income less its overheads."""
    reserves = [round_half_up(result.plan.opening_reserves_gbp)] + [round_half_up(y.reserves_gbp) for y in result.years]
    surplus = [b - a for a, b in itertools.pairwise(reserves)]
    fees, overheads = [], []
    for year, shown in zip(result.years, surplus, strict=True):
        fee, cost = whole_pounds_adding_up([year.results.federation.fee_income_gbp, -year.results.federation.overheads_gbp], total=shown)
        fees.append(fee)
        overheads.append(-cost)
    return pd.DataFrame(
        {
            "Year": [y.year for y in result.years],
            "fee_income": fees,
            "overheads": overheads,
            "surplus": surplus,
            "reserves": reserves[1:],
            "Practices better off": [f"{y.results.practices_better_off} of {len(y.results.practices)}" for y in result.years],
            "pairs": [y.participations for y in result.years],
        }
    )


def show(scenario: Scenario) -> None:
    shipped = default_plan()
    left, middle, right = st.columns(3)
    first_year = left.selectbox("First year", [year_label("2023/24", k) for k in range(6)], index=2, key="plan_first_year")
    opening = float(middle.number_input("Opening reserves (£)", value=0, step=10_000, key="plan_opening_reserves"))
    later = int(right.number_input("Years after the first", min_value=1, max_value=9, value=len(shipped.years), key="plan_later_years"))
    st.markdown(
        "**Change from the year before** (the defaults are the 2026/27 contract and pay award, and assumptions for 2027/28: see the notes below)"
    )
    base = changes_frame(Plan(first_year, opening, shipped.years), later)
    edited = st.data_editor(base, hide_index=True, width="stretch", disabled=["Year"], key=f"plan_changes_{first_year}_{later}")
    try:
        chosen = plan_from(first_year, opening, edited)
    except ScenarioError as exc:
        for problem in exc.problems:
            st.error(problem.replace("plan: ", ""), icon=":material/error:")
        return
    with st.spinner("Running the years…"):
        result = analysis_state.plan(scenario, chosen)
    table = shown_figures(result)
    first_paint.chart(lambda: analysis_charts.plan_chart(result, table), key="plan_chart")
    for sentence in result.sentences()[len(result.years) :]:
        st.markdown(f"**{sentence}**")
    money_table(
        table,
        money=["fee_income", "overheads", "surplus", "reserves"],
        counts=["pairs"],
        rename={
            "fee_income": "Fee income",
            "overheads": "Overheads",
            "surplus": "Surplus",
            "reserves": "Reserves at the year end",
            "pairs": "Practice-service pairs using the federation",
        },
    )
    st.caption(
        "Each year is a fresh run of the model: practices choose again under Rational participation. "
        "Practices start to leave in the first year in which fewer practice-service pairs use the federation, or fewer practices are members, "
        "than in the first year. Reserves are the opening reserves plus every year's surplus to date."
    )
    _save_year(result)
    with st.expander("Where the default changes come from"):
        shipped_notes = default_notes()
        for year, notes in shipped_notes["notes"].items():
            if isinstance(notes, str):
                st.markdown(f"**{year}**: {notes}")
            else:
                st.markdown(f"**{year}**")
                for name, note in notes.items():
                    st.markdown(f"- {_name(name)}: {note}")
        st.markdown("Sources: " + "; ".join(shipped_notes["sources"]))


def _name(parameter: str) -> str:
    return COLUMNS.get(parameter.replace("income_change_pct.", "income."), parameter).removesuffix(" (%)")


def _save_year(result) -> None:
    from ui.options import store

    with st.popover("Save a year as an option"):
        labels = [y.year for y in result.years]
        year = st.selectbox("Year", labels, key="plan_option_year")
        name = st.text_input("Option name", value=f"Plan {year}", key=f"plan_option_name_{year}")
        if st.button("Save", key="plan_option_save"):
            scenario = analysis_state.to_save(result.years[labels.index(year)].results.scenario)
            try:
                saved = store().save(name, scenario, f"The plan's {year}: {scenario.describe()}", state.source().dataset)
            except FinanceError as exc:
                st.error(meeting_text.shown(str(exc)), icon=":material/error:")
            else:
                st.toast(meeting_text.shown(f"Saved '{saved.name}': compare it on the Options page."), icon=":material/check_circle:")
