"""The NHS payments importer, against the committed 2022/23 slice of sub-ICB 07H (30 real practices).

Expected values are read from the source file itself with plain pandas, never typed in, so every
test checks the importer against the NHS's own figures.
"""

from __future__ import annotations

import argparse
import io
import math
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import numpy as np
import openpyxl
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from finance.errors import UploadError
from finance.ingest.load import load_files
from finance.nhs.apportion import share_pennies as _share_pennies
from finance.nhs.columns import column_rules
from finance.nhs.payments import import_payments, list_areas, write_upload_set
from finance.nhs.publication import tidy_name

ROOT = Path(__file__).resolve().parents[3]
SOURCE = ROOT / "sample_data" / "source" / "nhs-payments-2022-23-07H.csv"
CATALOGUE = ROOT / "sample_data" / "services.xlsx"
# The catalogue's unit costs come from staff time (issue 11): the two staffing files go with it.
REGISTERED = "Number of Registered Patients (Last Known Figure)"
WEIGHTED = "Number of Weighted Patients (Last Known Figure)"
PCN_COLUMNS = [
    "PCN Leadership",
    "PCN Support",
    "PCN Extended Hours Access",
    "PCN Workforce",
    "PCN Investment and impact Fund",
    "PCN Care Home Premium",
    "PCN Enhanced Access",
]
ALL_INCLUDED = "Total NHS Payments to General Practice including Covid and PCN payments"


@pytest.fixture(scope="module")
def raw() -> pd.DataFrame:
    return pd.read_csv(SOURCE, encoding="utf-8-sig").set_index("Practice Code")


@pytest.fixture(scope="module")
def imported():
    return import_payments(SOURCE, ["07H"])


@pytest.fixture(scope="module")
def kept():
    return import_payments(SOURCE, ["07H"], apportion_pcn=False)


def income(result) -> pd.DataFrame:
    return pd.concat([result.contract_income, result.pcn_des_income], ignore_index=True)


def as_csv(frame: pd.DataFrame, **kwargs) -> bytes:
    return frame.reset_index().to_csv(index=False, **kwargs).encode(kwargs.get("encoding", "utf-8"))


def pennies(amounts) -> int:
    return int(np.rint(np.asarray(amounts, dtype=float) * 100).sum())


# -- the sample area reproduces the NHS figures -------------------------------------------------


def test_every_practice_keeps_its_registered_and_weighted_list(imported, raw):
    practices = imported.practices.set_index("practice_code")
    assert sorted(practices.index) == sorted(raw.index)
    for code, row in raw.iterrows():
        half_up = int(Decimal(str(row[REGISTERED])).quantize(Decimal(1), rounding=ROUND_HALF_UP))
        assert practices.loc[code, "list_size"] == half_up
        assert practices.loc[code, "weighted_list_size"] == row[WEIGHTED]
    assert practices["pcn"].nunique() == raw["Code"].nunique() == 6


@pytest.mark.parametrize(("line", "column"), [("Global Sum", "Global Sum"), ("QOF payments", "Total QOF Payments")])
def test_global_sum_and_qof_are_exact(imported, raw, line, column):
    lines = imported.contract_income[imported.contract_income["line"] == line].set_index("practice_code")
    expected = raw[column][raw[column] != 0]
    assert lines["amount_gbp"].sort_index().to_dict() == expected.sort_index().to_dict()
    assert lines["service"].isna().all()


def test_pcn_totals_are_kept_to_the_penny_through_apportionment(imported, raw):
    lines = income(imported)
    practices = imported.practices.set_index("practice_code")
    for pcn_code, members in raw.groupby("Code"):
        pcn = practices.loc[members.index[0], "pcn"]
        in_pcn = lines[lines["practice_code"].isin(practices.index[practices["pcn"] == pcn])]
        apportioned = in_pcn[in_pcn["line"].str.startswith("PCN ")]
        assert pennies(apportioned["amount_gbp"]) == pennies(members[PCN_COLUMNS].to_numpy()), pcn_code
        assert in_pcn["practice_code"].nunique() == len(members)  # every member got a share


def test_pcn_payments_are_shared_by_weighted_list(imported, raw):
    workforce = imported.pcn_des_income.query("line == 'PCN Workforce (ARRS reimbursement; pass-through)'")
    shares = workforce.set_index("practice_code")["amount_gbp"]
    for _, members in raw.groupby("Code"):
        per_patient = shares.reindex(members.index) / members[WEIGHTED]
        total = members["PCN Workforce"].sum()
        assert per_patient.max() - per_patient.min() < 0.02 / members[WEIGHTED].min() + 1e-9
        assert per_patient.mean() == pytest.approx(total / members[WEIGHTED].sum(), rel=1e-6)


def test_each_practice_keeps_every_pound_when_pcn_payments_stay_where_paid(kept, raw):
    totals = income(kept).groupby("practice_code")["amount_gbp"].sum()
    for code, row in raw.iterrows():
        assert pennies(totals.get(code, 0.0)) == pennies(row[ALL_INCLUDED]), code
    payers = kept.pcn_des_income.query("line == 'PCN Workforce (ARRS reimbursement; pass-through)'")["practice_code"]
    assert set(payers) == set(raw.index[raw["PCN Workforce"] != 0])


def test_lines_are_one_per_non_zero_column_with_services_named(imported):
    lines = income(imported)
    assert not lines.duplicated(["practice_code", "line"]).any()
    assert (lines["amount_gbp"] != 0).all()
    services = dict(zip(lines["line"], lines["service"], strict=False))
    assert services["PCN Extended Hours Access"] == "Enhanced Access"
    assert services["Influenza and Pneumococcal Immunisations"] == "Flu vaccination"
    assert services["PCN Care Home Premium"] == "Care home rounds"
    assert pd.isna(services["Reimbursement of drugs (pass-through)"])
    assert services["Covid vaccination programme"] == "Covid vaccination"
    assert set(imported.pcn_des_income["line"]) >= {"Network Participation Payment", "PCN Leadership"}


# -- choosing the area --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("areas", "practices", "words"),
    [
        (["07h"], 30, "sub-ICB 07H, 30 practices"),
        (["NHS Hertfordshire and West Essex ICB - 07H"], 30, "sub-ICB 07H"),
        (["u33522"], 3, "PCN U33522, 3 practices"),
        (["Harlow South PCN"], 3, "HARLOW SOUTH PCN"),
        (["f81004"], 1, "practice F81004"),
        (["eden surgeries"], 1, "THE EDEN SURGERIES"),
        (["U33522", "Harlow North PCN", "F81004"], 9, "HARLOW NORTH PCN"),
    ],
)
def test_an_area_is_a_code_or_a_name(areas, practices, words):
    result = import_payments(SOURCE, areas)
    assert len(result.practices) == practices
    assert len(result.areas) == len(areas)
    assert any(words in a for a in result.areas)
    assert set(income(result)["practice_code"]) <= set(result.practices["practice_code"])


def test_list_areas_offers_the_sub_icb_and_its_pcns(raw):
    areas = list_areas(SOURCE)
    assert list(areas.columns) == ["kind", "code", "name", "practices"]
    assert areas.query("kind == 'sub-ICB'")[["code", "practices"]].values.tolist() == [["07H", 30]]
    pcns = areas.query("kind == 'PCN'").set_index("code")["practices"]
    assert pcns.to_dict() == raw.groupby("Code").size().to_dict()


def test_a_pcn_partly_inside_the_area_is_shared_over_all_its_practices(imported):
    alone = import_payments(SOURCE, ["F81004"])  # one of South Uttlesford PCN's five practices
    mine = alone.pcn_des_income.set_index("line")["amount_gbp"]
    whole = imported.pcn_des_income.query("practice_code == 'F81004'").set_index("line")["amount_gbp"]
    assert mine.to_dict() == whole.to_dict()
    [problem] = [p for p in alone.problems if "outside the chosen area" in p.message]
    assert problem.severity == "warning"
    practices = imported.practices.set_index("practice_code")
    others = practices.index[(practices["pcn"] == practices.loc["F81004", "pcn"]) & (practices.index != "F81004")]
    outside = imported.pcn_des_income[
        imported.pcn_des_income["practice_code"].isin(others) & imported.pcn_des_income["line"].str.startswith("PCN ")
    ]
    shared_in = alone.pcn_des_income.query("line.str.startswith('PCN ')", engine="python")["amount_gbp"].sum()
    assert f"moved £0.00 out of the area and £{shared_in:,.2f} into it" in problem.message  # F81004 was paid none of it
    assert alone.pcn.moved_in_gbp == pytest.approx(shared_in, abs=0.001)
    assert outside["amount_gbp"].sum() > 0


@pytest.mark.parametrize(
    ("area", "expected"),
    [
        ("Harlow Nort PCN", "Did you mean 'HARLOW NORTH PCN'"),
        ("Uttlesford", "NORTH UTTLESFORD PCN"),
        ("Nowhere at all", "No sub-ICB, PCN or practice in the payments file matches 'Nowhere at all'"),
    ],
)
def test_an_area_that_matches_nothing_or_several_says_so(area, expected):
    with pytest.raises(UploadError, match=expected) as caught:
        import_payments(SOURCE, [area])
    assert "\n" not in str(caught.value)


def test_no_area_is_an_error():
    with pytest.raises(UploadError, match="Choose at least one area"):
        import_payments(SOURCE, [" "])


# -- files that are not what we expect --------------------------------------------------------


@pytest.mark.parametrize(
    ("column", "words"),
    [("Practice Code", "practice code"), (REGISTERED, "registered list"), (WEIGHTED, "weighted list")],
)
def test_a_missing_required_column_is_named(raw, column, words):
    data = as_csv(raw.drop(columns=column, errors="ignore") if column != "Practice Code" else raw.reset_index(drop=True))
    with pytest.raises(UploadError, match=f"payments.csv has no {words} column"):
        import_payments(data, ["07H"], filename="payments.csv")


@pytest.mark.parametrize(
    ("content", "filename", "expected"),
    [
        (b"", "payments.csv", "payments.csv is empty"),
        (b"\n\n  \n", "payments.csv", "payments.csv is empty"),
        (b"name,amount\nfoo,1\nbar,2\n", "budget.csv", "does not look like an NHS Payments to General Practice file"),
        (b"PK\x03\x04 not really a workbook", "payments.xlsx", "could not be opened as an Excel workbook"),
        (b"Practice Code,Global Sum,Total QOF Payments,Number of Registered Patients,Number of Weighted Patients\n",
         "payments.csv", "has headers but no practices"),
        (b"Practice Code,Global Sum,Total QOF Payments,Number of Registered Patients,Number of Weighted Patients\n"
         b"F81004,TBC,1,2,3\n", "payments.csv", r"payments.csv, row 2 \(Global Sum\): 'TBC' is not an amount"),
    ],
)  # fmt: skip
def test_a_file_that_is_not_a_payments_file_gets_one_sentence(content, filename, expected):
    with pytest.raises(UploadError, match=expected):
        import_payments(content, ["07H"], filename=filename)


def test_a_file_cut_short_is_not_imported_as_zeros():
    data = SOURCE.read_bytes()
    with pytest.raises(UploadError, match=r"row \d+ has fewer cells than the header: the file looks cut short"):
        import_payments(data[: len(data) // 2], ["07H"], filename="payments.csv")


@pytest.mark.parametrize(
    "encode",
    [
        lambda text: text.encode("utf-16"),  # Excel's "Unicode text"
        lambda text: pd.read_csv(io.StringIO(text), dtype=str).to_csv(sep=";", index=False).encode(),  # Excel, comma-decimal locale
        lambda text: text.encode("utf-8"),  # no BOM
    ],
)
def test_other_csv_encodings_and_separators_import_the_same(imported, encode):
    result = import_payments(encode(SOURCE.read_text(encoding="utf-8-sig")), ["07H"], filename="payments.csv")
    pd.testing.assert_frame_equal(result.practices, imported.practices)
    pd.testing.assert_frame_equal(income(result), income(imported))


def test_a_missing_file_is_an_upload_error(tmp_path):
    with pytest.raises(UploadError, match="could not be opened"):
        import_payments(tmp_path / "nope.csv", ["07H"])


# -- other years and formats -------------------------------------------------------------------


def test_a_2021_22_style_header_imports_the_same_practices(raw, kept):
    renamed = raw.drop(columns="PCN Enhanced Access").rename(
        columns={
            "Sub ICB NAME": "CCG NAME",  # to 2021/22 the sub-ICB's predecessor, the CCG
            "CCG NAME": "PCN Name",
            "Code": "PCN Code",
            "Local Incentive Schemes": "Total Local Incentive Schemes",
            "Appraisal - Appraiser Costs in Respect of Locums": "Appraisal Costs ",
        }
    )
    old = import_payments(as_csv(renamed), ["07H"], filename="21-22.csv", apportion_pcn=False)
    pd.testing.assert_frame_equal(old.practices, kept.practices)
    pd.testing.assert_frame_equal(income(old), income(kept))
    assert [p.message for p in old.problems if not p.message.startswith("Covid vaccination: ")] == []
    assert len(import_payments(as_csv(renamed), ["Harlow South PCN"], filename="21-22.csv").practices) == 3


def test_nhs_digital_original_headers_and_a_workbook_with_a_title_row(raw, imported):
    original = raw.rename(
        columns={
            REGISTERED: "Average Number of Registered Patients",
            WEIGHTED: "Average Number of Weighted Patients",
            "CCG Code": "Sub ICB Location Code",
            "Sub ICB NAME": "Sub ICB Location Name",
            "Code": "PCN Code",
            "CCG NAME": "PCN Name",
        }
    ).reset_index()
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Practice level"
    sheet.append(["NHS Payments to General Practice, England, 2022-23"])
    sheet.append([])
    sheet.append(list(original.columns))
    for row in original.itertuples(index=False):
        sheet.append([None if isinstance(v, float) and math.isnan(v) else v for v in row])
    buffer = io.BytesIO()
    book.save(buffer)
    result = import_payments(buffer.getvalue(), ["07H"], filename="nhspaymentsgp-22-23-prac.xlsx")
    pd.testing.assert_frame_equal(result.practices, imported.practices)
    pd.testing.assert_frame_equal(income(result), income(imported))
    # A stray note in the last cell of the sheet (which made the old native reader ask for ~550 GB
    # and abort the server) is one more cell: the import is the same.
    sheet["XFD1048576"] = "checked by JS"
    stray = io.BytesIO()
    book.save(stray)
    far = import_payments(stray.getvalue(), ["07H"], filename="nhspaymentsgp-22-23-prac.xlsx")
    pd.testing.assert_frame_equal(income(far), income(imported))


def test_an_unknown_column_is_a_warning_and_not_imported(raw, imported):
    extra = raw.assign(**{"Mystery Payments": 1000.0, "Respiratory Syncytial Virus": 0.0})
    extra.loc["F81004", "Respiratory Syncytial Virus"] = 250.0
    result = import_payments(as_csv(extra), ["07H"], filename="24-25.csv")
    [problem] = [p for p in result.problems if "not a known payment column" in p.message]
    assert problem.severity == "warning" and "'Mystery Payments'" in problem.message
    assert "it holds £30,000.00 in the file" in problem.message  # 30 practices x £1,000
    lines = income(result)
    assert lines.query("line == 'RSV immunisation'")[["practice_code", "amount_gbp"]].values.tolist() == [["F81004", 250.0]]
    assert pennies(lines["amount_gbp"]) == pennies(income(imported)["amount_gbp"]) + 25_000


def test_windows_encoded_csv_and_capitals_in_names(raw):
    renamed = raw.copy()
    renamed.loc["F81004", "Practice Name"] = "CAFÉ ROAD SURGERY"
    result = import_payments(as_csv(renamed, encoding="cp1252"), ["café road"], filename="old.csv")
    assert result.practices["practice_name"].tolist() == ["Café Road Surgery"]


@pytest.mark.parametrize(
    ("published", "shown"),
    [
        ("DR THORNILEY-WALKER & PARTNERS", "Dr Thorniley-Walker & Partners"),
        ("WAKEMAN'S HILL SURGERY", "Wakeman's Hill Surgery"),
        ("SOUTH UTTLESFORD PCN", "South Uttlesford PCN"),
        ("Already Mixed Case", "Already Mixed Case"),
    ],
)
def test_tidy_name(published, shown):
    assert tidy_name(published) == shown


@given(
    st.lists(st.integers(-(10**9), 10**9), min_size=1, max_size=7),
    st.lists(st.floats(0.5, 50_000), min_size=1, max_size=12),
)
def test_sharing_pennies_keeps_every_total_and_follows_the_weights(totals, weights):
    totals, weights = np.array(totals), np.array(weights)
    shares = _share_pennies(totals, weights)
    assert (shares.sum(axis=0) == totals).all()
    exact = np.outer(weights / weights.sum(), totals)
    others = np.delete(np.abs(shares - exact), int(np.argmax(weights)), axis=0)
    assert (others <= 0.5 + 1e-6).all()


# -- the written set and the sample -------------------------------------------------------------


def test_every_service_the_importer_can_emit_is_in_the_sample_catalogue():
    catalogue = set(pd.read_excel(CATALOGUE, sheet_name="services", engine="openpyxl")["service"])
    emitted = {rule.service for rule in column_rules() if rule.service}
    assert emitted and emitted <= catalogue


def test_write_upload_set_round_trips(imported, tmp_path):
    paths = write_upload_set(imported, tmp_path / "set")
    assert [p.name for p in paths] == [
        "practices.csv",
        "contract_income.csv",
        "pcn_des_income.csv",
        "practice_costs_pass_through.csv",
        "services (sample catalogue, added by the NHS import).xlsx",
    ]
    practices = pd.read_csv(paths[0], dtype={"practice_code": str})
    assert practices["list_size"].tolist() == imported.practices["list_size"].tolist()
    contract = pd.read_csv(paths[1])
    assert pennies(contract["amount_gbp"]) == pennies(imported.contract_income["amount_gbp"])


def test_the_committed_sample_is_what_the_importer_makes():
    sample = ROOT / "sample_data"
    imported = import_payments(SOURCE, ["07H"], catalogue=CATALOGUE)
    practices = pd.read_csv(sample / "practices.csv").drop(columns="partners_fte")
    pd.testing.assert_frame_equal(practices, imported.practices, check_dtype=False)
    for name, file in (
        ("contract_income", "contract_income"),
        ("pcn_des_income", "pcn_des_income"),
        ("practice_costs", "practice_costs_pass_through"),
    ):
        committed = pd.read_csv(sample / f"{file}.csv")
        fresh = getattr(imported, name)
        label = "line" if "line" in fresh else "item"
        assert committed[label].tolist() == fresh[label].tolist()
        assert np.allclose(committed["amount_gbp"], fresh["amount_gbp"], atol=0.001, rtol=0)


def test_the_command_line_writes_the_set_and_prints_a_summary(tmp_path, capsys):
    from finance.cli import payments as payments_cli

    parser = argparse.ArgumentParser()
    payments_cli.register(parser.add_subparsers())
    args = parser.parse_args(["import-payments", str(SOURCE), "--area", "U33522", "--area", "F81004", "--out", str(tmp_path)])
    assert args.func(args) == 0
    out = capsys.readouterr()
    assert "Imported 4 practices in 2 PCNs" in out.out and "practices.csv" in out.out
    assert "outside the chosen area" in out.err
    assert (tmp_path / "pcn_des_income.csv").exists()

    args = parser.parse_args(["import-payments", str(SOURCE), "--area", "Atlantis", "--out", str(tmp_path / "x")])
    assert args.func(args) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "Atlantis" in err
    assert not (tmp_path / "x").exists()


# -- validation with the engine -------------------------------------------------------------------


def test_an_imported_area_with_the_sample_catalogue_is_a_valid_set(tmp_path):
    result = import_payments(SOURCE, ["Harlow North PCN", "F81004"])
    paths = write_upload_set(result, tmp_path)
    loaded = load_files(paths)  # the sample catalogue is one of them
    assert [str(p) for p in loaded.problems if p.is_error] == []
    assert loaded.dataset is not None


def test_the_whole_sample_federation_validates():
    sample = ROOT / "sample_data"
    files = sorted(p for p in sample.iterdir() if p.suffix in (".csv", ".xlsx"))
    loaded = load_files(files)
    assert [str(p) for p in loaded.problems if p.is_error] == []
    assert loaded.dataset is not None
