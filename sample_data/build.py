"""Rebuild the sample federation from the committed NHS payments slice: ``python sample_data/build.py``.

The practices and their contract and PCN DES income come from the importer (real 2022/23 figures
for sub-ICB 07H, West Essex); everything the NHS file cannot know (the service catalogue, local
service tariffs, the federation's overheads, practice running costs, partners) is worked out here
from the sourced rates and the stated assumptions below. README.md says where each figure comes from.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pandas as pd
from openpyxl import Workbook

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from finance.nhs.payments import import_payments, write_upload_set  # noqa: E402  (after the path is set)

SOURCE = HERE / "source" / "nhs-payments-2022-23-07H.csv"
AREA = "07H"

# -- staff cost per hour, 2022/23 prices -------------------------------------------------------
AFC_2024_25 = {
    "band 2": 23_615,
    "band 3": 24_872,
    "band 4": 27_822,
    "band 5": 32_324,
    "band 6": 39_405,
    "band 7": 48_526,
}
AFC_BACK_TO_2022_23 = 1.055 * 1.05  # undo the 2024/25 (5.5%) and 2023/24 (5%) pay awards
SALARIED_GP_2022_23 = (68_974 + 104_086) / 2 / 1.06  # DDRB 2023/24 range midpoint, less its 6% uplift
ON_COSTS = 1.28  # employer NI + pension, about 28% of pay
PRODUCTIVE_HOURS = 1_650  # 37.5 h x 52 weeks less leave, bank holidays and training
SESSIONAL_GP_PER_HOUR = 727 / 8  # locum day rate (Pulse, about 2022-23), self-employed: no on-costs


def per_hour(role: str) -> float:
    """Employer cost of one productive hour: pay, 2022/23 prices, with on-costs."""
    pay = SALARIED_GP_2022_23 if role == "salaried GP" else AFC_2024_25[role] / AFC_BACK_TO_2022_23
    return pay * ON_COSTS / PRODUCTIVE_HOURS


def minutes(role: str, n: float) -> float:
    return per_hour(role) * n / 60


# -- the service catalogue ------------------------------------------------------------------------
# Cost per unit = staff minutes at the rates above + consumables; fixed costs are a year's. tariff is
# the local price per unit for services the NHS file has no column for (federation_income.csv).
# README.md gives the reasoning for every figure.
def service(
    name: str,
    unit: str,
    *,
    per_1000: float,
    inhouse: float,
    inhouse_fixed: float,
    federation: float,
    federation_fixed: float,
    fee_pct: float,
    tariff: float | None = None,
) -> dict[str, object]:
    """One catalogue row under the DATA.md column names, plus the local tariff."""
    return {
        "service": name,
        "unit": unit,
        "units_per_1000_patients": per_1000,
        "inhouse_cost_per_unit": inhouse,
        "inhouse_fixed_cost": inhouse_fixed,
        "federation_cost_per_unit": federation,
        "federation_fixed_cost": federation_fixed,
        "management_fee_pct": fee_pct,
        "tariff": tariff,
    }


EA_SLOT = (SESSIONAL_GP_PER_HOUR + per_hour("band 7")) / 2 / 4  # 15 minutes, half GP and half ANP slots
SERVICES = [
    # Imported from the NHS file: every service name payment_columns.csv can emit.
    service("Enhanced Access", "appointment", per_1000=156,
            inhouse=EA_SLOT + minutes("band 2", 15), inhouse_fixed=6_000,
            federation=EA_SLOT + minutes("band 2", 14), federation_fixed=75_000, fee_pct=8),
    service("Flu vaccination", "vaccination", per_1000=190,
            inhouse=minutes("band 3", 4) + 0.50, inhouse_fixed=1_000,
            federation=minutes("band 3", 4) + 0.40, federation_fixed=20_000, fee_pct=5),
    service("Childhood immunisations", "vaccination", per_1000=39,
            inhouse=minutes("band 5", 10) + 0.60, inhouse_fixed=0,
            federation=minutes("band 5", 10) + 0.60, federation_fixed=15_000, fee_pct=5),
    service("Learning disability health checks", "health check", per_1000=2.3,
            inhouse=minutes("band 5", 45) + minutes("salaried GP", 15) + 3.00, inhouse_fixed=0,
            federation=minutes("band 6", 60) + minutes("salaried GP", 10) + 3.00, federation_fixed=10_000,
            fee_pct=5),
    service("Care home rounds", "care home bed (a year of weekly rounds)", per_1000=3.8,
            inhouse=52 * minutes("band 7", 3), inhouse_fixed=0,
            federation=52 * minutes("band 7", 2.6), federation_fixed=20_000, fee_pct=8),
    service("Minor surgery", "procedure", per_1000=10,
            inhouse=minutes("salaried GP", 30) + minutes("band 3", 30) + 15.00, inhouse_fixed=1_500,
            federation=minutes("salaried GP", 27) + minutes("band 3", 27) + 12.00, federation_fixed=25_000,
            fee_pct=10, tariff=70.00),
    # No column in the NHS file: income, where any, comes from federation_income.csv.
    service("Phlebotomy", "blood test", per_1000=450,
            inhouse=minutes("band 3", 10) + 1.50, inhouse_fixed=1_500,
            federation=minutes("band 3", 9) + 1.20, federation_fixed=30_000, fee_pct=8, tariff=4.50),
    service("Home visiting", "visit", per_1000=25,
            inhouse=minutes("salaried GP", 45) + 6.00, inhouse_fixed=0,
            federation=minutes("band 7", 65) + 8.00, federation_fixed=45_000, fee_pct=10, tariff=30.00),
    service("Document management", "clinical letter", per_1000=2_000,
            inhouse=minutes("band 3", 3), inhouse_fixed=0,
            federation=minutes("band 3", 2.8), federation_fixed=35_000, fee_pct=10),
    service("Spirometry", "diagnostic test", per_1000=8,
            inhouse=minutes("band 6", 45) + 5.00, inhouse_fixed=1_500,
            federation=minutes("band 6", 45) + 4.00, federation_fixed=20_000, fee_pct=10, tariff=45.00),
    service("ECG", "ECG", per_1000=20,
            inhouse=minutes("band 3", 20) + 1.50, inhouse_fixed=600,
            federation=minutes("band 3", 20) + 1.80, federation_fixed=15_000, fee_pct=8, tariff=12.00),
]  # fmt: skip
# -- staff time (services.xlsx's sheets service_staffing and staff_rates; issue 11) ---------------------------------
# The same minutes and consumables as SERVICES above, as the rows a practice manager would type:
# the model works each unit cost out from them (MODEL.md, "Costs from staff time"), so the cost
# cells of services.xlsx are left blank. Its staff_rates sheet gives the roles at the 2022/23 rates above
# (pence), replacing the shipped 2025/26 defaults of the same roles; write_staffing checks that
# every staffed cost matches SERVICES to the penny.
SAMPLE_ROLES = {
    "Receptionist": "band 2",
    "HCA": "band 3",
    "Administrator": "band 3",
    "Practice nurse": "band 5",
    "Specialist nurse": "band 6",
    "ANP": "band 7",
    "Paramedic": "band 7",
    "Salaried GP": "salaried GP",
}
STAFFING = [
    # service, delivered_by, role, minutes, other cost per unit
    ("Enhanced Access", "practice", "GP locum", 7.5, None), ("Enhanced Access", "practice", "ANP", 7.5, None),
    ("Enhanced Access", "practice", "Receptionist", 15, None),
    ("Enhanced Access", "federation", "GP locum", 7.5, None), ("Enhanced Access", "federation", "ANP", 7.5, None),
    ("Enhanced Access", "federation", "Receptionist", 14, None),
    ("Enhanced Access", "pcn", "GP locum", 7.5, None), ("Enhanced Access", "pcn", "ANP", 7.5, None),
    ("Enhanced Access", "pcn", "Receptionist", 14, None),
    ("Flu vaccination", "practice", "HCA", 4, 0.50), ("Flu vaccination", "federation", "HCA", 4, 0.40),
    ("Childhood immunisations", "practice", "Practice nurse", 10, 0.60), ("Childhood immunisations", "federation", "Practice nurse", 10, 0.60),
    ("Learning disability health checks", "practice", "Practice nurse", 45, 3.00),
    ("Learning disability health checks", "practice", "Salaried GP", 15, None),
    ("Learning disability health checks", "federation", "Specialist nurse", 60, 3.00),
    ("Learning disability health checks", "federation", "Salaried GP", 10, None),
    ("Care home rounds", "practice", "ANP", 52 * 3, None), ("Care home rounds", "federation", "ANP", 52 * 2.6, None),
    ("Care home rounds", "pcn", "ANP", 52 * 2.8, None),
    ("Minor surgery", "practice", "Salaried GP", 30, 15.00), ("Minor surgery", "practice", "HCA", 30, None),
    ("Minor surgery", "federation", "Salaried GP", 27, 12.00), ("Minor surgery", "federation", "HCA", 27, None),
    ("Phlebotomy", "practice", "HCA", 10, 1.50), ("Phlebotomy", "federation", "HCA", 9, 1.20),
    ("Home visiting", "practice", "Salaried GP", 45, 6.00), ("Home visiting", "federation", "Paramedic", 65, 8.00),
    ("Home visiting", "pcn", "Paramedic", 55, 6.00),
    ("Document management", "practice", "Administrator", 3, None), ("Document management", "federation", "Administrator", 2.8, None),
    ("Spirometry", "practice", "Specialist nurse", 45, 5.00), ("Spirometry", "federation", "Specialist nurse", 45, 4.00),
    ("ECG", "practice", "HCA", 20, 1.50), ("ECG", "federation", "HCA", 20, 1.80),
]  # fmt: skip
# A supply of administrative staff by the federation's company is standard-rated (DOMAIN.md section 7);
# clinical care by registered professionals is exempt.
VAT_PCT = {"Document management": 20.0}
# The PCN route (services PCNs commonly run): a PCN's yearly fixed cost; PCN fee 0 (core PCN
# funding pays its management). Reasoning in README.md.
PCN_FIXED_COST = {"Enhanced Access": 12_500, "Care home rounds": 3_000, "Home visiting": 7_500}


def staff_rates() -> pd.DataFrame:
    rows = [(role, round(per_hour(band), 2), f"AfC {band} 2024/25 taken back to 2022/23, +28% on-costs, 1,650 h a year")
            for role, band in SAMPLE_ROLES.items() if band != "salaried GP"]  # fmt: skip
    rows.append(("Salaried GP", round(per_hour("salaried GP"), 2), "DDRB 2023/24 range midpoint less 6%, +28% on-costs, 1,650 h a year"))
    rows.append(("GP locum", round(SESSIONAL_GP_PER_HOUR, 2), "£727 locum day (Pulse, about 2022-23) over 8 hours, no on-costs"))
    return pd.DataFrame(rows, columns=["role", "hourly_cost_gbp", "source"])


def staffing() -> pd.DataFrame:
    """The service_staffing rows; each staffed cost must match SERVICES to the penny."""
    rates = staff_rates().set_index("role")["hourly_cost_gbp"]
    rows = pd.DataFrame(STAFFING, columns=["service", "delivered_by", "role", "minutes_per_unit", "other_cost_per_unit_gbp"])
    cost = rows["minutes_per_unit"] / 60 * rows["role"].map(rates) + rows["other_cost_per_unit_gbp"].fillna(0)
    by = cost.groupby([rows["service"], rows["delivered_by"]]).sum()
    for row in SERVICES:
        for deliverer, column in (("practice", "inhouse_cost_per_unit"), ("federation", "federation_cost_per_unit")):
            if (row["service"], deliverer) in by.index:  # Covid vaccination keeps its costs in services
                assert abs(by[(row["service"], deliverer)] - row[column]) < 0.01, (row["service"], deliverer)
    return rows


EA_RATE_PER_PATIENT = 7.578  # PCN Enhanced Access, 2023/24 rate (the 2022/23 rate was not found)


# -- Covid vaccination (issue 9): the NHS file pays it per dose, so it is a service with a delivery cost,
# never cost-free core income. Added as its own step so the catalogue above stays as it was.
COVID_FEE_PER_DOSE = 10.06  # DOMAIN.md section 1.3: the vaccination item-of-service fee (assumed for Covid, 2022/23)


def covid_vaccination() -> dict[str, object]:
    """Doses a year per 1,000 patients from the area's own Covid payments; costs are staff minutes plus consumables."""
    raw = pd.read_csv(SOURCE, encoding="utf-8-sig")
    doses = raw["Covid Immunisation"].fillna(0).sum() / COVID_FEE_PER_DOSE
    per_1000 = round(doses / raw["Number of Registered Patients (Last Known Figure)"].sum() * 1000, 1)
    return service("Covid vaccination", "vaccination", per_1000=per_1000,
                   inhouse=minutes("band 3", 8) + minutes("band 2", 10) + minutes("band 6", 2) + 1.50, inhouse_fixed=3_000,
                   federation=minutes("band 3", 7) + minutes("band 2", 6) + minutes("band 6", 1.5) + 1.20,
                   federation_fixed=40_000, fee_pct=5)  # fmt: skip


SERVICES.append(covid_vaccination())


def covid_activity() -> pd.DataFrame:
    """In 2022/23 only the practices running a Covid site were paid for it: their doses (payment / fee), 0 for the others."""
    raw = pd.read_csv(SOURCE, encoding="utf-8-sig")
    return pd.DataFrame({
        "practice_code": raw["Practice Code"].str.upper().to_numpy(),
        "service": "Covid vaccination",
        "units": (raw["Covid Immunisation"].fillna(0) / COVID_FEE_PER_DOSE).round().astype(int).to_numpy(),
    })  # fmt: skip


# -- the federation's overheads (2022/23 prices) ----------------------------------------------------
FEDERATION_COSTS = [
    ("Chief officer (1.0 WTE, salary £90,000 + on-costs)", 90_000 * ON_COSTS),
    ("Finance manager (0.6 WTE, AfC band 7 + on-costs)", 0.6 * AFC_2024_25["band 7"] / AFC_BACK_TO_2022_23 * ON_COSTS),
    ("Operations officer (1.0 WTE, AfC band 4 + on-costs)", AFC_2024_25["band 4"] / AFC_BACK_TO_2022_23 * ON_COSTS),
    ("Clinical governance lead (2 GP sessions a week)", 2 / 9 * SALARIED_GP_2022_23 * ON_COSTS),
    ("HR and payroll bureau", 18_000),
    ("Office premises (rent, rates, service charge)", 24_000),
    ("IT, licences and telephony", 15_000),
    ("Insurance, audit and legal", 14_000),
    ("Recruitment and occupational health", 6_000),
    ("Board, member engagement and training", 6_000),
]

# -- practice running costs that no service carries (per patient, 2022/23 prices) ----------------
STAFF_PER_WEIGHTED_PATIENT = 50.00  # salaried GPs, nurses, HCAs, reception and admin not in a service
PREMISES_EXTRA_PER_PATIENT = 8.00  # utilities, cleaning, maintenance beyond reimbursed rent and rates
OTHER_PER_PATIENT = 9.00  # IT, indemnity, insurance, supplies, accountancy
PATIENTS_PER_PARTNER = 2_300
RURAL_HOME_VISITS_PER_1000 = 35  # activity.csv: rural practices visit more


def main() -> None:
    write_services(HERE / "services.xlsx")  # first: the import tags its income by this catalogue
    result = import_payments(SOURCE, [AREA], catalogue=HERE / "services.xlsx")
    practices = result.practices.assign(partners_fte=partners(result.practices["list_size"]))
    write_upload_set(result, HERE)  # practices, contract and PCN DES income, pass-through practice costs
    practices.to_csv(HERE / "practices.csv", index=False)
    activity = pd.concat([rural_activity(), covid_activity()]).sort_values(["practice_code", "service"], kind="stable")
    units = units_by_practice(practices, activity)
    federation_income(practices, units).to_csv(HERE / "federation_income.csv", index=False)
    activity.to_csv(HERE / "activity.csv", index=False)
    costs = pd.DataFrame(FEDERATION_COSTS, columns=["item", "amount_gbp"]).round(2)
    costs.to_csv(HERE / "federation_costs.csv", index=False)
    practice_costs(practices, result).to_csv(HERE / "practice_costs.csv", index=False)
    print(f"Rebuilt the sample from {SOURCE.name}: {len(practices)} practices, {len(SERVICES)} services.")


def partners(list_size: pd.Series) -> pd.Series:
    """One partner FTE per 2,300 patients, to the nearest half, at least one."""
    return ((list_size / PATIENTS_PER_PARTNER * 2).round() / 2).clip(lower=1.0)


def rural_activity() -> pd.DataFrame:
    """Home visits for the rural practices (the file's 'Practice Rurality'), above the default rate."""
    raw = pd.read_csv(SOURCE, encoding="utf-8-sig", dtype=str)
    rural = raw[raw["Practice Rurality"].str.strip().str.lower() == "rural"]
    lists = pd.to_numeric(rural["Number of Registered Patients (Last Known Figure)"])
    return pd.DataFrame({
        "practice_code": rural["Practice Code"].str.upper().to_numpy(),
        "service": "Home visiting",
        "units": (lists * RURAL_HOME_VISITS_PER_1000 / 1000).round().astype(int).to_numpy(),
    }).sort_values("practice_code")  # fmt: skip


def units_by_practice(practices: pd.DataFrame, activity: pd.DataFrame) -> pd.DataFrame:
    """Units of each service per practice as the model counts them: activity, else the per-1,000 rate."""
    rows = [
        (p.practice_code, s["service"], p.list_size * s["units_per_1000_patients"] / 1000) for p in practices.itertuples() for s in SERVICES
    ]
    units = pd.DataFrame(rows, columns=["practice_code", "service", "units"])
    override = activity.set_index(["practice_code", "service"])["units"]
    keys = pd.MultiIndex.from_frame(units[["practice_code", "service"]])
    units["units"] = override.reindex(keys).fillna(pd.Series(units["units"].to_numpy(), index=keys)).to_numpy()
    return units


def federation_income(practices: pd.DataFrame, units: pd.DataFrame) -> pd.DataFrame:
    """Local tariff x units for services the NHS file has no column for, and Enhanced Access Oct-Mar."""
    tariffs = {s["service"]: s["tariff"] for s in SERVICES if s["tariff"]}
    paid = units[units["service"].isin(tariffs)]
    lines = pd.DataFrame({
        "practice_code": paid["practice_code"],
        "line": paid["service"] + " (local tariff £" + paid["service"].map(lambda s: f"{tariffs[s]:.2f}") + " a unit)",
        "service": paid["service"],
        "amount_gbp": (paid["units"].round() * paid["service"].map(tariffs)).round(2),
    })  # fmt: skip
    access = pd.DataFrame({
        "practice_code": practices["practice_code"],
        "line": "PCN Enhanced Access Oct 2022-Mar 2023 (estimate, not in the practice file)",
        "service": "Enhanced Access",
        "amount_gbp": (practices["list_size"] * EA_RATE_PER_PATIENT * 6 / 12).round(2),
    })  # fmt: skip
    return pd.concat([access, lines]).sort_values(["practice_code", "service"], kind="stable")


def practice_costs(practices: pd.DataFrame, result) -> pd.DataFrame:
    """Running costs no service carries, per practice, from its list (pass-through money is costed by the importer)."""
    income = pd.concat([result.contract_income, result.pcn_des_income])
    by_line = income.pivot_table(index="practice_code", columns="line", values="amount_gbp", aggfunc="sum").fillna(0)
    by_line = by_line.reindex(practices["practice_code"]).fillna(0)
    p = practices.set_index("practice_code")

    def line(name: str) -> pd.Series:
        return by_line[name] if name in by_line else pd.Series(0.0, index=by_line.index)

    # Pass-through money (drugs, dispensing and prescribing fees, premises reimbursement, locum allowances,
    # ARRS) has its equal cost in practice_costs_pass_through.csv, written by the importer; Covid
    # vaccination is a catalogue service with its delivery cost. So neither is costed here.
    items = {
        "Salaried GPs, nurses, HCAs and admin staff not carried by a service": p["weighted_list_size"] * STAFF_PER_WEIGHTED_PATIENT,
        "Premises upkeep beyond the reimbursed rent and rates (utilities, cleaning, maintenance)": p["list_size"]
        * PREMISES_EXTRA_PER_PATIENT,
        "IT, indemnity, insurance, supplies and accountancy": p["list_size"] * OTHER_PER_PATIENT,
        "Projects paid for by General Practice Transformation money": line("General Practice Transformation"),
    }
    long = pd.DataFrame(items).round(2).reset_index().melt(id_vars="practice_code", var_name="item", value_name="amount_gbp")
    return long[long["amount_gbp"] > 0].sort_values(["practice_code", "item"], kind="stable")[["practice_code", "item", "amount_gbp"]]


def write_services(path: Path) -> None:
    """services.xlsx: sheet 'services', the DATA.md columns (tariffs stay in this script), unit costs
    blank where the sheet 'service_staffing' gives them, and the sheet 'staff_rates'. One workbook,
    so the catalogue an NHS import adds to its set carries its staff time with it."""
    columns = ["service", "unit", "units_per_1000_patients", "inhouse_cost_per_unit", "inhouse_fixed_cost",
               "federation_cost_per_unit", "federation_fixed_cost", "management_fee_pct",
               "fee_per_unit_gbp", "vat_rate_pct", "pcn_cost_per_unit", "pcn_fixed_cost", "pcn_fee_pct"]  # fmt: skip
    staffed = {(s, d) for s, d, *_ in STAFFING}
    book = Workbook()
    sheet = book.active
    sheet.title = "services"
    sheet.append(columns)
    for service in SERVICES:
        name = service["service"]
        row = {
            **service,
            "inhouse_cost_per_unit": None if (name, "practice") in staffed else service["inhouse_cost_per_unit"],
            "federation_cost_per_unit": None if (name, "federation") in staffed else service["federation_cost_per_unit"],
            "fee_per_unit_gbp": 0,
            "vat_rate_pct": VAT_PCT.get(name, 0),
            "pcn_cost_per_unit": None,  # from the PCN's staff time where the PCN route is costed
            "pcn_fixed_cost": PCN_FIXED_COST.get(name),
            "pcn_fee_pct": 0 if name in PCN_FIXED_COST else None,
        }
        sheet.append([round(v, 2) if isinstance(v, float) else v for v in (row[c] for c in columns)])
    for title, frame in (("service_staffing", staffing()), ("staff_rates", staff_rates())):
        extra = book.create_sheet(title)
        extra.append(list(frame.columns))
        for values in frame.itertuples(index=False):
            extra.append([None if isinstance(v, float) and v != v else v for v in values])
    book.save(path)


if __name__ == "__main__":
    main()
