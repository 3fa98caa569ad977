"""The one-page options appraisal: its verdict and risks worked by hand, its PDF (A4, one page, text at 8 pt or more) and its HTML."""

from __future__ import annotations

import io
import shutil
import subprocess
from datetime import UTC, datetime

import pdfplumber
import pytest

from finance.analysis.compare import compare
from finance.format import gbp
from finance.model.scenario import Scenario
from finance.report.appraisal import RULE, appraise
from finance.report.appraisal_html import appraisal_html
from finance.report.appraisal_pdf import RIGHT_X
from finance.report.charts import LOSS, NHS_BLUE, OPTION_COLOURS
from finance.report.pack import appraisal_files

WHEN = datetime(2026, 12, 1, 9, 30, tzinfo=UTC)
CATALOGUE = ("At catalogue fees", Scenario(), "Every member uses the federation at 10%")
FEE_5 = ("One fee of 5%", Scenario(management_fee_pct=5))
RATIONAL = ("Practices choose", Scenario(participation="rational"))
A4_LANDSCAPE = (841.89, 595.28)


def upright_sizes(page) -> set[float]:
    return {round(c["size"], 1) for c in page.chars if c.get("upright", True)}


def test_the_verdict_and_risks_of_the_worked_example(worked):
    """MODEL.md: at 10% the federation makes £1,000 on £3,000 of overheads; A is £1,000 worse off, B and C no better."""
    result = appraise(compare(worked, [CATALOGUE, FEE_5]), worked.dataset, federation="Example Federation", generated_at=WHEN)
    assert result.chosen == "At catalogue fees"  # the only option that covers the overheads
    assert result.verdict == (
        "At catalogue fees: the federation covers its overheads with a surplus of £1,000 a year, and 0 of 3 practices are better off."
    )
    assert result.risks == (
        "Thin margin: the surplus is 33.3% of overheads; overheads 33.3% higher, or £1,000 less fee income, and it is a loss.",
        "1 practice worse off than in-house (most: Practice A, -£1,000 a year). It is assumed to stay; "
        "if it leaves the services that pay less, fee income falls.",
        "Concentration: Phlebotomy brings 100% of the management fees; a change to its contract moves the verdict.",
    )
    lines = {line.name: line for line in result.practices}
    assert list(lines) == ["Practice A", "Practice B", "Practice C"]
    # 5%: A's advantage 0, B's and C's +500; partners 4, 2, 2.
    assert lines["Practice A"].difference_gbp == pytest.approx((-1_000, 0))
    assert lines["Practice A"].per_partner_gbp == pytest.approx((-250, 0))
    assert lines["Practice B"].difference_gbp == pytest.approx((0, 500))
    assert lines["Practice B"].per_partner_gbp == pytest.approx((0, 250))
    assert result.practice_lines()[1] == "All 3 practices, by name."
    assert [o.colour for o in result.options] == list(OPTION_COLOURS[:2])


def test_when_no_option_covers_the_overheads_the_closest_is_named(worked):
    result = appraise(compare(worked, [FEE_5, RATIONAL]), worked.dataset)
    assert result.chosen == "One fee of 5%"
    assert result.verdict == (
        "No option covers the federation's overheads. One fee of 5% comes closest: £1,000 a year short, with 2 of 3 practices better off."
    )
    assert result.risks[0] == "Fee income must rise by £1,000 (50.0% more), or overheads fall as much, to break even."
    rational = appraise(compare(worked, [RATIONAL]), worked.dataset)
    assert rational.risks[-1] == "Cascade: practices left in 2 rounds; each departure raises the costs of those who stay."


def test_too_many_practices_for_a_page_shows_both_ends_and_adds_up_the_rest(worked):
    result = appraise(compare(worked, [CATALOGUE, FEE_5]), worked.dataset)
    lines, note = result.practice_lines(max_lines=2)
    # Under the base (10%): B and C gain nothing (B first, by name), A loses £1,000; C is the one in between.
    assert [line.name for line in lines] == ["Practice B", "1 other practice added up", "Practice A"]
    assert lines[1].difference_gbp == pytest.approx((0, 500))
    assert lines[1].per_partner_gbp == pytest.approx((0, 250))
    assert note == (
        "3 practices are too many for a page: the 1 gaining most and the 1 losing most under At catalogue fees, "
        "and the other 1 added up. The workbook lists every practice."
    )


def test_four_options_with_long_descriptions_still_fit_one_page(sample):
    long = "Every member uses every service the federation offers, at the fees in the catalogue, with no change to costs"
    options = [
        ("A: the federation runs everything at the catalogue fees", Scenario(), long),
        ("B: practices choose", Scenario(participation="rational", opt_out_tolerance_gbp=500), long),
        ("C: hybrid at 6%", Scenario(management_fee_pct=6, participation="rational"), long),
        ("D: overheads cut 20%, fee 8%", Scenario(management_fee_pct=8, overhead_change_pct=-20), long),
    ]
    pdf, _ = appraisal_files(compare(sample, options), sample.dataset, generated_at=WHEN)
    with pdfplumber.open(io.BytesIO(pdf)) as document:
        assert len(document.pages) == 1
        page = document.pages[0]
        assert min(upright_sizes(page)) >= 8.0
        footer = min(c["top"] for c in page.chars if c["text"] == "I" and c["top"] > page.height * 0.9)  # "Indicative only"
        assert max(c["bottom"] for c in page.chars if c["top"] < footer - 1) < footer, "the content runs into the footer"
        text = page.extract_text()
    assert "Its risks" in text and "30 practices are too many for a page" in text


def test_the_pdf_is_one_a4_page_of_extractable_text_at_8_pt_or_more(sample):
    comparison = compare(sample, [CATALOGUE, RATIONAL, ("Hybrid 6%", Scenario(management_fee_pct=6, participation="rational"))])
    pdf, _ = appraisal_files(comparison, sample.dataset, federation="West Essex GP Federation", generated_at=WHEN)
    assert pdf.startswith(b"%PDF")
    with pdfplumber.open(io.BytesIO(pdf)) as document:
        assert len(document.pages) == 1
        page = document.pages[0]
        assert (page.width, page.height) == pytest.approx(A4_LANDSCAPE, abs=0.5)
        text = page.extract_text()
        left = page.crop((0, 0, RIGHT_X / 25.4 * 72 - 2, page.height)).extract_text()  # the left column alone
        assert min(upright_sizes(page)) >= 8.0
        assert all(c["x1"] <= page.width - 5 and c["bottom"] <= page.height - 5 for c in page.chars), "text runs off the page"
    assert "Options appraisal: West Essex GP Federation" in text
    for name in ("At catalogue fees", "Practices choose", "Hybrid 6%", "Abridge Surgery", "The Ross Practice", "The federation's verdict"):
        assert name in text
    at_catalogue = sample.run(CATALOGUE[1])
    surplus = at_catalogue.federation.surplus_gbp
    assert surplus > 0  # the sample covers its overheads at catalogue fees
    assert f"At catalogue fees: the federation covers its overheads with a surplus of {gbp(surplus)} a year" in left.replace("\n", " ")
    assert "All 30 practices, by name." in text
    abridge = at_catalogue.practices.set_index("practice_name").loc["Abridge Surgery", "difference_gbp"]
    assert gbp(abridge, signed=True) in text  # Abridge Surgery at catalogue fees, with the federation minus all in-house


def test_the_pdf_takes_any_name_an_upload_can_carry(hostile):
    comparison = compare(hostile, [("Łódź ✓ <b>", Scenario()), ("=cmd", Scenario(management_fee_pct=5))])
    pdf, page = appraisal_files(comparison, hostile.dataset, federation="Fédération — “Nord”")
    with pdfplumber.open(io.BytesIO(pdf)) as document:
        text = document.pages[0].extract_text()
    assert "Lódz ? <b>" in text and '=HYPERLINK("http://x","y")' in text  # text in a PDF is never run
    assert 'Fédération - "Nord"' in text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page and "<script" not in page and "Łódź ✓ &lt;b&gt;" in page


def test_the_html_page_prints_on_one_a4_page(sample, tmp_path):
    comparison = compare(sample, [CATALOGUE, RATIONAL])
    page = appraisal_html(appraise(comparison, sample.dataset, federation="West Essex GP Federation", generated_at=WHEN))
    assert "@page { size: A4 landscape" in page and "break-inside: avoid" in page
    assert "<script" not in page and "http" not in page  # nothing to fetch, nothing to run
    assert f'fill="{NHS_BLUE}"' in page and f'fill="{LOSS}"' in page  # a surplus blue, a loss vermilion
    assert page.count("<tr><td title=") == 30
    assert RULE in page
    browser = shutil.which("chromium")
    if browser is None:
        pytest.skip("printing the page needs Chromium")
    source, printed = tmp_path / "appraisal.html", tmp_path / "appraisal.pdf"
    source.write_text(page, encoding="utf-8")
    subprocess.run(
        [browser, "--headless", "--no-sandbox", "--disable-gpu", "--no-pdf-header-footer", f"--print-to-pdf={printed}", source.as_uri()],
        capture_output=True,
        timeout=120,
        check=True,
    )
    with pdfplumber.open(printed) as document:
        assert len(document.pages) == 1
        assert (document.pages[0].width, document.pages[0].height) == pytest.approx(A4_LANDSCAPE, abs=1)
        assert "The Ross Practice" in document.pages[0].extract_text()
