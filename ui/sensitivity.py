"""Sensitivity for the pages: tornado and break-even values from finance.analysis.sensitivity, computed once
per scenario change (they run the model many times) and kept in the session's memo, so the Overview
and the Sensitivity page show the one break-even fee."""

from __future__ import annotations

import pandas as pd

from finance.analysis.sensitivity import Breakeven, breakeven, tornado
from finance.model.scenario import Scenario
from ui import state

BREAKEVEN_PARAMETERS = ("management_fee_pct", "federation_cost_change_pct", "activity_change_pct")


def tornado_table(scenario: Scenario, step: float, practice_code: str | None) -> pd.DataFrame:
    data = state.loaded()
    scenario = state.model_scenario(scenario)
    return state.remember(("tornado", scenario.to_json(), step, practice_code), lambda: tornado(data.model, scenario, step, practice_code))


def breakeven_key(scenario: Scenario, parameter: str) -> tuple:
    return ("breakeven", parameter, scenario.to_json())


def breakeven_of(scenario: Scenario, parameter: str) -> Breakeven:
    """One parameter's break-even value for the scenario (the Overview asks for the fee's alone)."""
    data = state.loaded()
    surplus = state.results(scenario).federation.surplus_gbp  # results() reads real practice codes
    scenario = state.model_scenario(scenario)
    return state.remember(
        breakeven_key(scenario, parameter), lambda: breakeven(data.model, scenario, parameter, current_surplus_gbp=surplus)
    )


def breakevens(scenario: Scenario) -> list[Breakeven]:
    return [breakeven_of(scenario, p) for p in BREAKEVEN_PARAMETERS]
