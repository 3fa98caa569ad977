"""The multi-year plan (MODEL.md "Multi-year plan"): the scenario carried forward year by year, with reserves.

``run_plan(model, scenario, plan) -> PlanResult``. Year 1 is the scenario itself; year k multiplies
each of the scenario's factors (1 + pct/100) by the product of (1 + pct/100) over years 2..k, so a
scenario's contract income +2% and a year 2 of +3.6% make 1.02 x 1.036. Each year is a separate
run (a variant of one engine pass), so participation and membership settle afresh each year.
Reserves are the opening reserves plus the surplus to date.

The year practices start to leave: the first year after the first in which fewer (practice,
service) pairs use the federation than in year 1, or fewer practices are members of it.

The defaults for 2025/26 to 2027/28 (DOMAIN.md section 7) are shipped in plan_defaults.json with
a note and source for every figure.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from finance.errors import ScenarioError
from finance.ingest.tables import STREAMS
from finance.model.engine import Model, Results
from finance.model.scenario import CHANGE_PARAMETERS, Scenario, scenario_replace

DEFAULTS_FILE = Path(__file__).with_name("plan_defaults.json")
PLAN_KEYS = ("first_year", "opening_reserves_gbp", "years")
YEAR_KEYS = ("income_change_pct", *CHANGE_PARAMETERS)
DEFAULT_FIRST_YEAR = "2025/26"
_YEAR = re.compile(r"^(\d{4})/(\d{2})$")


@dataclass(frozen=True)
class YearChange:
    """One year's change from the year before, in percent."""

    income_change_pct: dict[str, float] = field(default_factory=lambda: dict.fromkeys(STREAMS, 0.0))
    activity_change_pct: float = 0.0
    inhouse_cost_change_pct: float = 0.0
    federation_cost_change_pct: float = 0.0
    overhead_change_pct: float = 0.0

    def to_dict(self) -> dict[str, Any]:
        return {"income_change_pct": dict(self.income_change_pct), **{name: getattr(self, name) for name in CHANGE_PARAMETERS}}


@dataclass(frozen=True)
class Plan:
    first_year: str = DEFAULT_FIRST_YEAR
    opening_reserves_gbp: float = 0.0
    years: tuple[YearChange, ...] = ()

    def labels(self) -> list[str]:
        return [year_label(self.first_year, k) for k in range(len(self.years) + 1)]

    def to_dict(self) -> dict[str, Any]:
        return {
            "first_year": self.first_year,
            "opening_reserves_gbp": self.opening_reserves_gbp,
            "years": [y.to_dict() for y in self.years],
        }


def year_label(first_year: str, offset: int) -> str:
    """'2025/26' moved on ``offset`` years: year_label('2025/26', 2) == '2027/28'; '2099/00' follows '2098/99'."""
    match = _YEAR.match(first_year)
    if not match:
        raise ScenarioError([f'first_year must be a financial year such as "2025/26", not {json.dumps(first_year)}'])
    start = int(match.group(1)) + offset
    return f"{start}/{(start + 1) % 100:02d}"


def parse_plan(data: object, where: str = "plan") -> Plan:
    """A plan from a JSON object, checked strictly (unknown keys and wrong types are errors, one a line)."""
    if not isinstance(data, Mapping):
        raise ScenarioError(
            [f'{where}: a plan must be a JSON object such as {{"first_year": "2025/26", "opening_reserves_gbp": 0, "years": [...]}}']
        )
    problems = [f"{where}: unknown key '{k}' (known: {', '.join(PLAN_KEYS)})" for k in data if k not in PLAN_KEYS]
    first_year = data.get("first_year", DEFAULT_FIRST_YEAR)
    match = _YEAR.match(first_year) if isinstance(first_year, str) else None
    if not match or (int(match.group(1)) + 1) % 100 != int(match.group(2)):
        problems.append(f'{where}: first_year must be a financial year such as "2025/26", not {json.dumps(first_year)}')
    reserves = data.get("opening_reserves_gbp", 0.0)
    if not _is_number(reserves):
        problems.append(f"{where}: opening_reserves_gbp must be a number of pounds, not {json.dumps(reserves)}")
        reserves = 0.0
    years_data = data.get("years", [])
    years: list[YearChange] = []
    if not isinstance(years_data, list):
        problems.append(f"{where}: years must be a list of the changes from one year to the next")
        years_data = []
    for k, year in enumerate(years_data, start=2):
        years.append(_year_change(year, f"{where}: year {k}", problems))
    if problems:
        raise ScenarioError(problems)
    return Plan(first_year, float(reserves), tuple(years))


def _is_number(value: object) -> bool:
    return not isinstance(value, bool) and isinstance(value, (int, float)) and math.isfinite(value)


def _pct(value: object, name: str, problems: list[str]) -> float:
    if not _is_number(value):
        problems.append(f"{name} must be a number (percent), not {json.dumps(value)}")
        return 0.0
    if value < -100:
        problems.append(f"{name} must be -100 or more, not {value:g}")
    return float(value)


def _year_change(year: object, where: str, problems: list[str]) -> YearChange:
    if not isinstance(year, Mapping):
        problems.append(f'{where} must be an object of changes such as {{"overhead_change_pct": 3.3}}')
        return YearChange()
    problems += [f"{where}: unknown key '{k}' (known: {', '.join(YEAR_KEYS)})" for k in year if k not in YEAR_KEYS]
    income = dict.fromkeys(STREAMS, 0.0)
    if "income_change_pct" in year:
        streams = year["income_change_pct"]
        if not isinstance(streams, Mapping):
            problems.append(f'{where}: income_change_pct must be an object such as {{"contract": 3.6}}')
        else:
            for stream, pct in streams.items():
                if stream not in STREAMS:
                    problems.append(f"{where}: income_change_pct: unknown stream '{stream}' (streams: {', '.join(STREAMS)})")
                else:
                    income[stream] = _pct(pct, f"{where}: income_change_pct.{stream}", problems)
    changes = {name: _pct(year[name], f"{where}: {name}", problems) for name in CHANGE_PARAMETERS if name in year}
    return YearChange(income, **changes)


def load_plan(path: str | Path) -> Plan:
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except OSError as exc:
        raise ScenarioError([f"{path}: the plan file could not be read ({exc.strerror})"]) from None
    except UnicodeDecodeError:
        raise ScenarioError([f"{path}: the plan file is not UTF-8 text"]) from None
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ScenarioError([f"{path.name}: not valid JSON (line {exc.lineno}, column {exc.colno}: {exc.msg})"]) from None
    return parse_plan(data, where=path.name)


def default_plan() -> Plan:
    """The shipped 2025/26 to 2027/28 plan (plan_defaults.json)."""
    return parse_plan(json.loads(DEFAULTS_FILE.read_text(encoding="utf-8"))["plan"], where=DEFAULTS_FILE.name)


def default_notes() -> dict[str, Any]:
    """The shipped plan's note and source for every figure, by year."""
    shipped = json.loads(DEFAULTS_FILE.read_text(encoding="utf-8"))
    return {"notes": shipped["notes"], "sources": shipped["sources"], "title": shipped["title"]}


def year_scenarios(scenario: Scenario, plan: Plan) -> list[Scenario]:
    """Year 1 is the scenario; each later year compounds its changes onto the factors of the year before."""
    factors = {f"income.{s}": scenario.income_factor(s) for s in STREAMS}
    factors.update({name: 1 + getattr(scenario, name) / 100 for name in CHANGE_PARAMETERS})
    scenarios = [scenario]
    for year in plan.years:
        for s in STREAMS:
            factors[f"income.{s}"] *= 1 + year.income_change_pct.get(s, 0.0) / 100
        for name in CHANGE_PARAMETERS:
            factors[name] *= 1 + getattr(year, name) / 100
        scenarios.append(
            scenario_replace(
                scenario,
                income_change_pct={s: (factors[f"income.{s}"] - 1) * 100 for s in STREAMS},
                **{name: (factors[name] - 1) * 100 for name in CHANGE_PARAMETERS},
            )
        )
    return scenarios


@dataclass(frozen=True)
class PlanYear:
    year: str
    results: Results
    reserves_gbp: float

    @property
    def participations(self) -> int:
        return int(self.results.rows["participates"].astype(bool).sum())

    @property
    def members(self) -> int:
        """Members at the end of the year (issue 11's `member` column), else federation members in the data."""
        practices = self.results.practices
        column = "member" if "member" in practices else "federation_member"
        return int(practices[column].fillna(False).astype(bool).sum()) if column in practices else len(practices)

    def to_json_dict(self) -> dict[str, Any]:
        return {
            "year": self.year,
            "federation": self.results.federation.to_dict(),
            "practices_better_off": self.results.practices_better_off,
            "reserves_gbp": self.reserves_gbp,
        }


@dataclass(frozen=True)
class PlanResult:
    plan: Plan
    years: tuple[PlanYear, ...]

    def to_json_dict(self) -> dict[str, Any]:
        """MODEL.md's document."""
        return {"years": [y.to_json_dict() for y in self.years]}

    @property
    def leaving_year(self) -> str | None:
        """The first year with fewer practice-service pairs using the federation, or fewer members, than year 1."""
        first = self.years[0]
        for year in self.years[1:]:
            if year.participations < first.participations or year.members < first.members:
                return year.year
        return None

    @property
    def fewer_better_off_year(self) -> str | None:
        first = self.years[0].results.practices_better_off
        return next((y.year for y in self.years[1:] if y.results.practices_better_off < first), None)

    def sentences(self) -> list[str]:
        """The plan in words for the board."""
        from finance.format import gbp

        last = self.years[-1]
        words = [
            f"{y.year}: {'surplus' if y.results.federation.surplus_gbp >= 0 else 'loss'} of {gbp(abs(y.results.federation.surplus_gbp))}, "
            f"reserves {gbp(y.reserves_gbp)}, {y.results.practices_better_off} of {len(y.results.practices)} practices better off."
            for y in self.years
        ]
        if self.leaving_year:
            words.append(
                f"Practices start to leave in {self.leaving_year}: fewer practices use federation services (or stay members) than in {self.years[0].year}."
            )
        else:
            words.append(f"No practice leaves a federation service over the plan (to {last.year}).")
        if self.fewer_better_off_year:
            words.append(f"Fewer practices are better off with the federation from {self.fewer_better_off_year}.")
        return words


def run_plan(model: Model, scenario: Scenario, plan: Plan) -> PlanResult:
    """Every year as a variant of one engine pass; reserves carried forward."""
    scenarios = year_scenarios(scenario, plan)
    results = model.run_many(scenarios)
    reserves = plan.opening_reserves_gbp
    years = []
    for label, result in zip(plan.labels(), results, strict=True):
        reserves += result.federation.surplus_gbp
        years.append(PlanYear(label, result, reserves))
    return PlanResult(plan, tuple(years))


def plan_options(result: PlanResult) -> Sequence[tuple[str, Scenario]]:
    """Each plan year as an option for the Options comparison ("Plan 2026/27")."""
    return [(f"Plan {y.year}", y.results.scenario) for y in result.years]
