"""The template is written from the same table definitions the validator reads: filled with its
own example rows it must validate, and it carries the dropdowns, formats and frozen headers."""

from __future__ import annotations

import io

import openpyxl

from finance.ingest.load import load_uploads
from finance.ingest.read import Upload
from finance.ingest.tables import TABLES_BY_NAME
from finance.ingest.template import TEMPLATE_TABLES, template_workbook


def test_template_with_its_examples_validates():
    result = load_uploads([Upload("template.xlsx", template_workbook())])
    assert result.errors == [], [str(p) for p in result.errors]
    assert [str(p) for p in result.warnings] == [
        "template.xlsx, sheet Instructions: ignored: the sheet name 'Instructions' is not a table name "
        "(practices, contract_income, pcn_des_income, federation_income, income, services, activity, federation_costs, practice_costs, "
        "service_staffing, staff_rates); it holds 35 rows of text"
    ]
    dataset = result.dataset
    assert len(dataset.practices) == 3 and len(dataset.services) == 3
    assert len(dataset.service_staffing) == 3 and len(dataset.staff_rates) == 3


def test_template_sheets_headers_and_help():
    workbook = openpyxl.load_workbook(io.BytesIO(template_workbook()))
    assert workbook.sheetnames == ["Instructions", *[t.name for t in TEMPLATE_TABLES]]
    for table in TEMPLATE_TABLES:
        sheet = workbook[table.name]
        assert [c.value for c in sheet[1]] == list(table.column_names)
        assert sheet.freeze_panes == "A2"
    instructions = "\n".join(str(c.value) for row in workbook["Instructions"].iter_rows() for c in row if c.value)
    for table in TEMPLATE_TABLES:
        for column in table.columns:
            assert column.help in instructions


def test_template_dropdowns_and_money_formats():
    workbook = openpyxl.load_workbook(io.BytesIO(template_workbook()))
    income = workbook["income"]
    lists = {str(v.sqref).split(":")[0]: v.formula1 for v in income.data_validations.dataValidation}
    assert lists["B2"] == '"contract,pcn_des,federation"'
    assert lists["D2"] == "services!$A$2:$A$2001"
    practices = workbook["practices"]
    assert any(v.formula1 == '"yes,no"' for v in practices.data_validations.dataValidation)
    assert income["E2"].number_format == "#,##0.00;-#,##0.00"
    assert workbook["services"]["H2"].number_format == "0.0#"


def test_blank_template_has_headers_only():
    workbook = openpyxl.load_workbook(io.BytesIO(template_workbook(with_examples=False)))
    assert workbook["practices"].max_row == 1
    assert workbook["income"]["A1"].value == TABLES_BY_NAME["income"].columns[0].name


def test_template_staffing_sheets_have_dropdowns():
    workbook = openpyxl.load_workbook(io.BytesIO(template_workbook()))
    staffing = workbook["service_staffing"]
    lists = {str(v.sqref).split(":")[0]: v for v in staffing.data_validations.dataValidation}
    assert lists["A2"].formula1 == "services!$A$2:$A$2001"
    assert lists["B2"].formula1 == '"practice,federation,pcn"' and lists["B2"].showErrorMessage
    assert lists["C2"].formula1 == "staff_rates!$A$2:$A$2001" and not lists["C2"].showErrorMessage  # shipped roles may be typed too
    instructions = "\n".join(str(c.value) for row in workbook["Instructions"].iter_rows() for c in row if c.value)
    assert "required unless service_staffing has rows for the service delivered_by practice" in instructions
    assert "Practice nurse" in instructions
