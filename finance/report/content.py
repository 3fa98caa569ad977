"""The words of the board pack that are not figures: the disclaimer, notes, and every parameter with its source.

Shared by the workbook, the HTML report and the appraisal, so that all say the same thing.
``parameter_rows`` walks ``Scenario.to_dict()``, so a parameter added to the model later is listed
too (under its JSON name) without a change here.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass

from finance.analysis.compare import Option
from finance.ingest.tables import STREAMS
from finance.model.scenario import Scenario
from finance.report.sheets import MONEY, PCT, PENCE, TEXT

DISCLAIMER = (
    "Indicative only. These figures are a model built from the uploaded data and the scenario assumptions listed with them; "
    "they are not a forecast, an audit or financial advice. Check them against your own accounts before deciding."
)
NOTES = (
    "How to read it: amounts are pounds per year. A practice's result is its income less its costs, all in-house or with the federation.",
    "The federation passes delivery costs through at cost; its management fees (a share of each practice's positive service income) pay its overheads.",
    "Rational participation: practices leave a service that pays them less through the federation than in-house (beyond the opt-out tolerance), in rounds.",
    "Differences, variances against the base option, totals and the surplus are Excel formulas over the cells beside them: change a figure and they follow.",
)
DEFAULT_SOURCE = "Model default (MODEL.md): no change to the data"
USER_SOURCE = "The user: set in the option's scenario"
DATA_FEES = "The data: the services table's management_fee_pct (see the catalogue below)"
NO_PUBLISHED_FEE = "DOMAIN.md section 3: no published top-slice was found; 5-15% is an unverified range, an assumption to test"
NO_PUBLISHED_SUBSCRIPTION = "DOMAIN.md sections 3 and 7: no published per-patient figure was found (historic £0.50 to £1 a patient)"
LABELS = {
    "activity_change_pct": "Activity change",
    "inhouse_cost_change_pct": "In-house cost change",
    "federation_cost_change_pct": "Federation delivery cost change",
    "overhead_change_pct": "Federation overheads change",
    "management_fee_pct": "Management fee, one for every service",
    "participation": "Participation",
    "opt_out_tolerance_gbp": "Opt-out tolerance",
    "excluded_practices": "Practices excluded",
    "subscription_gbp_per_patient": "Membership subscription a patient",
    "subscription_basis": "Subscription basis",
    "membership": "Membership",
}
STREAM_LABELS = {"contract": "Contract income change", "pcn_des": "PCN DES income change", "federation": "Federation income change"}
PER_SERVICE = {"service_fee_pct": "Fee for", "service_fee_per_unit_gbp": "Fee a unit for", "service_route": "Route for"}
WORDS = {"all": "all members use every service", "rational": "practices leave services that pay them less"}


@dataclass(frozen=True)
class Parameter:
    """One row of the assumptions: its name, JSON key, each option's value (percent as percent), kind and source."""

    name: str
    key: str
    values: tuple[object, ...]
    kind: str
    source: str


def parameter_rows(options: Sequence[Option]) -> list[Parameter]:
    """Every scenario parameter, each option's value, and where the value comes from."""
    scenarios = [o.scenario for o in options]
    dicts = [s.to_dict() for s in scenarios]
    default = Scenario().to_dict()
    rows = [Parameter("Description", "description", tuple(o.description or o.scenario.describe() for o in options), TEXT, USER_SOURCE)]
    for key, default_value in default.items():
        values = [d.get(key) for d in dicts]
        if key == "income_change_pct":
            for stream in STREAMS:
                streams = tuple(float(v.get(stream, 0.0)) for v in values)
                rows.append(Parameter(STREAM_LABELS.get(stream, stream), f"{key}.{stream}", streams, PCT, _source(streams, 0.0)))
        elif isinstance(default_value, dict):
            services = sorted({name for v in values for name in v})
            for service in services:
                each = tuple(v.get(service) for v in values)
                kind = PCT if key.endswith("_pct") else (PENCE if key.endswith("_gbp") else TEXT)
                guide = f"; {NO_PUBLISHED_FEE}" if key == "service_fee_pct" else ""
                rows.append(Parameter(f"{PER_SERVICE.get(key, key)} {service}", f"{key}.{service}", each, kind, USER_SOURCE + guide))
        elif key == "management_fee_pct":
            each = tuple("catalogue fees" if v is None else v for v in values)
            source = DATA_FEES if all(v is None for v in values) else f"{USER_SOURCE} (catalogue fees where none)"
            rows.append(Parameter(LABELS[key], key, each, PCT, f"{source}; {NO_PUBLISHED_FEE}"))
        elif key == "participation":
            rows.append(Parameter(LABELS[key], key, tuple(WORDS.get(v, str(v)) for v in values), TEXT, _source(values, default_value)))
        elif key == "excluded_practices":
            rows.append(Parameter(LABELS[key], key, tuple(", ".join(v) for v in values), TEXT, _source(values, default_value)))
        else:
            kind = _kind(key, default_value)
            source = _source(values, default_value)
            if key.startswith("subscription"):
                source += f"; {NO_PUBLISHED_SUBSCRIPTION}"
            shown = tuple(v if isinstance(v, (int, float)) and not isinstance(v, bool) else _words(v) for v in values)
            rows.append(Parameter(LABELS.get(key, key), key, shown, kind, source))
    rows.append(
        Parameter(
            "Scenario as JSON (only the changes)", "", tuple(json.dumps(s.changes()) for s in scenarios), TEXT, "The option's scenario"
        )
    )
    return rows


def _kind(key: str, default_value: object) -> str:
    if not isinstance(default_value, (int, float)) or isinstance(default_value, bool):
        return TEXT if default_value is not None or not key.endswith("_pct") else PCT
    if key.endswith("_pct"):
        return PCT
    if key.endswith("_per_patient") or key.endswith("_per_unit_gbp"):
        return PENCE
    return MONEY if key.endswith("_gbp") else TEXT


def _source(values: Sequence[object], default_value: object) -> str:
    return DEFAULT_SOURCE if all(v == default_value for v in values) else USER_SOURCE


def _words(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, (list, tuple, dict)):
        return json.dumps(value)
    return str(value)
