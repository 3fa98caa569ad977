"""The Overview's one answer, and the layout on a projector (1280x720) and a 1024-wide laptop.

Expected figures come from the engine (finance/), never from the page. Screenshots of both sizes
are saved to test-output/screenshots/ for a person to look at.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from finance.format import gbp
from finance.ingest.load import load_files
from finance.model.engine import Model
from finance.model.scenario import Scenario
from tests.browser.driver import OUTPUT, ROOT, go_to, main, metric_value, wait_for_charts, wait_idle

pytestmark = pytest.mark.browser

SAMPLE_FILES = sorted(p for p in (ROOT / "sample_data").iterdir() if p.suffix in (".csv", ".xlsx"))
ALL = "if every member uses every service"
RATIONAL = "if practices leave the services that pay them less than in-house"
# Every metric's value and label, and every chart title's right edge against its chart's: what is cut off.
CUT_OFF = """() => {
    const cut = [];
    for (const el of document.querySelectorAll('[data-testid="stMain"] [data-testid="stMetricValue"], [data-testid="stMain"] [data-testid="stMetricLabel"]')) {
        if (el.scrollWidth > el.clientWidth) cut.push(`metric "${el.innerText}": ${el.scrollWidth} px in ${el.clientWidth} px`);
    }
    for (const plot of document.querySelectorAll('[data-testid="stMain"] .js-plotly-plot')) {
        const box = plot.getBoundingClientRect();
        for (const text of plot.querySelectorAll('.gtitle, .annotation-text, .legendtext')) {
            const r = text.getBoundingClientRect();
            if (r.width && (r.right > box.right + 1 || r.left < box.left - 1)) cut.push(`chart text "${text.textContent}" runs off its chart`);
        }
    }
    return cut;
}"""


def surpluses() -> tuple[float, float]:
    result = load_files(SAMPLE_FILES)
    model = Model(result.dataset)
    try:
        return model.run(Scenario()).federation.surplus_gbp, model.run(Scenario(participation="rational")).federation.surplus_gbp
    finally:
        model.close()


def test_the_overview_leads_with_the_verdict_naming_both_participations(app_page: Page, app_url: str) -> None:
    every, rational = surpluses()
    assert every >= 0 > rational  # the sample gives two answers: the page must give both, in one place
    page = app_page
    page.goto(app_url)
    verdict = main(page).locator('[data-testid="stMarkdownContainer"]').filter(has_text="With these fees the federation")
    expect(verdict).to_have_text(
        f"With these fees the federation covers its overheads with {gbp(every)} to spare {ALL}; {RATIONAL}, it loses {gbp(-rational)}."
    )
    # Choosing Rational in the sidebar: the verdict leads with it and still gives the other.
    page.locator('[data-testid="stSidebar"]').get_by_text("Rational", exact=True).click()
    expect(verdict).to_contain_text(f"With these fees the federation loses {gbp(-rational)} {RATIONAL}")
    expect(verdict).to_contain_text(f"{ALL}, it covers its overheads with {gbp(every)} to spare.")
    wait_idle(page)
    expect(main(page).get_by_text("With rational participation, no fee from 0% to 40% covers the overheads")).to_be_visible()


@pytest.mark.parametrize("size", [(1280, 720), (1024, 768)], ids=["projector-1280x720", "laptop-1024"])
def test_nothing_is_cut_off(chromium, app_url: str, size: tuple[int, int]) -> None:
    width, height = size
    context = chromium.new_context(viewport={"width": width, "height": height})
    page = context.new_page()
    folder = OUTPUT / "screenshots"
    folder.mkdir(parents=True, exist_ok=True)
    try:
        page.goto(app_url)
        expect(metric_value(page, "Practices better off")).to_be_visible()
        wait_idle(page)
        cut = {}
        for title, heading, charts in (
            ("Overview", "Federation overview", 3),
            ("Practices", "Practice view", 1),
            ("Sensitivity", "Sensitivity", 1),
        ):
            go_to(page, title, heading)
            wait_for_charts(page, charts)
            page.screenshot(path=str(folder / f"layout-{width}-{title.lower()}.png"))
            cut[title] = page.evaluate(CUT_OFF)
        assert not any(cut.values()), cut
    finally:
        context.close()
