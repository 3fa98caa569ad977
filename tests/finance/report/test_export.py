"""The board pack, CSV, HTML report and chart images: figures equal the engine's, and uploads cannot inject."""

from __future__ import annotations

import csv
import io
import re
import subprocess
import sys
from pathlib import Path

import openpyxl
import pytest

from finance.analysis.compare import compare
from finance.errors import ExportError
from finance.format import MONEY_EXCEL_FORMAT, PERCENT_EXCEL_FORMAT
from finance.ingest.load import load_files, load_uploads
from finance.ingest.read import Upload
from finance.model.engine import Model
from finance.model.scenario import Scenario
from finance.report import images as export_images
from finance.report.charts import NHS_BLUE, report_figures
from finance.report.pack import (
    board_pack_xlsx,
    chart_images,
    chart_images_by_format,
    images_available,
    options_csv,
    report_html,
    results_csv,
)
from finance.report.safe_text import FORMULA_STARTS
from tests.conftest import ROOT, sample_files
from tests.helpers import valid_sheets, workbook_bytes

OPTIONS = [
    ("A: the federation runs everything", Scenario(), "All members at catalogue fees"),
    ("B: practices choose", Scenario(participation="rational", opt_out_tolerance_gbp=500)),
    ("C: hybrid at 6%", Scenario(management_fee_pct=6, service_fee_pct={"Enhanced Access": 4}, participation="rational")),
]
TITLES = ["A the federation runs everythin", "B practices choose", "C hybrid at 6%"]
HOSTILE = {
    ("practices", "B2"): '=HYPERLINK("http://x","y")',
    ("practices", "C3"): "-North PCN",
    ("practices", "B4"): "<script>alert(1)</script>",
}


@pytest.fixture(scope="module")
def sample():
    dataset = load_files(sample_files()).dataset
    model = Model(dataset)
    yield model
    model.close()


@pytest.fixture(scope="module")
def pack(sample):
    return openpyxl.load_workbook(io.BytesIO(board_pack_xlsx(sample, OPTIONS)))


@pytest.fixture(scope="module")
def hostile():
    """The small valid set with formula-like and markup names typed in as text, loaded like an upload."""
    workbook = openpyxl.load_workbook(io.BytesIO(workbook_bytes(valid_sheets())))
    for (sheet, ref), value in HOSTILE.items():
        cell = workbook[sheet][ref]
        cell.value, cell.data_type = value, "s"  # typed as text, as a user's Excel would store it
    buffer = io.BytesIO()
    workbook.save(buffer)
    result = load_uploads([Upload("=evil.xlsx", buffer.getvalue())])
    assert result.ok, [str(p) for p in result.problems]
    assert '=HYPERLINK("http://x","y")' in set(result.dataset.practices["practice_name"])
    model = Model(result.dataset)
    yield model
    model.close()


def rows_of(sheet, header_row: int, first_column: int = 1) -> list[dict]:
    """A table written from header_row down, as records, stopping at the first blank row."""
    headers = []
    for cell in sheet[header_row][first_column - 1 :]:
        if cell.value is None:
            break
        headers.append(cell.value)
    records = []
    for row in sheet.iter_rows(min_row=header_row + 1, min_col=first_column, max_col=first_column + len(headers) - 1):
        if row[0].value is None:
            break
        records.append(dict(zip(headers, row, strict=True)))
    return records


def test_the_sheets(pack):
    assert pack.sheetnames == ["Summary", *TITLES, "Practices", "Assumptions"]


def test_summary_figures_equal_the_engine(pack, sample):
    table = {r["Option"].value: r for r in rows_of(pack["Summary"], 5)}
    assert list(table) == [name for name, *_ in OPTIONS]
    for name, scenario, *_ in OPTIONS:
        alone = sample.run(scenario)
        row = table[name]
        assert row["Federation surplus"].value == pytest.approx(alone.federation.surplus_gbp)
        assert row["Fee income"].value == pytest.approx(alone.federation.fee_income_gbp)
        assert row["Practices better off"].value == alone.practices_better_off
        for money in ("Federation surplus", "Surplus vs base (£)", "Fee income", "Overheads"):
            assert row[money].number_format == MONEY_EXCEL_FORMAT
        assert row["Surplus vs base (%)"].number_format == PERCENT_EXCEL_FORMAT
    sentences = [c.value for c in pack["Summary"]["A"] if isinstance(c.value, str) and "the federation makes" in c.value]
    assert sentences[0] == "A: the federation runs everything: the federation makes a surplus of £9,973 with 9 of 30 practices better off."


def test_each_option_sheet_equals_the_engine(pack, sample):
    for (name, scenario, *_), title in zip(OPTIONS, TITLES, strict=True):
        sheet = pack[title]
        alone = sample.run(scenario)
        engine = alone.practices.set_index("practice_code")
        practices = rows_of(sheet, 5)
        assert len(practices) == len(engine)
        for row in practices:
            expected = engine.loc[row["Practice code"].value]
            assert row["Practice"].value == expected["practice_name"]
            assert row["Result all in-house"].value == pytest.approx(expected["result_all_inhouse_gbp"])
            assert row["Result with the federation"].value == pytest.approx(expected["result_with_federation_gbp"])
            assert row["Difference"].value == pytest.approx(expected["difference_gbp"])
            assert row["Result with the federation"].number_format == MONEY_EXCEL_FORMAT
        services = {r["Service"].value: r for r in rows_of(sheet, 5, first_column=13)}
        assert {s: r["Practices using the federation"].value for s, r in services.items()} == alone.federation.participants
        assert sheet["A1"].value == name


def test_charts_frozen_headers_and_widths(pack):
    assert pack["Summary"].freeze_panes == "A6"
    assert pack["Practices"].freeze_panes == "C5"
    assert pack["Assumptions"].freeze_panes == "B5"
    for sheet in ["Summary", *TITLES]:
        assert pack[sheet]._charts, f"no chart on {sheet}"
    for title in TITLES:
        assert pack[title].freeze_panes == "A6"
        assert pack[title].column_dimensions["B"].width == 34


def test_assumptions_list_every_parameter_and_the_data(pack, sample):
    sheet = pack["Assumptions"]
    values = {row[0].value: [c.value for c in row[1:4]] for row in sheet.iter_rows(min_row=5) if row[0].value}
    assert values["Participation"][1] == "practices leave services that pay them less"
    assert values["Opt-out tolerance"] == [0, 500, 0]
    assert values["Management fee, one for every service"] == ["catalogue fees", "catalogue fees", 6]
    assert values["Fee for Enhanced Access"] == [None, None, 4]
    for parameter in ("Contract income change", "PCN DES income change", "Activity change", "Federation overheads change"):
        assert values[parameter] == [0, 0, 0]
    assert values["Fingerprint of the files"][0] == sample.dataset.fingerprint
    assert set(sample.dataset.file_names) <= set(values)
    assert sheet["A2"].value.startswith("Indicative only.")


def test_text_from_uploads_is_never_a_formula(hostile):
    options = [("=cmd|' /C calc'!A0", Scenario(), "@SUM(1+1)"), ("+B", Scenario(management_fee_pct=5))]
    workbook = openpyxl.load_workbook(io.BytesIO(board_pack_xlsx(hostile, options)))
    seen = set()
    for sheet in workbook:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", f"{sheet.title}!{cell.coordinate} is a formula: {cell.value}"
                if isinstance(cell.value, str):
                    assert not cell.value.startswith(FORMULA_STARTS), f"{sheet.title}!{cell.coordinate}: {cell.value}"
                    seen.add(cell.value)
    assert '\'=HYPERLINK("http://x","y")' in seen
    assert "'-North PCN" in seen and "'=evil.xlsx" in seen and "'@SUM(1+1)" in seen


def test_results_csv_neutralises_and_matches_the_engine(hostile):
    results = hostile.run(Scenario())
    records = list(csv.DictReader(io.StringIO(results_csv(results).decode("utf-8-sig"))))
    assert len(records) == len(results.rows)
    names = {r["practice_code"]: r["practice_name"] for r in records}
    assert names["A81001"] == '\'=HYPERLINK("http://x","y")'
    assert {r["pcn"] for r in records if r["practice_code"] == "A81002"} == {"'-North PCN"}
    engine = results.rows.set_index(["practice_code", "service"])
    for record in records:
        expected = engine.loc[(record["practice_code"], record["service"])]
        assert float(record["advantage_gbp"]) == pytest.approx(expected["advantage_gbp"], abs=0.005)
    assert all(not r[text].startswith(FORMULA_STARTS) for r in records for text in ("practice_name", "pcn", "service"))


def test_options_csv_names_the_option(sample):
    comparison = compare(sample, OPTIONS[:2])
    records = list(csv.DictReader(io.StringIO(options_csv(comparison).decode("utf-8-sig"))))
    assert [r["option"] for r in records[:1]] == ["A: the federation runs everything"]
    assert len(records) == 2 * len(comparison.results[0].rows)


def test_html_report_opens_offline_and_escapes(hostile):
    page = report_html(hostile, [("<b>A</b>", Scenario()), ("B", Scenario(participation="rational"))])
    assert not re.search(r"<script[^>]*\bsrc\s*=\s*[\"']?(https?:)?//", page, re.IGNORECASE)
    assert "Plotly.newPlot" in page and len(page) > 3_000_000  # plotly.js is inside the page
    assert "<script>alert(1)</script>" not in page and "<b>A</b>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "Indicative only." in page


def test_report_figures_are_titled_and_blue(sample):
    figures = report_figures(compare(sample, OPTIONS))
    surplus = figures["surplus_by_option"]
    assert surplus.layout.title.text == "Federation surplus by option"
    assert "-£150,000" in surplus.layout.yaxis.ticktext and "£" in surplus.layout.yaxis.title.text
    assert NHS_BLUE in surplus.data[0].marker.color
    practices = figures["practice_difference_by_option"]
    assert practices.data[0].marker.color == NHS_BLUE
    assert len(practices.data) == 3 and len(practices.data[0].y) == 30


def test_images_without_a_browser_say_so(monkeypatch, sample):
    monkeypatch.setattr(export_images, "browser_path", lambda: None)
    assert images_available() is False
    with pytest.raises(ExportError, match=r"^PNG/PDF export needs Chromium on the server; it is not installed here\.$"):
        chart_images(report_figures(compare(sample, OPTIONS[:1])))
    with pytest.raises(ExportError, match="not 'gif'"):
        chart_images({}, fmt="gif")


@pytest.mark.skipif(not Path("/usr/bin/chromium").exists(), reason="PNG/PDF export needs Chromium at /usr/bin/chromium")
def test_chart_images_png_and_pdf(sample):
    assert images_available()
    figures = report_figures(compare(sample, OPTIONS[:2]))
    images = chart_images_by_format(figures, ("png", "pdf"), scale=1)  # one browser start for both formats
    assert set(images["png"]) == set(images["pdf"]) == {"surplus_by_option", "practice_difference_by_option"}
    assert all(png.startswith(b"\x89PNG\r\n\x1a\n") for png in images["png"].values())
    assert all(pdf.startswith(b"%PDF") for pdf in images["pdf"].values())


def test_the_engine_side_never_imports_streamlit():
    modules = "finance.store.scenarios, finance.analysis.compare, finance.analysis.sensitivity, finance.report.pack, finance.cli.export, finance.report.charts"
    done = subprocess.run(
        [sys.executable, "-c", f"import sys, {modules}; assert 'streamlit' not in sys.modules"], cwd=ROOT, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
