"""The figures the Overview's one answer needs beside the sidebar's own results, memoised in the
session (never across sessions): the surplus under the other participation."""

from __future__ import annotations

from finance.analysis.verdict import OTHER
from finance.model.scenario import Scenario
from ui import state


def other_surplus(scenario: Scenario) -> float:
    """The federation's surplus for the scenario under the participation it did not choose (the
    headline alone: Model.summaries, a third of a full run)."""
    other = scenario.with_changes(participation=OTHER[scenario.participation])
    data = state.loaded()
    key = ("summary", other.to_json())
    if key not in data.memo:
        data.memo[key] = float(data.model.summaries([other])["surplus_gbp"].iloc[0])
    return data.memo[key]
