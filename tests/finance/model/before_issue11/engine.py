"""FROZEN COPY of finance/model/engine.py (and its sql/) as it was before issue 11, kept only as the
oracle of the property test "with the new parameters at their defaults every figure is unchanged".
Do not edit. Original docstring follows.

The margin model of MODEL.md, computed in DuckDB: ``Model(dataset).run(scenario) -> Results``.

A Model owns one in-memory DuckDB connection holding one user's tables: never share a Model
between users or sessions. The queries are the named files in finance/model/sql/. Several scenarios can
run in one pass (``run_many``), which is how fee sweeps and sensitivity stay fast: each is a
"variant" of the same tables. Rational participation is driven from Python, a round at a time,
each round one SQL statement.

Worked example (MODEL.md): phlebotomy, practices A (2,000 units, income 20,000), B and C (1,000
units, 10,000 each), federation overheads 3,000 -> 'all': fee income 4,000, surplus 1,000.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd

from finance.ingest.dataset import Dataset
from finance.model.scenario import Scenario  # only the old parameters are read

SQL_FOLDER = Path(__file__).parent / "sql"
MAX_ROUNDS = 1000
# A practice leaves when its advantage is below -(tolerance + this): a millionth of a pound keeps
# float noise (an advantage of -0.0000000001) from counting as a loss. leavers.sql uses the same.
LEAVING_SLACK_GBP = 0.000001

ROW_FIELDS = (
    "practice_code",
    "service",
    "income_gbp",
    "units",
    "inhouse_cost_gbp",
    "inhouse_margin_gbp",
    "federation_delivery_cost_gbp",
    "management_fee_gbp",
    "federation_return_gbp",
    "advantage_gbp",
    "breakeven_fee_pct",
    "participates",
)
PRACTICE_FIELDS = (
    "practice_code",
    "core_income_gbp",
    "practice_costs_gbp",
    "result_all_inhouse_gbp",
    "result_with_federation_gbp",
    "difference_gbp",
    "result_all_inhouse_per_partner_gbp",
    "result_with_federation_per_partner_gbp",
)


@cache
def sql(name: str) -> str:
    """The text of finance/model/sql/<name>.sql."""
    return (SQL_FOLDER / f"{name}.sql").read_text(encoding="utf-8")


@dataclass(frozen=True)
class FederationResult:
    fee_income_gbp: float
    overheads_gbp: float
    surplus_gbp: float
    viable: bool
    rounds: int
    participants: dict[str, int]

    def to_dict(self) -> dict[str, Any]:
        return {
            "fee_income_gbp": self.fee_income_gbp,
            "overheads_gbp": self.overheads_gbp,
            "surplus_gbp": self.surplus_gbp,
            "viable": self.viable,
            "rounds": self.rounds,
            "participants": dict(self.participants),
        }


@dataclass(frozen=True)
class Results:
    """One scenario's answer.

    rows: one per practice and service (ROW_FIELDS, plus fee_pct, eligible, left_round).
    practices: one per practice (PRACTICE_FIELDS, plus name, PCN, list size, partners, membership).
    services: one per catalogue service: participants, units, income, fee income.
    federation: the headline figures.
    """

    scenario: Scenario
    rows: pd.DataFrame
    practices: pd.DataFrame
    services: pd.DataFrame
    federation: FederationResult

    @property
    def practices_better_off(self) -> int:
        """Practices whose result with the federation beats all in-house (by more than a penny)."""
        return int((self.practices["difference_gbp"] > 0.005).sum())

    def to_json_dict(self) -> dict[str, Any]:
        """The command line's JSON document (MODEL.md): unrounded numbers, null for none."""
        return {
            "rows": _records(self.rows[list(ROW_FIELDS)]),
            "practices": _records(self.practices[list(PRACTICE_FIELDS)]),
            "federation": self.federation.to_dict(),
        }


class Model:
    """One user's tables in one DuckDB connection, ready to run scenarios."""

    def __init__(self, dataset: Dataset):
        self.dataset = dataset
        self._lock = threading.Lock()
        self._con = duckdb.connect(":memory:")
        self._con.execute("SET threads TO 2")
        for name in ("practices", "income", "services", "activity", "federation_costs", "practice_costs"):
            frame = getattr(dataset, name)
            self._con.register(f"{name}_frame", frame)
            self._con.execute(f"CREATE TABLE {name} AS SELECT * FROM {name}_frame")
            self._con.unregister(f"{name}_frame")
        self._con.execute(sql("pairs"))
        self._con.execute(sql("practice_base"))
        self._set_scenarios([Scenario()])
        self._con.execute(sql("lines"))
        self._con.execute(sql("quotes"))

    def close(self) -> None:
        self._con.close()

    def run(self, scenario: Scenario) -> Results:
        return self.run_many([scenario])[0]

    def run_many(self, scenarios: Sequence[Scenario]) -> list[Results]:
        """Run several scenarios in one pass over the data; results in the same order."""
        if not scenarios:
            return []
        with self._lock:
            self._settle(scenarios)
            rows = self._frame("result_rows")
            practices = self._frame("result_practices")
            services = self._frame("result_services")
            federation = self._frame("result_summary")
        rows["left_round"] = rows["left_round"].astype("Int64")
        return [_results(scenario, variant, rows, practices, services, federation) for variant, scenario in enumerate(scenarios)]

    def summaries(self, scenarios: Sequence[Scenario]) -> pd.DataFrame:
        """Headline figures only, one row per scenario (fast for sweeps of many scenarios):
        fee_income_gbp, overheads_gbp, surplus_gbp, rounds, practices_participating,
        participations (practice-service pairs), practices_better_off."""
        if not scenarios:
            return pd.DataFrame()
        with self._lock:
            self._settle(scenarios)
            summary = self._frame("result_summary")
        return summary.drop(columns="variant")

    def lines(self, scenario: Scenario) -> pd.DataFrame:
        """The scenario applied to every (practice, service) pair before anyone leaves (lines.sql):
        service_id, practice_id (numbers from 0), income_gbp, units, inhouse_cost_gbp,
        federation_cost_per_unit, federation_fixed_cost, fee_pct, eligible, grouped by service;
        the scenario's overheads in ``attrs["overheads_gbp"]``."""
        with self._lock:
            self._set_scenarios([scenario])
            self._con.execute(sql("lines"))
            lines = self._frame("scenario_lines")
            overheads = self._con.execute("SELECT coalesce(sum(amount_gbp), 0.0) FROM federation_costs").fetchone()[0]
        lines.attrs["overheads_gbp"] = float(overheads) * (1 + scenario.overhead_change_pct / 100)
        return lines

    def _frame(self, query: str) -> pd.DataFrame:
        """A named query's result as a DataFrame (through Arrow: several times faster than .df())."""
        return self._con.sql(sql(query)).to_arrow_table().to_pandas()

    def _settle(self, scenarios: Sequence[Scenario]) -> None:
        """Apply the scenarios, run rational rounds to the end, and keep the final lines."""
        self._set_scenarios(scenarios)
        self._con.execute(sql("lines"))
        if any(s.participation == "rational" for s in scenarios):
            self._rational_rounds()
        self._con.execute("CREATE OR REPLACE TEMP TABLE final_lines AS SELECT * FROM quotes")

    def _rational_rounds(self) -> None:
        for round_number in range(1, MAX_ROUNDS + 1):
            left = self._con.execute(sql("leavers"), {"round": round_number, "slack": LEAVING_SLACK_GBP}).fetchone()
            if not left or not left[0]:
                return
        raise RuntimeError("rational participation did not settle")  # cannot happen: each round removes someone

    def _set_scenarios(self, scenarios: Sequence[Scenario]) -> None:
        """The scenario tables the queries join to: one row per variant, per-service fees, exclusions."""
        columns = {
            "contract_factor": [s.income_factor("contract") for s in scenarios],
            "pcn_des_factor": [s.income_factor("pcn_des") for s in scenarios],
            "federation_income_factor": [s.income_factor("federation") for s in scenarios],
            "activity_factor": [1 + s.activity_change_pct / 100 for s in scenarios],
            "inhouse_cost_factor": [1 + s.inhouse_cost_change_pct / 100 for s in scenarios],
            "federation_cost_factor": [1 + s.federation_cost_change_pct / 100 for s in scenarios],
            "overhead_factor": [1 + s.overhead_change_pct / 100 for s in scenarios],
            "management_fee_pct": [s.management_fee_pct for s in scenarios],
            "opt_out_tolerance_gbp": [float(s.opt_out_tolerance_gbp) for s in scenarios],
        }
        selects = ", ".join(f"unnest(${name}::DOUBLE[]) AS {name}" for name in columns)
        self._con.execute(
            f"CREATE OR REPLACE TEMP TABLE scenarios AS SELECT unnest($variant::INTEGER[]) AS variant, {selects}, "
            "unnest($rational::BOOLEAN[]) AS rational",
            {"variant": list(range(len(scenarios))), "rational": [s.participation == "rational" for s in scenarios], **columns},
        )
        fees = [(v, service, float(pct)) for v, s in enumerate(scenarios) for service, pct in s.service_fee_pct.items()]
        self._con.execute(
            "CREATE OR REPLACE TEMP TABLE scenario_fees AS "
            "SELECT unnest($variant::INTEGER[]) AS variant, unnest($service::VARCHAR[]) AS service, unnest($fee::DOUBLE[]) AS fee_pct",
            {"variant": [f[0] for f in fees], "service": [f[1] for f in fees], "fee": [f[2] for f in fees]},
        )
        excluded = [(v, code) for v, s in enumerate(scenarios) for code in s.excluded_practices]
        self._con.execute(
            "CREATE OR REPLACE TEMP TABLE scenario_excluded AS "
            "SELECT unnest($variant::INTEGER[]) AS variant, unnest($code::VARCHAR[]) AS practice_code",
            {"variant": [e[0] for e in excluded], "code": [e[1] for e in excluded]},
        )


def run_model(dataset: Dataset, scenario: Scenario | None = None) -> Results:
    """Open a Model, run one scenario, close it: for scripts and the command line."""
    model = Model(dataset)
    try:
        return model.run(scenario or Scenario())
    finally:
        model.close()


def _results(
    scenario: Scenario, variant: int, rows: pd.DataFrame, practices: pd.DataFrame, services: pd.DataFrame, federation: pd.DataFrame
) -> Results:
    mine_rows = rows[rows["variant"] == variant].drop(columns="variant").reset_index(drop=True)
    mine_practices = practices[practices["variant"] == variant].drop(columns="variant").reset_index(drop=True)
    mine_services = services[services["variant"] == variant].drop(columns="variant").reset_index(drop=True)
    headline = federation[federation["variant"] == variant].iloc[0]
    surplus = float(headline["surplus_gbp"])
    summary = FederationResult(
        fee_income_gbp=float(headline["fee_income_gbp"]),
        overheads_gbp=float(headline["overheads_gbp"]),
        surplus_gbp=surplus,
        viable=surplus >= 0,
        rounds=int(headline["rounds"]),
        participants=dict(zip(mine_services["service"].astype(str), mine_services["participants"].astype(int).tolist(), strict=True)),
    )
    return Results(scenario, mine_rows, mine_practices, mine_services, summary)


def _records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    """Rows as plain JSON values: floats, ints, bools, strings, and None for missing."""
    records = frame.astype(object).where(frame.notna(), None).to_dict(orient="records")
    return [{k: _plain(v) for k, v in r.items()} for r in records]


def _plain(value: Any) -> Any:
    if value is None:
        return None
    if hasattr(value, "item"):
        return value.item()
    return value
