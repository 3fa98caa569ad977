"""The board pack's Charts sheet: each option's practices as bars, each chart on a page of its own, every practice labelled.

The charts read the option sheets' cells (practice names and the Difference formulas), so they
follow any change a reader makes there. On their own portrait sheet no repeated table header
takes a chart's room, and a page holds up to PRACTICES_PER_CHART practices at a legible spacing;
more practices take more charts (at most MAX_CHARTS an option: beyond that the tables speak).
"""

from __future__ import annotations

from openpyxl.worksheet.worksheet import Worksheet

from finance.analysis.compare import Comparison
from finance.report.option_sheet import OptionCells
from finance.report.printing import PrintInfo, break_before_chart, chart_rows, set_up_page
from finance.report.sheets import bar_chart, put, write_title

LABEL_CM = 0.55  # a bar and its 10 pt label
FRAME_CM = 3.5  # the title, the axis and its labels
PAGE_CM = 24.0  # what a portrait A4 page leaves a chart, with room to spare for LibreOffice's header and footer
PRACTICES_PER_CHART = int((PAGE_CM - FRAME_CM) / LABEL_CM)
MAX_CHARTS = 4
WIDTH_CM = 18.0


def write_charts(sheet: Worksheet, comparison: Comparison, cells: dict[str, OptionCells], order: list[str], info: PrintInfo) -> None:
    write_title(sheet, "Each practice: with the federation minus all in-house")
    put(sheet, 2, 1, "£ per year. Blue: better off with the federation; vermilion: worse off. Each chart reads its option's sheet.")
    sheet.column_dimensions["A"].width = 84  # as wide as a portrait page
    row = 4
    count = len(order)
    for option in comparison.options:
        mine = cells[option.name]
        practices = comparison.result(option.name).practices.set_index("practice_code").loc[order]
        signs = (practices["result_with_federation_gbp"] - practices["result_all_inhouse_gbp"]).tolist()
        charts = -(-count // PRACTICES_PER_CHART)
        if charts > MAX_CHARTS:
            put(
                sheet,
                row,
                1,
                f"{option.name}: {count:,} practices are too many to chart legibly on paper; the option's sheet lists them all.",
            )
            row += 2
            continue
        per_chart = -(-count // charts)  # the same number on every chart
        for start in range(0, count, per_chart):
            end = min(start + per_chart, count)
            part = f", practices {start + 1} to {end} of {count}" if charts > 1 else ""
            chart = bar_chart(
                f"{option.name}{part}",
                "With the federation minus all in-house (£ per year)",
                sheet.parent[mine.title],
                categories=(1, mine.first_practice_row + start, mine.first_practice_row + end - 1),
                values=(mine.columns["difference_gbp"], mine.first_practice_row + start, mine.first_practice_row + end - 1),
                signs=signs[start:end],
                label_pt=10,
            )
            chart.type = "bar"
            chart.x_axis.scaling.orientation = "maxMin"  # first practice at the top, as in the tables
            chart.width, chart.height = WIDTH_CM, FRAME_CM + LABEL_CM * (end - start)
            if row > 4:  # every chart after the first on a page of its own
                break_before_chart(sheet, row, chart.height, landscape=False, always=True)
            sheet.add_chart(chart, f"A{row}")
            row += chart_rows(chart.height)
            put(sheet, row, 1, f"Drawn from the Difference column of the sheet '{mine.title}'.")
            row += 2
    set_up_page(sheet, info, landscape=False)
