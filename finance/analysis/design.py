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

The table is first built from ``Model.lines`` with rational rounds worked in numpy (as the fee
sweep does: 61 engine variants take 12 to 36 s at England scale), checked against the engine at the
lowest and highest fee; the engine builds it instead when the two disagree (a scenario the numpy
figures do not cover). Past the coordinate search from several starts, moves of two services at
once are tried where the table is small.

Worked example (MODEL.md): under "all" a fee of 7.5% covers the 3,000 of overheads exactly and
keeps B and C better off (A gains only below 5%); under "rational" nothing covers them (above 5%
everyone leaves), so the highest surplus is -1,000 at 5%.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from finance.analysis.design_score import Outcome, outcome_of, same, with_fees
from finance.analysis.design_table import engine_table, fast_table
from finance.errors import ScenarioError
from finance.format import gbp
from finance.model.engine import FederationResult, Model, Results
from finance.model.scenario import Scenario

__all__ = [
    "Affordability",
    "Design",
    "Outcome",
    "ServiceStory",
    "affordable_overheads",
    "design_fees",
    "explain",
    "federation_services",
    "fee_grid",
    "with_fees",
]

DEFAULT_MAX_FEE_PCT = 30.0
GRID_STEP_PCT = 0.5
ENGINE_SEARCH_BATCH = 64  # variants per engine pass when every move is run by the engine


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


def design_fees(model: Model, scenario: Scenario, max_fee_pct: float = DEFAULT_MAX_FEE_PCT) -> Design:
    """Per-service fees that cover the overheads and keep the most practices better off (module docstring)."""
    grid = fee_grid(max_fee_pct)
    services = federation_services(model, scenario)
    if not services:
        results = model.run(scenario)
        return Design({}, results, outcome_of(results, {}), "table", max_fee_pct)
    try:
        table = fast_table(model, scenario, services, grid)
    except KeyError:  # the lines lack a column the numpy table reads (the model has moved on): use the engine's
        table = None
    if table is None:
        table = engine_table(model, scenario, services, grid)
    floor = table.floor()
    best = floor
    for start in table.starts():
        found = table.search(start)
        if found.key() > best.key():
            best = found
    # Moves of two services at once, from the best schedule found (small tables only).
    idx = np.array([int(np.argmin(np.abs(grid - best.fees[s]))) for s in services])
    found = table.search(idx, pairs=True)
    if found.key() > best.key():
        best = found
    results, floor_results = model.run_many([with_fees(scenario, best.fees), with_fees(scenario, floor.fees)])
    engine_best, engine_floor = outcome_of(results, best.fees), outcome_of(floor_results, floor.fees)
    method = "table"
    if not table.exact or not same(engine_best, best):
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


def _engine_search(model: Model, scenario: Scenario, services: list[str], grid: np.ndarray, start: Outcome) -> tuple[Outcome, Results]:
    """Coordinate search with every move run by the engine (each service's grid as variants of one pass)."""
    current = start
    results = model.run(with_fees(scenario, current.fees))
    for _ in range(2):
        moved = False
        for service in services:
            schedules = [{**current.fees, service: float(fee)} for fee in grid]
            for first in range(0, len(schedules), ENGINE_SEARCH_BATCH):
                batch = schedules[first : first + ENGINE_SEARCH_BATCH]
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
