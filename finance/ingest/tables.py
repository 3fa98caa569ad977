"""The upload contract (DATA.md) as data: tables, their columns, types, rules and synonyms.

The reader, the validator and the template generator all read these definitions, so the
template a user downloads cannot drift from the rules their upload is checked against.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

Kind = Literal["code", "text", "whole", "number", "money", "percent", "yesno", "stream", "service"]


@dataclass(frozen=True)
class Column:
    name: str
    kind: Kind
    required: bool = False
    minimum: float | None = None
    maximum: float | None = None
    synonyms: tuple[str, ...] = ()
    help: str = ""
    example: tuple[object, ...] = ()
    # Required unless another table gives the value (services' unit costs from service_staffing):
    # the rule is checked in finance/ingest/staffing.py, the template shows this text.
    required_unless: str = ""


@dataclass(frozen=True)
class Table:
    name: str
    title: str
    columns: tuple[Column, ...]
    required: bool = False
    # Extra names a sheet or file may carry for this table.
    aliases: tuple[str, ...] = ()
    help: str = ""
    # For income sheets: the stream their name implies.
    implied_stream: str | None = None
    # The table whose rows this one's rows are stored with (contract_income -> income).
    stored_as: str | None = None

    def column(self, name: str) -> Column:
        return next(c for c in self.columns if c.name == name)

    @property
    def column_names(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns)


STREAMS = ("contract", "pcn_des", "federation")
STREAM_WORDS = {
    "contract": "contract",
    "contractincome": "contract",
    "core": "contract",
    "gms": "contract",
    "pms": "contract",
    "apms": "contract",
    "pcndes": "pcn_des",
    "pcn": "pcn_des",
    "pcndesincome": "pcn_des",
    "des": "pcn_des",
    "networkcontractdes": "pcn_des",
    "federation": "federation",
    "federationincome": "federation",
    "fed": "federation",
}

YES_WORDS = frozenset({"y", "yes", "true", "1", "1.0"})
NO_WORDS = frozenset({"n", "no", "false", "0", "0.0"})

_PRACTICE_CODE = Column(
    "practice_code",
    "code",
    required=True,
    synonyms=("ODS code", "Practice Code", "Prac Code", "Practice ODS code", "Practice", "Code", "Org code"),
    help="ODS practice code: one letter and five digits, e.g. A81001",
    example=("A81001", "A81002", "A81003"),
)


def _income_columns(stream_required: bool) -> tuple[Column, ...]:
    return (
        _PRACTICE_CODE,
        Column(
            "stream",
            "stream",
            required=stream_required,
            synonyms=("Income stream", "Stream type", "Funding stream", "Contract"),
            help="contract, pcn_des or federation (GMS, PMS, APMS count as contract)",
            example=("contract", "contract", "pcn_des"),
        ),
        Column(
            "line",
            "text",
            required=True,
            synonyms=("Income line", "Line item", "Description", "Payment", "Payment type", "Item", "Income type"),
            help="What the payment is, e.g. Global Sum, QOF achievement, Enhanced Access",
            example=("Global Sum", "QOF achievement", "Enhanced Access"),
        ),
        Column(
            "service",
            "service",
            synonyms=("Service name", "For service"),
            help="The service this income pays for (must be in services); blank = core income",
            example=("", "", "Enhanced Access"),
        ),
        Column(
            "amount_gbp",
            "money",
            required=True,
            synonyms=("Amount", "Value", "£", "GBP", "Annual amount", "Total", "Amount pounds"),
            help="Pounds per year; negative for deductions; £12,345.67 and (1,200.00) are accepted",
            example=(412_500.00, 58_200.00, 41_300.00),
        ),
    )


def _income_table(name: str, title: str, stream: str | None, aliases: tuple[str, ...]) -> Table:
    return Table(
        name,
        title,
        _income_columns(stream_required=stream is None),
        aliases=aliases,
        implied_stream=stream,
        stored_as="income",
        help=(
            "One row per practice per income line."
            + (f" Every row here is {stream} income." if stream else " The stream column says which income it is.")
        ),
    )


PRACTICES = Table(
    "practices",
    "Practices",
    (
        _PRACTICE_CODE,
        Column(
            "practice_name",
            "text",
            required=True,
            synonyms=("Name", "Surgery", "Surgery name"),
            help="The practice's name",
            example=("Riverside Surgery", "Hillview Medical Centre", "Old Mill Practice"),
        ),
        Column(
            "pcn",
            "text",
            synonyms=("PCN name", "Primary Care Network", "Network"),
            help="The Primary Care Network the practice belongs to (optional)",
            example=("Riverside PCN", "Riverside PCN", "Hillside PCN"),
        ),
        Column(
            "list_size",
            "whole",
            required=True,
            minimum=0,
            synonyms=(
                "List size",
                "Registered patients",
                "Registered list",
                "Registered list size",
                "Patients",
                "Number of registered patients",
                "List",
            ),
            help="Registered patients (a whole number)",
            example=(9_200, 12_450, 5_100),
        ),
        Column(
            "weighted_list_size",
            "number",
            minimum=0,
            synonyms=("Weighted list", "Weighted patients", "Weighted population", "Number of weighted patients"),
            help="Weighted (Carr-Hill) list; blank = the registered list",
            example=(9_650.4, 11_980.0, 5_420.7),
        ),
        Column(
            "partners_fte",
            "number",
            minimum=0,
            synonyms=("Partners", "Partner FTE", "GP partners", "GP partners FTE", "Number of partners", "Partners WTE"),
            help="Full-time-equivalent partners (optional; gives profit per partner)",
            example=(4.0, 5.5, 2.0),
        ),
        Column(
            "federation_member",
            "yesno",
            synonyms=("Member", "Federation", "In federation", "Fed member", "Member of federation", "Federation member?"),
            help="yes or no; blank = yes",
            example=("yes", "yes", "no"),
        ),
    ),
    required=True,
    aliases=("practice", "practice list", "practice details", "members"),
    help="One row per practice.",
)

INCOME = _income_table("income", "Income", None, ("all income", "income lines"))
CONTRACT_INCOME = _income_table("contract_income", "Contract income", "contract", ("contract", "gms income", "core income"))
PCN_DES_INCOME = _income_table("pcn_des_income", "PCN DES income", "pcn_des", ("pcn income", "pcn des", "network contract des income"))
FEDERATION_INCOME = _income_table("federation_income", "Federation income", "federation", ("federation service income",))

SERVICES = Table(
    "services",
    "Services",
    (
        Column(
            "service",
            "text",
            required=True,
            synonyms=("Service name", "Name"),
            help="The service's name, unique",
            example=("Phlebotomy", "Enhanced Access", "Flu vaccination"),
        ),
        Column(
            "unit",
            "text",
            synonyms=("Unit of activity", "Activity unit", "Per"),
            help="What one unit of activity is (appointment, vaccination, patient)",
            example=("blood test", "appointment", "vaccination"),
        ),
        Column(
            "units_per_1000_patients",
            "number",
            minimum=0,
            synonyms=("Units per 1000", "Per 1000 patients", "Activity per 1000", "Units per 1,000 patients", "Rate per 1000"),
            help="Default yearly activity per 1,000 registered patients, used where activity has no row",
            example=(520, 1_200, 190),
        ),
        Column(
            "inhouse_cost_per_unit",
            "money",
            minimum=0,
            synonyms=("In-house cost per unit", "Inhouse unit cost", "Practice cost per unit", "In house cost per unit"),
            help="The practice's own cost of one unit (staff time with on-costs, consumables); blank when service_staffing gives the practice's staff time",
            example=("", 38.50, 4.20),
            required_unless="service_staffing has rows for the service delivered_by practice",
        ),
        Column(
            "inhouse_fixed_cost",
            "money",
            minimum=0,
            synonyms=("In-house fixed cost", "Inhouse fixed", "Practice fixed cost", "In house fixed cost"),
            help="A practice's yearly fixed cost of running the service itself (blank = 0)",
            example=(1_000, 4_000, 500),
        ),
        Column(
            "federation_cost_per_unit",
            "money",
            minimum=0,
            synonyms=("Federation cost per unit", "Fed cost per unit", "Federation unit cost", "Hub cost per unit"),
            help="The federation's cost of one unit at scale; blank when service_staffing gives the federation's staff time",
            example=("", 33.00, 3.60),
            required_unless="service_staffing has rows for the service delivered_by federation",
        ),
        Column(
            "federation_fixed_cost",
            "money",
            minimum=0,
            synonyms=("Federation fixed cost", "Fed fixed cost", "Hub fixed cost"),
            help="The federation's yearly fixed cost of the service, shared by the practices using it (blank = 0)",
            example=(6_000, 60_000, 3_000),
        ),
        Column(
            "management_fee_pct",
            "percent",
            required=True,
            minimum=0,
            maximum=100,
            synonyms=("Management fee", "Fee", "Fee %", "Management fee %", "Top slice", "Top-slice %", "Fee pct"),
            help="Share of the practice's service income the federation keeps, in percent: type 10 for 10%",
            example=(10, 8, 6),
        ),
        Column(
            "fee_per_unit_gbp",
            "money",
            minimum=0,
            synonyms=("Fee per unit", "Per unit fee", "Unit fee", "Charge per unit", "Management fee per unit"),
            help="A federation charge per unit delivered, on top of the percentage (blank = 0)",
            example=(0, 1.50, 0),
        ),
        Column(
            "vat_rate_pct",
            "percent",
            minimum=0,
            maximum=100,
            synonyms=("VAT", "VAT rate", "VAT %", "VAT rate %"),
            help="VAT on the at-scale deliverer's charge that practices cannot reclaim, in percent: 20 for a standard-rated supply such as staff (blank = 0, exempt)",
            example=(0, 20, 0),
        ),
        Column(
            "pcn_cost_per_unit",
            "money",
            minimum=0,
            synonyms=("PCN cost per unit", "PCN unit cost", "Network cost per unit"),
            help="The PCN's cost of one unit if the PCN delivers the service (needed for the PCN route); blank when service_staffing gives the PCN's staff time",
            example=("", "", ""),
        ),
        Column(
            "pcn_fixed_cost",
            "money",
            minimum=0,
            synonyms=("PCN fixed cost", "Network fixed cost"),
            help="A PCN's yearly fixed cost of running the service, shared among its practices that use it (blank = 0)",
            example=("", 15_000, ""),
        ),
        Column(
            "pcn_fee_pct",
            "percent",
            minimum=0,
            maximum=100,
            synonyms=("PCN fee", "PCN fee %", "PCN management fee", "PCN top slice"),
            help="The share of the income the PCN keeps for its management, in percent (blank = 0)",
            example=("", 2, ""),
        ),
    ),
    required=True,
    aliases=("service", "service catalogue", "catalogue", "service list"),
    help="The service catalogue and its delivery economics: one row per service.",
)

ACTIVITY = Table(
    "activity",
    "Activity",
    (
        _PRACTICE_CODE,
        Column("service", "service", required=True, synonyms=("Service name",), help="A service in services", example=("Phlebotomy",) * 3),
        Column(
            "units",
            "number",
            required=True,
            minimum=0,
            synonyms=("Activity", "Volume", "Units per year", "Count", "Number"),
            help="Units of the service a year; overrides units_per_1000_patients",
            example=(4_800, 6_500, 2_600),
        ),
    ),
    aliases=("activity levels", "volumes", "units"),
    help="Optional: yearly units per practice and service. One row per pair.",
)

FEDERATION_COSTS = Table(
    "federation_costs",
    "Federation costs",
    (
        Column(
            "item",
            "text",
            required=True,
            synonyms=("Description", "Cost item", "Overhead", "Name"),
            help="What the cost is",
            example=("Chief officer", "Finance and HR", "Premises"),
        ),
        Column(
            "amount_gbp",
            "money",
            required=True,
            minimum=0,
            synonyms=("Amount", "Value", "£", "GBP", "Annual amount", "Cost £", "Total"),
            help="Pounds per year",
            example=(95_000, 60_000, 24_000),
        ),
    ),
    aliases=("federation overheads", "overheads", "central costs", "federation cost"),
    help="Optional: the federation's central overheads that management fees must cover.",
)

PRACTICE_COSTS = Table(
    "practice_costs",
    "Practice costs",
    (
        _PRACTICE_CODE,
        Column(
            "amount_gbp",
            "money",
            required=True,
            minimum=0,
            synonyms=("Amount", "Value", "£", "GBP", "Annual amount", "Cost £", "Total", "Cost"),
            help="Pounds per year",
            example=(610_000, 820_000, 330_000),
        ),
        Column(
            "item",
            "text",
            synonyms=("Description", "Cost item", "Expense"),
            help="What the cost is (optional)",
            example=("Staff", "Staff", "Premises"),
        ),
    ),
    aliases=("practice expenses", "running costs", "practice cost"),
    help="Optional: a practice's running costs that no service carries. Rows for one practice are added up.",
)

DELIVERERS = ("practice", "federation", "pcn")

SERVICE_STAFFING = Table(
    "service_staffing",
    "Service staffing",
    (
        Column(
            "service",
            "service",
            required=True,
            synonyms=("Service name",),
            help="A service in services",
            example=("Phlebotomy", "Phlebotomy", "Enhanced Access"),
        ),
        Column(
            "delivered_by",
            "text",
            required=True,
            synonyms=("Deliverer", "Delivered by", "Who delivers", "Provider"),
            help="practice, federation or pcn: whose staff time the row is",
            example=("practice", "federation", "pcn"),
        ),
        Column(
            "role",
            "text",
            synonyms=("Staff role", "Staff", "Job", "Job role", "Staff group"),
            help="A role in staff_rates or the shipped default rates (e.g. HCA, Practice nurse); blank for a row of other costs only",
            example=("HCA", "HCA", "Salaried GP"),
        ),
        Column(
            "minutes_per_unit",
            "number",
            minimum=0,
            synonyms=("Minutes", "Minutes per unit", "Mins per unit", "Time per unit", "Minutes each"),
            help="Minutes of that role for one unit (required with a role)",
            example=(15, 10, 15),
        ),
        Column(
            "other_cost_per_unit_gbp",
            "money",
            minimum=0,
            synonyms=("Other cost per unit", "Consumables", "Consumables per unit", "Other costs"),
            help="Consumables, travel, rooms for one unit (blank = 0)",
            example=(0.60, 0.60, ""),
        ),
    ),
    aliases=("staffing", "staff time", "service staff time"),
    help="Optional: who does one unit of a service and for how long. Rows for one service and deliverer are added up and replace that deliverer's cost per unit in services.",
)

STAFF_RATES = Table(
    "staff_rates",
    "Staff rates",
    (
        Column(
            "role",
            "text",
            required=True,
            synonyms=("Staff role", "Staff", "Job", "Job role", "Staff group"),
            help="The role's name, unique",
            example=("HCA", "Practice nurse", "Salaried GP"),
        ),
        Column(
            "hourly_cost_gbp",
            "money",
            required=True,
            minimum=0,
            synonyms=("Hourly cost", "Cost per hour", "Hourly rate", "Rate per hour", "Hourly cost £"),
            help="Pay with employer NI and pension, per hour worked (more than 0)",
            example=(20.51, 27.06, 71.50),
        ),
        Column(
            "source",
            "text",
            synonyms=("Source", "Basis", "Note", "Derivation"),
            help="Where the rate comes from (optional)",
            example=("AfC Band 3 2025/26", "AfC Band 5 2025/26", "BMA salaried range 2025/26"),
        ),
    ),
    aliases=("rates", "hourly rates", "staff costs", "staff rate"),
    help="Optional: hourly costs by role. A row replaces the shipped default rate of the same role.",
)

TABLES: tuple[Table, ...] = (
    PRACTICES,
    CONTRACT_INCOME,
    PCN_DES_INCOME,
    FEDERATION_INCOME,
    INCOME,
    SERVICES,
    ACTIVITY,
    FEDERATION_COSTS,
    PRACTICE_COSTS,
    SERVICE_STAFFING,
    STAFF_RATES,
)
TABLES_BY_NAME = {t.name: t for t in TABLES}
# The tables of a loaded Dataset (income sheets are stored together).
DATASET_TABLES = ("practices", "income", "services", "activity", "federation_costs", "practice_costs", "service_staffing", "staff_rates")
INCOME_TABLES = tuple(t.name for t in TABLES if t.stored_as == "income")


def normalise_name(text: object) -> str:
    """Lower case, letters and digits only: how names of sheets, files and columns are compared.

    >>> normalise_name("PCN DES income (£)")
    'pcndesincome'
    >>> normalise_name("£")
    'gbp'
    """
    s = str(text).strip().lower()
    s = re.sub(r"\s*\(?\s*(£|gbp|pounds)\s*\)?\s*$", "", s) or ("gbp" if s else "")
    s = re.sub(r"[^a-z0-9]", "", s)
    return s


def _table_keys() -> dict[str, str]:
    keys: dict[str, str] = {}
    for table in TABLES:
        for name in (table.name, table.title, *table.aliases):
            keys[normalise_name(name)] = table.name
    return keys


TABLE_KEYS = _table_keys()


def table_for_name(name: str, *, loose: bool) -> str | None:
    """Which table a sheet or file name means, or None.

    Exact names (any case and spacing) always count; with ``loose`` (file names) the longest table
    name inside the text wins, so ``2025-26 pcn_des_income`` is pcn_des_income, not income.

    >>> table_for_name("Contract income", loose=False)
    'contract_income'
    >>> table_for_name("2025-26 pcn_des_income", loose=True)
    'pcn_des_income'
    """
    key = normalise_name(name)
    if key in TABLE_KEYS:
        return TABLE_KEYS[key]
    if not loose:
        return None
    found = [k for k in TABLE_KEYS if len(k) >= 5 and k in key]
    if not found:
        return None
    return TABLE_KEYS[max(found, key=len)]


def column_lookup(table: Table) -> dict[str, str]:
    """Normalised header -> column name, for every column and synonym of a table."""
    lookup: dict[str, str] = {}
    for column in table.columns:
        for name in (column.name, *column.synonyms):
            lookup.setdefault(normalise_name(name), column.name)
    # Column names themselves win over another column's synonym.
    for column in table.columns:
        lookup[normalise_name(column.name)] = column.name
    return lookup
