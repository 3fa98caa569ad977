"""The fee designer (MODEL.md "Fee designer"): per-service fees that cover the overheads and keep the most practices in.

``design_fees(model, scenario) -> Design``. The search is over fees on a 0.5-point grid from 0 to
``max_fee_pct`` for every federation-route service. Under fixed membership the services are
independent (MODEL.md), so the federation's surplus and each practice's difference are sums over
services of what each service does at its own fee: one pass of the engine with every service at
each grid fee ("variants") gives a table of (service, fee) -> fee income and each practice's gain,
and any schedule of fees can be scored from it. The floor is the best single fee for every service
(every variant of that pass); a coordinate search then moves one service's fee at a time while the
score improves. The chosen schedule is run through the engine again and that run is the answer, so
re-running the model with the fees gives exactly the federation block printed.

Where the table cannot be trusted (a scenario under which services are not independent, such as
members leaving the federation altogether), the table's check against the engine fails and every
move is scored by the engine itself.

At England scale the table is built from ``Model.lines`` with rational rounds worked in numpy (as
the fee sweep does), checked against the engine at two schedules; it falls back to the engine
table when the two disagree.

Worked example (MODEL.md): under "all" a fee of 7.5% covers the 3,000 of overheads exactly and
keeps B and C better off (A gains only below 5%); under "rational" nothing covers them (above 5%
everyone leaves), so the highest surplus is -1,000 at 5%.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from finance.errors import ScenarioError
from finance.format import gbp
from finance.model.engine import LEAVING_SLACK_GBP, FederationResult, Model, Results
from finance.model.scenario import Scenario, scenario_replace

DEFAULT_MAX_FEE_PCT = 30.0
GRID_STEP_PCT = 0.5
BETTER_OFF_GBP = 0.005  # "better off" is a difference above half a penny (Results.practices_better_off)
BATCH = 16  # variants per engine pass when the table is built by the engine (bounds memory)
MAX_PASSES = 50
# The fast table is used where the data is large; on small data the engine table is as quick.
FAST_TABLE_MIN_PAIRS = 20_000
# Table against engine: pounds may differ by float noise only.
CHECK_TOLERANCE_GBP = 0.01


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
        return _key(self.surplus_gbp, self.better_off, self.difference_total_gbp, self.top_fee_pct, sum(self.fees.values()))


def _key(surplus: float, better_off: int, difference: float, top_fee: float, fee_total: float) -> tuple[float, ...]:
    # Past MODEL.md's three criteria, the lowest sum of fees: a fee that changes nothing (a service
    # nobody takes up at any fee) is left at the lowest fee rather than wherever the search passed.
    viable = surplus >= 0
    return (1.0 if viable else 0.0, 0.0 if viable else surplus, float(better_off), round(difference, 2), -top_fee, -round(fee_total, 6))


@dataclass(frozen=True)
class Design:
    """The designed fees and the engine's run with them."""

    service_fee_pct: dict[str, float]
    results: Results
    floor: Outcome
    method: str  # "table" (decomposed search), "engine" (every move run by the engine)
    max_fee_pct: float

    @property
    def federation(self) -> FederationResult:
        return self.results.federation

    @property
    def viable(self) -> bool:
        return self.results.federation.viable

    @property
    def practices_better_off(self) -> int:
        return self.results.practices_better_off

    @property
    def practices(self) -> int:
        return len(self.results.practices)

    def to_json_dict(self) -> dict[str, Any]:
        """MODEL.md's document: service_fee_pct, viable, practices_better_off, practices, federation."""
        return {
            "service_fee_pct": dict(self.service_fee_pct),
            "viable": self.viable,
            "practices_better_off": self.practices_better_off,
            "practices": self.practices,
            "federation": self.federation.to_dict(),
        }

    def scenario(self) -> Scenario:
        """The scenario with the designed fees in place (what "use these fees" sets)."""
        return self.results.scenario


def federation_services(model: Model, scenario: Scenario) -> list[str]:
    """The catalogue's services the federation delivers at scale (route "federation", the default)."""
    routes = getattr(scenario, "service_route", None) or {}
    return [str(s) for s in model.dataset.services["service"] if routes.get(str(s), "federation") == "federation"]


def fee_grid(max_fee_pct: float, step: float = GRID_STEP_PCT) -> np.ndarray:
    """0, 0.5, ... up to max_fee_pct (and max_fee_pct itself when it is off the grid)."""
    if not 0 <= max_fee_pct <= 100:
        raise ScenarioError([f"the highest fee must be between 0 and 100 percent, not {max_fee_pct:g}"])
    grid = [round(k * step, 10) for k in range(int(np.floor(max_fee_pct / step + 1e-9)) + 1)]
    if grid[-1] < max_fee_pct:
        grid.append(float(max_fee_pct))
    return np.array(grid, dtype=float)


def with_fees(scenario: Scenario, fees: dict[str, float]) -> Scenario:
    """The scenario with these per-service fees (they win over one fee for every service)."""
    return scenario_replace(scenario, service_fee_pct={**dict(scenario.service_fee_pct), **{s: float(f) for s, f in fees.items()}})


def outcome_of(results: Results, fees: dict[str, float]) -> Outcome:
    return Outcome(
        dict(fees), float(results.federation.surplus_gbp), results.practices_better_off, float(results.practices["difference_gbp"].sum())
    )


def design_fees(model: Model, scenario: Scenario, max_fee_pct: float = DEFAULT_MAX_FEE_PCT) -> Design:
    """Per-service fees that cover the overheads and keep the most practices better off (module docstring)."""
    grid = fee_grid(max_fee_pct)
    services = federation_services(model, scenario)
    if not services:
        results = model.run(scenario)
        return Design({}, results, outcome_of(results, {}), "table", max_fee_pct)
    table = None
    if len(model.dataset.services) * len(model.dataset.practices) >= FAST_TABLE_MIN_PAIRS:
        table = _fast_table(model, scenario, services, grid)
    if table is None:
        table = _engine_table(model, scenario, services, grid)
    floor = table.floor()
    best = floor
    for start in table.starts():
        found = table.search(start)
        if found.key() > best.key():
            best = found
    results, floor_results = model.run_many([with_fees(scenario, best.fees), with_fees(scenario, floor.fees)])
    engine_best, engine_floor = outcome_of(results, best.fees), outcome_of(floor_results, floor.fees)
    method = "table"
    if not table.exact or not _same(engine_best, best):
        # The table did not predict the engine: score every move with the engine instead.
        method = "engine"
        start = engine_best if engine_best.key() >= engine_floor.key() else engine_floor
        refined, results = _engine_search(model, scenario, services, grid, start)
        engine_best = refined
        if engine_floor.key() > engine_best.key():
            engine_best, results = engine_floor, floor_results
    elif engine_floor.key() > engine_best.key():  # cannot happen when the table is exact; the floor is the promise
        engine_best, results = engine_floor, floor_results
    return Design(dict(engine_best.fees), results, engine_floor, method, float(max_fee_pct))


def _same(engine: Outcome, predicted: Outcome) -> bool:
    return (
        engine.better_off == predicted.better_off
        and abs(engine.surplus_gbp - predicted.surplus_gbp) <= CHECK_TOLERANCE_GBP
        and abs(engine.difference_total_gbp - predicted.difference_total_gbp) <= CHECK_TOLERANCE_GBP
    )


@dataclass
class _Table:
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
        """Where the coordinate search starts: the three best single fees, and each service at the
        fee that earns it most."""
        outcomes = [self.score(np.full(len(self.services), k)) for k in range(len(self.grid))]
        order = sorted(range(len(outcomes)), key=lambda k: outcomes[k].key(), reverse=True)[:3]
        starts = [np.full(len(self.services), k) for k in order]
        starts.append(np.argmax(self.fee_income, axis=1))
        return starts

    def search(self, idx: np.ndarray) -> Outcome:
        """Coordinate search: each service's fee moved to the best grid fee with the others held, until nothing improves."""
        idx = idx.copy()
        rows = np.arange(len(self.services))
        current = self.score(idx)
        for _ in range(MAX_PASSES):
            moved = False
            for s in range(len(self.services)):
                others = np.delete(idx, s)
                top_other = float(self.grid[others].max()) if len(others) else 0.0
                income = self.base_surplus + float(self.fee_income[rows, idx].sum()) - self.fee_income[s, idx[s]] + self.fee_income[s]
                difference = (self.base_difference + self.gain[rows, idx, :].sum(axis=0) - self.gain[s, idx[s]])[None, :] + self.gain[s]
                better = (difference > BETTER_OFF_GBP).sum(axis=1)
                totals = difference.sum(axis=1)
                fee_total = float(self.grid[others].sum())
                keys = [
                    _key(
                        float(income[k]),
                        int(better[k]),
                        float(totals[k]),
                        max(top_other, float(self.grid[k])),
                        fee_total + float(self.grid[k]),
                    )
                    for k in range(len(self.grid))
                ]
                k_best = max(range(len(self.grid)), key=lambda k: (keys[k], -k))
                if keys[k_best] > current.key():
                    idx[s] = k_best
                    current = self.score(idx)
                    moved = True
            if not moved:
                break
        return current


def _engine_table(model: Model, scenario: Scenario, services: list[str], grid: np.ndarray) -> _Table:
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
    return _Table(services, grid, fee_income, gain, base_surplus[0], base_difference[0], exact, floor)


def _fast_table(model: Model, scenario: Scenario, services: list[str], grid: np.ndarray) -> _Table | None:
    """The table from the scenario's lines with participation worked in numpy (as finance.analysis.sweep does);
    None when its figures do not match the engine's at the lowest and the highest fee."""
    low, high = model.run_many(
        [with_fees(scenario, dict.fromkeys(services, float(grid[0]))), with_fees(scenario, dict.fromkeys(services, float(grid[-1])))]
    )
    lines = model.lines(with_fees(scenario, dict.fromkeys(services, 0.0)))
    pair_services = sorted(low.rows["service"].astype(str).unique())
    pair_practices = sorted(low.rows["practice_code"].astype(str).unique())
    codes = list(model.dataset.practices["practice_code"])
    where = {c: i for i, c in enumerate(codes)}
    practice_map = np.array([where[c] for c in pair_practices], dtype=int)
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
    table = _Table(services, grid, fee_income, gain, 0.0, np.zeros(len(codes)))
    # What no designed fee moves (other services, subscriptions, overheads) comes from the engine's run at the lowest fee.
    for results, k in ((low, 0), (high, len(grid) - 1)):
        difference = results.practices.set_index("practice_code")["difference_gbp"].reindex(codes).to_numpy(float)
        if k == 0:
            table.base_surplus = float(results.federation.surplus_gbp) - float(fee_income[:, 0].sum())
            table.base_difference = difference - gain[:, 0, :].sum(axis=0)
        predicted = table.score(np.full(len(services), k))
        if not _same(outcome_of(results, predicted.fees), predicted) or not np.allclose(
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
    gap = lines["inhouse_cost_gbp"].to_numpy(float) - units * per_unit
    practice = practice_map[lines["practice_id"].to_numpy()]
    staying = lines["eligible"].to_numpy(bool).copy()
    for k, fee_pct in enumerate(grid):
        fee = fee_pct / 100.0 * positive
        while True:
            advantage = gap - fixed * _share(units, positive, staying) - fee
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


def _engine_search(model: Model, scenario: Scenario, services: list[str], grid: np.ndarray, start: Outcome) -> tuple[Outcome, Results]:
    """Coordinate search with every move run by the engine (each service's grid as variants of one pass)."""
    current = start
    results = model.run(with_fees(scenario, current.fees))
    for _ in range(2):
        moved = False
        for service in services:
            schedules = [{**current.fees, service: float(fee)} for fee in grid]
            for first in range(0, len(schedules), BATCH * 4):
                batch = schedules[first : first + BATCH * 4]
                for fees, run in zip(batch, model.run_many([with_fees(scenario, f) for f in batch]), strict=True):
                    outcome = outcome_of(run, fees)
                    if outcome.key() > current.key():
                        current, results, moved = outcome, run, True
        if not moved:
            break
    return current, results


@dataclass(frozen=True)
class ServiceStory:
    """One service under the designed fees: its fee, who it keeps and what it earns."""

    service: str
    fee_pct: float
    today_fee_pct: float | None
    participants: int
    practices: int
    fee_income_gbp: float
    leavers: tuple[str, ...]

    def sentence(self) -> str:
        change = ""
        if self.today_fee_pct is not None and abs(self.today_fee_pct - self.fee_pct) > 1e-9:
            change = f" (today {self.today_fee_pct:g}%)"
        kept = f"keeps {self.participants} of {self.practices} practices" if self.practices else "no practice has income or activity for it"
        left = f"; {', '.join(self.leavers)} would rather deliver it themselves" if self.leavers else ""
        return f"{self.service} at {self.fee_pct:g}%{change}: {kept} and earns {gbp(self.fee_income_gbp)} a year{left}."


def explain(design: Design, model: Model) -> list[ServiceStory]:
    """Service by service, what the designed fees do (for the app and the board pack)."""
    rows = design.results.rows
    catalogue = model.dataset.services.set_index("service")
    stories = []
    for service, fee in design.service_fee_pct.items():
        mine = rows[rows["service"] == service]
        eligible = mine[mine["eligible"].astype(bool)] if "eligible" in mine else mine
        taking_part = mine[mine["participates"].astype(bool)]
        today_fee = catalogue.loc[service, "management_fee_pct"] if "management_fee_pct" in catalogue else None
        stories.append(
            ServiceStory(
                service=service,
                fee_pct=float(fee),
                today_fee_pct=None if today_fee is None or pd.isna(today_fee) else float(today_fee),
                participants=len(taking_part),
                practices=len(eligible),
                fee_income_gbp=float(taking_part["management_fee_gbp"].sum()),
                leavers=tuple(sorted(set(eligible["practice_code"]) - set(taking_part["practice_code"]))),
            )
        )
    return stories


@dataclass(frozen=True)
class Affordability:
    """What overheads today's fees pay for, with the practices that would take part at those fees."""

    fee_income_gbp: float
    overheads_gbp: float

    @property
    def headroom_gbp(self) -> float:
        return self.fee_income_gbp - self.overheads_gbp

    def sentence(self) -> str:
        text = (
            f"At today's fees, with the practices that would take part, fees bring in {gbp(self.fee_income_gbp)} a year: "
            f"that is the most the federation can spend on its overheads. They are {gbp(self.overheads_gbp)}"
        )
        if round(self.headroom_gbp) >= 0:
            return text + f", so {gbp(self.headroom_gbp)} is to spare."
        return text + f", so {gbp(-self.headroom_gbp)} a year has to be cut or found elsewhere."


def affordable_overheads(model: Model, scenario: Scenario) -> Affordability:
    """The fee income at the scenario's fees (today's, unless it sets others) = the overheads it can afford."""
    federation = model.run(scenario).federation
    return Affordability(float(federation.fee_income_gbp), float(federation.overheads_gbp))
