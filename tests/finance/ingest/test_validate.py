"""Every bad-input case of DATA.md: the exact line a practice manager reads, and nothing loaded."""

from __future__ import annotations

import pytest

from finance.ingest.load import load_uploads
from finance.ingest.read import Upload
from tests.helpers import csv_bytes, set_cell, valid_sheets, workbook_upload


def load_workbook_with(sheet: str, cell: str, value: object):
    sheets = valid_sheets()
    set_cell(sheets, sheet, cell, value)
    return load_uploads([workbook_upload(sheets, "federation.xlsx")])


def test_the_valid_set_loads():
    result = load_uploads([workbook_upload(valid_sheets())])
    assert result.errors == []
    dataset = result.dataset
    assert list(dataset.practices["practice_code"]) == ["A81001", "A81002", "A81003"]
    # Defaults: weighted list = list size when blank; membership from yes/no; fixed costs 0 when blank.
    assert dataset.practices["weighted_list_size"].tolist() == [10500.5, 5000.0, 5100.0]
    assert dataset.practices["federation_member"].tolist() == [True, True, False]
    assert dataset.income["stream"].tolist() == ["contract", "contract", "contract", "pcn_des", "federation"]
    assert dataset.income["amount_gbp"].sum() == 1_570_000


# sheet, cell, value typed, the line the user must see
CELL_CASES = [
    ("income", "E3", "TBC", "federation.xlsx, sheet income, cell E3 (amount_gbp): 'TBC' is not an amount"),
    ("income", "E3", "12.5.3", "cell E3 (amount_gbp): '12.5.3' is not an amount"),
    ("income", "E3", None, "cell E3 (amount_gbp): amount_gbp is required but the cell is empty"),
    ("income", "A3", "B99999", "cell A3 (practice_code): practice 'B99999' is not in practices"),
    ("income", "A3", "A8100", "cell A3 (practice_code): 'A8100' is not an ODS practice code (one letter, five digits)"),
    ("income", "B3", "lottery", "cell B3 (stream): 'lottery' is not an income stream"),
    ("income", "B3", None, "cell B3 (stream): stream is required but the cell is empty"),
    ("income", "C3", None, "cell C3 (line): line is required but the cell is empty"),
    ("income", "D3", "Phlebotmy", "cell D3 (service): service 'Phlebotmy' is not in services: did you mean 'Phlebotomy'?"),
    (
        "practices",
        "A3",
        "A81001",
        "sheet practices, cell A3 (practice_code): practice_code 'A81001' appears more than once (also federation.xlsx, sheet practices, cell A2)",
    ),
    ("practices", "A3", "81002", "cell A3 (practice_code): '81002' is not an ODS practice code"),
    ("practices", "B3", None, "cell B3 (practice_name): practice_name is required but the cell is empty"),
    ("practices", "D3", -5, "cell D3 (list_size): '-5' is negative: list_size cannot be below 0"),
    ("practices", "D3", 5000.5, "cell D3 (list_size): '5000.5' is not a whole number"),
    ("practices", "D3", "lots", "cell D3 (list_size): 'lots' is not a whole number"),
    ("practices", "E3", -1, "cell E3 (weighted_list_size): '-1' is negative"),
    ("practices", "F3", "two", "cell F3 (partners_fte): 'two' is not a number"),
    ("practices", "G3", "maybe", "cell G3 (federation_member): 'maybe' is not yes or no"),
    ("services", "A3", "Phlebotomy", "sheet services, cell A3 (service): service 'Phlebotomy' appears more than once"),
    ("services", "D2", -6, "cell D2 (inhouse_cost_per_unit): '-6' is negative"),
    ("services", "F2", "cheap", "cell F2 (federation_cost_per_unit): 'cheap' is not an amount"),
    ("services", "H2", 120, "cell H2 (management_fee_pct): '120' is over 100: management_fee_pct is a percentage from 0 to 100"),
    ("services", "H2", None, "cell H2 (management_fee_pct): management_fee_pct is required but the cell is empty"),
    (
        "activity",
        "A3",
        "A81001",
        "sheet activity, cell A3 (practice_code): practice_code 'A81001' and service 'Phlebotomy' appears more than once",
    ),
    ("activity", "C3", -10, "cell C3 (units): '-10' is negative"),
    ("activity", "B3", "Yoga", "cell B3 (service): service 'Yoga' is not in services"),
    ("federation_costs", "B2", -3000, "sheet federation_costs, cell B2 (amount_gbp): '-3000' is negative"),
    ("practice_costs", "A3", "Z99999", "sheet practice_costs, cell A3 (practice_code): practice 'Z99999' is not in practices"),
    ("practice_costs", "C3", "(100)", "cell C3 (amount_gbp): '(100)' is negative"),
]


@pytest.mark.parametrize(("sheet", "cell", "value", "expected"), CELL_CASES, ids=[f"{c[0]}-{c[1]}-{c[2]}" for c in CELL_CASES])
def test_a_bad_cell_is_reported_where_it_is_and_blocks_the_set(sheet, cell, value, expected):
    result = load_workbook_with(sheet, cell, value)
    lines = [str(p) for p in result.errors]
    assert any(expected in line for line in lines), lines
    assert result.dataset is None


def test_every_problem_is_reported_at_once():
    sheets = valid_sheets()
    set_cell(sheets, "income", "E3", "TBC")
    set_cell(sheets, "income", "E4", "n/a")
    set_cell(sheets, "practices", "D2", "many")
    result = load_uploads([workbook_upload(sheets)])
    cells = sorted(p.cell for p in result.errors)
    assert cells == ["D2", "E3", "E4"]


def test_problem_records_carry_file_sheet_cell_column_value():
    problem = load_workbook_with("income", "E3", "TBC").errors[0]
    assert (problem.file, problem.sheet, problem.cell, problem.row, problem.column, problem.value) == (
        "federation.xlsx",
        "income",
        "E3",
        3,
        "amount_gbp",
        "TBC",
    )


def test_csv_problems_name_the_row():
    rows = valid_sheets()["practices"]
    rows[2][0] = "A8100"
    result = load_uploads(
        [Upload("practices.csv", csv_bytes(rows)), workbook_upload({k: v for k, v in valid_sheets().items() if k != "practices"})]
    )
    assert "practices.csv, row 3 (practice_code): 'A8100' is not an ODS practice code (one letter, five digits)" in [
        str(p) for p in result.errors
    ]


def test_missing_tables_are_named():
    sheets = valid_sheets()
    del sheets["services"]
    del sheets["practices"]
    lines = [str(p) for p in load_uploads([workbook_upload(sheets)]).errors]
    assert any(line.startswith("No practices table was found") for line in lines)
    assert any(line.startswith("No services table was found") for line in lines)


def test_missing_required_column_is_one_clear_line():
    sheets = valid_sheets()
    for row in sheets["services"]:
        del row[7]
    lines = [str(p) for p in load_uploads([workbook_upload(sheets)]).errors]
    assert len(lines) == 1
    assert lines[0].startswith("federation.xlsx, sheet services, row 1: no management_fee_pct column")


def test_two_columns_meaning_the_same_is_an_error():
    sheets = valid_sheets()
    sheets["federation_costs"] = [["item", "Amount", "Value"], ["Chief officer", 3000, 3000]]
    lines = [str(p) for p in load_uploads([workbook_upload(sheets)]).errors]
    assert any("columns 'Amount' (B) and 'Value' (C) both mean amount_gbp" in line for line in lines)


def test_loose_headings_synonyms_money_text_and_blank_rows():
    sheets = valid_sheets()
    sheets["income"] = [
        ["Contract income 2025/26"],  # a title row above the headings
        [],
        ["Prac Code", "Stream", "Income line", "Service", "Amount (£)", "Notes"],
        ["a81001 ", "GMS", "Global Sum", None, "£1,000,000.00", "checked"],
        [None, None, None, None, None, None],
        ["A81001", "contract", "Phlebotomy LES", "phlebotomy", "20000", None],
        ["A81002", "PMS", "Global Sum", None, "500,000", None],
        ["A81002", "PCN DES", "Enhanced Access", "ENHANCED ACCESS", 40000, None],
        ["A81003", "Federation", "Clawback", None, "(1,200.00)", None],
        ["A81003", "federation", "Phlebotomy LES", "Phlebotomy", "10000", None],
    ]
    result = load_uploads([workbook_upload(sheets)])
    assert result.errors == []
    income = result.dataset.income
    assert income["amount_gbp"].tolist() == [1_000_000, 20_000, 500_000, 40_000, -1_200, 10_000]
    assert income["practice_code"].tolist()[0] == "A81001"
    assert income["service"].tolist()[1] == "Phlebotomy"  # the catalogue's spelling
    assert income["service"].tolist()[3] == "Enhanced Access"
    warnings = [str(p) for p in result.warnings]
    assert any("column 'Notes' ignored" in w for w in warnings)


def test_ignored_sheets_are_reported_not_errors():
    sheets = valid_sheets()
    sheets["Notes"] = [["Read me first"]]
    result = load_uploads([workbook_upload(sheets)])
    assert result.ok
    assert any("sheet Notes: ignored" in str(p) for p in result.warnings)


def test_streams_implied_by_sheet_and_file_names():
    sheets = valid_sheets()
    income = sheets.pop("income")
    head = ["practice_code", "line", "service", "amount_gbp"]
    contract = [head] + [[r[0], r[2], r[3], r[4]] for r in income[1:] if r[1] in ("GMS", "contract")]
    pcn = [head] + [[r[0], r[2], r[3], r[4]] for r in income[1:] if r[1] == "PCN DES"]
    federation = [head] + [[r[0], r[2], r[3], r[4]] for r in income[1:] if r[1] == "federation"]
    sheets["Contract income"] = contract
    uploads = [
        workbook_upload(sheets),
        Upload("2025-26 pcn_des_income.csv", csv_bytes(pcn)),
        workbook_upload({"Sheet1": federation}, "federation_income.xlsx"),
    ]
    result = load_uploads(uploads)
    assert result.errors == [], [str(p) for p in result.errors]
    streams = result.dataset.income.groupby("stream")["amount_gbp"].sum().to_dict()
    assert streams == {"contract": 1_520_000, "pcn_des": 40_000, "federation": 10_000}


def test_a_file_with_errors_loads_nothing_even_if_others_are_fine():
    sheets = valid_sheets()
    bad = [["item", "amount_gbp"], ["Premises", "TBC"]]
    del sheets["federation_costs"]
    result = load_uploads([workbook_upload(sheets), Upload("federation_costs.csv", csv_bytes(bad))])
    assert result.dataset is None
    assert [str(p) for p in result.errors] == ["federation_costs.csv, row 2 (amount_gbp): 'TBC' is not an amount"]


def test_fee_typed_as_an_excel_percentage_is_warned():
    sheets = valid_sheets()
    set_cell(sheets, "services", "H2", 0.1)
    set_cell(sheets, "services", "H3", 0.08)
    result = load_uploads([workbook_upload(sheets)])
    assert result.ok
    assert any("every management_fee_pct is 1 or less" in str(p) for p in result.warnings)


def test_warnings_for_unused_service_and_practice_without_income():
    sheets = valid_sheets()
    sheets["services"].append(["Yoga", "class", None, 5, 0, 4, 0, 10])
    sheets["practices"].append(["A81004", "New Practice", None, 100, None, None, None])
    result = load_uploads([workbook_upload(sheets)])
    assert result.ok
    lines = [str(p) for p in result.warnings]
    assert "service 'Yoga' has no income, no activity and no units_per_1000_patients: no practice uses it" in lines
    assert "practice A81004 (New Practice) has no income lines" in lines


def test_thousands_of_copies_of_one_row_get_a_few_lines_not_one_per_pair():
    """A row that must be unique, pasted 5,000 times: the first MAX_REPEATS repeats are named with a few
    other places each, then one line says how many more (before, every repeat listed every other place)."""
    from finance.ingest.locate import MAX_REPEATS
    from finance.ingest.validate import PLACES_SHOWN

    sheets = valid_sheets()
    sheets["activity"] = [sheets["activity"][0]] + [sheets["activity"][1]] * 5_000
    result = load_uploads([workbook_upload(sheets)])
    repeats = [p for p in result.errors if "one row per practice and service" in p.message]
    assert len(repeats) == MAX_REPEATS + 1
    assert all(p.message.count("cell A") == PLACES_SHOWN and "and 4,996 more" in p.message for p in repeats[:MAX_REPEATS])
    assert repeats[0].cell == "A3" and repeats[-1].message.startswith(f"{5_000 - 1 - MAX_REPEATS:,} more rows repeat")
