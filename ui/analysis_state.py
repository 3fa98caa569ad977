"""The designer's, uncertainty's and plan's results for this session, worked out once per question.

They live in the session's own memo (``state.loaded().memo``, beside the model), never in a cache
shared by sessions. The last of each is kept for the board pack on the Options page. Each is handed the
sidebar's scenario and runs on the model's codes (Practice A, B, … in meeting mode: ui/state.model_scenario).
"""

from __future__ import annotations

import json
from collections.abc import Sequence

from finance.analysis.design import Affordability, Design, ServiceStory, affordable_overheads, design_fees, explain
from finance.analysis.plan import Plan, PlanResult, run_plan
from finance.analysis.uncertainty import Range, Uncertainty, uncertainty
from finance.model.scenario import Scenario
from ui import state

LATEST = "analysis_latest"


def _remember(key: tuple, work):
    data = state.loaded()
    if key not in data.memo:
        data.memo[key] = work()
    data.memo.setdefault(LATEST, {})[key[0]] = data.memo[key]
    return data.memo[key]


def design(scenario: Scenario, max_fee_pct: float) -> tuple[Design, list[ServiceStory], Affordability]:
    scenario = state.model_scenario(scenario)

    def work():
        model = state.loaded().model
        found = design_fees(model, scenario, max_fee_pct)
        return found, explain(found, model), affordable_overheads(model, scenario)

    return _remember(("design", scenario.to_json(), float(max_fee_pct)), work)


def draws_key(scenario: Scenario, ranges: Sequence[Range], draws: int, seed: int) -> tuple:
    scenario = state.model_scenario(scenario)
    return ("uncertainty", scenario.to_json(), json.dumps([(r.name, r.low, r.likely, r.high) for r in ranges]), int(draws), int(seed))


def has_draws(key: tuple) -> bool:
    return key in state.loaded().memo


def run_draws(scenario: Scenario, ranges: Sequence[Range], draws: int, seed: int) -> Uncertainty:
    shown = state.model_scenario(scenario)
    return _remember(draws_key(scenario, ranges, draws, seed), lambda: uncertainty(state.loaded().model, shown, ranges, draws, seed))


def plan(scenario: Scenario, chosen: Plan) -> PlanResult:
    scenario = state.model_scenario(scenario)
    return _remember(("plan", scenario.to_json(), json.dumps(chosen.to_dict())), lambda: run_plan(state.loaded().model, scenario, chosen))


def to_save(model_scenario: Scenario) -> Scenario:
    """A scenario the model returned (its excluded practices by the model's codes) as the store keeps it: by the real codes."""
    if not model_scenario.excluded_practices:
        return model_scenario
    return model_scenario.with_changes(excluded_practices=tuple(state.real_code(c) for c in model_scenario.excluded_practices))


def board_sheets() -> list:
    """The sheets of the analyses this session has run (the last of each), for the board pack."""
    from finance.report.analysis_sheets import board_sheets as sheets

    latest = state.loaded().memo.get(LATEST, {})
    return sheets(design=latest.get("design"), uncertainty=latest.get("uncertainty"), plan=latest.get("plan"))
