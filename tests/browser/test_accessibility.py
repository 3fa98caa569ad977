"""WCAG 2.2 AA in a real browser: axe-core finds no violation on any page.

axe-core comes from the npm registry at the version in tests/browser/axe/package-lock.json
(`npm ci --prefix tests/browser/axe`, as .ci/run does); it is injected into each page with
Playwright's add_script_tag and run on the whole document once the page has drawn.
"""

from __future__ import annotations

import json

import pytest
from playwright.sync_api import Page, expect

from tests.browser.driver import ROOT, go_to, main, metric_value, page_title, registered_pages, wait_idle

pytestmark = pytest.mark.browser

AXE = ROOT / "tests" / "browser" / "axe" / "node_modules" / "axe-core" / "axe.min.js"
TABLE_TOGGLE = "Show this chart's figures as a table"
WCAG_22_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa"]
RUN_AXE = """async (tags) => {
    const result = await axe.run(document, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']});
    return result.violations.map(v => ({
        rule: v.id, impact: v.impact, help: v.help,
        nodes: v.nodes.map(n => ({target: n.target.join(' '), html: n.html.slice(0, 160), why: n.failureSummary}))}));
}"""
CHARTS_AND_TABLES_DRAWN = """() => [...document.querySelectorAll('[data-testid="stMain"] .js-plotly-plot')].every(p => p._fullLayout)
    && [...document.querySelectorAll('[data-testid="stMain"] [data-testid="stDataFrame"]')]
        .filter(t => t.offsetParent !== null).every(t => t.querySelector('canvas'))"""


def axe_violations(page: Page) -> list[dict]:
    if not AXE.exists():
        pytest.fail(f"{AXE} is missing: run `npm ci --prefix tests/browser/axe` (as .ci/run does).")
    if not page.evaluate("() => typeof axe !== 'undefined'"):
        page.add_script_tag(path=str(AXE))
    return page.evaluate(RUN_AXE, WCAG_22_AA)


def test_axe_finds_no_violation_on_any_page(app_page: Page, app_url: str) -> None:
    page = app_page
    page.goto(app_url)
    expect(metric_value(page, "Federation surplus")).to_be_visible()
    wait_idle(page)
    found = {}
    for title, file in registered_pages():
        go_to(page, title, page_title(file))
        # Turn on every chart's table (its text equivalent), so that the tables are checked too.
        toggles = main(page).get_by_text(TABLE_TOGGLE, exact=True)
        for index in range(toggles.count()):
            toggles.nth(index).click()
            expect(main(page).locator('[data-testid="stTable"]')).to_have_count(index + 1)
        wait_idle(page)
        page.wait_for_function(CHARTS_AND_TABLES_DRAWN)
        violations = axe_violations(page)
        if violations:
            found[title] = violations
    assert not found, json.dumps(found, indent=1)
