"""The board pack's Summary: who and what (federation, options, data), the options side by side as formulas, a chart.

Fee income, overheads and practices better off are formulas pointing at each option's sheet; the
surplus, the variance against the base (in £ and as a real percentage) and "viable" are formulas
over the Summary's own cells. The engine's sentences say the same in words.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from finance.analysis.compare import Comparison
from finance.ingest.dataset import Dataset
from finance.report.option_sheet import FIGURES_COLUMN, OptionCells
from finance.report.printing import PrintInfo, break_before_chart, chart_rows, chart_width_cm, set_up_page
from finance.report.sheets import (
    BOLD,
    INT,
    LINE_HEIGHT_PT,
    MONEY,
    PCT,
    TEXT,
    WRAP,
    Column,
    bar_chart,
    fit_rows,
    local,
    money_width,
    put,
    put_formula,
    ref,
    text_width,
    variance_formula,
    want_width,
    wrapped_lines,
    write_header,
    write_table,
    write_title,
)

HEADERS = (
    ("Option", TEXT),
    ("Description", TEXT),
    ("Fee income", MONEY),
    ("Overheads", MONEY),
    ("Federation surplus", MONEY),
    ("Surplus vs base (£)", MONEY),
    ("Surplus vs base (%)", PCT),
    ("Viable", TEXT),
    ("Practices better off", INT),
    ("Of practices", INT),
    ("Rounds of leaving", INT),
)
LAST_COLUMN = len(HEADERS)


def write_summary(
    sheet: Worksheet,
    comparison: Comparison,
    dataset: Dataset,
    info: PrintInfo,
    cells: dict[str, OptionCells],
    titles: Sequence[str],
    generated_at: datetime,
) -> None:
    write_title(sheet, f"Options for the board: {info.federation}")
    lines = [
        f"Federation: {info.federation}. {len(comparison.options)} options compared against {comparison.base}. "
        f"Generated {generated_at:%d %B %Y %H:%M} UTC. Indicative only: see the Assumptions sheet.",
        f"Data: {dataset.summary_line()}. Files: {', '.join(dataset.file_names) or 'none named'}.",
        f"Fingerprint of the data (SHA-256 of the files): {dataset.fingerprint}",
        f"The base, which the others are measured against: {comparison.base}.",
    ]
    for row, text in enumerate(lines, start=2):
        _note(sheet, row, text)
    header = 7
    headline = comparison.headline
    money = money_width(
        [*headline["fee_income_gbp"], *headline["overheads_gbp"], *headline["surplus_gbp"], *headline["surplus_vs_base_gbp"]]
    )
    widths = {1: text_width(comparison.names, least=14, most=22), 2: 30.0}
    for column, (text, kind) in enumerate(HEADERS, start=1):
        write_header(sheet, header, column, text)
        want_width(sheet, column, widths.get(column, 8.0 if kind in (INT, PCT, TEXT) else money))

    first = header + 1
    base_row = first + comparison.names.index(comparison.base)
    for offset, option in enumerate(comparison.options):
        r = first + offset
        mine = cells[option.name]
        put(sheet, r, 1, option.name)
        put(sheet, r, 2, option.description or option.scenario.describe())
        sheet.cell(row=r, column=1).alignment = sheet.cell(row=r, column=2).alignment = WRAP
        put_formula(sheet, r, 3, f"={ref(mine.title, mine.fee_income_row, FIGURES_COLUMN)}")
        put_formula(sheet, r, 4, f"={ref(mine.title, mine.overheads_row, FIGURES_COLUMN)}")
        put_formula(sheet, r, 5, f"={local(r, 3)}-{local(r, 4)}")
        put_formula(sheet, r, 6, f"={local(r, 5)}-{local(base_row, 5, absolute=True)}")
        put_formula(sheet, r, 7, variance_formula(local(r, 5), local(base_row, 5, absolute=True)), PCT)
        put_formula(sheet, r, 8, f'=IF({local(r, 5)}>=0,"yes","no")', TEXT)
        put_formula(sheet, r, 9, f"={ref(mine.title, mine.better_off_row, FIGURES_COLUMN)}", INT)
        row = headline.iloc[offset]
        put(sheet, r, 10, int(row["practices"]), INT)
        put(sheet, r, 11, int(row["rounds"]), INT)
    last = first + len(comparison.options) - 1
    sheet.freeze_panes = sheet.cell(row=first, column=1)
    fit_rows(sheet, header, last)

    row = last + 2
    sheet.cell(row=row, column=1, value="In a sentence").font = BOLD
    for sentence in comparison.sentences():
        row += 1
        _note(sheet, row, sentence)
    for r in range(2, row + 1):
        if r in (2, 3, 4, 5) or r > last + 2:
            _fit_note(sheet, r)

    chart_row = row + 2
    chart = bar_chart(
        "Federation surplus by option (blue: surplus; vermilion: loss)",
        "Surplus (£ per year)",
        sheet,
        categories=(1, first, last),
        values=(5, first, last),
        signs=headline["surplus_gbp"].tolist(),
    )
    chart.type = "col"
    chart.width, chart.height = min(chart_width_cm(sheet), 18.0), 8.0
    break_before_chart(sheet, chart_row, chart.height, landscape=True)
    sheet.add_chart(chart, f"A{chart_row}")
    row = chart_row + chart_rows(chart.height) + 1

    sheet.cell(row=row, column=1, value="Practices using the federation, by service").font = BOLD
    participants = comparison.participants.reset_index()
    columns = [Column("Service", "service", TEXT, wrap=True)] + [Column(name, name, INT) for name in comparison.names]
    # The options' counts sit under the money columns, where the headers have room to wrap.
    at = [1, *range(3, 3 + len(comparison.names))]
    end = write_table(sheet, row + 1, participants, columns, at=at)
    fit_rows(sheet, row + 1, end)
    set_up_page(sheet, info, landscape=True)


def _note(sheet: Worksheet, row: int, text: str) -> None:
    put(sheet, row, 1, text)
    sheet.cell(row=row, column=1).alignment = WRAP
    sheet.merge_cells(start_row=row, start_column=1, end_row=row, end_column=LAST_COLUMN)


def _fit_note(sheet: Worksheet, row: int) -> None:
    value = sheet.cell(row=row, column=1).value
    if not isinstance(value, str):
        return
    width = sum(sheet.column_dimensions[get_column_letter(c)].width or 8.43 for c in range(1, LAST_COLUMN + 1))
    sheet.row_dimensions[row].height = LINE_HEIGHT_PT * wrapped_lines(value, width)
