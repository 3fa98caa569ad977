"""The words of the board pack that are not figures: the disclaimer, notes, and each option's parameters.

Shared by the workbook and the HTML report, so that both say the same thing.
"""

from __future__ import annotations

import json
from collections.abc import Sequence

from finance.analysis.compare import Option
from finance.ingest.tables import STREAMS
from finance.model.scenario import Scenario
from finance.report.sheets import MONEY, PCT, TEXT

DISCLAIMER = (
    "Indicative only. These figures are a model built from the uploaded data and the scenario assumptions listed with them; "
    "they are not a forecast, an audit or financial advice. Check them against your own accounts before deciding."
)
NOTES = (
    "How to read it: amounts are pounds per year. A practice's result is its income less its costs, all in-house or with the federation.",
    "The federation passes delivery costs through at cost; its management fees (a share of each practice's positive service income) pay its overheads.",
    "Rational participation: practices leave a service that pays them less through the federation than in-house (beyond the opt-out tolerance), in rounds.",
)


def parameter_rows(options: Sequence[Option]) -> list[tuple[str, list[object], str]]:
    scenarios: list[Scenario] = [o.scenario for o in options]
    services = sorted({s for scenario in scenarios for s in scenario.service_fee_pct})
    participation = {"all": "all members use every service", "rational": "practices leave services that pay them less"}
    stream_names = {"contract": "Contract income change", "pcn_des": "PCN DES income change", "federation": "Federation income change"}
    rows: list[tuple[str, list[object], str]] = [
        ("Description", [o.description for o in options], TEXT),
        ("Participation", [participation[s.participation] for s in scenarios], TEXT),
        ("Opt-out tolerance", [s.opt_out_tolerance_gbp for s in scenarios], MONEY),
        (
            "Management fee, one for every service",
            [s.management_fee_pct if s.management_fee_pct is not None else "catalogue fees" for s in scenarios],
            PCT,
        ),
    ]
    rows += [(f"Fee for {service}", [s.service_fee_pct.get(service) for s in scenarios], PCT) for service in services]
    rows += [
        (stream_names.get(stream, stream), [float(s.income_change_pct.get(stream, 0.0)) for s in scenarios], PCT) for stream in STREAMS
    ]
    rows += [
        ("Activity change", [s.activity_change_pct for s in scenarios], PCT),
        ("In-house cost change", [s.inhouse_cost_change_pct for s in scenarios], PCT),
        ("Federation delivery cost change", [s.federation_cost_change_pct for s in scenarios], PCT),
        ("Federation overheads change", [s.overhead_change_pct for s in scenarios], PCT),
        ("Practices excluded", [", ".join(s.excluded_practices) for s in scenarios], TEXT),
        ("Scenario as JSON (only the changes)", [json.dumps(s.changes()) for s in scenarios], TEXT),
    ]
    return rows
