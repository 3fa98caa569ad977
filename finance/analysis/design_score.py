"""How the fee designer scores a schedule of fees (MODEL.md "Fee designer"): covers the overheads,
then the most practices better off, the largest sum of differences, the lowest top fee."""

from __future__ import annotations

from dataclasses import dataclass

from finance.model.engine import Results
from finance.model.scenario import Scenario, scenario_replace

BETTER_OFF_GBP = 0.005  # "better off" is a difference above half a penny (Results.practices_better_off)
MAX_PASSES = 50
CHECK_TOLERANCE_GBP = 0.01  # a table's figures against the engine's: float noise only


@dataclass(frozen=True)
class Outcome:
    """A schedule of fees and how it scores."""

    fees: dict[str, float]
    surplus_gbp: float
    better_off: int
    difference_total_gbp: float

    @property
    def viable(self) -> bool:
        return self.surplus_gbp >= 0

    @property
    def top_fee_pct(self) -> float:
        return max(self.fees.values(), default=0.0)

    def key(self) -> tuple[float, ...]:
        """Higher is better: covers the overheads; then (if not) the surplus; then practices better
        off, the sum of differences (to the penny), and the lowest top fee."""
        return key(self.surplus_gbp, self.better_off, self.difference_total_gbp, self.top_fee_pct, sum(self.fees.values()))


def key(surplus: float, better_off: int, difference: float, top_fee: float, fee_total: float) -> tuple[float, ...]:
    # Past MODEL.md's three criteria, the lowest sum of fees: a fee that changes nothing (a service
    # nobody takes up at any fee) is left at the lowest fee rather than wherever the search passed.
    viable = surplus >= 0
    return (1.0 if viable else 0.0, 0.0 if viable else surplus, float(better_off), round(difference, 2), -top_fee, -round(fee_total, 6))


def with_fees(scenario: Scenario, fees: dict[str, float]) -> Scenario:
    """The scenario with these per-service fees (they win over one fee for every service)."""
    return scenario_replace(scenario, service_fee_pct={**dict(scenario.service_fee_pct), **{s: float(f) for s, f in fees.items()}})


def outcome_of(results: Results, fees: dict[str, float]) -> Outcome:
    return Outcome(
        dict(fees), float(results.federation.surplus_gbp), results.practices_better_off, float(results.practices["difference_gbp"].sum())
    )


def same(engine: Outcome, predicted: Outcome) -> bool:
    """The engine's figures are the table's, float noise apart (and on the same side of break-even)."""
    return (
        engine.better_off == predicted.better_off
        and engine.viable == predicted.viable
        and abs(engine.surplus_gbp - predicted.surplus_gbp) <= CHECK_TOLERANCE_GBP
        and abs(engine.difference_total_gbp - predicted.difference_total_gbp) <= CHECK_TOLERANCE_GBP
    )
