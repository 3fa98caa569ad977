"""Board pack sheets for the fee designer, uncertainty and the multi-year plan: each writes one worksheet.

``design_sheet(sheet, design, stories, affordability)``, ``uncertainty_sheet(sheet, result)``,
``plan_sheet(sheet, result)``; ``board_sheets(design=..., uncertainty=..., plan=...)`` gives the
``ExtraSheet``s ``comparison_workbook(..., extra_sheets=...)`` takes (it sets each up to print).
Percentages are stored as real fractions (0.06 shown 6.0%), as everywhere in the pack. Totals are live formulas (a surplus
is fee income minus overheads in the sheet, reserves add up year by year), so a finance lead who
edits a figure sees the total follow. Every text goes through ``put`` (neutralised, stored as text).
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence

import numpy as np
import pandas as pd
from openpyxl.chart import BarChart, LineChart, Reference
from openpyxl.chart.data_source import AxDataSource, StrRef
from openpyxl.worksheet.worksheet import Worksheet

from finance.analysis.design import Affordability, Design, ServiceStory
from finance.analysis.plan import PlanResult
from finance.analysis.uncertainty import Uncertainty
from finance.format import MONEY_EXCEL_FORMAT, gbp
from finance.report.sheets import (
    BOLD,
    INT,
    MONEY,
    NHS_BLUE,
    NUM,
    PCT,
    PCT_FORMAT,
    TEXT,
    Column,
    bar_chart,
    put,
    want_width,
    write_header,
    write_table,
    write_title,
)
from finance.report.xlsx import ExtraSheet

RESERVES = "4C6272"  # NHS slate, a category colour: reserves are neither a gain nor a loss (finance.palette)
HISTOGRAM_BINS = 20


def design_sheet(
    sheet: Worksheet, design: Design, stories: Sequence[ServiceStory], affordability: Affordability | None = None
) -> Worksheet:
    """The designed fees service by service, the federation's figures, and what today's fees afford."""
    write_title(sheet, "Fee designer: per-service fees that cover the overheads and keep the most practices in")
    put(sheet, 2, 1, f"Scenario: {design.scenario().describe()}. Fees from 0% to {design.max_fee_pct:g}% in half-point steps.")
    frame = pd.DataFrame(
        [
            {
                "service": s.service,
                "today": s.today_fee_pct,
                "fee": s.fee_pct,
                "participants": s.participants,
                "practices": s.practices,
                "income": s.fee_income_gbp,
            }
            for s in stories
        ]
    )
    columns = [
        ("Service", "service", TEXT),
        ("Today's fee (%)", "today", PCT),
        ("Designed fee (%)", "fee", PCT),
        ("Practices using the federation", "participants", INT),
        ("Of practices that could", "practices", INT),
        ("Fee income (£ a year)", "income", MONEY),
    ]
    first = 5
    end = _table(sheet, first - 1, 1, frame, columns) if len(frame) else first - 1
    total = end + 1
    put(sheet, total, 1, "Service fees in total")
    sheet.cell(row=total, column=1).font = BOLD
    _formula(sheet, total, 6, f"=SUM(F{first}:F{max(end, first)})" if len(frame) else "=0", MONEY)
    federation = design.federation
    row = total + 2
    put(sheet, row, 1, "The federation with these fees")
    sheet.cell(row=row, column=1).font = BOLD
    put(sheet, row + 1, 1, "Fee income (every fee and subscription)")
    put(sheet, row + 1, 6, federation.fee_income_gbp, MONEY)
    put(sheet, row + 2, 1, "Overheads")
    put(sheet, row + 2, 6, federation.overheads_gbp, MONEY)
    put(sheet, row + 3, 1, "Surplus")
    _formula(sheet, row + 3, 6, f"=F{row + 1}-F{row + 2}", MONEY)
    put(sheet, row + 4, 1, "Covers its overheads")
    put(sheet, row + 4, 6, "yes" if design.viable else "no")
    put(sheet, row + 5, 1, "Practices better off")
    put(sheet, row + 5, 6, design.practices_better_off, INT)
    put(sheet, row + 6, 1, "Of practices")
    put(sheet, row + 6, 6, design.practices, INT)
    floor = design.floor
    row += 8
    put(
        sheet,
        row,
        1,
        f"The best single fee for every service is {floor.top_fee_pct:g}%: surplus {gbp(floor.surplus_gbp)}, {floor.better_off} practices better off.",
    )
    for story in stories:
        row += 1
        put(sheet, row, 1, story.sentence())
    if affordability is not None:
        put(sheet, row + 2, 1, affordability.sentence())
    if len(frame):
        chart = bar_chart(
            "Fee income by service with the designed fees", "£ a year", sheet, categories=(1, first, end), values=(6, first - 1, end)
        )
        chart.type = "bar"
        chart.width, chart.height = 16, max(6, 0.6 * len(frame))
        sheet.add_chart(chart, "H4")
    want_width(sheet, 1, 40)
    return sheet


def uncertainty_sheet(sheet: Worksheet, result: Uncertainty) -> Worksheet:
    """The ranges, the chance of covering the overheads, a histogram of the surplus, and each practice's chances."""
    write_title(sheet, "How sure is the answer: the surplus over many draws of the assumptions")
    put(
        sheet,
        2,
        1,
        f"{result.draws:,} draws, seed {result.seed}: each assumption drawn from a triangle (low, likely, high), independently.",
    )
    ranges = pd.DataFrame([{"name": r.name, **r.to_dict()} for r in result.ranges])
    columns = [("Assumption", "name", TEXT), ("Low", "low", NUM), ("Likely", "likely", NUM), ("High", "high", NUM)]
    end = _table(sheet, 4, 1, ranges, columns) if len(ranges) else 4
    row = end + 2
    summary = result.surplus_percentiles()
    put(sheet, row, 1, "Chance the federation covers its overheads")
    put(sheet, row, 2, result.p_viable, PCT)
    for offset, (label, key) in enumerate(
        (
            ("Surplus, P10 (1 in 10 draws lower)", "p10"),
            ("Surplus, P50 (median)", "p50"),
            ("Surplus, P90", "p90"),
            ("Surplus, mean", "mean"),
        ),
        1,
    ):
        put(sheet, row + offset, 1, label)
        put(sheet, row + offset, 2, summary[key], MONEY)
    row += 7
    counts, edges = np.histogram(result.surplus_gbp, bins=HISTOGRAM_BINS)
    histogram = pd.DataFrame(
        {"label": [f"{gbp(a)} to {gbp(b)}" for a, b in itertools.pairwise(edges)], "from": edges[:-1], "to": edges[1:], "draws": counts}
    )
    top = row
    end = _table(
        sheet,
        top,
        1,
        histogram,
        [("Surplus (£)", "label", TEXT), ("From (£)", "from", MONEY), ("To (£)", "to", MONEY), ("Draws", "draws", INT)],
    )
    put(sheet, end + 1, 1, "Draws in total")
    sheet.cell(row=end + 1, column=1).font = BOLD
    _formula(sheet, end + 1, 4, f"=SUM(D{top + 1}:D{end})", INT)
    chart = bar_chart("Federation surplus over the draws", "Draws", sheet, categories=(1, top + 1, end), values=(4, top, end))
    chart.y_axis.number_format = "#,##0"
    chart.x_axis.title = "Surplus (£ a year)"
    chart.width, chart.height = 18, 8
    sheet.add_chart(chart, "G4")
    row = end + 3
    practices = result.practices_frame().assign(better_off_pct=lambda f: 100 * f["p_better_off"])
    _table(
        sheet,
        row,
        1,
        practices,
        [
            ("Practice", "practice_code", TEXT),
            ("Name", "practice_name", TEXT),
            ("Chance better off", "better_off_pct", PCT),
            ("Difference P10 (£)", "p10", MONEY),
            ("Difference P50 (£)", "p50", MONEY),
            ("Difference P90 (£)", "p90", MONEY),
        ],
    )
    want_width(sheet, 1, 36)
    return sheet


def plan_sheet(sheet: Worksheet, result: PlanResult) -> Worksheet:
    """Surplus and reserves year by year (live formulas), who is better off, and a chart a board can read."""
    labels = [y.year for y in result.years]
    write_title(sheet, f"Plan {labels[0]} to {labels[-1]}: surplus and reserves by year")
    put(sheet, 2, 1, "Year 1 is the scenario; each later year carries the changes below forward. Participation settles afresh each year.")
    put(sheet, 3, 1, "Opening reserves")
    put(sheet, 3, 2, result.plan.opening_reserves_gbp, MONEY)
    headers = [
        "Year",
        "Fee income",
        "Overheads",
        "Surplus",
        "Reserves",
        "Practices better off",
        "Practice-service pairs using the federation",
    ]
    top = 5
    for column, text in enumerate(headers, 1):
        write_header(sheet, top, column, text)
    for offset, year in enumerate(result.years, 1):
        row = top + offset
        put(sheet, row, 1, year.year)
        put(sheet, row, 2, year.results.federation.fee_income_gbp, MONEY)
        put(sheet, row, 3, year.results.federation.overheads_gbp, MONEY)
        _formula(sheet, row, 4, f"=B{row}-C{row}", MONEY)
        _formula(sheet, row, 5, f"=B3+D{row}" if offset == 1 else f"=E{row - 1}+D{row}", MONEY)
        put(sheet, row, 6, year.results.practices_better_off, INT)
        put(sheet, row, 7, year.participations, INT)
    end = top + len(result.years)
    row = end + 2
    for sentence in result.sentences():
        put(sheet, row, 1, sentence)
        row += 1
    row += 1
    put(sheet, row, 1, "Changes from the year before (%)")
    sheet.cell(row=row, column=1).font = BOLD
    changes = pd.DataFrame(
        [
            {
                "year": label,
                **{f"income.{k}": v for k, v in change.income_change_pct.items()},
                **{k: v for k, v in change.to_dict().items() if k != "income_change_pct"},
            }
            for label, change in zip(labels[1:], result.plan.years, strict=True)
        ]
    )
    if len(changes):
        names = [c for c in changes.columns if c != "year"]
        _table(sheet, row + 1, 1, changes, [("Year", "year", TEXT), *[(_words(n), n, PCT) for n in names]])
    sheet.add_chart(_plan_chart(sheet, top, end), "I5")
    want_width(sheet, 1, 14)
    return sheet


def _plan_chart(sheet: Worksheet, top: int, end: int) -> BarChart:
    """Surplus as NHS blue columns, reserves as an amber line, £ on the axis."""
    labels = Reference(sheet, min_col=1, min_row=top + 1, max_row=end)
    bars = BarChart()
    bars.type = "col"
    bars.title = "Surplus and reserves by year"
    bars.add_data(Reference(sheet, min_col=4, min_row=top, max_row=end), titles_from_data=True)
    bars.series[0].cat = AxDataSource(strRef=StrRef(f=str(labels)))
    bars.series[0].graphicalProperties.solidFill = NHS_BLUE
    bars.series[0].graphicalProperties.line.solidFill = NHS_BLUE
    bars.series[0].invertIfNegative = False
    line = LineChart()
    line.add_data(Reference(sheet, min_col=5, min_row=top, max_row=end), titles_from_data=True)
    line.series[0].cat = AxDataSource(strRef=StrRef(f=str(labels)))
    line.series[0].graphicalProperties.line.solidFill = RESERVES
    line.series[0].graphicalProperties.line.width = 28575
    bars += line
    bars.y_axis.title = "£ a year"
    bars.y_axis.number_format = MONEY_EXCEL_FORMAT
    bars.y_axis.majorGridlines = None
    bars.x_axis.delete = False
    bars.y_axis.delete = False
    bars.x_axis.tickLblPos = "low"
    bars.legend.position = "b"
    bars.width, bars.height = 18, 9
    return bars


def _words(name: str) -> str:
    return {
        "income.contract": "Contract income",
        "income.pcn_des": "PCN DES income",
        "income.federation": "Federation income",
        "activity_change_pct": "Activity",
        "inhouse_cost_change_pct": "In-house costs",
        "federation_cost_change_pct": "Federation costs",
        "overhead_change_pct": "Overheads",
    }.get(name, name)


def _formula(sheet: Worksheet, row: int, column: int, formula: str, kind: str) -> None:
    """A live formula (our own text, never an upload's), formatted like the figures beside it."""
    cell = sheet.cell(row=row, column=column, value=formula)
    cell.number_format = {MONEY: MONEY_EXCEL_FORMAT, PCT: PCT_FORMAT, INT: "#,##0"}.get(kind, "General")
    cell.font = BOLD


def _table(sheet: Worksheet, row: int, column: int, frame: pd.DataFrame, columns: list[tuple[str, str, str]]) -> int:
    """A table of (header, key, kind) columns from ``column`` on; percent figures (10 for 10%) stored as fractions."""
    shown = frame.copy()
    for _, key, kind in columns:
        if kind == PCT:
            shown[key] = pd.to_numeric(shown[key], errors="coerce") / 100
    spec = [Column(header, key, kind) for header, key, kind in columns]
    return write_table(sheet, row, shown, spec, at=range(column, column + len(spec)))


def board_sheets(
    *,
    design: tuple[Design, Sequence[ServiceStory], Affordability | None] | None = None,
    uncertainty: Uncertainty | None = None,
    plan: PlanResult | None = None,
) -> list[ExtraSheet]:
    """The sheets to add to a board pack, for the analyses given."""
    sheets: list[ExtraSheet] = []
    if design is not None:
        sheets.append(
            ExtraSheet(
                "Fee designer",
                "Per-service fees that cover the overheads and keep the most practices in",
                lambda s: design_sheet(s, *design),
            )
        )
    if uncertainty is not None:
        sheets.append(
            ExtraSheet(
                "Uncertainty",
                "How sure the answer is: the surplus over many draws of the assumptions",
                lambda s: uncertainty_sheet(s, uncertainty),
            )
        )
    if plan is not None:
        sheets.append(ExtraSheet("Plan", "Surplus and reserves year by year", lambda s: plan_sheet(s, plan)))
    return sheets
