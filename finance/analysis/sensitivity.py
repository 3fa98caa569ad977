"""How much the answer depends on each assumption: a tornado table, and break-even values.

``tornado(model, scenario)`` moves each parameter down and up by a step and reports the federation
surplus (and, for one practice, its result with the federation) at both ends, largest swing first.
A change parameter (income, activity, costs, overheads) moves from c to c - step and c + step, so
the quantity it scales moves by ``step_pct`` percent of the data. The management fee moves by
``step_pct`` percent *of itself* (8% -> 7.2% and 8.8% with the default 10), so that every bar
answers the same question, "what if this were 10% lower or higher?"; pass ``fee_step_points`` to
move it by percentage points instead. When the scenario has no single fee, every service's fee
(its scenario override, else the catalogue's) moves the same way, through ``service_fee_pct``. The
opt-out tolerance is included under rational participation when it is above £0, moved by
``step_pct`` percent of itself.

``breakeven(model, scenario, parameter)`` finds the value of one parameter at which the federation
surplus crosses zero: a grid of points over the parameter's range (one ``run_many`` pass), then a
search inside each grid step where the sign changes, to 0.01 percentage point (a few more passes),
each pass through ``Model.summaries`` (the headline only).
Under rational participation the surplus is a step function of the parameter (practices leave at
thresholds) and need not be monotone: every crossing found is listed, and the one reported is the
nearest to the scenario's own value. The value reported is the side where the surplus is
non-negative (at least -£0.005, i.e. £0 to the penny); 0.01 beyond it the surplus is negative.

Worked example (MODEL.md, 'all'): the one fee at which the federation breaks even is 7.5%, where
fee income 0.075 x £40,000 = £3,000 = overheads.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, replace
from itertools import pairwise

import numpy as np
import pandas as pd

from finance.analysis.sweep import DEFAULT_FEES, fee_sweep
from finance.errors import ScenarioError
from finance.format import gbp
from finance.ingest.tables import STREAMS
from finance.model.engine import Model, Results
from finance.model.scenario import Scenario, scenario_replace

PENNY = 0.005  # a surplus of at least -£0.005 is £0 to the penny: the federation breaks even
LATTICE = 100  # break-even values are found on a grid of 1/100 percentage point
GRID_POINTS = 41  # the first pass over the parameter's range
REFINE_POINTS = 15  # points tried inside each bracketing step per pass

STREAM_LABELS = {"contract": "Contract income", "pcn_des": "PCN DES income", "federation": "Federation service income"}
LABELS = {
    **{f"income_change_pct.{s}": STREAM_LABELS.get(s, f"{s} income") for s in STREAMS},
    "activity_change_pct": "Activity",
    "inhouse_cost_change_pct": "Practices' in-house costs",
    "federation_cost_change_pct": "Federation delivery costs",
    "overhead_change_pct": "Federation overheads",
    "management_fee_pct": "Management fee",
    "opt_out_tolerance_gbp": "Opt-out tolerance",
}
BREAKEVEN_RANGES = {
    "management_fee_pct": (0.0, 100.0),
    **{key: (-100.0, 100.0) for key in LABELS if key not in ("management_fee_pct", "opt_out_tolerance_gbp")},
}


def tornado(
    model: Model, scenario: Scenario, step_pct: float = 10.0, practice_code: str | None = None, *, fee_step_points: float | None = None
) -> pd.DataFrame:
    """One row per parameter moved down and up by the step, largest swing first.

    Columns: parameter, label, low_label, high_label, surplus_low_gbp, surplus_high_gbp,
    surplus_base_gbp, swing_gbp; with ``practice_code`` also practice_low_gbp, practice_high_gbp,
    practice_base_gbp, practice_swing_gbp (its result with the federation) and gain_low_gbp,
    gain_high_gbp, gain_base_gbp, gain_swing_gbp (its gain from the federation: result with the
    federation minus all in-house, difference_gbp), and the rows are ordered by the gain's swing:
    what moves the practice's case for the federation, not its whole result (which contract
    income dominates).
    "low" and "high" are the parameter moved down and up, not the lower and higher surplus. A swing
    is the spread of the three results (down, base, up).
    """
    if step_pct <= 0:
        raise ScenarioError([f"the step must be more than 0%, not {step_pct:g}%"])
    if practice_code is not None and practice_code not in set(model.dataset.practices["practice_code"]):
        raise ScenarioError([f"practice '{practice_code}' is not in the data"])
    moves = _tornado_moves(model, scenario, step_pct, fee_step_points)
    scenarios = [scenario] + [s for move in moves for s in (move.low, move.high)]
    if practice_code is None:  # the headline is all that is needed: the model's fast path
        surplus = model.summaries(scenarios)["surplus_gbp"].tolist()
        practice: list[float] = []
    else:
        runs = model.run_many(scenarios)
        surplus = [r.federation.surplus_gbp for r in runs]
        practice = [_practice_result(r, practice_code) for r in runs]
        gain = [_practice_result(r, practice_code, "difference_gbp") for r in runs]
    rows = []
    for i, move in enumerate(moves):
        low, high = 2 * i + 1, 2 * i + 2
        row = {
            "parameter": move.parameter,
            "label": LABELS[move.parameter],
            "low_label": move.low_label,
            "high_label": move.high_label,
            "surplus_low_gbp": surplus[low],
            "surplus_high_gbp": surplus[high],
            "surplus_base_gbp": surplus[0],
        }
        row["swing_gbp"] = _spread(surplus[low], surplus[high], surplus[0])
        if practice_code is not None:
            row["practice_low_gbp"], row["practice_high_gbp"], row["practice_base_gbp"] = practice[low], practice[high], practice[0]
            row["practice_swing_gbp"] = _spread(practice[low], practice[high], practice[0])
            row["gain_low_gbp"], row["gain_high_gbp"], row["gain_base_gbp"] = gain[low], gain[high], gain[0]
            row["gain_swing_gbp"] = _spread(gain[low], gain[high], gain[0])
        rows.append(row)
    frame = pd.DataFrame(rows)
    order = "gain_swing_gbp" if practice_code is not None else "swing_gbp"
    # Swings are compared to the penny: float noise (1e-10) must not reorder equal bars.
    ranked = frame.assign(_pennies=frame[order].round(2)).sort_values("_pennies", ascending=False, kind="stable")
    return ranked.drop(columns="_pennies").reset_index(drop=True)


@dataclass(frozen=True)
class Breakeven:
    """Where the federation surplus crosses zero as one parameter moves over [low, high].

    value: the break-even value (None when the surplus does not cross zero in the range), on the
        side where the surplus is non-negative; ``beyond`` is 0.01 further, where it is negative.
    rising: True when the surplus is non-negative at ``value`` and negative just below it (it turns
        non-negative as the parameter rises), False when negative just above it.
    crossings: every break-even value found, lowest first.
    """

    parameter: str
    label: str
    low: float
    high: float
    current_value: float | None
    current_surplus_gbp: float
    value: float | None
    surplus_at_value_gbp: float | None
    beyond: float | None
    surplus_beyond_gbp: float | None
    rising: bool | None
    crossings: tuple[float, ...]
    best_value: float
    best_surplus_gbp: float
    message: str


def breakeven(
    model: Model,
    scenario: Scenario,
    parameter: str,
    *,
    low: float | None = None,
    high: float | None = None,
    current_surplus_gbp: float | None = None,
    lines: pd.DataFrame | None = None,
) -> Breakeven:
    """The value of ``parameter`` at which the federation surplus crosses zero (see the module notes).

    parameter: "management_fee_pct" (one fee for every service: per-service fees are set aside),
    "federation_cost_change_pct", "activity_change_pct", "inhouse_cost_change_pct",
    "overhead_change_pct" or "income_change_pct.<stream>". The range defaults to 0-100% for the fee
    and -100% to +100% for a change. ``current_surplus_gbp``: the scenario's own surplus when the
    caller has it (the pages do), which saves a pass of the model; ``lines``: for the fee, the
    scenario's Model.lines with the fee set aside, when the caller has them (the fee sweep's).
    """
    if parameter not in BREAKEVEN_RANGES:
        raise ScenarioError([f"no break-even for '{parameter}': choose one of {', '.join(BREAKEVEN_RANGES)}"])
    default_low, default_high = BREAKEVEN_RANGES[parameter]
    low = default_low if low is None else max(float(low), default_low)
    high = default_high if high is None else float(high)
    if parameter == "management_fee_pct":
        high = min(high, 100.0)
    low_k, high_k = math.ceil(round(low * LATTICE, 6)), math.floor(round(high * LATTICE, 6))
    if low_k >= high_k:
        raise ScenarioError([f"the range for {LABELS[parameter].lower()} is empty: {low:g} to {high:g}"])
    setter = _setter(parameter)
    current = _current_value(scenario, parameter)

    surplus: dict[int, float] = {}
    fee_lines = None
    if parameter == "management_fee_pct":
        fee_lines = lines if lines is not None else model.lines(scenario.with_changes(management_fee_pct=None, service_fee_pct={}))

    def evaluate(ks: list[int], *also: Scenario) -> list[float]:
        """Surplus at each new lattice point (and for ``also``), all in one pass of the model."""
        todo = sorted(set(ks) - set(surplus))
        if fee_lines is not None:
            # One fee for every service: the fee sweep's fast path, which gives the model's figures fee
            # by fee (tests/finance/analysis/test_sweep.py) without a pass of the SQL model per search step.
            found = model.summaries(list(also))["surplus_gbp"].tolist() if also else []
            swept = fee_sweep(model, scenario, [k / LATTICE for k in todo], lines=fee_lines).points["surplus_gbp"].tolist() if todo else []
            found += swept
        else:
            found = model.summaries([*also, *(setter(scenario, k / LATTICE) for k in todo)])["surplus_gbp"].tolist()
        surplus.update(zip(todo, found[len(also) :], strict=True))
        return found[: len(also)]

    grid = [int(k) for k in np.unique(np.round(np.linspace(low_k, high_k, GRID_POINTS)))]
    if parameter == "management_fee_pct":
        # Every whole percent the fee sweep tries too (0% to 40%): the best fee found when none breaks
        # even is then the sweep's best, and the Overview and the Sensitivity page give one answer.
        sweep_high = min(high_k, round(max(DEFAULT_FEES) * LATTICE))
        grid = sorted({*grid, *range(math.ceil(low_k / LATTICE) * LATTICE, sweep_high + 1, LATTICE)})
    if current is not None and low <= current <= high:
        grid.append(round(current * LATTICE))
    if current_surplus_gbp is None:
        (current_surplus,) = evaluate(grid, scenario)
    else:
        evaluate(grid)
        current_surplus = float(current_surplus_gbp)
    brackets = _brackets(sorted(surplus), surplus)
    while any(b - a > 1 for a, b in brackets):
        inner = []
        for a, b in brackets:
            if b - a > 1:
                inner += [int(k) for k in np.unique(np.round(np.linspace(a, b, REFINE_POINTS + 2)))[1:-1]]
        evaluate(inner)
        brackets = [_brackets([k for k in sorted(surplus) if a <= k <= b], surplus)[0] for a, b in brackets]
    crossings = [(b, True) if _ok(surplus[b]) else (a, False) for a, b in brackets]
    best_k = max(sorted(surplus), key=lambda k: round(surplus[k], 2))  # to the penny; the lowest value on ties
    found = dict(
        parameter=parameter,
        label=LABELS[parameter],
        low=low_k / LATTICE,
        high=high_k / LATTICE,
        current_value=current,
        current_surplus_gbp=current_surplus,
        crossings=tuple(k / LATTICE for k, _ in crossings),
        best_value=best_k / LATTICE,
        best_surplus_gbp=surplus[best_k],
    )
    if not crossings:
        return Breakeven(
            **found,
            value=None,
            surplus_at_value_gbp=None,
            beyond=None,
            surplus_beyond_gbp=None,
            rising=None,
            message=_none_message(found, surplus),
        )
    anchor = current if current is not None else low
    k, rising = min(crossings, key=lambda c: (abs(c[0] / LATTICE - anchor), c[0]))
    beyond_k = k - 1 if rising else k + 1
    result = Breakeven(
        **found,
        value=k / LATTICE,
        surplus_at_value_gbp=surplus[k],
        beyond=beyond_k / LATTICE,
        surplus_beyond_gbp=surplus[beyond_k],
        rising=rising,
        message="",
    )
    return _with_message(result)


@dataclass(frozen=True)
class _Move:
    parameter: str
    low: Scenario
    high: Scenario
    low_label: str
    high_label: str


def _tornado_moves(model: Model, scenario: Scenario, step: float, fee_step_points: float | None) -> list[_Move]:
    moves = []
    for stream in STREAMS:
        current = float(scenario.income_change_pct.get(stream, 0.0))
        down, up = max(current - step, -100.0), current + step
        changes = dict(scenario.income_change_pct)
        moves.append(
            _Move(
                f"income_change_pct.{stream}",
                scenario_replace(scenario, income_change_pct={**changes, stream: down}),
                scenario_replace(scenario, income_change_pct={**changes, stream: up}),
                f"{down:+g}%",
                f"{up:+g}%",
            )
        )
    for name in ("activity_change_pct", "inhouse_cost_change_pct", "federation_cost_change_pct", "overhead_change_pct"):
        current = float(getattr(scenario, name))
        down, up = max(current - step, -100.0), current + step
        moves.append(
            _Move(name, scenario_replace(scenario, **{name: down}), scenario_replace(scenario, **{name: up}), f"{down:+g}%", f"{up:+g}%")
        )
    moves.append(_fee_move(model, scenario, step, fee_step_points))
    if scenario.participation == "rational" and scenario.opt_out_tolerance_gbp > 0:
        tolerance = scenario.opt_out_tolerance_gbp
        down, up = tolerance * (1 - min(step, 100.0) / 100), tolerance * (1 + step / 100)
        moves.append(
            _Move(
                "opt_out_tolerance_gbp",
                scenario_replace(scenario, opt_out_tolerance_gbp=down),
                scenario_replace(scenario, opt_out_tolerance_gbp=up),
                gbp(down),
                gbp(up),
            )
        )
    return moves


def _fee_move(model: Model, scenario: Scenario, step: float, fee_step_points: float | None) -> _Move:
    def moved(fee: float, direction: int) -> float:
        if fee_step_points is not None:
            return min(max(fee + direction * fee_step_points, 0.0), 100.0)
        return min(max(fee * (1 + direction * step / 100), 0.0), 100.0)

    if scenario.management_fee_pct is not None and not scenario.service_fee_pct:
        fee = scenario.management_fee_pct
        down, up = moved(fee, -1), moved(fee, +1)
        return _Move(
            "management_fee_pct",
            scenario_replace(scenario, management_fee_pct=down),
            scenario_replace(scenario, management_fee_pct=up),
            f"{down:.2f}%",
            f"{up:.2f}%",
        )
    fees = _service_fees(model, scenario)
    low = {service: moved(fee, -1) for service, fee in fees.items()}
    high = {service: moved(fee, +1) for service, fee in fees.items()}
    if fee_step_points is not None:
        labels = (f"each fee -{fee_step_points:g} points", f"each fee +{fee_step_points:g} points")
    else:
        labels = (f"each fee -{step:g}%", f"each fee +{step:g}%")
    return _Move(
        "management_fee_pct", scenario_replace(scenario, service_fee_pct=low), scenario_replace(scenario, service_fee_pct=high), *labels
    )


def _service_fees(model: Model, scenario: Scenario) -> dict[str, float]:
    """Every catalogue service's fee under the scenario: its override, else the one fee, else the catalogue's."""
    fees = {}
    for service, catalogue_fee in model.dataset.services.set_index("service")["management_fee_pct"].items():
        fee = scenario.service_fee_pct.get(service, scenario.management_fee_pct)
        fees[str(service)] = float(catalogue_fee if fee is None else fee)
    return fees


def _setter(parameter: str) -> Callable[[Scenario, float], Scenario]:
    if parameter == "management_fee_pct":
        return lambda s, x: scenario_replace(s, management_fee_pct=x, service_fee_pct={})
    if parameter.startswith("income_change_pct."):
        stream = parameter.split(".", 1)[1]
        return lambda s, x: scenario_replace(s, income_change_pct={**s.income_change_pct, stream: x})
    return lambda s, x: scenario_replace(s, **{parameter: x})


def _current_value(scenario: Scenario, parameter: str) -> float | None:
    if parameter == "management_fee_pct":
        return None if scenario.service_fee_pct else scenario.management_fee_pct
    if parameter.startswith("income_change_pct."):
        return float(scenario.income_change_pct.get(parameter.split(".", 1)[1], 0.0))
    return float(getattr(scenario, parameter))


def _ok(surplus: float) -> bool:
    return surplus >= -PENNY


def _brackets(ks: list[int], surplus: dict[int, float]) -> list[tuple[int, int]]:
    """Neighbouring points where the surplus changes between negative and non-negative."""
    return [(a, b) for a, b in pairwise(ks) if _ok(surplus[a]) != _ok(surplus[b])]


def _practice_result(results: Results, practice_code: str, column: str = "result_with_federation_gbp") -> float:
    practices = results.practices
    return float(practices.loc[practices["practice_code"] == practice_code, column].iloc[0])


def _spread(*values: float) -> float:
    return max(values) - min(values)


def _value_text(parameter: str, value: float) -> str:
    if parameter == "management_fee_pct":
        return f"a management fee of {value:.2f}% on every service"
    return f"{LABELS[parameter].lower()} changed by {value:+.2f}%"


def _with_message(found: Breakeven) -> Breakeven:
    side = "below" if found.rising else "above"
    message = (
        f"The federation breaks even with {_value_text(found.parameter, found.value)}: its surplus is "
        f"{gbp(found.surplus_at_value_gbp)} there and negative just {side} it."
    )
    if len(found.crossings) > 1:
        others = ", ".join(_short(found.parameter, c) for c in found.crossings if c != found.value)
        message += f" Practices leaving and joining make the surplus cross zero more than once in this range (also at {others})."
    return replace(found, message=message)


def _none_message(found: dict, surplus: dict[int, float]) -> str:
    parameter, low, high = found["parameter"], found["low"], found["high"]
    span = f"between {_short(parameter, low)} and {_short(parameter, high)}"
    pennies = {round(v, 2) for v in surplus.values()}
    if len(pennies) == 1:
        return (
            f"No break-even for {LABELS[parameter].lower()} {span}: the federation's surplus is {gbp(next(iter(pennies)))} "
            "whatever its value, because with these settings it does not move the surplus."
        )
    if all(_ok(v) for v in surplus.values()):
        worst = min(sorted(surplus), key=lambda k: round(surplus[k], 2))
        return (
            f"No break-even for {LABELS[parameter].lower()} {span}: the federation makes a surplus throughout "
            f"(at least {gbp(surplus[worst])}, at {_short(parameter, worst / LATTICE)})."
        )
    return (
        f"No break-even for {LABELS[parameter].lower()} {span}: the federation makes a loss throughout "
        f"(at best {gbp(found['best_surplus_gbp'])}, at {_short(parameter, found['best_value'])})."
    )


def _short(parameter: str, value: float) -> str:
    return f"{value:g}%" if parameter == "management_fee_pct" else f"{value:+g}%"
