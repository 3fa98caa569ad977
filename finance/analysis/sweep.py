"""The fee sweep: federation surplus and who stays, against one management fee for every service.

Answers the meeting's question "what fee keeps practices in and still pays our overheads?": the
scenario is applied in SQL (Model.lines), then the scenario's participation is worked out at each
fee on a grid (under 'all' every eligible member stays; under 'rational' practices leave), pool by pool (a service's federation users; on the PCN route each PCN's users, whose
PCN fee the sweep does not move). Raising the fee only ever makes practices leave (the fee lowers
every advantage, and a departure raises the others' share of the fixed cost), so the practices
that stay at one fee are the starting point for the next: each fee takes a round or two instead
of a full cascade. That keeps the sweep live at England scale (41 fees x 162,500 pairs in about
0.3 s); the engine's own many-scenario pass (Model.summaries) takes about 70 s for the same 41
fees (bench figures, issue 11), so this second implementation of the cascade earns its keep. A
test checks it against Model.summaries fee by fee, with routes, VAT, per-unit fees and
subscriptions. Under membership choice services are no longer independent (a practice leaves the
federation on its whole result), so the sweep hands that case to the engine (exact, slow).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from finance.model.engine import LEAVING_SLACK_GBP, Model
from finance.model.scenario import Participation, Scenario

ENGINE_BATCH = 5  # fees per Model.summaries pass under membership choice
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
    """Run ``scenario`` at each fee under its own participation (its tolerance, exclusions, routes,
    per-unit fees, VAT and subscription kept; per-service fees set aside: the sweep asks what one
    fee for every federation-route service does). Under 'all' no member leaves at any fee, so the
    surplus rises with the fee; under 'rational' practices leave. A caller sweeping the same
    scenario several times (a break-even search) passes its ``lines``."""
    base = scenario.with_changes(management_fee_pct=None, service_fee_pct={})
    grid = sorted({float(f) for f in fees})
    by_fee = _engine_points(model, base, grid) if base.membership == "rational" else _numpy_points(model, base, grid, lines)
    points = pd.DataFrame([{"fee_pct": float(f), **by_fee[float(f)]} for f in fees])
    return FeeSweep(points, practices_total=len(model.dataset.practices), participation=base.participation)


def _engine_points(model: Model, base: Scenario, grid: list[float]) -> dict[float, dict[str, float | int]]:
    """Membership choice ties every service to the others through each practice's whole result, so
    services cannot be swept one by one: the engine runs every fee (exact, and much slower)."""
    # In small batches: one pass over 41 variants (6.7 million lines at England scale) is slower
    # than a few passes of 5 (bench/README.md: ~48 s against ~0.3 s a fee).
    scenarios = [base.with_changes(management_fee_pct=fee) for fee in grid]
    summary = pd.concat(
        [model.summaries(scenarios[k : k + ENGINE_BATCH]) for k in range(0, len(scenarios), ENGINE_BATCH)], ignore_index=True
    )
    money = ("fee_income_gbp", "overheads_gbp", "surplus_gbp")
    counts = ("practices_participating", "participations", "practices_better_off")
    return {
        fee: {**{c: float(summary.iloc[k][c]) for c in money}, **{c: int(summary.iloc[k][c]) for c in counts}} for k, fee in enumerate(grid)
    }


def _numpy_points(model: Model, base: Scenario, grid: list[float], lines: pd.DataFrame | None) -> dict[float, dict[str, float | int]]:
    if lines is None:
        lines = model.lines(base)
    subscription = np.asarray(lines.attrs["subscription_gbp"], dtype=float)
    overheads = lines.attrs["overheads_gbp"]
    totals = _Totals(len(grid), len(subscription))
    # Under 'all' nobody leaves, whatever they lose: an infinite slack.
    slack = base.opt_out_tolerance_gbp + LEAVING_SLACK_GBP if base.participation == "rational" else np.inf
    lines = lines[lines["has_pool"].to_numpy(bool)]  # a practice with no PCN on the PCN route delivers in-house
    columns = {
        name: lines[name].to_numpy(float)
        for name in (
            "units",
            "income_gbp",
            "federation_fixed_cost",
            "inhouse_cost_gbp",
            "federation_cost_per_unit",
            "fee_pct",
            "fee_per_unit_gbp",
            "vat_rate_pct",
        )
    }
    eligible = lines["eligible"].to_numpy(bool)
    practice = lines["practice_id"].to_numpy()
    on_pcn = lines["on_pcn"].to_numpy(bool)
    # Pools are independent (MODEL.md). The PCN pools (hundreds at England scale) keep their own
    # fee whatever the federation charges: their cascades run all at once, once, and count at
    # every fee. The federation's pools (one a service) are swept fee by fee, each on its own rows.
    pcn_rows = np.flatnonzero(on_pcn)
    if len(pcn_rows):
        _settle_pcn_pools(
            {k: v[pcn_rows] for k, v in columns.items()},
            lines["pool_key"].to_numpy()[pcn_rows],
            eligible[pcn_rows],
            practice[pcn_rows],
            slack,
            totals,
        )
    federation_rows = np.flatnonzero(~on_pcn)
    service = lines["service_id"].to_numpy()[federation_rows]
    starts = list(np.flatnonzero(np.r_[True, service[1:] != service[:-1]])) if len(service) else []
    for start, end in zip(starts, [*starts[1:], len(service)], strict=False):
        rows = federation_rows[start:end]
        _sweep_pool({k: v[rows] for k, v in columns.items()}, eligible[rows], practice[rows], grid, slack, totals)
    subscriptions = float(subscription.sum())
    return {
        fee: {
            "fee_income_gbp": float(totals.fee_income[k]) + subscriptions,
            "overheads_gbp": overheads,
            "surplus_gbp": float(totals.fee_income[k]) + subscriptions - overheads,
            "practices_participating": int((totals.services_used[k] > 0).sum()),
            "participations": int(totals.services_used[k].sum()),
            "practices_better_off": int((totals.gained[k] - subscription > 0.005).sum()),
        }
        for k, fee in enumerate(grid)
    }


class _Totals:
    """What the sweep adds up over pools, for each fee on the grid."""

    def __init__(self, fees: int, practices: int):
        self.fee_income = np.zeros(fees)
        self.services_used = np.zeros((fees, practices), dtype=int)
        self.gained = np.zeros((fees, practices))


def _sweep_pool(
    rows: dict[str, np.ndarray], eligible: np.ndarray, practice: np.ndarray, grid: list[float], slack: float, totals: _Totals
) -> None:
    """Rational participation in one federation pool, fee after rising fee, starting each fee from
    the practices that stayed at the fee before (see the module docstring)."""
    units = rows["units"]
    income = np.maximum(rows["income_gbp"], 0.0)
    fixed = rows["federation_fixed_cost"]  # the same on every row of a pool
    vat = 1.0 + rows["vat_rate_pct"] / 100.0
    # advantage = in-house cost - (1 + VAT) x (delivery cost + fee); the fixed-cost share and the
    # percentage fee apart, what is left does not depend on who stays or on the fee:
    variable = units * rows["federation_cost_per_unit"] + rows["fee_per_unit_gbp"] * units
    staying = eligible.copy()
    for k, fee_pct in enumerate(grid):
        fee = fee_pct / 100.0 * income
        while True:
            advantage = rows["inhouse_cost_gbp"] - vat * (variable + fixed * _fixed_cost_share(units, income, staying) + fee)
            leaving = staying & (advantage < -slack)
            if not leaving.any():
                break
            staying &= ~leaving
        totals.fee_income[k] += float((fee + rows["fee_per_unit_gbp"] * units)[staying].sum())
        totals.services_used[k, practice[staying]] += 1
        totals.gained[k, practice[staying]] += advantage[staying]


def _settle_pcn_pools(
    rows: dict[str, np.ndarray], pool_key: np.ndarray, eligible: np.ndarray, practice: np.ndarray, slack: float, totals: _Totals
) -> None:
    """Rational participation in every PCN pool at once (at the PCN's own fee), rounds until nobody
    leaves any pool; the result is added at every fee of the sweep (PCN fees are not federation income)."""
    pool = np.unique(pool_key, return_inverse=True)[1]
    pools = int(pool.max()) + 1 if len(pool) else 0
    units = rows["units"]
    income = np.maximum(rows["income_gbp"], 0.0)
    vat = 1.0 + rows["vat_rate_pct"] / 100.0
    charge = units * rows["federation_cost_per_unit"] + rows["fee_pct"] / 100.0 * income  # fee per unit is 0 on the PCN route
    staying = eligible.copy()
    while True:
        pool_units = np.bincount(pool, weights=units * staying, minlength=pools)[pool]
        pool_income = np.bincount(pool, weights=income * staying, minlength=pools)[pool]
        pool_size = np.bincount(pool, weights=staying.astype(float), minlength=pools)[pool]
        with np.errstate(divide="ignore", invalid="ignore"):
            share = np.where(
                pool_units > 0, units / pool_units, np.where(pool_income > 0, income / pool_income, 1.0 / np.maximum(pool_size, 1.0))
            )
        advantage = rows["inhouse_cost_gbp"] - vat * (charge + rows["federation_fixed_cost"] * share)
        leaving = staying & (advantage < -slack)
        if not leaving.any():
            break
        staying &= ~leaving
    used = np.bincount(practice[staying], minlength=totals.services_used.shape[1])
    gained = np.bincount(practice[staying], weights=advantage[staying], minlength=totals.gained.shape[1])
    totals.services_used += used
    totals.gained += gained


def _fixed_cost_share(units: np.ndarray, income: np.ndarray, staying: np.ndarray) -> np.ndarray:
    """Each participant's share of the pool's fixed cost: by units, else income, else equally."""
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
