"""In a real browser: put Enhanced Access on the PCN route from the sidebar, save it as option
"B: PCNs run Enhanced Access" beside "A: the federation runs it", and compare them; the figures are
the engine's. Run alone with `python -m pytest tests/browser/test_pcn_option.py -m browser -q`."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from finance.analysis.compare import compare
from finance.format import gbp
from finance.model.scenario import Scenario
from tests.browser.driver import expect_no_exception, expect_server_scenario, go_to, main, multiselect, pick, table_with, wait_idle
from tests.browser.test_options import COMPARE, WITH_CURRENT, sample_model, save_option, server_store  # noqa: F401  (fixtures)

pytestmark = pytest.mark.browser

EA = "Enhanced Access"
OPTIONS = (
    ("A: the federation runs it", "Enhanced Access by the federation's hub", Scenario()),
    ("B: PCNs run Enhanced Access", "Each PCN runs its own hub", Scenario(service_route={EA: "pcn"})),
)


def test_pcns_run_enhanced_access_as_an_option(app_page: Page, app_url: str, server_store, sample_model):  # noqa: F811
    page = app_page
    comparison = compare(sample_model, [(name, scenario) for name, _, scenario in OPTIONS])
    surpluses = comparison.headline["surplus_gbp"].tolist()
    assert gbp(surpluses[0]) != gbp(surpluses[1]), "the two options must differ for this test to prove anything"

    # The comparison takes four options at most: start from a store holding none (other tests share the server).
    for saved in server_store.list():
        server_store.delete(saved.name)
    page.goto(app_url)
    wait_idle(page)
    go_to(page, "Options", "Options for the board")
    name, description, scenario = OPTIONS[0]
    expect_server_scenario(page, scenario.changes())
    save_option(page, name, description)

    sidebar = page.get_by_test_id("stSidebar")
    sidebar.get_by_text("Charging model and delivery", exact=True).click()
    routes = sidebar.locator('[data-testid="stMultiSelect"]').filter(
        has=page.get_by_test_id("stWidgetLabel").get_by_text("Services the PCNs run", exact=True)
    )
    expect(routes).to_have_count(1)
    routes.locator("input").click()
    page.get_by_role("option", name=EA, exact=True).click()
    page.keyboard.press("Escape")
    expect(routes).to_contain_text(EA)
    name, description, scenario = OPTIONS[1]
    expect_server_scenario(page, scenario.changes())  # the route has reached the server, nothing else has moved
    save_option(page, name, description)

    saved = {s.name: s.scenario for s in server_store.list()}
    assert saved[OPTIONS[1][0]] == OPTIONS[1][2] and saved[OPTIONS[0][0]] == OPTIONS[0][2]
    names = [n for n, _, _ in OPTIONS]
    for option in names:
        if option not in multiselect(page, COMPARE).inner_text():
            pick(page, COMPARE, option)
        expect(multiselect(page, COMPARE)).to_contain_text(option)
        wait_idle(page)
    include = main(page).get_by_label(WITH_CURRENT, exact=True)
    if include.is_checked():
        include.uncheck(force=True)
    expect(include).not_to_be_checked()
    wait_idle(page)
    expect_no_exception(page)
    header, *rows = table_with(page, "Federation surplus", names)
    surplus = header.index("Federation surplus")
    assert [float(row[surplus]) for row in rows] == pytest.approx(surpluses, abs=0.005)
