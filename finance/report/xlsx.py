"""The board pack as an Excel workbook: a summary, a sheet per option, practices side by side, assumptions.

Charts are native Excel charts (openpyxl.chart) drawn from the cells beside them, so a finance lead
can restyle or extend them. Money cells carry ``MONEY_EXCEL_FORMAT`` and hold unrounded pounds, so
totals a reader makes with SUM match the model. Every text cell goes through ``excel_text``: text
from an upload that looks like a formula is stored as text, never as a formula.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Sequence
from datetime import UTC, datetime

from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from finance.analysis.compare import Comparison, Option
from finance.ingest.dataset import Dataset
from finance.report.content import DISCLAIMER, NOTES, parameter_rows
from finance.report.safe_text import excel_text
from finance.report.sheets import BOLD, INT, MONEY, NUM, PCT, TEXT, bar_chart, put, set_widths, write_header, write_table, write_title

FIXED_SHEETS = ("Summary", "Practices", "Assumptions")


def comparison_workbook(
    comparison: Comparison,
    dataset: Dataset,
    *,
    generated_at: datetime | None = None,
    extra_sheets: Sequence[Callable[[Workbook], object]] = (),
) -> bytes:
    """The board pack for a comparison already run (see export.board_pack_xlsx); ``extra_sheets``
    each add a sheet before the assumptions (finance/report/analysis_sheets.py)."""
    generated_at = generated_at or datetime.now(UTC)
    workbook = Workbook()
    summary = workbook.active
    summary.title = "Summary"
    _summary(summary, comparison, dataset, generated_at)
    titles = sheet_titles(comparison.names)
    for option, title in zip(comparison.options, titles, strict=True):
        _option_sheet(workbook.create_sheet(title), comparison, option)
    _practices_sheet(workbook.create_sheet("Practices"), comparison)
    for add_sheet in extra_sheets:
        add_sheet(workbook)
    _assumptions(workbook.create_sheet("Assumptions"), comparison, dataset, generated_at)
    workbook.properties.title = "Options for the board"
    workbook.properties.creator = "GP federation finance"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def sheet_titles(names: Sequence[str]) -> list[str]:
    """Excel sheet names for the options: no []:*?/\\, at most 31 characters, unique, not a fixed sheet's.

    >>> sheet_titles(["A: runs it / 6%", "a: runs it / 6%", "Summary", "'quoted'"])
    ['A runs it 6%', 'a runs it 6% (2)', 'Summary (2)', 'quoted']
    """
    used = {t.casefold() for t in FIXED_SHEETS}
    titles = []
    for position, name in enumerate(names, start=1):
        base = " ".join("".join(" " if ch in "[]:*?/\\" else ch for ch in excel_text(name).lstrip("'")).split()).strip("'")
        base = base[:31] or f"Option {position}"
        title, n = base, 1
        while title.casefold() in used:
            n += 1
            title = f"{base[: 31 - len(f' ({n})')]} ({n})"
        used.add(title.casefold())
        titles.append(title)
    return titles


def _summary(sheet: Worksheet, comparison: Comparison, dataset: Dataset, generated_at: datetime) -> None:
    write_title(sheet, "Options for the board")
    sheet["A2"] = excel_text(
        f"{len(comparison.options)} options compared against {comparison.base}. Generated {generated_at:%d %B %Y %H:%M} UTC. "
        "Indicative only: see the Assumptions sheet."
    )
    sheet["A3"] = excel_text(f"Data: {dataset.summary_line()} ({', '.join(dataset.file_names)})")
    headline = comparison.headline
    columns = [
        ("Option", "option", TEXT),
        ("Description", "description", TEXT),
        ("Federation surplus", "surplus_gbp", MONEY),
        ("Surplus vs base (£)", "surplus_vs_base_gbp", MONEY),
        ("Surplus vs base (%)", "surplus_vs_base_pct", PCT),
        ("Fee income", "fee_income_gbp", MONEY),
        ("Overheads", "overheads_gbp", MONEY),
        ("Viable", "viable", TEXT),
        ("Practices better off", "practices_better_off", INT),
        ("Of practices", "practices", INT),
        ("Rounds of leaving", "rounds", INT),
    ]
    frame = headline.assign(viable=headline["viable"].map({True: "yes", False: "no"}))
    end = write_table(sheet, 5, 1, frame, columns)
    sheet.freeze_panes = "A6"
    row = end + 2
    sheet.cell(row=row, column=1, value="In a sentence").font = BOLD
    for sentence in comparison.sentences():
        row += 1
        put(sheet, row, 1, sentence)
    row += 2
    sheet.cell(row=row, column=1, value="Practices using the federation, by service").font = BOLD
    participants = comparison.participants.reset_index()
    write_table(sheet, row + 1, 1, participants, [("Service", "service", TEXT)] + [(name, name, INT) for name in comparison.names])
    chart = bar_chart(
        "Federation surplus by option",
        "Surplus (£ per year)",
        sheet,
        categories=(1, 6, 5 + len(headline)),
        values=(3, 5, 5 + len(headline)),
    )
    chart.type = "col"
    chart.width, chart.height = 16, 8
    sheet.add_chart(chart, f"{get_column_letter(len(columns) + 2)}5")
    set_widths(sheet, {1: 34, 2: 40})


def _option_sheet(sheet: Worksheet, comparison: Comparison, option: Option) -> None:
    results = comparison.result(option.name)
    row = comparison.headline.set_index("option").loc[option.name]
    write_title(sheet, option.name)
    sentence = comparison.sentence(option.name)
    put(sheet, 2, 1, f"{option.description.rstrip('.')}. {sentence}" if option.description else sentence)
    figures = [
        ("Federation surplus", row["surplus_gbp"], MONEY),
        ("Fee income", row["fee_income_gbp"], MONEY),
        ("Overheads", row["overheads_gbp"], MONEY),
        ("Practices better off", row["practices_better_off"], INT),
        ("Of practices", row["practices"], INT),
    ]
    for position, (name, value, kind) in enumerate(figures):
        sheet.cell(row=3, column=2 * position + 1, value=name).font = BOLD
        put(sheet, 3, 2 * position + 2, value, kind)
    practices = comparison.practices[comparison.practices["option"] == option.name].copy()
    practices["federation_member"] = practices["federation_member"].map({True: "yes", False: "no"})
    practice_columns = [
        ("Practice code", "practice_code", TEXT),
        ("Practice", "practice_name", TEXT),
        ("PCN", "pcn", TEXT),
        ("List size", "list_size", INT),
        ("Federation member", "federation_member", TEXT),
        ("Result all in-house", "result_all_inhouse_gbp", MONEY),
        ("Result with the federation", "result_with_federation_gbp", MONEY),
        ("Difference", "difference_gbp", MONEY),
        ("Per partner with the federation", "result_with_federation_per_partner_gbp", MONEY),
        (f"vs {comparison.base} (£)", "vs_base_gbp", MONEY),
        (f"vs {comparison.base} (%)", "vs_base_pct", PCT),
    ]
    end = write_table(sheet, 5, 1, practices, practice_columns)
    services = results.services
    service_start = len(practice_columns) + 2
    service_columns = [
        ("Service", "service", TEXT),
        ("Practices using the federation", "participants", INT),
        ("Practices with the service", "practices", INT),
        ("Federation units", "federation_units", NUM),
        ("Units", "units", NUM),
        ("Service income", "income_gbp", MONEY),
        ("Fee income", "fee_income_gbp", MONEY),
        ("Federation delivery cost", "federation_delivery_cost_gbp", MONEY),
        ("Participants' advantage", "participants_advantage_gbp", MONEY),
    ]
    write_table(sheet, 5, service_start, services, service_columns)
    sheet.freeze_panes = "A6"
    chart = bar_chart(
        "Each practice: with the federation minus all in-house",
        "£ per year",
        sheet,
        categories=(2, 6, end),
        values=(8, 5, end),
    )
    chart.type = "bar"
    chart.x_axis.scaling.orientation = "maxMin"  # first practice at the top, as in the table
    chart.width, chart.height = 18, max(8, 0.55 * len(practices))
    sheet.add_chart(chart, f"{get_column_letter(service_start)}{5 + len(services) + 3}")
    set_widths(sheet, {1: 14, 2: 34, 3: 26, service_start: 32})


def _practices_sheet(sheet: Worksheet, comparison: Comparison) -> None:
    write_title(sheet, "Each practice's result with the federation, by option")
    put(sheet, 2, 1, f"Pounds per year; the columns after the options are each option minus {comparison.base}.")
    wide = comparison.practices_wide()
    columns = [("Practice code", "practice_code", TEXT), ("Practice", "practice_name", TEXT), ("PCN", "pcn", TEXT)]
    columns += [(name, name, MONEY) for name in comparison.names]
    others = [name for name in comparison.names if name != comparison.base]
    for name in others:
        wide[f"vs::{name}"] = wide[name] - wide[comparison.base]
        columns.append((f"{name} vs {comparison.base}", f"vs::{name}", MONEY))
    write_table(sheet, 4, 1, wide, columns)
    sheet.freeze_panes = "C5"
    set_widths(sheet, {1: 14, 2: 34, 3: 26})


def _assumptions(sheet: Worksheet, comparison: Comparison, dataset: Dataset, generated_at: datetime) -> None:
    write_title(sheet, "Assumptions and scenario parameters")
    put(sheet, 2, 1, DISCLAIMER)
    sheet.cell(row=2, column=1).font = Font(bold=True, color="D5281B")
    headers = ["Parameter", *comparison.names]
    for column, text in enumerate(headers, start=1):
        write_header(sheet, 4, column, text)
    sheet.freeze_panes = "B5"
    row = 4
    for name, values, kind in parameter_rows(comparison.options):
        row += 1
        put(sheet, row, 1, name)
        for column, value in enumerate(values, start=2):
            put(sheet, row, column, value, kind)
    row += 2
    sheet.cell(row=row, column=1, value="Data").font = BOLD
    lines = [
        ("Loaded", dataset.summary_line()),
        ("Fingerprint of the files", dataset.fingerprint),
        ("Generated", f"{generated_at:%d %B %Y %H:%M} UTC"),
    ]
    for name, value in lines:
        row += 1
        put(sheet, row, 1, name)
        put(sheet, row, 2, value)
    row += 1
    for column, text in enumerate(["File", "Bytes", "SHA-256"], start=1):
        write_header(sheet, row, column, text)
    for source in dataset.sources:
        row += 1
        put(sheet, row, 1, source.name)
        put(sheet, row, 2, source.size_bytes, INT)
        put(sheet, row, 3, source.sha256)
    row += 2
    sheet.cell(row=row, column=1, value="Service catalogue as uploaded (before any scenario change)").font = BOLD
    catalogue_columns = [
        ("Service", "service", TEXT),
        ("Unit", "unit", TEXT),
        ("In-house cost per unit", "inhouse_cost_per_unit", MONEY),
        ("In-house fixed cost", "inhouse_fixed_cost", MONEY),
        ("Federation cost per unit", "federation_cost_per_unit", MONEY),
        ("Federation fixed cost", "federation_fixed_cost", MONEY),
        ("Management fee", "management_fee_pct", PCT),
    ]
    row = write_table(sheet, row + 1, 1, dataset.services, catalogue_columns) + 2
    for note in NOTES:
        put(sheet, row, 1, note)
        row += 1
    set_widths(sheet, {1: 44, **{c: 24 for c in range(2, len(headers) + 1)}})
    sheet.column_dimensions["C"].width = max(sheet.column_dimensions["C"].width, 24)
