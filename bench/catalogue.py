"""The fixed vocabulary of the synthetic federation: services, income lines, cost items, place names.

Figures are plausible England 2025/26 orders of magnitude (see ../shared/DOMAIN.md), not sourced
tariffs: the benchmark needs realistic shapes and sizes, not exact prices.
"""

from __future__ import annotations

from typing import NamedTuple


class ServiceTemplate(NamedTuple):
    service: str
    unit: str
    units_per_1000_patients: float
    inhouse_cost_per_unit: float
    inhouse_fixed_cost: float
    stream: str  # the income stream that pays for it


SERVICES: tuple[ServiceTemplate, ...] = (
    ServiceTemplate("Phlebotomy", "blood test", 600, 6.00, 1_000, "federation"),
    ServiceTemplate("Enhanced Access", "appointment", 310, 38.00, 4_000, "pcn_des"),
    ServiceTemplate("Flu vaccination", "vaccination", 250, 9.00, 800, "contract"),
    ServiceTemplate("Childhood immunisations", "vaccination", 120, 10.50, 600, "contract"),
    ServiceTemplate("Shingles vaccination", "vaccination", 15, 9.50, 200, "contract"),
    ServiceTemplate("Pneumococcal vaccination", "vaccination", 20, 9.50, 200, "contract"),
    ServiceTemplate("RSV vaccination", "vaccination", 18, 9.50, 200, "contract"),
    ServiceTemplate("Cervical screening", "test", 90, 22.00, 500, "contract"),
    ServiceTemplate("Minor surgery", "procedure", 12, 70.00, 2_500, "contract"),
    ServiceTemplate("Joint injections", "injection", 10, 35.00, 600, "contract"),
    ServiceTemplate("Anticoagulation monitoring", "patient", 12, 95.00, 1_500, "federation"),
    ServiceTemplate("Diabetes annual review", "review", 70, 45.00, 1_000, "contract"),
    ServiceTemplate("NHS Health Checks", "check", 30, 28.00, 400, "federation"),
    ServiceTemplate("Spirometry", "test", 8, 55.00, 3_000, "federation"),
    ServiceTemplate("ECG", "test", 40, 18.00, 2_000, "federation"),
    ServiceTemplate("24-hour blood pressure monitoring", "patient", 15, 30.00, 1_500, "federation"),
    ServiceTemplate("Ear microsuction", "appointment", 25, 25.00, 2_500, "federation"),
    ServiceTemplate("Wound care", "dressing", 80, 14.00, 600, "federation"),
    ServiceTemplate("Care home ward rounds", "bed", 4, 250.00, 1_000, "pcn_des"),
    ServiceTemplate("Social prescribing", "referral", 20, 60.00, 0, "pcn_des"),
    ServiceTemplate("Contraceptive implants and coils", "fitting", 10, 80.00, 1_500, "contract"),
    ServiceTemplate("Learning disability health checks", "check", 5, 120.00, 300, "contract"),
    ServiceTemplate("Severe mental illness health checks", "check", 8, 90.00, 300, "federation"),
    ServiceTemplate("Home visiting", "visit", 40, 65.00, 3_000, "federation"),
    ServiceTemplate("Note summarising", "record", 60, 7.00, 500, "federation"),
    ServiceTemplate("Weight management referrals", "referral", 10, 9.00, 0, "contract"),
)

# Income lines that pay for no particular service: (stream, line).
CORE_LINES: tuple[tuple[str, str], ...] = (
    ("contract", "Global Sum"),
    ("contract", "QOF aspiration"),
    ("contract", "QOF achievement"),
    ("contract", "Premises - notional rent"),
    ("contract", "Premises - business rates"),
    ("contract", "Locum reimbursement"),
    ("contract", "Superannuation deduction"),
    ("contract", "Statutory levy"),
    ("pcn_des", "Network participation payment"),
    ("pcn_des", "ARRS reimbursement"),
    ("pcn_des", "Capacity and Access Support Payment"),
    ("pcn_des", "Core PCN funding"),
)

# The name of a service's main income line, by stream.
SERVICE_LINE_SUFFIX = {
    "contract": "enhanced service",
    "pcn_des": "PCN DES",
    "federation": "locally commissioned service",
}

FEDERATION_COST_ITEMS: tuple[str, ...] = (
    "Chief officer",
    "Finance director",
    "Finance team",
    "HR and payroll",
    "Premises",
    "IT and clinical systems",
    "Insurance",
    "Audit and accountancy",
    "Legal",
    "Board and governance",
    "Clinical director sessions",
    "Training and education",
    "Communications",
    "Recruitment",
    "Bank charges",
)

PRACTICE_COST_ITEMS: tuple[str, ...] = (
    "Staff (non-service)",
    "Premises running costs",
    "IT and clinical systems",
    "Indemnity and professional fees",
    "Practice management and admin",
)

PLACES: tuple[str, ...] = (
    "Abbey", "Ashfield", "Beacon", "Bramley", "Brookside", "Castle", "Cedar", "Chapel", "Church Lane",
    "Clifton", "Coppice", "Crown", "Denton", "Eastgate", "Elmwood", "Fairfield", "Forest", "Glebe",
    "Grange", "Greenway", "Hadley", "Harbour", "Hawthorn", "Heath", "Highfield", "Hillview", "Holly",
    "Kingsway", "Lakeside", "Larkfield", "Linden", "Manor", "Market Street", "Meadow", "Mill",
    "Moorland", "Newlands", "Northgate", "Oakwood", "Old Mill", "Orchard", "Park", "Priory",
    "Queens Road", "Ravenswood", "Riverside", "Rosewood", "St Johns", "St Marys", "Southgate",
    "Springfield", "Station Road", "Thornbury", "Valley", "Victoria", "Westgate", "Willow",
    "Windmill", "Woodlands", "Yew Tree",
)  # fmt: skip

PRACTICE_SUFFIXES: tuple[str, ...] = (
    "Surgery",
    "Medical Centre",
    "Health Centre",
    "Medical Practice",
    "Family Practice",
    "Group Practice",
)

PCN_AREAS: tuple[str, ...] = (
    "North", "South", "East", "West", "Central", "Rural", "Coastal", "Valley", "Town", "City",
    "Villages", "Borough", "Vale", "Moor", "Downs", "Forest", "Riverside", "Hills", "Park", "Heath",
    "Fields", "Marsh", "Wolds", "Dales", "Edge",
)  # fmt: skip
