"""The blank workbook users download and fill in, generated from the table definitions in tables.py.

Because the template is written from the same definitions the validator reads, the two cannot
drift: a test fills it with its own example rows and checks that it validates.
"""

from __future__ import annotations

import io

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from finance.ingest.staff_rates import default_rates
from finance.ingest.tables import (
    ACTIVITY,
    DELIVERERS,
    FEDERATION_COSTS,
    INCOME,
    PRACTICE_COSTS,
    PRACTICES,
    SERVICE_STAFFING,
    SERVICES,
    STAFF_RATES,
    Column,
    Table,
)

NHS_BLUE = "005EB8"
TEMPLATE_TABLES: tuple[Table, ...] = (
    PRACTICES,
    INCOME,
    SERVICES,
    ACTIVITY,
    FEDERATION_COSTS,
    PRACTICE_COSTS,
    SERVICE_STAFFING,
    STAFF_RATES,
)
FORMATS = {"money": "#,##0.00;-#,##0.00", "whole": "#,##0", "number": "#,##0.0#", "percent": "0.0#"}
TEMPLATE_ROWS = 2000  # rows that carry dropdowns and number formats


def template_workbook(*, with_examples: bool = True) -> bytes:
    """The template as .xlsx bytes: Instructions, then one sheet per table with headers and examples."""
    workbook = Workbook()
    instructions = workbook.active
    instructions.title = "Instructions"
    _write_instructions(instructions)
    for table in TEMPLATE_TABLES:
        sheet = workbook.create_sheet(table.name)
        _write_table(sheet, table, with_examples)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _write_table(sheet: Worksheet, table: Table, with_examples: bool) -> None:
    header_font = Font(bold=True, color="FFFFFF")
    fill = PatternFill("solid", fgColor=NHS_BLUE)
    for position, column in enumerate(table.columns, start=1):
        cell = sheet.cell(row=1, column=position, value=column.name)
        cell.font, cell.fill = header_font, fill
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        letter = get_column_letter(position)
        sheet.column_dimensions[letter].width = max(16, len(column.name) + 4)
        fmt = FORMATS.get(column.kind)
        if fmt:
            sheet.column_dimensions[letter].number_format = fmt
        validation = _dropdown(column, table)
        if validation is not None:
            validation.add(f"{letter}2:{letter}{TEMPLATE_ROWS + 1}")
            sheet.add_data_validation(validation)
        if with_examples:
            for row, value in enumerate(column.example, start=2):
                cell = sheet.cell(row=row, column=position, value=None if value == "" else value)
                if fmt:
                    cell.number_format = fmt
    sheet.freeze_panes = "A2"


def _dropdown(column: Column, table: Table | None = None) -> DataValidation | None:
    strict = True
    if table is SERVICE_STAFFING and column.name == "delivered_by":
        options = f'"{",".join(DELIVERERS)}"'
    elif table is SERVICE_STAFFING and column.name == "role":
        # The roles typed in staff_rates; not strict, because the shipped default roles may be used too.
        options, strict = f"staff_rates!$A$2:$A${TEMPLATE_ROWS + 1}", False
    elif column.kind == "stream":
        options = '"contract,pcn_des,federation"'
    elif column.kind == "yesno":
        options = '"yes,no"'
    elif column.kind == "service":
        options = f"services!$A$2:$A${TEMPLATE_ROWS + 1}"  # stored without "=", as Excel writes it
    else:
        return None
    validation = DataValidation(type="list", formula1=options, allow_blank=not column.required)
    validation.error = f"Choose {column.name} from the list: {column.help}"
    validation.errorTitle = f"Not a valid {column.name}"
    validation.prompt = column.help
    validation.showErrorMessage = strict
    validation.showInputMessage = True
    return validation


def _write_instructions(sheet: Worksheet) -> None:
    sheet["A1"] = "GP federation finance: upload template"
    sheet["A1"].font = Font(bold=True, size=14, color=NHS_BLUE)
    lines = [
        "Fill in one sheet per table, keep the headings in row 1, and upload the workbook (or CSV files named after the tables).",
        "Amounts are pounds per year. Negative amounts (deductions) may be typed as -1200 or (1,200.00).",
        "The example rows show the format: replace them with your own figures. Blank rows are skipped.",
        "Required tables: practices, income and services. activity, federation_costs and practice_costs are optional.",
        "Income may instead be split into sheets or files named contract_income, pcn_des_income and federation_income (no stream column needed).",
        "Management fees are percentages typed as numbers: type 10 for 10% (not 10% or 0.1).",
        "Costs from staff time: in service_staffing give, per service and deliverer (practice, federation or pcn), the minutes of each role for one unit "
        "and any consumables; leave that deliverer's cost per unit in services blank. Hourly costs come from staff_rates, else from the tool's "
        "shipped 2025/26 rates (roles: " + ", ".join(default_rates()["role"]) + ").",
        "Every problem in an upload is listed at once with its sheet and cell; nothing is loaded until all errors are fixed.",
    ]
    for row, line in enumerate(lines, start=3):
        sheet.cell(row=row, column=1, value=line)
    row = len(lines) + 5
    for table in TEMPLATE_TABLES:
        sheet.cell(row=row, column=1, value=f"{table.name}{' (required)' if table.required else ' (optional)'}").font = Font(
            bold=True, color=NHS_BLUE
        )
        sheet.cell(row=row, column=2, value=table.help)
        row += 1
        for column in table.columns:
            sheet.cell(row=row, column=1, value=column.name)
            sheet.cell(
                row=row,
                column=2,
                value="required"
                if column.required
                else (f"required unless {column.required_unless}" if column.required_unless else "optional"),
            )
            sheet.cell(row=row, column=3, value=column.help)
            row += 1
        row += 1
    sheet.column_dimensions["A"].width = 30
    sheet.column_dimensions["B"].width = 16
    sheet.column_dimensions["C"].width = 100
