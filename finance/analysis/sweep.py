"""The fee sweep: federation surplus and who stays, against one management fee for every service.

Answers the meeting's question "what fee keeps practices in and still pays our overheads?": the
scenario is applied in SQL (Model.lines), then the scenario's participation is worked out at each
fee on a grid (under 'all' every eligible member stays; under 'rational' practices leave). Raising
the fee only ever makes practices leave (the fee lowers every advantage, and a departure raises the others' share of the fixed cost), so the practices that stay at one fee are
the starting point for the next: each fee takes a round or two instead of a full cascade. That
keeps the sweep live at England scale (41 fees x 162,500 pairs in about 0.1 s); a test checks it
against the SQL model (Model.summaries) fee by fee.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from finance.model.engine import LEAVING_SLACK_GBP, Model
from finance.model.scenario import Participation, Scenario

DEFAULT_FEES = tuple(float(f) for f in np.arange(0.0, 40.0 + 0.001, 1.0))


@dataclass(frozen=True)
class FeeSweep:
    """One row per fee: fee_pct, fee_income_gbp, overheads_gbp, surplus_gbp,
    practices_participating, participations (practice-service pairs), practices_better_off."""

    points: pd.DataFrame
    practices_total: int
    participation: Participation = "rational"

    @property
    def best(self) -> pd.Series:
        """The fee with the highest surplus (the lowest such fee on ties)."""
        return self.points.loc[self.points["surplus_gbp"].idxmax()]

    @property
    def breakeven_fee_pct(self) -> float | None:
        """The lowest fee on the grid at which the surplus is zero or more, if any."""
        viable = self.points[self.points["surplus_gbp"] >= 0]
        return None if viable.empty else float(viable["fee_pct"].iloc[0])


def fee_sweep(model: Model, scenario: Scenario, fees: Sequence[float] = DEFAULT_FEES, *, lines: pd.DataFrame | None = None) -> FeeSweep:
    """Run ``scenario`` at each fee under its own participation (its tolerance and exclusions kept;
    per-service fees set aside: the sweep asks what one fee for every service does). Under 'all' no
    member leaves at any fee, so the surplus rises with the fee; under 'rational' practices leave."""
    base = scenario.with_changes(management_fee_pct=None, service_fee_pct={})
    if lines is None:  # a caller sweeping the same scenario several times (a break-even search) passes them
        lines = model.lines(base)
    grid = sorted({float(f) for f in fees})
    practice = lines["practice_id"].to_numpy()
    totals = _Totals(len(grid), int(practice.max()) + 1 if len(practice) else 0)
    # Under 'all' nobody leaves, whatever they lose: an infinite slack.
    slack = base.opt_out_tolerance_gbp + LEAVING_SLACK_GBP if base.participation == "rational" else np.inf
    columns = {
        name: lines[name].to_numpy(float)
        for name in ("units", "income_gbp", "federation_fixed_cost", "inhouse_cost_gbp", "federation_cost_per_unit")
    }
    eligible = lines["eligible"].to_numpy(bool)
    # Services are independent (MODEL.md), so each is swept on its own rows (lines come grouped by service).
    service = lines["service_id"].to_numpy()
    starts = list(np.flatnonzero(np.r_[True, service[1:] != service[:-1]])) if len(service) else []
    for start, end in zip(starts, [*starts[1:], len(service)], strict=False):
        rows = slice(start, end)
        _sweep_service({k: v[rows] for k, v in columns.items()}, eligible[rows], practice[rows], grid, slack, totals)
    overheads = lines.attrs["overheads_gbp"]
    by_fee = {
        fee: {
            "fee_income_gbp": float(totals.fee_income[k]),
            "overheads_gbp": overheads,
            "surplus_gbp": float(totals.fee_income[k]) - overheads,
            "practices_participating": int((totals.services_used[k] > 0).sum()),
            "participations": int(totals.services_used[k].sum()),
            "practices_better_off": int((totals.gained[k] > 0.005).sum()),
        }
        for k, fee in enumerate(grid)
    }
    points = pd.DataFrame([{"fee_pct": float(f), **by_fee[float(f)]} for f in fees])
    return FeeSweep(points, practices_total=len(model.dataset.practices), participation=base.participation)


class _Totals:
    """What the sweep adds up over services, for each fee on the grid."""

    def __init__(self, fees: int, practices: int):
        self.fee_income = np.zeros(fees)
        self.services_used = np.zeros((fees, practices), dtype=int)
        self.gained = np.zeros((fees, practices))


def _sweep_service(
    rows: dict[str, np.ndarray], eligible: np.ndarray, practice: np.ndarray, grid: list[float], slack: float, totals: _Totals
) -> None:
    """Rational participation in one service, fee after rising fee, starting each fee from the
    practices that stayed at the fee before (see the module docstring)."""
    units = rows["units"]
    income = np.maximum(rows["income_gbp"], 0.0)
    fixed = rows["federation_fixed_cost"]  # the same on every row of a service
    # advantage = in-house cost - federation delivery cost - fee, the fixed-cost share apart:
    gap = rows["inhouse_cost_gbp"] - units * rows["federation_cost_per_unit"]
    staying = eligible.copy()
    for k, fee_pct in enumerate(grid):
        fee = fee_pct / 100.0 * income
        while True:
            advantage = gap - fixed * _fixed_cost_share(units, income, staying) - fee
            leaving = staying & (advantage < -slack)
            if not leaving.any():
                break
            staying &= ~leaving
        totals.fee_income[k] += float(fee[staying].sum())
        totals.services_used[k, practice[staying]] += 1
        totals.gained[k, practice[staying]] += advantage[staying]


def _fixed_cost_share(units: np.ndarray, income: np.ndarray, staying: np.ndarray) -> np.ndarray:
    """Each participant's share of the service's fixed cost: by units, else income, else equally."""
    pool_units = float(units[staying].sum())
    if pool_units > 0:
        return units / pool_units
    pool_income = float(income[staying].sum())
    if pool_income > 0:
        return income / pool_income
    return np.full(units.shape, 1.0 / max(int(staying.sum()), 1))


def average_catalogue_fee(model: Model) -> float | None:
    """The service-income-weighted average of the catalogue's fees (what 'current fees' amount to)."""
    lines = model.lines(Scenario())
    income = lines["income_gbp"].clip(lower=0)
    if income.sum() <= 0:
        return None
    return float((lines["fee_pct"] * income).sum() / income.sum())
