"""The CSV, the HTML report and chart images: figures equal the engine's, and uploads cannot inject (the workbook: test_workbook.py)."""

from __future__ import annotations

import csv
import io
import re
import subprocess
import sys
from pathlib import Path

import pytest

from finance import palette
from finance.analysis.compare import compare
from finance.errors import ExportError
from finance.model.scenario import Scenario
from finance.report import images as export_images
from finance.report.charts import LOSS, NHS_BLUE, practice_pages, report_figures
from finance.report.pack import (
    chart_images,
    chart_images_by_format,
    comparison_html,
    images_available,
    options_csv,
    report_html,
    results_csv,
)
from finance.report.safe_text import FORMULA_STARTS
from tests.conftest import ROOT

OPTIONS = [
    ("A: the federation runs everything", Scenario(), "All members at catalogue fees"),
    ("B: practices choose", Scenario(participation="rational", opt_out_tolerance_gbp=500)),
    ("C: hybrid at 6%", Scenario(management_fee_pct=6, service_fee_pct={"Enhanced Access": 4}, participation="rational")),
]


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


def test_report_figures_are_titled_and_coloured_as_every_chart(sample):
    figures = report_figures(compare(sample, OPTIONS))
    surplus = figures["surplus_by_option"]
    assert surplus.layout.title.text == "Federation surplus by option"
    assert "-£150,000" in surplus.layout.yaxis.ticktext and "£" in surplus.layout.yaxis.title.text
    assert list(surplus.data[0].marker.color) == [NHS_BLUE, LOSS, LOSS]  # a surplus, then two losses
    practices = figures["practice_difference_by_option"]
    # Options are told apart by the category colours, never the gain and loss colours (finance.palette).
    option_colours = [trace.marker.color for trace in practices.data]
    assert option_colours == list(palette.CATEGORIES[:3])
    assert not {palette.GAIN, palette.LOSS, "#E69F00"} & set(option_colours)  # nor orange, which reads as a loss
    assert len(practices.data) == 3 and len(practices.data[0].y) == 30


def test_the_html_report_prints_on_a4_with_charts_a_page_each(sample):
    comparison = compare(sample, OPTIONS)
    page = comparison_html(comparison, sample.dataset, federation="West Essex GP Federation")
    assert "@page { size: A4 landscape" in page and ".chart { break-inside: avoid" in page
    assert "<h1>Options for the board: West Essex GP Federation</h1>" in page
    pieces = practice_pages(comparison)
    assert [len(set(f.data[0].y)) for f in pieces] == [15, 15]  # 30 practices in two pieces of a page each
    assert all(f.layout.height <= 720 for f in pieces)
    assert page.count('<div class="chart">') == 3


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
