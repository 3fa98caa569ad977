"""The table the fee designer searches: (service, grid fee) -> fee income and each practice's gain.

Under fixed membership the services are independent (MODEL.md), so any schedule of fees can be
scored by adding up what each service does at its own fee. ``engine_table`` builds the table from
the engine (every grid fee for every service as variants of a few passes; its own single-fee
figures are the floor); ``fast_table`` builds it from ``Model.lines`` with participation worked in
numpy, as finance.analysis.sweep does, and returns None when it does not match the engine at the
lowest and the highest fee. ``Table.search`` is the coordinate search.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from finance.analysis.design_score import BETTER_OFF_GBP, CHECK_TOLERANCE_GBP, MAX_PASSES, Outcome, outcome_of, same, with_fees
from finance.model.engine import LEAVING_SLACK_GBP, Model
from finance.model.scenario import Scenario

BATCH = 16  # variants per engine pass when the engine builds the table (bounds memory)
# How much searching: random starts while about SEARCH_BUDGET numbers are worked (a few seconds at
# England scale), and moves of two services at once where the table is small enough.
SEARCH_BUDGET = 1_600_000_000
RANDOM_STARTS = 30
PAIR_BUDGET = 20_000_000


@dataclass
class Table:
    """(service, grid fee) -> federation fee income and each practice's gain, plus what no fee moves."""

    services: list[str]
    grid: np.ndarray
    fee_income: np.ndarray  # (services, fees)
    gain: np.ndarray  # (services, fees, practices): advantage summed over the practice's participation
    base_surplus: float  # surplus with every designed service's fee income taken out
    base_difference: np.ndarray  # (practices,) difference with every designed service's gain taken out
    exact: bool = True
    floor_outcomes: list[Outcome] = field(default_factory=list)  # the engine's own figures, when it built the table

    def score(self, idx: np.ndarray) -> Outcome:
        rows = np.arange(len(self.services))
        surplus = self.base_surplus + float(self.fee_income[rows, idx].sum())
        difference = self.base_difference + self.gain[rows, idx, :].sum(axis=0)
        fees = {s: float(self.grid[k]) for s, k in zip(self.services, idx, strict=True)}
        return Outcome(fees, surplus, int((difference > BETTER_OFF_GBP).sum()), float(difference.sum()))

    def floor(self) -> Outcome:
        """The best single fee for every service (the lowest fee on ties)."""
        outcomes = self.floor_outcomes or [self.score(np.full(len(self.services), k)) for k in range(len(self.grid))]
        best = outcomes[0]
        for outcome in outcomes[1:]:
            if outcome.key() > best.key():
                best = outcome
        return best

    def starts(self) -> list[np.ndarray]:
        """Where the coordinate search starts: the three best single fees, each service at the fee
        that earns it most, and random schedules (a fixed seed, so the same data gives the same fees)
        as many as SEARCH_BUDGET allows."""
        outcomes = [self.score(np.full(len(self.services), k)) for k in range(len(self.grid))]
        order = sorted(range(len(outcomes)), key=lambda k: outcomes[k].key(), reverse=True)[:3]
        starts = [np.full(len(self.services), k) for k in order]
        starts.append(np.argmax(self.fee_income, axis=1))
        size = len(self.services) * len(self.grid) * max(self.gain.shape[2], 1)
        generator = np.random.default_rng(0)
        starts += [
            generator.integers(0, len(self.grid), len(self.services)) for _ in range(min(RANDOM_STARTS, SEARCH_BUDGET // (8 * size)))
        ]
        return starts

    def _totals(self, idx: np.ndarray) -> tuple[float, np.ndarray]:
        rows = np.arange(len(self.services))
        return self.base_surplus + float(self.fee_income[rows, idx].sum()), self.base_difference + self.gain[rows, idx, :].sum(axis=0)

    def search(self, idx: np.ndarray, pairs: bool = False) -> Outcome:
        """Coordinate search: each service's fee moved to the best grid fee with the others held; with
        ``pairs`` (on small tables) also two services at once (one fee down, another up can keep a
        practice and the overheads covered where neither move alone does); until nothing improves."""
        idx = idx.copy()
        current = self.score(idx)
        pairs = pairs and len(self.services) ** 2 * len(self.grid) ** 2 * max(self.gain.shape[2], 1) <= PAIR_BUDGET
        for _ in range(MAX_PASSES):
            moved = False
            for s in range(len(self.services)):
                surplus, difference = self._totals(idx)
                k = self._best_fee(idx, s, surplus - self.fee_income[s, idx[s]], difference - self.gain[s, idx[s]])
                if k is not None and self._better(idx, s, k, current):
                    idx[s] = k
                    current, moved = self.score(idx), True
            if not moved and pairs:
                moved, current = self._pair_moves(idx, current)
            if not moved:
                break
        return current

    def _better(self, idx: np.ndarray, s: int, k: int, current: Outcome) -> bool:
        trial = idx.copy()
        trial[s] = k
        return self.score(trial).key() > current.key()

    def _best_fee(self, idx: np.ndarray, s: int, surplus_without: float, difference_without: np.ndarray) -> int | None:
        """The best grid fee for service s with every other fee held (lowest fee on ties)."""
        surplus = surplus_without + self.fee_income[s]
        difference = difference_without[None, :] + self.gain[s]
        others = np.delete(idx, s)
        top = np.maximum(self.grid, float(self.grid[others].max()) if len(others) else 0.0)
        fee_total = float(self.grid[others].sum()) + self.grid
        return _argbest(surplus, (difference > BETTER_OFF_GBP).sum(axis=1), difference.sum(axis=1), top, fee_total)

    def _pair_moves(self, idx: np.ndarray, current: Outcome) -> tuple[bool, Outcome]:
        """Every fee of service s with every fee of service t (all at once, as arrays), for every pair
        of services; the first pair whose best is an improvement is taken."""
        g = len(self.grid)
        for s in range(len(self.services)):
            for t in range(s + 1, len(self.services)):
                surplus, difference = self._totals(idx)
                surplus -= self.fee_income[s, idx[s]] + self.fee_income[t, idx[t]]
                difference = difference - self.gain[s, idx[s]] - self.gain[t, idx[t]]
                both = surplus + self.fee_income[s][:, None] + self.fee_income[t][None, :]
                gains = difference[None, None, :] + self.gain[s][:, None, :] + self.gain[t][None, :, :]
                others = np.delete(idx, [s, t])
                top_other = float(self.grid[others].max()) if len(others) else 0.0
                top = np.maximum(np.maximum.outer(self.grid, self.grid), top_other)
                fee_total = float(self.grid[others].sum()) + np.add.outer(self.grid, self.grid)
                best = _argbest(
                    both.ravel(), (gains > BETTER_OFF_GBP).sum(axis=2).ravel(), gains.sum(axis=2).ravel(), top.ravel(), fee_total.ravel()
                )
                trial = idx.copy()
                trial[s], trial[t] = divmod(best, g)
                outcome = self.score(trial)
                if outcome.key() > current.key():
                    idx[:] = trial
                    return True, outcome
        return False, current


def _argbest(surplus: np.ndarray, better: np.ndarray, difference: np.ndarray, top: np.ndarray, fee_total: np.ndarray) -> int:
    """The index of the best candidate by design_score.key, the lowest index on ties (vectorised)."""
    viable = surplus >= 0
    order = np.lexsort(
        (
            -np.arange(len(surplus)),
            -np.round(fee_total, 6),
            -top,
            np.round(difference, 2),
            better.astype(float),
            np.where(viable, 0.0, surplus),
            viable.astype(float),
        )
    )
    return int(order[-1])


def engine_table(model: Model, scenario: Scenario, services: list[str], grid: np.ndarray) -> Table:
    """The table from the engine: every grid fee for every service, as variants of a few passes."""
    index = {s: i for i, s in enumerate(services)}
    codes = list(model.dataset.practices["practice_code"])
    practice_index = pd.Series(range(len(codes)), index=codes)
    fee_income = np.zeros((len(services), len(grid)))
    gain = np.zeros((len(services), len(grid), len(codes)))
    base_surplus, base_difference, floor = [], [], []
    for start in range(0, len(grid), BATCH):
        chunk = list(range(start, min(start + BATCH, len(grid))))
        schedules = [dict.fromkeys(services, float(grid[k])) for k in chunk]
        for k, fees, results in zip(chunk, schedules, model.run_many([with_fees(scenario, f) for f in schedules]), strict=True):
            rows = results.rows
            mine = rows[rows["participates"].astype(bool) & rows["service"].isin(index)]
            s_idx = mine["service"].map(index).to_numpy(int)
            p_idx = practice_index.reindex(mine["practice_code"]).to_numpy(int)
            np.add.at(fee_income[:, k], s_idx, mine["management_fee_gbp"].to_numpy(float))
            np.add.at(gain[:, k, :], (s_idx, p_idx), mine["advantage_gbp"].to_numpy(float))
            difference = results.practices.set_index("practice_code")["difference_gbp"].reindex(codes).to_numpy(float)
            base_surplus.append(float(results.federation.surplus_gbp) - float(fee_income[:, k].sum()))
            base_difference.append(difference - gain[:, k, :].sum(axis=0))
            floor.append(outcome_of(results, fees))
    exact = bool(
        np.allclose(base_surplus, base_surplus[0], rtol=0, atol=CHECK_TOLERANCE_GBP)
        and all(np.allclose(d, base_difference[0], rtol=0, atol=CHECK_TOLERANCE_GBP) for d in base_difference)
    )
    return Table(services, grid, fee_income, gain, base_surplus[0], base_difference[0], exact, floor)


def fast_table(model: Model, scenario: Scenario, services: list[str], grid: np.ndarray) -> Table | None:
    """The table from the scenario's lines with participation worked in numpy (as finance.analysis.sweep does);
    None when its figures do not match the engine's at the lowest and the highest fee."""
    low, high = model.run_many(
        [with_fees(scenario, dict.fromkeys(services, float(grid[0]))), with_fees(scenario, dict.fromkeys(services, float(grid[-1])))]
    )
    lines = model.lines(with_fees(scenario, dict.fromkeys(services, 0.0)))
    pair_services = sorted(low.rows["service"].astype(str).unique())
    codes = list(model.dataset.practices["practice_code"])
    where = {c: i for i, c in enumerate(codes)}
    # lines number every practice from 0 in practice_code order (practice_ids.sql): map them to ``codes``.
    practice_map = np.array([where[c] for c in sorted(codes)], dtype=int)
    fee_income = np.zeros((len(services), len(grid)))
    gain = np.zeros((len(services), len(grid), len(codes)))
    rational = scenario.participation == "rational"
    slack = float(scenario.opt_out_tolerance_gbp) + LEAVING_SLACK_GBP
    service_id = lines["service_id"].to_numpy()
    for s, name in enumerate(services):
        if name not in pair_services:
            continue
        rows = service_id == pair_services.index(name)
        _fast_service(lines[rows], practice_map, grid, rational, slack, fee_income[s], gain[s])
    table = Table(services, grid, fee_income, gain, 0.0, np.zeros(len(codes)))
    # What no designed fee moves (other services, subscriptions, overheads) comes from the engine's run at the lowest fee.
    for results, k in ((low, 0), (high, len(grid) - 1)):
        difference = results.practices.set_index("practice_code")["difference_gbp"].reindex(codes).to_numpy(float)
        if k == 0:
            table.base_surplus = float(results.federation.surplus_gbp) - float(fee_income[:, 0].sum())
            table.base_difference = difference - gain[:, 0, :].sum(axis=0)
        predicted = table.score(np.full(len(services), k))
        if not same(outcome_of(results, predicted.fees), predicted) or not np.allclose(
            table.base_difference + gain[:, k, :].sum(axis=0), difference, rtol=0, atol=CHECK_TOLERANCE_GBP
        ):
            return None
    return table


def _fast_service(
    lines: pd.DataFrame, practice_map: np.ndarray, grid: np.ndarray, rational: bool, slack: float, income_out, gain_out
) -> None:
    """One service's fee income and practice gains at each grid fee; under "rational" the practices
    that stay at one fee start the next (a higher fee only makes practices leave)."""
    units = lines["units"].to_numpy(float)
    income = lines["income_gbp"].to_numpy(float)
    positive = np.maximum(income, 0.0)
    fixed = lines["federation_fixed_cost"].to_numpy(float)
    per_unit = lines["federation_cost_per_unit"].to_numpy(float)
    # MODEL.md: advantage = in-house cost - (1 + VAT) x (delivery cost + fee), the fee a percentage of
    # positive income plus any fee per unit; only the percentage moves with the grid.
    unit_fee = lines["fee_per_unit_gbp"].to_numpy(float) * units if "fee_per_unit_gbp" in lines else np.zeros(len(units))
    vat = 1.0 + (lines["vat_rate_pct"].to_numpy(float) / 100.0 if "vat_rate_pct" in lines else 0.0)
    inhouse = lines["inhouse_cost_gbp"].to_numpy(float)
    delivery = units * per_unit  # and the fixed cost's share, below
    practice = practice_map[lines["practice_id"].to_numpy()]
    staying = lines["eligible"].to_numpy(bool).copy()
    for k, fee_pct in enumerate(grid):
        fee = fee_pct / 100.0 * positive + unit_fee
        while True:
            advantage = inhouse - vat * (delivery + fixed * _share(units, positive, staying) + fee)
            leaving = staying & (advantage < -slack) if rational else np.zeros_like(staying)
            if not leaving.any():
                break
            staying &= ~leaving
        income_out[k] = float(fee[staying].sum())
        np.add.at(gain_out[k], practice[staying], advantage[staying])


def _share(units: np.ndarray, income: np.ndarray, staying: np.ndarray) -> np.ndarray:
    """Each participant's share of the fixed cost: by units, else positive income, else equally (quotes.sql)."""
    pool_units = float(units[staying].sum())
    if pool_units > 0:
        return units / pool_units
    pool_income = float(income[staying].sum())
    if pool_income > 0:
        return income / pool_income
    return np.full(units.shape, 1.0 / max(int(staying.sum()), 1))
