"""The board pack's Assumptions (every parameter, each option's value, its source; the data's files) and Catalogue sheets."""

from __future__ import annotations

from datetime import datetime

from openpyxl.styles import Font
from openpyxl.worksheet.worksheet import Worksheet

from finance.analysis.compare import Comparison
from finance.ingest.dataset import Dataset
from finance.model.staff_costs import costed_services
from finance.report.content import DISCLAIMER, NOTES, parameter_rows
from finance.report.printing import PrintInfo, set_up_page
from finance.report.sheets import (
    BOLD,
    FONT,
    FONT_PT,
    INT,
    MONEY,
    NUM,
    PCT,
    PENCE,
    TEXT,
    WRAP,
    Column,
    fit_rows,
    put,
    text_width,
    want_width,
    write_header,
    write_table,
    write_title,
)

# The catalogue's columns, with the ones the model may add (shown when the data has them).
CATALOGUE = (
    Column("Service", "service", TEXT, 28, wrap=True),
    Column("Unit", "unit", TEXT, 16, wrap=True),
    Column("Units a year per 1,000 patients", "units_per_1000_patients", NUM, 12),
    Column("In-house cost per unit", "inhouse_cost_per_unit", PENCE, 11),
    Column("In-house fixed cost", "inhouse_fixed_cost", MONEY),
    Column("Federation cost per unit", "federation_cost_per_unit", PENCE, 11),
    Column("Federation fixed cost", "federation_fixed_cost", MONEY),
    Column("Management fee", "management_fee_pct", PCT),
    Column("Fee per unit", "fee_per_unit_gbp", PENCE, 11),
    Column("VAT rate", "vat_rate_pct", PCT),
    Column("PCN cost per unit", "pcn_cost_per_unit", PENCE, 11),
    Column("PCN fixed cost", "pcn_fixed_cost", MONEY),
    Column("PCN fee", "pcn_fee_pct", PCT),
)


def write_assumptions(sheet: Worksheet, comparison: Comparison, dataset: Dataset, info: PrintInfo, generated_at: datetime) -> None:
    write_title(sheet, "Assumptions: every parameter, its value in each option, and where it comes from")
    put(sheet, 2, 1, DISCLAIMER)
    sheet.cell(row=2, column=1).font = Font(name=FONT, size=FONT_PT, bold=True, color="D5281B")
    sheet.cell(row=2, column=1).alignment = WRAP
    last_column = 2 + len(comparison.names)
    sheet.merge_cells(start_row=2, start_column=1, end_row=2, end_column=last_column)
    sheet.row_dimensions[2].height = 30
    header = 4
    for column, text in enumerate(["Parameter", "Source", *comparison.names], start=1):
        write_header(sheet, header, column, text)

    want_width(sheet, 1, 30)
    want_width(sheet, 2, 36)
    for column in range(3, last_column + 1):
        want_width(sheet, column, 16)
    row = header
    for parameter in parameter_rows(comparison.options):
        row += 1
        put(sheet, row, 1, parameter.name)
        put(sheet, row, 2, parameter.source)
        for cell in (sheet.cell(row=row, column=1), sheet.cell(row=row, column=2)):
            cell.alignment = WRAP
        for column, value in enumerate(parameter.values, start=3):
            if parameter.kind == PCT and isinstance(value, (int, float)) and not isinstance(value, bool):
                value = value / 100  # a real percentage: 6 (percent) is stored as 0.06 and shown 6.0%
            put(sheet, row, column, value, parameter.kind)
            sheet.cell(row=row, column=column).alignment = WRAP
    fit_rows(sheet, header, row)
    sheet.freeze_panes = sheet.cell(row=header + 1, column=2)

    row += 2
    sheet.cell(row=row, column=1, value="The data").font = BOLD
    for name, value in (
        ("Loaded", dataset.summary_line()),
        ("Fingerprint of the files (SHA-256)", dataset.fingerprint),
        ("Generated", f"{generated_at:%d %B %Y %H:%M} UTC"),
        ("Source of every other figure", "The data: the uploaded files below, read and checked as the Data page shows"),
    ):
        row += 1
        put(sheet, row, 1, name)
        put(sheet, row, 2, value)
        sheet.cell(row=row, column=2).alignment = WRAP
    row += 1
    for column, text in enumerate(["File", "SHA-256", "Bytes"], start=1):
        write_header(sheet, row, column, text)
    for source in dataset.sources:
        row += 1
        put(sheet, row, 1, source.name)
        put(sheet, row, 2, source.sha256)
        put(sheet, row, 3, source.size_bytes, INT)
        sheet.cell(row=row, column=1).alignment = sheet.cell(row=row, column=2).alignment = WRAP
    fit_rows(sheet, header, row)
    row += 2
    for note in NOTES:
        put(sheet, row, 1, note)
        row += 1
    set_up_page(sheet, info, landscape=True, title_rows=(header, header))


def write_catalogue(sheet: Worksheet, dataset: Dataset, info: PrintInfo) -> None:
    write_title(sheet, "The service catalogue as uploaded (before any scenario change)")
    put(
        sheet,
        2,
        1,
        "Source: the data (the services table; unit costs from staff time where service_staffing gives them). "
        "Unit costs in pounds and pence; fees as percentages of positive service income.",
    )
    # The unit costs the model uses: a cost left blank in services because staff time gives it is shown worked out.
    services = costed_services(dataset.services, dataset.service_staffing, dataset.staff_rates)
    columns = [c for c in CATALOGUE if c.key in services.columns]
    for column in columns:
        if column.kind == PCT:
            services[column.key] = services[column.key] / 100  # real percentages
    width = text_width(services["service"], least=16, most=30)
    columns[0] = Column("Service", "service", TEXT, width, wrap=True)
    end = write_table(sheet, 4, services, columns)
    fit_rows(sheet, 5, end)
    sheet.freeze_panes = "B5"
    set_up_page(sheet, info, landscape=True, title_rows=(4, 4))
