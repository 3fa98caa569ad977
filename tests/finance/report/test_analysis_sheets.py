"""The designer, uncertainty and plan sheets of the board pack: the engine's figures, live formulas for totals, upload text kept as text."""

from __future__ import annotations

import io

import openpyxl
import pytest

from finance.analysis.compare import compare
from finance.analysis.design import affordable_overheads, design_fees, explain
from finance.analysis.plan import parse_plan, run_plan
from finance.analysis.uncertainty import Range, uncertainty
from finance.model.scenario import Scenario
from finance.report.analysis_sheets import board_sheets
from finance.report.xlsx import comparison_workbook


@pytest.fixture(scope="module")
def pack(worked):
    scenario = Scenario()
    design = design_fees(worked, scenario)
    drawn = uncertainty(worked, scenario, [Range("overhead_change_pct", 0, 0, 100)], draws=400, seed=2)
    plan = run_plan(
        worked, scenario, parse_plan({"opening_reserves_gbp": 500, "years": [{"overhead_change_pct": 20}, {"overhead_change_pct": 10}]})
    )
    comparison = compare(worked, [("Now", scenario), ("Designed fees", design.scenario())])
    sheets = board_sheets(design=(design, explain(design, worked), affordable_overheads(worked, scenario)), uncertainty=drawn, plan=plan)
    data = comparison_workbook(comparison, worked.dataset, extra_sheets=sheets)
    return openpyxl.load_workbook(io.BytesIO(data)), design, drawn, plan


def test_each_analysis_is_a_sheet_after_the_practices(pack):
    book, *_ = pack
    position = book.sheetnames.index("Practices")
    assert book.sheetnames[position + 1 : position + 4] == ["Fee designer", "Uncertainty", "Plan"]
    contents = [c.value for row in book["Contents"].iter_rows() for c in row if isinstance(c.value, str)]
    assert {"Fee designer", "Uncertainty", "Plan"} <= set(contents)


def test_the_plan_sheet_adds_up_with_formulas(pack):
    book, _, _, plan = pack
    sheet = book["Plan"]
    assert sheet["B3"].value == 500
    years = [sheet.cell(row=r, column=1).value for r in range(6, 9)]
    assert years == ["2025/26", "2026/27", "2027/28"]
    # Fees 4,000 each year; overheads 3,000, 3,600, 3,960.
    assert [sheet.cell(row=r, column=3).value for r in range(6, 9)] == pytest.approx([3_000, 3_600, 3_960])
    assert [sheet.cell(row=r, column=4).value for r in range(6, 9)] == ["=B6-C6", "=B7-C7", "=B8-C8"]
    assert [sheet.cell(row=r, column=5).value for r in range(6, 9)] == ["=B3+D6", "=E6+D7", "=E7+D8"]
    # What those formulas give equals the plan's reserves: 500 + 1,000 + 400 + 40.
    fees = [sheet.cell(row=r, column=2).value for r in range(6, 9)]
    overheads = [sheet.cell(row=r, column=3).value for r in range(6, 9)]
    reserves = 500 + sum(f - o for f, o in zip(fees, overheads, strict=True))
    assert reserves == pytest.approx(plan.years[-1].reserves_gbp) == pytest.approx(1_940)
    assert sheet._charts and sheet._charts[0].title is not None


def test_the_designer_sheet_holds_the_designed_fees(pack):
    book, *_ = pack
    sheet = book["Fee designer"]
    assert [sheet.cell(row=5, column=c).value for c in range(1, 7)] == [
        "Phlebotomy",
        pytest.approx(0.10),
        pytest.approx(0.075),
        3,
        3,
        pytest.approx(3_000),
    ]  # real percentages
    assert sheet["F6"].value == "=SUM(F5:F5)"
    texts = [c.value for row in sheet.iter_rows(min_col=1, max_col=1) for c in row if isinstance(c.value, str)]
    assert "Phlebotomy at 7.5% (today 10%): keeps 3 of 3 practices and earns £3,000 a year." in texts
    assert any(t.startswith("At today's fees, with the practices that would take part, fees bring in £4,000 a year") for t in texts)
    surplus_row = next(r for r in range(1, 40) if sheet.cell(row=r, column=1).value == "Surplus")
    assert sheet.cell(row=surplus_row, column=6).value == f"=F{surplus_row - 2}-F{surplus_row - 1}"


def test_the_uncertainty_sheet_counts_every_draw(pack):
    book, _, drawn, _ = pack
    sheet = book["Uncertainty"]
    assert sheet["A5"].value == "overhead_change_pct" and [sheet[f"{c}5"].value for c in "BCD"] == [0, 0, 100]
    total_row = next(r for r in range(1, 80) if sheet.cell(row=r, column=1).value == "Draws in total")
    counts = [sheet.cell(row=r, column=4).value for r in range(total_row - 20, total_row)]
    assert sum(counts) == 400
    assert sheet.cell(row=total_row, column=4).value == f"=SUM(D{total_row - 20}:D{total_row - 1})"
    assert sheet["B7"].value == pytest.approx(drawn.p_viable)  # a real percentage
