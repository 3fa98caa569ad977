"""The board pack as an Excel workbook: contents, summary, a sheet per option, practices side by side, assumptions, catalogue.

Built to be printed and audited: every sheet prints on A4, one page wide at 8 pt or more, with
the federation's name, the date and the data in its header and footer (printing.py); differences,
variances, totals and surpluses are formulas over the cells they come from, and the Summary's
figures are formulas over the option sheets, so a finance lead who changes a figure sees every
total follow. Charts are native Excel charts below the tables. Every text cell goes through
``excel_text``: text from an upload that looks like a formula is stored as text, never as a formula.

More sheets (the fee designer, uncertainty, the plan: finance/report/analysis_sheets.py) join
through ``extra_sheets``: each is written after the Practices sheet and listed on the contents.
The order: Contents, Summary, the options, Practices, the extra sheets, Charts, Assumptions, Catalogue.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from openpyxl import Workbook
from openpyxl.worksheet.hyperlink import Hyperlink
from openpyxl.worksheet.worksheet import Worksheet

from finance.analysis.compare import Comparison
from finance.ingest.dataset import Dataset
from finance.report.assumptions_sheet import write_assumptions, write_catalogue
from finance.report.charts_sheet import write_charts
from finance.report.option_sheet import OptionCells, practice_order, write_option_sheet
from finance.report.printing import PrintInfo, set_up_page
from finance.report.safe_text import excel_text
from finance.report.sheets import (
    BOLD,
    LINK_FONT,
    MONEY,
    WRAP,
    Column,
    fit_rows,
    local,
    money_width,
    put,
    put_formula,
    ref,
    span,
    style_total,
    text_width,
    use_font,
    want_width,
    write_header,
    write_table,
    write_title,
)
from finance.report.summary_sheet import write_summary

FIXED_SHEETS = ("Contents", "Summary", "Practices", "Charts", "Assumptions", "Catalogue")


@dataclass(frozen=True)
class ExtraSheet:
    """A sheet another part of the engine adds to the pack: its title, one line for the contents, and its writer.

    ``write`` fills the sheet; the pack then sets it up to print (A4, one page wide, header and
    footer), landscape unless ``landscape`` is False, repeating ``title_rows`` on every page.
    """

    title: str
    about: str
    write: Callable[[Worksheet], None]
    landscape: bool = True
    title_rows: tuple[int, int] | None = None


def comparison_workbook(
    comparison: Comparison,
    dataset: Dataset,
    *,
    federation: str = "",
    generated_at: datetime | None = None,
    extra_sheets: Sequence[ExtraSheet] = (),
) -> bytes:
    """The board pack for a comparison already run (see pack.board_pack_xlsx)."""
    generated_at = generated_at or datetime.now(UTC)
    info = PrintInfo(
        federation=federation.strip() or "GP federation",
        date=f"{generated_at:%d %B %Y}",
        data=f"Data {dataset.fingerprint[:12]}: {', '.join(dataset.file_names) or 'as loaded'}",
    )
    workbook = Workbook()
    use_font(workbook)
    contents = workbook.active
    contents.title = "Contents"
    summary = workbook.create_sheet("Summary")
    titles = sheet_titles(comparison.names, taken=[s.title for s in extra_sheets])
    order = practice_order(comparison)
    cells: dict[str, OptionCells] = {}
    base_position = comparison.names.index(comparison.base)
    # The base's sheet is written first, so the others' variances can point at its cells; sheets still appear in the options' order.
    sheets = {title: workbook.create_sheet(title) for title in titles}
    for position in [base_position, *(p for p in range(len(titles)) if p != base_position)]:
        option, title = comparison.options[position], titles[position]
        base = cells.get(comparison.base)
        cells[option.name] = write_option_sheet(sheets[title], comparison, option, info, base=base, order=order)
    practices = workbook.create_sheet("Practices")
    _practices_sheet(practices, comparison, cells, order, info)
    about = {
        "Summary": "The options side by side: fee income, overheads, surplus and the change against the base, in a sentence and a chart",
        **{
            t: f"Option '{o.name}': the federation, each service and each practice, with a chart"
            for t, o in zip(titles, comparison.options, strict=True)
        },
        "Practices": "Each practice's result with the federation under every option, and the change against the base",
    }
    for extra in extra_sheets:
        sheet = workbook.create_sheet(extra.title)
        extra.write(sheet)
        set_up_page(sheet, info, landscape=extra.landscape, title_rows=extra.title_rows)
        about[sheet.title] = extra.about
    write_charts(workbook.create_sheet("Charts"), comparison, cells, order, info)
    about["Charts"] = "Each option's practices as bars (blue: better off; vermilion: worse off), a page to each chart"
    write_assumptions(workbook.create_sheet("Assumptions"), comparison, dataset, info, generated_at)
    write_catalogue(workbook.create_sheet("Catalogue"), dataset, info)
    about["Assumptions"] = "Every scenario parameter of every option, its value and its source; the data's files and fingerprint"
    about["Catalogue"] = "The service catalogue as uploaded: unit costs in pounds and pence, fixed costs, fees"
    write_summary(summary, comparison, dataset, info, cells, titles, generated_at)
    _contents(contents, workbook, about, info, dataset, comparison)
    workbook.calculation.fullCalcOnLoad = True  # openpyxl stores no results: Excel and LibreOffice work every formula on opening
    workbook.properties.title = f"Options for the board: {excel_text(info.federation)}"
    workbook.properties.creator = "GP federation finance"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def sheet_titles(names: Sequence[str], taken: Sequence[str] = ()) -> list[str]:
    """Excel sheet names for the options: no []:*?/\\, at most 31 characters, unique, not a fixed sheet's.

    >>> sheet_titles(["A: runs it / 6%", "a: runs it / 6%", "Summary", "'quoted'", "=cmd"])
    ['A runs it 6%', 'a runs it 6% (2)', 'Summary (2)', 'quoted', 'cmd']
    """
    used = {t.casefold() for t in (*FIXED_SHEETS, *taken)}
    titles = []
    for position, name in enumerate(names, start=1):
        plain = "".join(" " if ch in "[]:*?/\\" else ch for ch in excel_text(name).lstrip("'"))
        base = " ".join(plain.split()).strip("'").lstrip("=+-@ ").strip("'")  # a title never starts like a formula
        base = base[:31] or f"Option {position}"
        title, n = base, 1
        while title.casefold() in used:
            n += 1
            title = f"{base[: 31 - len(f' ({n})')]} ({n})"
        used.add(title.casefold())
        titles.append(title)
    return titles


def _contents(
    sheet: Worksheet, workbook: Workbook, about: dict[str, str], info: PrintInfo, dataset: Dataset, comparison: Comparison
) -> None:
    write_title(sheet, f"Board pack: {info.federation}")
    put(sheet, 2, 1, f"Options for the board, {info.date}. {len(comparison.options)} options against {comparison.base}.")
    put(sheet, 3, 1, f"Data: {dataset.summary_line()}; fingerprint {dataset.fingerprint}")
    for row in (2, 3):  # across both columns, wrapped: text running past them would widen the printed page
        sheet.merge_cells(start_row=row, start_column=1, end_row=row, end_column=2)
        sheet.cell(row=row, column=1).alignment = WRAP
        sheet.row_dimensions[row].height = 30
    sheet.cell(row=5, column=1, value="Sheet").font = BOLD
    sheet.cell(row=5, column=2, value="What it holds").font = BOLD
    row = 5
    for target in workbook.worksheets:
        if target is sheet:
            continue
        row += 1
        put(sheet, row, 1, target.title)
        cell = sheet.cell(row=row, column=1)
        # An internal link (a location in this workbook, never an address outside it).
        cell.hyperlink = Hyperlink(ref=cell.coordinate, location=f"{ref(target, 1, 1)}", display=target.title)
        cell.font, cell.alignment = LINK_FONT, WRAP
        put(sheet, row, 2, about.get(target.title, ""))
    sheet.column_dimensions["A"].width = text_width([w.title for w in workbook.worksheets], least=16, most=34)
    sheet.column_dimensions["B"].width = 80
    for r in range(6, row + 1):
        sheet.cell(row=r, column=2).alignment = WRAP
    fit_rows(sheet, 6, row)
    set_up_page(sheet, info, landscape=True)


def _practices_sheet(sheet: Worksheet, comparison: Comparison, cells: dict[str, OptionCells], order: list[str], info: PrintInfo) -> None:
    write_title(sheet, "Each practice's result with the federation, by option (£ per year)")
    put(
        sheet,
        2,
        1,
        f"Each option's column is its sheet's 'Result with the federation'; the columns after them are each option minus {comparison.base}.",
    )
    wide = comparison.practices_wide().set_index("practice_code").loc[order].reset_index()
    columns = [
        Column("Practice", "practice_name", "text", text_width(wide["practice_name"], least=16, most=26), wrap=True),
        Column("Code", "practice_code", "text", 10),
        Column("PCN", "pcn", "text", text_width(wide["pcn"], least=10, most=18), wrap=True),
    ]
    header = 4
    last = write_table(sheet, header, wide, columns)
    first = header + 1
    place = {}
    for name in comparison.names:
        place[name] = len(columns) + len(place) + 1
        put(sheet, header, place[name], name)
    others = [n for n in comparison.names if n != comparison.base]
    for name in others:
        place[f"vs::{name}"] = len(columns) + len(place) + 1
        put(sheet, header, place[f"vs::{name}"], f"{name} vs {comparison.base}")
    for key, column in place.items():
        write_header(sheet, header, column, str(sheet.cell(row=header, column=column).value))
        figures = comparison.practices_wide()[key] if key in comparison.names else comparison.practices_wide("vs_base_gbp")[key[4:]]
        want_width(sheet, column, money_width([*figures, figures.sum()]))
    for r in range(first, last + 1):
        for name in comparison.names:
            option = cells[name]
            source = ref(option.title, option.first_practice_row + r - first, option.columns["result_with_federation_gbp"])
            put_formula(sheet, r, place[name], f"={source}")
        for name in others:
            put_formula(sheet, r, place[f"vs::{name}"], f"={local(r, place[name])}-{local(r, place[comparison.base])}")
    total = last + 1
    put(sheet, total, 1, "All practices")
    for column in place.values():
        put_formula(sheet, total, column, f"=SUM({span(column, first, last)})", MONEY)
    style_total(sheet, total, 1, max(place.values()))
    fit_rows(sheet, header, total)
    sheet.freeze_panes = "B5"
    set_up_page(sheet, info, landscape=True, title_rows=(header, header))
