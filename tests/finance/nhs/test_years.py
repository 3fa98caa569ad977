"""Every year's header, as HEEC collated it and as NHS Digital spelled it, imports and reconciles.

The files in files/years/ are real rows (files/README.md). Expected totals are worked from the
raw CSV with plain pandas: the published total of every payment before deductions, which is
the combined total where the file has one, else the base total plus what its Covid and PCN
totals add.
"""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from finance.nhs.payments import import_payments

YEARS = Path(__file__).resolve().parent / "files" / "years"
ALL_YEARS = ["14-15", "15-16", "16-17", "17-18", "18-19", "19-20", "20-21", "21-22", "22-23"]
BASE = "Total NHS Payments to General Practice"


def raw(year: str) -> pd.DataFrame:
    return pd.read_csv(YEARS / f"{year}.csv", dtype={"Practice Code": str}, keep_default_na=False, na_values=[])


def pennies(x) -> int:
    return int(np.rint(np.asarray(x, dtype=float) * 100).sum())


def number(series: pd.Series) -> pd.Series:
    return pd.to_numeric(series.replace({"": 0, "N/A": 0, "NO KNOWN PATIENTS": 0}), errors="coerce").fillna(0)


def published(frame: pd.DataFrame) -> pd.Series:
    """Each practice's total of every payment before deductions, from the published total columns."""
    columns = {c.lower(): c for c in frame.columns}
    combined = next((c for k, c in columns.items() if k == "total nhs payments to general practice including covid and pcn payments"), None)
    if combined:
        return number(frame[combined])
    total = number(frame[BASE])
    for key, column in columns.items():
        if key.startswith("total nhs payments") and "including" in key and "minus" not in key:
            total = total + number(frame[column]) - number(frame[BASE])
    return total


def registered(frame: pd.DataFrame) -> pd.Series:
    column = next(c for c in frame.columns if "registered patients" in c.lower() and "average payment" not in c.lower())
    return number(frame[column])


def income(result) -> pd.DataFrame:
    return pd.concat([result.contract_income, result.pcn_des_income], ignore_index=True)


def import_all(content: bytes | Path, codes, name: str = "payments.csv", **kwargs):
    return import_payments(content, [", ".join(codes)], filename=name, apportion_pcn=False, **kwargs)


@pytest.mark.parametrize("year", ALL_YEARS)
def test_each_year_reconciles_practice_by_practice(year):
    frame = raw(year)
    result = import_all(YEARS / f"{year}.csv", frame["Practice Code"], name=f"{year}.csv")
    with_patients = frame[registered(frame) > 0]
    assert sorted(result.practices["practice_code"]) == sorted(with_patients["Practice Code"])
    totals = income(result).groupby("practice_code")["amount_gbp"].sum()
    tolerance = 0.5 * 40 if year == "14-15" else 0  # 2014/15 is whole pounds: every column and total rounded on its own
    for _, row in with_patients.iterrows():
        gap = abs(pennies(totals.get(row["Practice Code"], 0.0)) - pennies(published(row.to_frame().T).iloc[0]))
        assert gap <= tolerance * 100, (year, row["Practice Code"])
    assert result.check.mismatches == [] and result.check.practices_checked == len(frame)
    assert not [p for p in result.problems if "not a known payment column" in p.message]


def test_the_2014_15_file_in_whole_pounds_reconciles_within_its_rounding():
    result = import_all(YEARS / "14-15.csv", raw("14-15")["Practice Code"], name="14-15.csv")
    totals = income(result).groupby("practice_code")["amount_gbp"].sum()
    assert totals.to_dict() == {"N81049": 1082142.0, "N81090": 446826.0, "N81632": 635997.0}  # published: 1,082,142, 446,824, 635,996
    assert result.check.tolerance_gbp > 0


def test_heec_2015_16_imports_the_local_enhanced_services_total_not_its_parts():
    result = import_all(YEARS / "15-16.csv", raw("15-16")["Practice Code"], name="15-16.csv")
    local = result.contract_income.query("practice_code == 'C85001' and line.str.startswith('Local enhanced')", engine="python")
    assert local[["line", "amount_gbp"]].values.tolist() == [["Local enhanced services", 13197.26]]  # 3,361.72 + 9,835.54
    read = dict(result.readings)
    assert "a part of" in read["LocalEnhancedServices_NHAIS_"]


# -- NHS Digital's own spellings -----------------------------------------------------------------

_SMALL = {"of", "and", "in", "to", "for", "with"}


def camel(header: str, lower_joiners: bool = False) -> str:
    """NHS Digital's 2015/16 style: 'Total QOF Payments' -> 'TotalQOFPayments'."""
    words = re.sub(r"[^A-Za-z0-9 ]", " ", header).split()
    out = []
    for word in words:
        if word.isupper():
            out.append(word)
        elif lower_joiners and word.lower() in _SMALL:
            out.append(word.lower())
        else:
            out.append(word[0].upper() + word[1:])
    return "".join(out)


IDENTIFYING = {"Practice Code", "Practice Name", "CCG Code", "CCG NAME", "PCN Code", "PCN Name"}


def nhs_digital_header(year: str, header: list[str]) -> list[str]:
    """The header as NHS Digital published it (the spellings known from other projects' code)."""
    out = []
    for h in header:
        key = h.strip()
        if year in ("14-15", "15-16", "16-17"):
            special = {
                "GP Extended Hours Access": "ExtendedHoursAccess",
                "Total National Enhanced Services": "NationalEnhancedServices" if year != "16-17" else "TotalNationalEnhancedServices",
                "Appraisal Costs": "Appraisal_AppraiserCostsInRespectOfLocums"
                if year != "16-17"
                else "AppraisalAppraiserCostsinRespectofLocums",
                "LocalEnhancedServices_NHAIS_": "LocalEnhancedServices_NHAIS",
                "LocalEnhancedServices_ISFE_": "LocalEnhancedServices_ISFE",
                "Doctors.Retainer.Scheme.Payments": "DoctorsRetainerSchemePayments",
                "Average payments per registered patient": "AveragePaymentPerRegisteredPatient",
                "Average payments per weighted patient": "AveragePaymentPerWeightedPatient",
            }
            name = special.get(key) or camel(key, lower_joiners=year == "16-17")
            money = key not in IDENTIFYING and not any(
                w in key for w in ("Region", "Practice ", "Contract", "Dispensing", "Quarter", "Number", "Type", "Rurality", "Atypical")
            )
            out.append(name + ("_£" if money else ""))
        elif year in ("17-18", "18-19"):
            region = (
                "NHS England (Region, local office) Code"
                if year == "17-18"
                else "NHS England and NHS Improvement (Region, local office) Code"
            )
            renamed = {
                "NHS England (Region) code": region,
                "GP Extended Hours Access": "Extended Hours Access",
                "Other Payments": "Other Payments1",
            }
            if year == "18-19":
                renamed |= {
                    "Number of Registered Patients (Last Known Figure)": "Average Number of Registered Patients",
                    "Number of Weighted Patients (Last Known Figure)": "Average Number of Weighted Patients",
                }
            out.append(renamed.get(key, h))
        elif year == "22-23":
            renamed = {
                "CCG Code": "Sub ICB Location Code",
                "Sub ICB NAME": "Sub ICB Location Name",
                "Code": "PCN Code",
                "CCG NAME": "PCN Name",
                "Number of Registered Patients (Last Known Figure)": "Average Number of Registered Patients",
                "Number of Weighted Patients (Last Known Figure)": "Average Number of Weighted Patients",
            }
            out.append(renamed.get(key, h))
        else:  # 2019/20 to 2021/22: HEEC kept NHS Digital's header but for the two list columns
            out.append(h.replace("Number of", "Average Number of").replace(" (Last Known Figure)", ""))
    return out


def respelled(year: str, encoding: str = "utf-8") -> bytes:
    frame = raw(year)
    if year == "15-16":  # NHS Digital's 2015/16 file has the two parts and no total of them (HEEC added it)
        frame = frame.drop(columns="Total Local Enhanced Services")
    frame.columns = nhs_digital_header(year, list(frame.columns))
    return frame.to_csv(index=False).encode(encoding)


@pytest.mark.parametrize("year", ALL_YEARS)
def test_nhs_digitals_own_spellings_import_the_same_money(year):
    frame = raw(year)
    heec = import_all(YEARS / f"{year}.csv", frame["Practice Code"], name=f"{year}.csv")
    original = import_all(respelled(year, "cp1252"), frame["Practice Code"], name=f"nhspaymentsgp-{year}-csv.csv")
    pd.testing.assert_frame_equal(original.practices, heec.practices)
    theirs = income(original).groupby("practice_code")["amount_gbp"].sum()
    ours = income(heec).groupby("practice_code")["amount_gbp"].sum()
    assert {k: pennies(v) for k, v in theirs.items()} == {k: pennies(v) for k, v in ours.items()}
    assert original.check.mismatches == []
    assert not [p for p in original.problems if "not a known payment column" in p.message]
    if year in ("15-16", "16-17", "17-18", "18-19"):
        extended = income(original).query("line == 'GP Extended Hours Access'")
        assert pennies(extended["amount_gbp"]) == pennies(income(heec).query("line == 'GP Extended Hours Access'")["amount_gbp"])


def test_nhs_digitals_2015_16_parts_are_imported_when_there_is_no_total():
    frame = raw("15-16")
    result = import_all(respelled("15-16"), frame["Practice Code"], name="nhspaymentsgp-15-16-csv.csv")
    local = result.contract_income.query("practice_code == 'C85001' and line.str.startswith('Local enhanced')", engine="python")
    assert local[["line", "amount_gbp"]].values.tolist() == [
        ["Local enhanced services (NHAIS)", 3361.72],
        ["Local enhanced services (ISFE)", 9835.54],
    ]


def test_every_column_says_what_it_was_read_as():
    result = import_all(respelled("15-16"), raw("15-16")["Practice Code"], name="nhspaymentsgp-15-16-csv.csv")
    read = dict(result.readings)
    assert read["PracticeCode"] == "identifies the practice: practice_code"
    assert read["NumberOfRegisteredPatientsLastKnownFigure"] == "identifies the practice: list_size"
    assert read["GlobalSum_£"] == "contract income line 'Global Sum' (core)"
    assert read["ReimbursementOfDrugs_£"].endswith("pass-through")
    assert "published total (base)" in read["TotalNHSPaymentsToGeneralPractice_£"]


# -- 2023/24 and 2024/25: no file held; their known new columns, on 2022/23 rows -----------------


def later_year(year: str) -> tuple[bytes, dict[str, float]]:
    """2022/23 rows under NHS Digital's 2022/23 header, with the columns DOMAIN.md lists for the year."""
    frame = raw("22-23")
    frame.columns = nhs_digital_header("22-23", list(frame.columns))
    frame.insert(2, "ICB Code", "QM7")
    frame.insert(3, "ICB Name", "NHS Hertfordshire and West Essex ICB")
    added = (
        {"Respiratory Syncytial Virus": 1250.0}
        if year == "24-25"
        else {"PCN Capacity and Access Support Payment": 8000.0, "PCN Capacity and Access Improvement Payment": 3428.57}
    )
    total = "Total NHS Payments to General Practice including Covid and PCN payments"
    for column, amount in added.items():
        frame[column] = 0.0
        frame.loc[frame["Practice Code"] == "F81004", column] = amount
    frame.loc[frame["Practice Code"] == "F81004", total] = number(frame[total]) + sum(added.values())
    if year == "24-25":  # the Winter Access Fund ended in 2022/23: its money leaves the total with it
        frame[total] = number(frame[total]) - number(frame["winter Access Fund"])
        frame = frame.drop(columns="winter Access Fund")
    return frame.to_csv(index=False).encode(), added


@pytest.mark.parametrize("year", ["23-24", "24-25"])
def test_2023_24_and_2024_25_columns_are_read_by_meaning(year):
    content, _ = later_year(year)
    result = import_all(content, ["F81004", "F81009"], name=f"nhspaymentsgp-{year}-prac-csv.csv")
    assert result.year == f"20{year[:2]}/{year[3:]}"
    assert result.check.mismatches == [] and not [p for p in result.problems if "not a known payment column" in p.message]
    lines = income(result).query("practice_code == 'F81004'").set_index("line")["amount_gbp"]
    if year == "24-25":
        assert lines["RSV immunisation"] == 1250.0
    else:
        assert pennies(lines["PCN Capacity and Access Payment"]) == 1_142_857  # 8,000.00 + 3,428.57
