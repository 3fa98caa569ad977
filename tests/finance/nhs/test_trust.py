"""What a federation must be able to trust: PCN areas, empty practices, pass-through money, its own catalogue.

Golden values are worked by hand on a four-practice file (``tiny``); the real-row checks use the
2022/23 slice in files/ (files/README.md).
"""

from __future__ import annotations

import io
from pathlib import Path

import numpy as np
import openpyxl
import pandas as pd
import pytest

from finance.cli.main import main as cli
from finance.ingest.load import load_uploads
from finance.ingest.read import Upload
from finance.model.engine import run_model
from finance.nhs.payments import import_payments, upload_set
from finance.nhs.services import IMPORT_CATALOGUE_NAME, replace_catalogue
from finance.nhs.summary import summary_lines

HERE = Path(__file__).resolve().parent
SLICE = HERE / "files" / "nhs-payments-2022-23-slice.csv"
NATIONAL = Path("/work/shared/data/nhs-payments-to-general-practice-2022-23.csv")
TOTAL = "Total NHS Payments to General Practice including Covid and PCN payments"
HEADER = [
    "CCG Code", "CCG NAME", "PCN Code", "PCN Name", "Practice Code", "Practice Name",
    "Number of Registered Patients (Last Known Figure)", "Number of Weighted Patients (Last Known Figure)",
    "Global Sum", "Childhood Vaccination and Immunisation Scheme", "Influenza and Pneumococcal Immunisations",
    "Prescribing Fee Payments", "Dispensing Fee Payments", "Reimbursement of Drugs", "PCN Leadership", "PCN Support",
    "Covid Immunisation", TOTAL,
]  # fmt: skip
# Practice A, B (sub-ICB S1) and C (S2) make PCN P1, weighted 1,000 : 1,000 : 2,000. D has no patients.
# E has no PCN. A is paid the PCN's leadership money (£1,001.00), D its support money (£300.00).
ROWS = [
    ["S1", "AREA ONE", "P1", "PCN ONE", "A00001", "PRACTICE A", 1000, 1000, 90000.25, 400, 1200, -500, 2000, 10000, 1001, 0, 2012, 106113.25],
    ["S1", "AREA ONE", "P1", "PCN ONE", "B00002", "PRACTICE B", 1000, 1000, 95000, 0, 800, 0, 0, 0, 0, 0, 0, 95800],
    ["S2", "AREA TWO", "P1", "PCN ONE", "C00003", "PRACTICE C", 2000, 2000, 180000, 600, 0, 0, 0, 0, 0, 0, 0, 180600],
    ["S1", "AREA ONE", "P1", "PCN ONE", "D00004", "PRACTICE D", 0, 0, 500, 0, 0, 0, 0, 0, 0, 300, 0, 800],
    ["S1", "AREA ONE", "Unknown or no PCN", "Unknown or no PCN", "E00005", "PRACTICE E", 3000, 3100, 280000, 0, 0, 0, 0, 0, 0, 0, 0, 280000],
]  # fmt: skip


def tiny() -> bytes:
    return pd.DataFrame(ROWS, columns=HEADER).to_csv(index=False).encode()


def catalogue(services: list[str]) -> Upload:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "services"
    sheet.append(["service", "unit", "units_per_1000_patients", "inhouse_cost_per_unit", "federation_cost_per_unit", "management_fee_pct"])
    for name in services:
        sheet.append([name, "unit", 100, 2.0, 1.5, 5])
    buffer = io.BytesIO()
    book.save(buffer)
    return Upload("my_services.xlsx", buffer.getvalue())


def lines(result) -> pd.DataFrame:
    return pd.concat([result.contract_income, result.pcn_des_income], ignore_index=True)


def held(result, code: str, line: str) -> float:
    found = lines(result).query("practice_code == @code and line == @line")["amount_gbp"]
    return float(found.sum())


# -- PCN areas ---------------------------------------------------------------------------------


def test_a_pcn_is_an_area_when_the_file_has_practices_with_no_pcn():
    result = import_payments(tiny(), ["P1"], filename="tiny.csv")  # E has no PCN: this crashed with an IndexError
    assert result.practices["practice_code"].tolist() == ["A00001", "B00002", "C00003"]
    by_name = import_payments(tiny(), ["PCN One"], filename="tiny.csv")
    pd.testing.assert_frame_equal(by_name.practices, result.practices)


def test_pcn_money_is_shared_by_weighted_list_and_what_crossed_the_boundary_is_said():
    area = import_payments(tiny(), ["S1"], filename="tiny.csv")
    # £1,001.00 of leadership shared 1:1:2 (C is in S2): A 250.25, B 250.25, C 500.50; D's £300 support: 75, 75, 150.
    assert held(area, "A00001", "PCN Leadership") == 250.25 and held(area, "B00002", "PCN Leadership") == 250.25
    assert held(area, "A00001", "PCN Support") == 75.0 and held(area, "B00002", "PCN Support") == 75.0
    assert area.pcn.paid_gbp == 1301.0
    assert area.pcn.moved_out_gbp == 650.5  # C's shares: 500.50 + 150.00
    assert area.pcn.moved_in_gbp == 0.0
    other = import_payments(tiny(), ["S2"], filename="tiny.csv")
    assert held(other, "C00003", "PCN Leadership") == 500.5 and held(other, "C00003", "PCN Support") == 150.0
    assert (other.pcn.moved_in_gbp, other.pcn.moved_out_gbp) == (650.5, 0.0)
    assert any("moved £0.00 out of the area and £650.50 into it" in p.message for p in other.problems)


def test_kept_where_paid_says_what_was_paid_outside():
    result = import_payments(tiny(), ["B00002, C00003"], filename="tiny.csv", apportion_pcn=False)
    assert not lines(result)["line"].str.startswith("PCN ").any()
    assert result.pcn.paid_outside_gbp == 1301.0
    assert any("£1,301.00 of its PCN payments was paid to practices outside" in p.message for p in result.problems)


def test_the_area_forms_several_at_once_and_a_list():
    result = import_payments(tiny(), ["S2", "e00005", "a00001, B00002"], filename="tiny.csv")
    assert result.practices["practice_code"].tolist() == ["A00001", "B00002", "C00003", "E00005"]
    assert len(result.areas) == 4


def test_a_real_pcn_across_three_sub_icbs_and_one_with_a_ledger_practice():
    raw = pd.read_csv(SLICE, encoding="utf-8-sig", dtype={"Practice Code": str}).set_index("Practice Code")
    for pcn in ("U87499", "U19031", "U36299"):
        result = import_payments(SLICE, [pcn], catalogue=catalogue(["Flu vaccination"]))
        members = raw[(raw["Code"] == pcn) & (raw["Number of Registered Patients (Last Known Figure)"] > 0)]
        assert sorted(result.practices["practice_code"]) == sorted(members.index)
        left = raw[(raw["Code"] == pcn) & (raw["Number of Registered Patients (Last Known Figure)"] == 0)]
        assert sorted(p.practice_code for p in result.left_out) == sorted(left.index)
        published = raw.loc[raw["Code"] == pcn, TOTAL].sum()
        assert round(result.imported_gbp + sum(p.amount_gbp for p in result.left_out), 2) == round(published, 2)
    sub_icb = import_payments(SLICE, ["04C"], catalogue=catalogue(["Flu vaccination"]))  # one of U87499's three sub-ICBs
    assert sub_icb.pcn.moved_in_gbp > 0 and sub_icb.pcn.moved_out_gbp == 0  # C82005 is not U87499's payee


@pytest.mark.skipif(not NATIONAL.exists(), reason="the national 2022/23 file is not on this machine")
def test_u01096_from_the_national_file():
    result = import_payments(NATIONAL, ["U01096"])
    assert len(result.practices) == 7 and result.check.mismatches == []
    assert result.pcn.moved_in_gbp == 0 and result.pcn.moved_out_gbp == 0  # every U01096 practice is in the area


# -- practices with no registered patients, opened and closed --------------------------------------


def test_a_practice_with_no_patients_is_left_out_and_named_with_its_money():
    result = import_payments(tiny(), ["S1"], filename="tiny.csv")
    assert "D00004" not in set(result.practices["practice_code"]) | set(lines(result)["practice_code"])
    [left] = result.left_out
    assert (left.practice_code, left.amount_gbp) == ("D00004", 500.0)  # its global sum; its PCN support is shared
    assert any("practice D00004 (Practice D) has no registered patients" in p.message and "£500.00" in p.message for p in result.problems)
    kept = import_payments(tiny(), ["S1"], filename="tiny.csv", apportion_pcn=False)
    assert kept.left_out[0].amount_gbp == 800.0  # kept where paid, it also holds the £300 support


def test_practices_that_opened_or_closed_in_the_year_are_named():
    result = import_payments(SLICE, ["Y07274, Y07275, U36299"], catalogue=catalogue(["Flu vaccination"]))
    assert result.year == "2022/23"
    named = {p.practice_code: p.what for p in result.changes}
    assert named["Y07274"] == named["Y07275"] == "opened on 01 April 2022"
    left = {p.practice_code: p for p in result.left_out}
    assert set(left) == {"E82028", "E82131"}  # closed 30/06/2021 and 31/07/2022, both with no patients
    assert left["E82131"].what == "has no registered patients (closed on 31 July 2022)"
    assert left["E82028"].what.startswith("has no registered patients (closed on 30 June 2021, before the year began")
    text = "\n".join(summary_lines(result))
    assert "Y07274" in text and "E82131" in text


# -- pass-through money and Covid vaccination -----------------------------------------------------


def test_pass_through_money_has_an_equal_cost_and_leaves_the_result_alone():
    result = import_payments(tiny(), ["A00001"], filename="tiny.csv")
    costs = result.practice_costs.set_index("item")["amount_gbp"].to_dict()
    assert costs == {  # drugs £10,000 less the -£500 prescribing fees; dispensing £2,000
        "pass-through: Reimbursement of drugs (less £500.00 of negative pass-through lines)": 9500.0,
        "pass-through: Dispensing fees": 2000.0,
    }
    plain = pd.DataFrame(ROWS, columns=HEADER)
    plain.loc[0, ["Prescribing Fee Payments", "Dispensing Fee Payments", "Reimbursement of Drugs"]] = 0
    plain.loc[0, TOTAL] = 106113.25 - 11500
    without = import_payments(plain.to_csv(index=False).encode(), ["A00001"], filename="tiny.csv")

    def result_of(imported) -> float:
        loaded = load_uploads(upload_set(imported))
        assert loaded.ok, [str(p) for p in loaded.errors]
        practices = run_model(loaded.dataset).practices.set_index("practice_code")
        return float(practices.loc["A00001", "result_all_inhouse_gbp"])

    assert result_of(result) == pytest.approx(result_of(without), abs=0.005)


def test_covid_vaccination_is_a_service_or_flagged():
    tagged = import_payments(tiny(), ["A00001"], filename="tiny.csv")  # the sample catalogue has Covid vaccination
    covid = tagged.contract_income.query("line == 'Covid vaccination programme'")
    assert covid[["service", "amount_gbp"]].values.tolist() == [["Covid vaccination", 2012.0]]
    [note] = [p for p in tagged.problems if p.message.startswith("Covid vaccination: £2,012.00 at 1 practice ")]
    assert "activity table" in note.message  # a site's doses are its payment over the fee, not its own list
    flagged = import_payments(tiny(), ["A00001"], filename="tiny.csv", catalogue=catalogue(["Flu vaccination"]))
    assert flagged.contract_income.query("line == 'Covid vaccination programme'")["service"].isna().all()
    [warning] = [p for p in flagged.problems if "'Covid vaccination'" in p.message]
    assert "£2,012.00" in warning.message and "no cost against it" in warning.message


# -- the user's own catalogue ---------------------------------------------------------------------


def test_income_for_a_service_the_catalogue_lacks_becomes_core_with_one_warning_each():
    result = import_payments(tiny(), ["S1", "S2"], filename="tiny.csv", catalogue=catalogue(["flu VACCINATION", "Phlebotomy"]))
    flu = lines(result).query("line == 'Influenza and Pneumococcal Immunisations'")
    assert set(flu["service"]) == {"flu VACCINATION"}  # the catalogue's spelling
    childhood = lines(result).query("line == 'Childhood Vaccination and Immunisation Scheme'")
    assert childhood["service"].isna().all()
    [warning] = [p for p in result.problems if "'Childhood immunisations'" in p.message]
    assert "£1,000.00 of income for it (2 lines, 2 practices" in warning.message  # A £400 + C £600
    assert result.catalogue.upload is None and "my_services.xlsx" in "\n".join(summary_lines(result))


def test_a_two_service_catalogue_runs_end_to_end(tmp_path, capsys):
    mine = catalogue(["Flu vaccination", "Phlebotomy"])
    path = tmp_path / mine.name
    path.write_bytes(mine.content)
    out = tmp_path / "set"
    assert cli(["import-payments", str(SLICE), "--area", "U19031", "--out", str(out), "--services", str(path)]) == 0
    assert sorted(p.name for p in out.iterdir()) == [
        "contract_income.csv",
        "pcn_des_income.csv",
        "practice_costs_pass_through.csv",
        "practices.csv",
    ]
    capsys.readouterr()
    assert cli(["run", *map(str, sorted(out.iterdir())), str(path)]) == 0
    assert '"participants": {"Flu vaccination": ' in capsys.readouterr().out


def test_uploading_your_own_catalogue_replaces_the_one_the_import_added():
    imported = import_payments(tiny(), ["S1"], filename="tiny.csv")
    loaded = upload_set(imported)
    assert loaded[-1].name == IMPORT_CATALOGUE_NAME
    mine = catalogue(["Flu vaccination"])
    kept, problems = replace_catalogue(loaded, (mine,))
    assert IMPORT_CATALOGUE_NAME not in [u.name for u in kept]
    result = load_uploads((*kept, mine))
    assert result.ok, [str(p) for p in result.errors]
    assert sorted(p.message.split("'")[1] for p in problems) == ["Childhood immunisations", "Covid vaccination"]
    income = result.dataset.income
    assert set(income["service"].dropna()) == {"Flu vaccination"}
    assert np.isclose(income["amount_gbp"].sum(), imported.imported_gbp)
    unchanged, none = replace_catalogue(loaded, (Upload("federation_costs.csv", b"item,amount_gbp\nRent,100\n"),))
    assert unchanged == loaded and none == []


# -- the summary -----------------------------------------------------------------------------------


def test_the_summary_says_what_the_import_equals_and_adds_up():
    result = import_payments(tiny(), ["S1"], filename="tiny.csv")
    text = "\n".join(summary_lines(result))
    assert f"NHS Digital's '{TOTAL}' (payments before deductions, including PCN and Covid payments)" in text
    # S1 publishes A 106,113.25 + B 95,800 + D 800 + E 280,000 = 482,713.25; D's £500 left out; £650.50 shared out to C.
    assert "published for the 4 practices chosen: £482,713.25" in text
    assert "less £500.00 held by the 1 practice left out" in text
    assert "less £650.50 of PCN payments shared out to practices outside the area" in text
    assert "= imported £481,562.75" in text
    assert round(result.imported_gbp, 2) == 482713.25 - 500 - 650.5
    assert "every practice reconciles to its published total to the penny" in text
    assert "Left out (no registered patients, not federation members): D00004 Practice D (£500.00)" in text


def test_an_area_of_only_empty_practices_and_a_catalogue_without_services_get_one_sentence():
    from finance.errors import UploadError

    with pytest.raises(UploadError, match=r"tiny.csv: no practice with registered patients in PRACTICE D \(practice D00004\)"):
        import_payments(tiny(), ["D00004"], filename="tiny.csv")
    with pytest.raises(UploadError, match=r"costs\.csv holds no services table"):
        import_payments(tiny(), ["S1"], filename="tiny.csv", catalogue=Upload("costs.csv", b"item,amount_gbp\nRent,100\n"))


def test_the_summary_of_pcn_money_kept_where_paid():
    result = import_payments(tiny(), ["B00002, C00003"], filename="tiny.csv", apportion_pcn=False)
    text = "\n".join(summary_lines(result))
    assert "kept with the practice paid; £1,301.00 paid on behalf of the 1 PCN with practices chosen went to practices outside" in text
    assert "= imported £276,400.00" in text  # B 95,800 + C 180,600: nothing shared, nobody left out
