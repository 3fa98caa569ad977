"""The margin model of MODEL.md, computed in DuckDB: ``Model(dataset).run(scenario) -> Results``.

A Model owns one in-memory DuckDB connection holding one user's tables: never share a Model
between users or sessions. The queries are the named files in finance/model/sql/. Several scenarios can
run in one pass (``run_many``), which is how sensitivity stays fast: each is a "variant" of the
same tables. Rational participation is driven from Python, a round at a time, each round one SQL
statement; membership choice (MODEL.md) is an outer loop around it: members who would do better
alone leave the federation, then service participation settles again, until no member leaves.

Each service has a route: the federation, or (scenario.service_route) each practice's PCN. A pool
is a service's federation users, or the users of one PCN; every formula is worked over the pool.
Costs per unit come from services, or from staff time (finance/model/staff_costs.py).

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

from finance.errors import ScenarioError
from finance.ingest.dataset import Dataset
from finance.model.scenario import Scenario
from finance.model.staff_costs import costed_services

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
    "route",
    "pcn",
    "vat_gbp",
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
    "member",
    "subscription_gbp",
)


@cache
def sql(name: str) -> str:
    """The text of finance/model/sql/<name>.sql."""
    return (SQL_FOLDER / f"{name}.sql").read_text(encoding="utf-8")


@dataclass(frozen=True)
class FederationResult:
    """The federation's headline. fee_income_gbp = management_fee_income_gbp + subscription_income_gbp;
    pcn_fee_income_gbp (what PCNs keep) and vat_gbp (paid to HMRC) are neither its income nor its cost."""

    fee_income_gbp: float
    overheads_gbp: float
    surplus_gbp: float
    viable: bool
    rounds: int
    participants: dict[str, int]
    management_fee_income_gbp: float = 0.0
    subscription_income_gbp: float = 0.0
    pcn_fee_income_gbp: float = 0.0
    vat_gbp: float = 0.0
    members: int = 0
    membership_rounds: int = 0

    def to_dict(self) -> dict[str, Any]:
        return {
            "fee_income_gbp": self.fee_income_gbp,
            "overheads_gbp": self.overheads_gbp,
            "surplus_gbp": self.surplus_gbp,
            "viable": self.viable,
            "rounds": self.rounds,
            "participants": dict(self.participants),
            "management_fee_income_gbp": self.management_fee_income_gbp,
            "subscription_income_gbp": self.subscription_income_gbp,
            "pcn_fee_income_gbp": self.pcn_fee_income_gbp,
            "members": self.members,
            "membership_rounds": self.membership_rounds,
        }


@dataclass(frozen=True)
class Results:
    """One scenario's answer.

    rows: one per practice and service (ROW_FIELDS, plus fee_pct, eligible, left_round; the
          services' fee_per_unit_gbp and vat_rate_pct are in Model.services). On the PCN route the federation_* figures are the PCN's; where
          the practice has no PCN they are missing (it delivers in-house).
    practices: one per practice (PRACTICE_FIELDS, plus name, PCN, list size, partners,
               federation_member as uploaded, left_federation_round, services totals).
    services: one per catalogue service: route, participants, units, income, federation fees
              (fee_income_gbp), PCN fees, VAT.
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
        # One thread: DuckDB adds floats in a different order from run to run when two threads share a
        # sum, so the same scenario could differ in the last digits; here the second thread gains little.
        self._con.execute("SET threads TO 1")
        # The services as the model reads them: every column, staff-time costs in place.
        self.services = costed_services(dataset.services, dataset.service_staffing, dataset.staff_rates)
        for name in ("practices", "income", "services", "activity", "federation_costs", "practice_costs"):
            frame = self.services if name == "services" else getattr(dataset, name)
            self._con.register(f"{name}_frame", frame)
            self._con.execute(f"CREATE TABLE {name} AS SELECT * FROM {name}_frame")
            self._con.unregister(f"{name}_frame")
        self._con.execute(sql("practice_ids"))
        self._con.execute(sql("pairs"))
        self._con.execute(sql("practice_base"))
        self._set_scenarios([Scenario()])
        self._con.execute(sql("lines"))
        self._con.execute(sql("quotes"))
        self._con.execute(sql("memberships"))

    def close(self) -> None:
        self._con.close()

    def run(self, scenario: Scenario) -> Results:
        return self.run_many([scenario])[0]

    def run_many(self, scenarios: Sequence[Scenario]) -> list[Results]:
        """Run several scenarios in one pass over the data; results in the same order."""
        if not scenarios:
            return []
        self.check(scenarios)
        with self._lock:
            self._settle(scenarios)
            rows = self._frame("result_rows")
            practices = self._frame("result_practices")
            services = self._frame("result_services")
            federation = self._frame("result_summary")
        rows["left_round"] = rows["left_round"].astype("Int64")
        practices["left_federation_round"] = practices["left_federation_round"].astype("Int64")
        return [_results(scenario, variant, rows, practices, services, federation) for variant, scenario in enumerate(scenarios)]

    def summaries(self, scenarios: Sequence[Scenario]) -> pd.DataFrame:
        """Headline figures only, one row per scenario (fast for sweeps of many scenarios):
        fee_income_gbp, overheads_gbp, surplus_gbp, rounds, practices_participating,
        participations (practice-service pairs), practices_better_off, management_fee_income_gbp,
        subscription_income_gbp, pcn_fee_income_gbp, vat_gbp, members, membership_rounds."""
        if not scenarios:
            return pd.DataFrame()
        self.check(scenarios)
        with self._lock:
            self._settle(scenarios)
            summary = self._frame("result_summary")
        return summary.drop(columns="variant")

    def headlines(self, scenarios: Sequence[Scenario]) -> tuple[pd.DataFrame, pd.DataFrame]:
        """Many scenarios without the per-row detail: (the summaries' headline per variant, every
        practice's result per variant: result_practices with its variant column), for draws and plans."""
        if not scenarios:
            return pd.DataFrame(), pd.DataFrame()
        with self._lock:
            self._settle(scenarios)
            summary = self._frame("result_summary")
            practices = self._frame("result_practices")
        return summary, practices

    def lines(self, scenario: Scenario) -> pd.DataFrame:
        """The scenario applied to every (practice, service) pair before anyone leaves (lines.sql):
        service_id, practice_id (numbers from 0), pool_id, has_pool, on_pcn, income_gbp, units,
        inhouse_cost_gbp, federation_cost_per_unit, federation_fixed_cost (the at-scale deliverer's),
        fee_pct, fee_per_unit_gbp, vat_rate_pct, eligible, grouped by service and pool; the
        scenario's overheads in ``attrs["overheads_gbp"]`` and each practice's subscription (by
        practice_id) in ``attrs["subscription_gbp"]``."""
        self.check([scenario])
        with self._lock:
            self._set_scenarios([scenario])
            self._con.execute(sql("lines"))
            lines = self._frame("scenario_lines")
            overheads = self._con.execute("SELECT coalesce(sum(amount_gbp), 0.0) FROM federation_costs").fetchone()[0]
            subscriptions = self._con.execute(
                "SELECT subscription_gbp FROM memberships JOIN practice_ids USING (practice_code) ORDER BY practice_id"
            ).fetchnumpy()["subscription_gbp"]
        lines.attrs["overheads_gbp"] = float(overheads) * (1 + scenario.overhead_change_pct / 100)
        lines.attrs["subscription_gbp"] = subscriptions
        return lines

    def check(self, scenarios: Sequence[Scenario]) -> None:
        """A service put on the PCN route needs the PCN's cost per unit: an error naming the service."""
        no_cost = set(self.services.loc[self.services["pcn_cost_per_unit"].isna(), "service"])
        problems = sorted(
            {
                f"service_route: '{service}' is on the PCN route but has no pcn_cost_per_unit: give it in services, "
                "or the PCN's staff time in service_staffing (delivered_by pcn)"
                for scenario in scenarios
                for service, route in scenario.service_route.items()
                if route == "pcn" and service in no_cost
            }
        )
        if problems:
            raise ScenarioError(problems)

    def _frame(self, query: str) -> pd.DataFrame:
        """A named query's result as a DataFrame (through Arrow: several times faster than .df())."""
        return self._con.sql(sql(query)).to_arrow_table().to_pandas()

    def _settle(self, scenarios: Sequence[Scenario]) -> None:
        """Apply the scenarios, run rational rounds (and membership rounds) to the end, keep the final lines."""
        self._set_scenarios(scenarios)
        self._con.execute(sql("lines"))
        rational = any(s.participation == "rational" for s in scenarios)
        rounds = self._rational_rounds(0) if rational else 0
        if any(s.membership == "rational" for s in scenarios):
            for membership_round in range(1, MAX_ROUNDS + 1):
                left = self._con.execute(sql("member_leavers"), {"round": membership_round, "slack": LEAVING_SLACK_GBP}).fetchone()
                if not left or not left[0]:
                    break
                # Leavers use no federation service; their PCN routes are unchanged.
                self._con.execute(
                    "UPDATE lines SET eligible = false FROM member_leavers AS m "
                    "WHERE m.left_round = $round AND lines.variant = m.variant AND lines.practice_code = m.practice_code AND NOT lines.on_pcn",
                    {"round": membership_round},
                )
                if rational:
                    rounds = self._rational_rounds(rounds)
            else:
                raise RuntimeError("membership choice did not settle")  # cannot happen: each round removes a member
        # Only what the result queries read: the pool arithmetic's columns would cost a fifth of the copy.
        self._con.execute(
            "CREATE OR REPLACE TEMP TABLE final_lines AS SELECT * EXCLUDE (group_units, group_income, group_size, federation_cost_per_unit, "
            "federation_fixed_cost, pool_id, pool_key, has_pool, fee_per_unit_gbp, vat_rate_pct) FROM quotes"
        )
        self._con.execute("CREATE OR REPLACE TEMP TABLE final_memberships AS SELECT * FROM memberships")

    def _rational_rounds(self, done: int) -> int:
        """Service rounds until nobody leaves, numbered on from ``done``; returns the last round number used."""
        for round_number in range(done + 1, done + MAX_ROUNDS + 1):
            left = self._con.execute(sql("leavers"), {"round": round_number, "slack": LEAVING_SLACK_GBP}).fetchone()
            if not left or not left[0]:
                return round_number - 1
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
            "subscription_gbp_per_patient": [float(s.subscription_gbp_per_patient) for s in scenarios],
        }
        flags = {
            "rational": [s.participation == "rational" for s in scenarios],
            "subscription_weighted": [s.subscription_basis == "weighted" for s in scenarios],
            "membership_rational": [s.membership == "rational" for s in scenarios],
        }
        selects = ", ".join(
            [f"unnest(${name}::DOUBLE[]) AS {name}" for name in columns] + [f"unnest(${name}::BOOLEAN[]) AS {name}" for name in flags]
        )
        self._con.execute(
            f"CREATE OR REPLACE TEMP TABLE scenarios AS SELECT unnest($variant::INTEGER[]) AS variant, {selects}",
            {"variant": list(range(len(scenarios))), **columns, **flags},
        )
        self._per_service_table(
            "scenario_fees", "fee_pct", "DOUBLE", [(v, n, float(x)) for v, s in enumerate(scenarios) for n, x in s.service_fee_pct.items()]
        )
        self._per_service_table(
            "scenario_unit_fees",
            "fee_per_unit_gbp",
            "DOUBLE",
            [(v, n, float(x)) for v, s in enumerate(scenarios) for n, x in s.service_fee_per_unit_gbp.items()],
        )
        self._per_service_table(
            "scenario_routes",
            "route",
            "VARCHAR",
            [(v, n, r) for v, s in enumerate(scenarios) for n, r in s.service_route.items() if r == "pcn"],
        )
        self._con.execute("CREATE OR REPLACE TEMP TABLE member_leavers (variant INTEGER, practice_code VARCHAR, left_round INTEGER)")
        excluded = [(v, code) for v, s in enumerate(scenarios) for code in s.excluded_practices]
        self._con.execute(
            "CREATE OR REPLACE TEMP TABLE scenario_excluded AS "
            "SELECT unnest($variant::INTEGER[]) AS variant, unnest($code::VARCHAR[]) AS practice_code",
            {"variant": [e[0] for e in excluded], "code": [e[1] for e in excluded]},
        )

    def _per_service_table(self, name: str, column: str, kind: str, entries: list[tuple[int, str, object]]) -> None:
        """A scenario table of (variant, service, value): per-service fees and routes."""
        self._con.execute(
            f"CREATE OR REPLACE TEMP TABLE {name} AS "
            f"SELECT unnest($variant::INTEGER[]) AS variant, unnest($service::VARCHAR[]) AS service, unnest($value::{kind}[]) AS {column}",
            {"variant": [e[0] for e in entries], "service": [e[1] for e in entries], "value": [e[2] for e in entries]},
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
    def mine(frame: pd.DataFrame) -> pd.DataFrame:
        if frame.empty or frame["variant"].iloc[0] == frame["variant"].iloc[-1]:  # one variant (a single run): no copy through a mask
            return frame.drop(columns="variant")
        return frame[frame["variant"] == variant].drop(columns="variant").reset_index(drop=True)

    mine_rows, mine_practices, mine_services = mine(rows), mine(practices), mine(services)
    headline = federation[federation["variant"] == variant].iloc[0]
    surplus = float(headline["surplus_gbp"])
    summary = FederationResult(
        fee_income_gbp=float(headline["fee_income_gbp"]),
        overheads_gbp=float(headline["overheads_gbp"]),
        surplus_gbp=surplus,
        viable=surplus >= 0,
        rounds=int(headline["rounds"]),
        participants=dict(zip(mine_services["service"].astype(str), mine_services["participants"].astype(int).tolist(), strict=True)),
        management_fee_income_gbp=float(headline["management_fee_income_gbp"]),
        subscription_income_gbp=float(headline["subscription_income_gbp"]),
        pcn_fee_income_gbp=float(headline["pcn_fee_income_gbp"]),
        vat_gbp=float(headline["vat_gbp"]),
        members=int(headline["members"]),
        membership_rounds=int(headline["membership_rounds"]),
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
