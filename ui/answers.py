"""The figures the Overview's one answer needs beside the sidebar's own results, memoised in the
session (state.remember: across sessions only for the public sample): the surplus under the other participation, and the fee sweep with
the fee break-even, worked out from one Model.lines (at England scale a tenth of a second saved)."""

from __future__ import annotations

from finance.analysis.sensitivity import Breakeven, breakeven
from finance.analysis.sweep import FeeSweep, fee_sweep
from finance.analysis.verdict import OTHER
from finance.model.scenario import Scenario
from ui import sensitivity, state


def other_surplus(scenario: Scenario) -> float:
    """The federation's surplus for the scenario under the participation it did not choose (the
    headline alone: Model.summaries, a third of a full run)."""
    other = state.model_scenario(scenario).with_changes(participation=OTHER[scenario.participation])
    data = state.loaded()
    return state.remember(("summary", other.to_json()), lambda: float(data.model.summaries([other])["surplus_gbp"].iloc[0]))


def sweep_and_fee_breakeven(scenario: Scenario) -> tuple[FeeSweep, Breakeven]:
    """The fee sweep (state.sweep's) and the fee break-even (the Sensitivity page's), kept under the
    keys those use, so each page finds the other's. ``scenario`` holds real practice codes."""
    data = state.loaded()
    surplus = state.results(scenario).federation.surplus_gbp  # results() reads real practice codes
    scenario = state.model_scenario(scenario)  # the model's codes (meeting mode renames practices)
    sweep_key = state.sweep_key(scenario)
    found_key = sensitivity.breakeven_key(scenario, "management_fee_pct")
    lines = []  # Model.lines once, for whichever of the two is not known yet

    def scenario_lines():
        if not lines:
            lines.append(data.model.lines(scenario.with_changes(management_fee_pct=None, service_fee_pct={})))
        return lines[0]

    sweep = state.remember(sweep_key, lambda: fee_sweep(data.model, scenario, lines=scenario_lines()))
    fee_breakeven = state.remember(
        found_key, lambda: breakeven(data.model, scenario, "management_fee_pct", current_surplus_gbp=surplus, lines=scenario_lines())
    )
    return sweep, fee_breakeven
