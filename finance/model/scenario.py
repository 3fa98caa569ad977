"""A scenario: the what-if parameters of MODEL.md laid over the uploaded data, and its JSON form.

Every parameter is optional; ``Scenario()`` leaves the data as it is. ``Scenario.from_dict``
checks a JSON object strictly (unknown keys and wrong types are errors, one line each), so a
scenario file, a saved scenario and a shared link are all checked the same way.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any, Literal

from finance.errors import ScenarioError
from finance.ingest.tables import STREAMS

Participation = Literal["all", "rational"]
PARTICIPATION = ("all", "rational")
Route = Literal["federation", "pcn"]
ROUTES = ("federation", "pcn")
SubscriptionBasis = Literal["weighted", "registered"]
SUBSCRIPTION_BASES = ("weighted", "registered")
Membership = Literal["fixed", "rational"]
MEMBERSHIP = ("fixed", "rational")
CHANGE_PARAMETERS = (
    "activity_change_pct",
    "inhouse_cost_change_pct",
    "federation_cost_change_pct",
    "overhead_change_pct",
)


@dataclass(frozen=True)
class Scenario:
    """What-if parameters; percentages are percent (5.0 means 5%), money is pounds per year.

    >>> Scenario.from_dict({"management_fee_pct": 5, "participation": "rational"}).management_fee_pct
    5.0
    """

    income_change_pct: Mapping[str, float] = field(default_factory=lambda: dict.fromkeys(STREAMS, 0.0))
    activity_change_pct: float = 0.0
    inhouse_cost_change_pct: float = 0.0
    federation_cost_change_pct: float = 0.0
    overhead_change_pct: float = 0.0
    management_fee_pct: float | None = None
    service_fee_pct: Mapping[str, float] = field(default_factory=dict)
    participation: Participation = "all"
    opt_out_tolerance_gbp: float = 0.0
    excluded_practices: tuple[str, ...] = ()
    service_fee_per_unit_gbp: Mapping[str, float] = field(default_factory=dict)
    service_route: Mapping[str, Route] = field(default_factory=dict)
    subscription_gbp_per_patient: float = 0.0
    subscription_basis: SubscriptionBasis = "weighted"
    membership: Membership = "fixed"

    def route(self, service: str) -> Route:
        """Who delivers the service at scale: "federation" (the default) or "pcn"."""
        return self.service_route.get(service, "federation")

    def income_factor(self, stream: str) -> float:
        return 1.0 + float(self.income_change_pct.get(stream, 0.0)) / 100.0

    def to_dict(self) -> dict[str, Any]:
        """The JSON form: every parameter, in the order of MODEL.md."""
        return {
            "income_change_pct": {s: float(self.income_change_pct.get(s, 0.0)) for s in STREAMS},
            "activity_change_pct": self.activity_change_pct,
            "inhouse_cost_change_pct": self.inhouse_cost_change_pct,
            "federation_cost_change_pct": self.federation_cost_change_pct,
            "overhead_change_pct": self.overhead_change_pct,
            "management_fee_pct": self.management_fee_pct,
            "service_fee_pct": dict(self.service_fee_pct),
            "participation": self.participation,
            "opt_out_tolerance_gbp": self.opt_out_tolerance_gbp,
            "excluded_practices": list(self.excluded_practices),
            "service_fee_per_unit_gbp": dict(self.service_fee_per_unit_gbp),
            "service_route": dict(self.service_route),
            "subscription_gbp_per_patient": self.subscription_gbp_per_patient,
            "subscription_basis": self.subscription_basis,
            "membership": self.membership,
        }

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), indent=2)

    def changes(self) -> dict[str, Any]:
        """Only the parameters that differ from the defaults (for short links and labels)."""
        default = Scenario().to_dict()
        return {k: v for k, v in self.to_dict().items() if v != default[k]}

    def describe(self) -> str:
        """The scenario in words, for tables and board papers.

        >>> Scenario(management_fee_pct=6, participation="rational", opt_out_tolerance_gbp=2000,
        ...          income_change_pct={"pcn_des": -10}).describe()
        'PCN DES income -10%; one fee of 6% for every service; rational participation (stay within £2,000)'
        >>> Scenario().describe()
        'the data as uploaded'
        """
        words = {"contract": "contract income", "pcn_des": "PCN DES income", "federation": "federation income"}
        parts = [f"{words[k]} {v:+g}%" for k, v in self.income_change_pct.items() if v]
        for name, text in (
            ("activity_change_pct", "activity"),
            ("inhouse_cost_change_pct", "in-house costs"),
            ("federation_cost_change_pct", "federation costs"),
            ("overhead_change_pct", "overheads"),
        ):
            if getattr(self, name):
                parts.append(f"{text} {getattr(self, name):+g}%")
        if self.management_fee_pct is not None:
            parts.append(f"one fee of {self.management_fee_pct:g}% for every service")
        parts += [f"{service} fee {fee:g}%" for service, fee in self.service_fee_pct.items()]
        if self.participation == "rational":
            within = f" (stay within £{self.opt_out_tolerance_gbp:,.0f})" if self.opt_out_tolerance_gbp else ""
            parts.append(f"rational participation{within}")
        if self.excluded_practices:
            parts.append(f"{', '.join(self.excluded_practices)} excluded")
        parts += [f"{service} fee £{fee:,.2f} a unit" for service, fee in self.service_fee_per_unit_gbp.items()]
        parts += [f"PCNs run {service}" for service, route in self.service_route.items() if route == "pcn"]
        if self.subscription_gbp_per_patient:
            basis = "weighted patient" if self.subscription_basis == "weighted" else "registered patient"
            parts.append(f"subscription £{self.subscription_gbp_per_patient:,.2f} a {basis}")
        if self.membership == "rational":
            parts.append("members leave when better off alone")
        return "; ".join(parts) or "the data as uploaded"

    def with_changes(self, **changes: Any) -> Scenario:
        """A copy with some parameters changed, checked like a JSON object."""
        merged = {**self.to_dict(), **changes}
        return Scenario.from_dict(merged)

    @classmethod
    def from_dict(cls, data: object) -> Scenario:
        if not isinstance(data, Mapping):
            raise ScenarioError([f"a scenario must be a JSON object of parameters, not {_kind(data)}"])
        problems: list[str] = []
        known = {f.name for f in fields(cls)}
        for key in data:
            if key not in known:
                problems.append(f"unknown parameter '{key}' (known: {', '.join(sorted(known))})")
        values: dict[str, Any] = {}
        if "income_change_pct" in data:
            values["income_change_pct"] = _income_changes(data["income_change_pct"], problems)
        for name in CHANGE_PARAMETERS:
            if name in data:
                values[name] = _number(name, data[name], problems, minimum=-100.0)
        if "management_fee_pct" in data and data["management_fee_pct"] is not None:
            values["management_fee_pct"] = _number("management_fee_pct", data["management_fee_pct"], problems, minimum=0.0, maximum=100.0)
        if "service_fee_pct" in data:
            values["service_fee_pct"] = _service_fees(data["service_fee_pct"], problems)
        if "participation" in data:
            if data["participation"] in PARTICIPATION:
                values["participation"] = data["participation"]
            else:
                problems.append(f'participation must be "all" or "rational", not {json.dumps(data["participation"])}')
        if "opt_out_tolerance_gbp" in data:
            values["opt_out_tolerance_gbp"] = _number("opt_out_tolerance_gbp", data["opt_out_tolerance_gbp"], problems, minimum=0.0)
        if "excluded_practices" in data:
            values["excluded_practices"] = _practice_codes(data["excluded_practices"], problems)
        if "service_fee_per_unit_gbp" in data:
            values["service_fee_per_unit_gbp"] = _service_amounts(data["service_fee_per_unit_gbp"], problems)
        if "service_route" in data:
            values["service_route"] = _service_routes(data["service_route"], problems)
        if "subscription_gbp_per_patient" in data:
            values["subscription_gbp_per_patient"] = _number(
                "subscription_gbp_per_patient", data["subscription_gbp_per_patient"], problems, minimum=0.0
            )
        for name, allowed in (("subscription_basis", SUBSCRIPTION_BASES), ("membership", MEMBERSHIP)):
            if name in data:
                if data[name] in allowed:
                    values[name] = data[name]
                else:
                    choices = " or ".join(f'"{a}"' for a in allowed)
                    problems.append(f"{name} must be {choices}, not {json.dumps(data[name])}")
        if problems:
            raise ScenarioError(problems)
        return cls(**values)

    @classmethod
    def from_json(cls, text: str) -> Scenario:
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            raise ScenarioError([f"not valid JSON (line {exc.lineno}, column {exc.colno}: {exc.msg})"]) from None
        return cls.from_dict(data)

    @classmethod
    def load(cls, path: str | Path) -> Scenario:
        path = Path(path)
        try:
            text = path.read_text(encoding="utf-8-sig")
        except OSError as exc:
            raise ScenarioError([f"{path}: the scenario file could not be read ({exc.strerror})"]) from None
        except UnicodeDecodeError:
            raise ScenarioError([f"{path}: the scenario file is not UTF-8 text"]) from None
        try:
            return cls.from_json(text)
        except ScenarioError as exc:
            raise ScenarioError([f"{path.name}: {p}" for p in exc.problems]) from None

    def unknown_names(self, practice_codes: set[str], services: set[str]) -> list[str]:
        """Practices and services the scenario names that the data does not have (warnings)."""
        notes = [f"excluded practice '{c}' is not in the data" for c in self.excluded_practices if c not in practice_codes]
        notes += [f"service_fee_pct names service '{s}', which is not in the data" for s in self.service_fee_pct if s not in services]
        for name in ("service_fee_per_unit_gbp", "service_route"):
            notes += [f"{name} names service '{s}', which is not in the data" for s in getattr(self, name) if s not in services]
        return notes


def _kind(value: object) -> str:
    return {bool: "true/false", str: "text", list: "a list", dict: "an object", type(None): "null"}.get(type(value), "a number")


def _number(name: str, value: object, problems: list[str], *, minimum: float | None = None, maximum: float | None = None) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        problems.append(f"{name} must be a number, not {json.dumps(value) if not isinstance(value, float) else value}")
        return 0.0
    if minimum is not None and value < minimum:
        problems.append(f"{name} must be {minimum:g} or more, not {value:g}")
    if maximum is not None and value > maximum:
        problems.append(f"{name} must be {maximum:g} or less, not {value:g}")
    return float(value)


def _income_changes(value: object, problems: list[str]) -> dict[str, float]:
    if not isinstance(value, Mapping):
        problems.append(f'income_change_pct must be an object such as {{"contract": 0, "pcn_des": 0, "federation": 0}}, not {_kind(value)}')
        return dict.fromkeys(STREAMS, 0.0)
    changes = dict.fromkeys(STREAMS, 0.0)
    for stream, pct in value.items():
        if stream not in STREAMS:
            problems.append(f"income_change_pct: unknown stream '{stream}' (streams: {', '.join(STREAMS)})")
            continue
        changes[stream] = _number(f"income_change_pct.{stream}", pct, problems, minimum=-100.0)
    return changes


def _service_fees(value: object, problems: list[str]) -> dict[str, float]:
    if not isinstance(value, Mapping):
        problems.append(f"service_fee_pct must be an object of service name to percent, not {_kind(value)}")
        return {}
    return {str(name): _number(f"service_fee_pct.{name}", pct, problems, minimum=0.0, maximum=100.0) for name, pct in value.items()}


def _service_amounts(value: object, problems: list[str]) -> dict[str, float]:
    if not isinstance(value, Mapping):
        problems.append(f"service_fee_per_unit_gbp must be an object of service name to pounds per unit, not {_kind(value)}")
        return {}
    return {str(name): _number(f"service_fee_per_unit_gbp.{name}", gbp, problems, minimum=0.0) for name, gbp in value.items()}


def _service_routes(value: object, problems: list[str]) -> dict[str, Route]:
    if not isinstance(value, Mapping):
        problems.append(f'service_route must be an object of service name to "federation" or "pcn", not {_kind(value)}')
        return {}
    routes: dict[str, Route] = {}
    for name, route in value.items():
        if route in ROUTES:
            routes[str(name)] = route
        else:
            problems.append(f'service_route.{name} must be "federation" or "pcn", not {json.dumps(route)}')
    return routes


def _practice_codes(value: object, problems: list[str]) -> tuple[str, ...]:
    if not isinstance(value, (list, tuple)) or not all(isinstance(v, str) for v in value):
        problems.append('excluded_practices must be a list of practice codes such as ["A81001"]')
        return ()
    return tuple(dict.fromkeys("".join(v.split()).upper() for v in value))


def scenario_replace(scenario: Scenario, **changes: Any) -> Scenario:
    """dataclasses.replace without re-checking (for code that builds scenarios it already trusts)."""
    return replace(scenario, **changes)
