"""How sure the answer is (MODEL.md "Uncertainty"): triangular ranges drawn over the scenario, run as variants.

``uncertainty(model, scenario, ranges, draws=1000, seed=1) -> Uncertainty``. Each range is a
(low, likely, high) triangle for one numeric scenario parameter, named as in a scenario file
(``overhead_change_pct``) or, for a parameter that holds one number per stream or service, with a
dot (``income_change_pct.contract``, ``service_fee_pct.Phlebotomy``). A generator
``numpy.random.default_rng(seed)`` draws every range in the order given, all draws of one range at
a time (``Generator.triangular(low, likely, high, draws)``); a range with low = high takes no draws
from the generator and is that value in every draw. The draws run through the engine as variants
of a few passes (``Model.run_many``), so the same seed gives the same document.

Percentiles are numpy's default (linear between the two nearest draws); a practice is better off
in a draw when its difference is above half a penny, as everywhere else.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from finance.errors import ScenarioError
from finance.model.engine import Model
from finance.model.scenario import Scenario, scenario_replace

DEFAULT_DRAWS = 1000
DEFAULT_SEED = 1
MAX_DRAWS = 100_000
BATCH = 1000  # draws per engine pass: large enough to be quick...
BATCH_ROWS = 2_000_000  # ...and at most about this many (draw, practice, service) rows in one pass, to bound memory
BETTER_OFF_GBP = 0.005


@dataclass(frozen=True)
class Range:
    """A triangular range for one parameter: ``name`` is a parameter or ``parameter.key``."""

    name: str
    low: float
    likely: float
    high: float

    @property
    def parameter(self) -> str:
        return self.name.split(".", 1)[0]

    @property
    def key(self) -> str | None:
        return self.name.split(".", 1)[1] if "." in self.name else None

    def to_dict(self) -> dict[str, float]:
        return {"low": self.low, "likely": self.likely, "high": self.high}


def numeric_parameters() -> tuple[list[str], list[str]]:
    """The scenario's numeric parameters: (one number, one number per stream or service). Read from
    the Scenario's fields, so a parameter added to the model can be given a range at once."""
    single, keyed = [], []
    for f in fields(Scenario):
        kind = str(f.type)
        if "Mapping" in kind and "float" in kind:
            keyed.append(f.name)
        elif "float" in kind or kind == "int":
            single.append(f.name)
    return single, keyed


def parse_ranges(data: object, base: Scenario | None = None, where: str = "ranges") -> list[Range]:
    """Ranges from a JSON object, checked strictly: one problem a line, all of them at once."""
    base = base or Scenario()
    if not isinstance(data, Mapping):
        raise ScenarioError(
            [f'{where}: the ranges must be a JSON object such as {{"overhead_change_pct": {{"low": -5, "likely": 0, "high": 15}}}}']
        )
    single, keyed = numeric_parameters()
    problems: list[str] = []
    ranges: list[Range] = []
    for name, spec in data.items():
        name = str(name)
        head, _, key = name.partition(".")
        if (head in single and not key) or (head in keyed and key):
            pass
        elif head in keyed:
            problems.append(f"{where}: '{name}' needs a stream or service after a dot, such as '{head}.{_example_key(head)}'")
            continue
        else:
            known = ", ".join([*single, *(f"{k}.<name>" for k in keyed)])
            problems.append(f"{where}: unknown parameter '{name}' (numeric parameters: {known})")
            continue
        values = _triangle(name, spec, problems, where)
        if values is None:
            continue
        candidate = Range(name, *values)
        for end in (candidate.low, candidate.high):
            try:
                _checked(base, candidate, end)
            except ScenarioError as exc:
                problems += [f"{where}: {name}: {p}" for p in exc.problems]
                break
        ranges.append(candidate)
    if problems:
        raise ScenarioError(problems)
    return ranges


def _example_key(head: str) -> str:
    return "contract" if head == "income_change_pct" else "Phlebotomy"


def _triangle(name: str, spec: object, problems: list[str], where: str) -> tuple[float, float, float] | None:
    if not isinstance(spec, Mapping):
        problems.append(f'{where}: {name} must be an object {{"low": ..., "likely": ..., "high": ...}}')
        return None
    extra = [k for k in spec if k not in ("low", "likely", "high")]
    if extra:
        problems.append(f"{where}: {name}: unknown key{'s' if len(extra) > 1 else ''} {', '.join(map(str, extra))} (use low, likely, high)")
    values = []
    for part in ("low", "likely", "high"):
        value = spec.get(part)
        if part not in spec:
            problems.append(f"{where}: {name}: {part} is missing")
        elif isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
            problems.append(f"{where}: {name}: {part} must be a number, not {json.dumps(value)}")
        else:
            values.append(float(value))
    if len(values) != 3 or extra:
        return None
    low, likely, high = values
    if low > likely:
        problems.append(f"{where}: {name}: low ({low:g}) must not be above likely ({likely:g})")
    if likely > high:
        problems.append(f"{where}: {name}: likely ({likely:g}) must not be above high ({high:g})")
    if low > likely or likely > high:
        return None
    return low, likely, high


def _checked(base: Scenario, rng: Range, value: float) -> Scenario:
    """The scenario with one range at one value, checked like a scenario file (bounds, streams)."""
    data = base.to_dict()
    if rng.key is None:
        data[rng.parameter] = value
    else:
        data[rng.parameter] = {**dict(data.get(rng.parameter) or {}), rng.key: value}
    return Scenario.from_dict(data)


def load_ranges(path: str | Path, base: Scenario | None = None) -> list[Range]:
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except OSError as exc:
        raise ScenarioError([f"{path}: the ranges file could not be read ({exc.strerror})"]) from None
    except UnicodeDecodeError:
        raise ScenarioError([f"{path}: the ranges file is not UTF-8 text"]) from None
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ScenarioError([f"{path.name}: not valid JSON (line {exc.lineno}, column {exc.colno}: {exc.msg})"]) from None
    return parse_ranges(data, base, where=path.name)


def draw_values(ranges: Sequence[Range], draws: int, seed: int) -> dict[str, np.ndarray]:
    """Every range's draws, in the order given (module docstring)."""
    generator = np.random.default_rng(seed)
    values = {}
    for r in ranges:
        if r.low == r.high:
            values[r.name] = np.full(draws, r.likely)
        else:
            values[r.name] = generator.triangular(r.low, r.likely, r.high, draws)
    return values


def lay_over(base: Scenario, values: Mapping[str, float]) -> Scenario:
    """The scenario with drawn values in place (already checked: every draw lies between two checked ends)."""
    changes: dict[str, Any] = {}
    for name, value in values.items():
        head, _, key = name.partition(".")
        if key:
            current = changes.get(head, dict(getattr(base, head) or {}))
            changes[head] = {**current, key: float(value)}
        else:
            changes[head] = float(value)
    return scenario_replace(base, **changes)


@dataclass(frozen=True)
class Uncertainty:
    """The draws' results: surplus per draw, and each practice's difference per draw."""

    draws: int
    seed: int
    ranges: tuple[Range, ...]
    values: dict[str, np.ndarray]
    surplus_gbp: np.ndarray  # (draws,)
    practice_codes: tuple[str, ...]
    practice_names: tuple[str, ...]
    differences_gbp: np.ndarray  # (practices, draws)

    @property
    def p_viable(self) -> float:
        return float((self.surplus_gbp >= 0).mean()) if self.draws else 0.0

    def surplus_percentiles(self) -> dict[str, float]:
        p10, p50, p90 = np.percentile(self.surplus_gbp, [10, 50, 90])
        return {"p10": float(p10), "p50": float(p50), "p90": float(p90), "mean": float(self.surplus_gbp.mean())}

    def practices_frame(self) -> pd.DataFrame:
        """One row per practice: practice_code, practice_name, p_better_off, p10, p50, p90 of the difference."""
        if not len(self.practice_codes):
            return pd.DataFrame(columns=["practice_code", "practice_name", "p_better_off", "p10", "p50", "p90"])
        p10, p50, p90 = np.percentile(self.differences_gbp, [10, 50, 90], axis=1)
        return pd.DataFrame(
            {
                "practice_code": list(self.practice_codes),
                "practice_name": list(self.practice_names),
                "p_better_off": (self.differences_gbp > BETTER_OFF_GBP).mean(axis=1),
                "p10": p10,
                "p50": p50,
                "p90": p90,
            }
        )

    def to_json_dict(self) -> dict[str, Any]:
        """MODEL.md's document."""
        frame = self.practices_frame()
        return {
            "draws": self.draws,
            "seed": self.seed,
            "p_viable": self.p_viable,
            "surplus_gbp": self.surplus_percentiles(),
            "practices": [
                {
                    "practice_code": row.practice_code,
                    "p_better_off": float(row.p_better_off),
                    "difference_gbp": {"p10": float(row.p10), "p50": float(row.p50), "p90": float(row.p90)},
                }
                for row in frame.itertuples(index=False)
            ],
        }


def uncertainty(
    model: Model, scenario: Scenario, ranges: Sequence[Range], draws: int = DEFAULT_DRAWS, seed: int = DEFAULT_SEED
) -> Uncertainty:
    """Draw every range, run each draw over the scenario, and gather the surplus and each practice's difference."""
    if not 1 <= draws <= MAX_DRAWS:
        raise ScenarioError([f"draws must be a whole number from 1 to {MAX_DRAWS:,}, not {draws}"])
    if seed < 0:
        raise ScenarioError([f"the seed must be a whole number 0 or more, not {seed}"])
    values = draw_values(ranges, draws, seed)
    surplus = np.zeros(draws)
    practices = model.dataset.practices.sort_values("practice_code")  # the order of the run's practices
    codes = tuple(str(c) for c in practices["practice_code"])
    names = tuple(str(n) for n in practices["practice_name"]) if "practice_name" in practices else codes
    differences = np.zeros((len(codes), draws))
    position = pd.Series(range(len(codes)), index=codes)
    batch = max(1, min(BATCH, BATCH_ROWS // max(len(codes) * len(model.dataset.services), 1)))
    for start in range(0, draws, batch):
        chunk = np.arange(start, min(start + batch, draws))
        scenarios = [lay_over(scenario, {name: v[d] for name, v in values.items()}) for d in chunk]
        summary, results = model.headlines(scenarios)
        surplus[chunk] = summary.sort_values("variant")["surplus_gbp"].to_numpy(float)
        rows = position.reindex(results["practice_code"]).to_numpy(int)
        differences[rows, chunk[results["variant"].to_numpy(int)]] = results["difference_gbp"].to_numpy(float)
    return Uncertainty(draws, seed, tuple(ranges), values, surplus, codes, names, differences)


# The assumptions a director is usually unsure of, with a starting range for the app.
SUGGESTED_RANGES = (
    Range("income_change_pct.contract", -2.0, 0.0, 3.0),
    Range("income_change_pct.pcn_des", -10.0, 0.0, 5.0),
    Range("activity_change_pct", -5.0, 0.0, 5.0),
    Range("inhouse_cost_change_pct", -3.0, 0.0, 6.0),
    Range("federation_cost_change_pct", -3.0, 0.0, 6.0),
    Range("overhead_change_pct", -5.0, 0.0, 15.0),
)
