"""Sensitivity for the page: tornado and break-even values from finance.analysis.sensitivity, computed once
per scenario change (they run the model many times)."""

from __future__ import annotations

import pandas as pd

from finance.analysis.sensitivity import Breakeven, breakeven, tornado
from finance.model.scenario import Scenario
from ui import state

BREAKEVEN_PARAMETERS = ("management_fee_pct", "federation_cost_change_pct", "activity_change_pct")


def tornado_table(scenario: Scenario, step: float, practice_code: str | None) -> pd.DataFrame:
    data = state.loaded()
    scenario = state.model_scenario(scenario)
    key = ("tornado", scenario.to_json(), step, practice_code)
    if key not in data.memo:
        data.memo[key] = tornado(data.model, scenario, step, practice_code)
    return data.memo[key]


def breakevens(scenario: Scenario) -> list[Breakeven]:
    data = state.loaded()
    scenario = state.model_scenario(scenario)
    key = ("breakevens", scenario.to_json())
    if key not in data.memo:
        data.memo[key] = [breakeven(data.model, scenario, p) for p in BREAKEVEN_PARAMETERS]
    return data.memo[key]
