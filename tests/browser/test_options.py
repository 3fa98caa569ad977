"""The Options and Sensitivity pages in a real browser: save three options from the sidebar, compare
them, take the board pack's workbook; and a shared link opened straight on /options.

Run alone with `python -m pytest tests/browser -m browser -q`. Expected figures come from the engine.
The server (tests/browser/conftest.py app_url) keeps its saved scenarios in its own temporary folder,
read here through ScenarioStore to check what the page saved.
"""

from __future__ import annotations

import json
import re
from urllib.parse import quote

import openpyxl
import pytest
from playwright.sync_api import Page, expect

from finance.analysis.compare import compare
from finance.format import gbp
from finance.ingest.load import load_files
from finance.model.engine import Model
from finance.model.scenario import Scenario
from finance.report.xlsx import sheet_titles
from finance.store.scenarios import ScenarioStore
from tests.browser.driver import (
    expect_no_exception,
    expect_server_scenario,
    go_to,
    main,
    main_button,
    metric_value,
    move_slider,
    multiselect,
    pick,
    set_slider,
    sidebar_slider,
    table_with,
    text_field,
    wait_for_charts,
    wait_idle,
)
from tests.browser.test_app import SAMPLE_FILES, WAIT_FOR_TABLES, full_page_screenshot, screenshots_folder
from tests.finance.report.workbook_reading import summary_surplus

pytestmark = pytest.mark.browser

OVERHEAD = "Overhead change (%)"
CONTRACT = "Contract income change (%)"
COMPARE = "Saved options to compare"
WITH_CURRENT = "Include the scenario in the sidebar"
# name, description, the sidebar's scenario when it is saved (each reached by the arrow keys from the one before)
SAVES = (
    ("Board A: as today", "The data as uploaded", Scenario()),
    ("Board B: overheads +5%", "A bigger central team", Scenario(overhead_change_pct=5.0)),
    (
        "Board C: and contract income -3%",
        "A bigger central team and a thinner contract",
        Scenario(overhead_change_pct=5.0, income_change_pct={"contract": -3.0, "pcn_des": 0.0, "federation": 0.0}),
    ),
)


@pytest.fixture(scope="module")
def sample_model():
    result = load_files(SAMPLE_FILES)
    assert result.ok, [str(p) for p in result.errors]
    model = Model(result.dataset)
    yield model
    model.close()


@pytest.fixture
def server_store(app_url: str, tmp_path_factory: pytest.TempPathFactory) -> ScenarioStore:
    """The store the test server writes (FINANCE_SCENARIO_STORE=<its folder>/scenarios, see conftest.py)."""
    [folder] = [f for f in tmp_path_factory.getbasetemp().glob("streamlit_server*") if any(f.glob("server-*.log")) and not f.is_symlink()]
    return ScenarioStore(folder / "scenarios")


def save_option(page: Page, name: str, description: str) -> None:
    text_field(page, "Name").fill(name)
    text_field(page, "One-line description").fill(description)
    main_button(page, "Save option").click()
    expect(page.get_by_test_id("stToast").filter(has_text=f"Saved '{name}'.")).to_be_visible()
    # In the saved table, and (a new option joins the comparison) perhaps in the comparison's too.
    saved_cell = main(page).locator('[data-testid="stDataFrame"] [role="gridcell"]').filter(has_text=re.compile(f"^{re.escape(name)}$"))
    expect(saved_cell.first).to_be_attached()  # the grid draws on a canvas; its cells are hidden text
    wait_idle(page)
    expect_no_exception(page)


def test_save_three_options_compare_them_and_download_the_board_pack(app_page: Page, app_url: str, server_store, sample_model, tmp_path):
    page = app_page
    names = [name for name, _, _ in SAVES]
    comparison = compare(sample_model, [(name, scenario) for name, _, scenario in SAVES])
    surpluses = comparison.headline["surplus_gbp"].tolist()
    assert len({gbp(v) for v in surpluses}) == 3, "the options must differ for this test to prove anything"

    page.goto(app_url)
    wait_idle(page)
    go_to(page, "Options", "Options for the board")
    for (name, description, scenario), steps in zip(SAVES, [None, (OVERHEAD, 5), (CONTRACT, -3)], strict=True):
        if steps:
            set_slider(page, *steps)
        expect_server_scenario(page, scenario.changes())  # saved only once the server has the slider's value
        save_option(page, name, description)
    saved = {s.name: s for s in server_store.list()}
    assert set(names) <= set(saved)
    for name, description, scenario in SAVES:
        assert (saved[name].scenario, saved[name].description) == (scenario, description)

    # Each option joined the comparison when it was saved; pick any that did not.
    for name in names:
        if name not in multiselect(page, COMPARE).inner_text():
            pick(page, COMPARE, name)
        expect(multiselect(page, COMPARE)).to_contain_text(name)
        wait_idle(page)
    include = main(page).get_by_label(WITH_CURRENT, exact=True)
    if include.is_checked():
        include.uncheck(force=True)  # the box is drawn over the input
    expect(include).not_to_be_checked()
    for sentence in comparison.sentences():
        expect(main(page).get_by_text(sentence, exact=True)).to_be_visible()
    wait_idle(page)
    expect_no_exception(page)
    header, *rows = table_with(page, "Federation surplus", names)
    surplus = header.index("Federation surplus")
    assert [float(row[surplus]) for row in rows] == pytest.approx(surpluses, abs=0.005)
    wait_for_charts(page, 2)
    page.wait_for_function(WAIT_FOR_TABLES)
    full_page_screenshot(page, screenshots_folder() / "options-three-saved.png")

    main_button(page, "Prepare the board pack").click()
    xlsx = main(page).locator('[data-testid="stDownloadButton"]').filter(has_text="Board pack (.xlsx)")
    expect(xlsx).to_be_visible()
    with page.expect_download() as download:
        xlsx.locator("button").click()
    assert download.value.suggested_filename == "board-pack.xlsx"
    path = tmp_path / "board-pack.xlsx"
    download.value.save_as(path)
    workbook = openpyxl.load_workbook(path, read_only=True)
    assert workbook.sheetnames == ["Contents", "Summary", *sheet_titles(names), "Practices", "Charts", "Assumptions", "Catalogue"]
    assert summary_surplus(path) == pytest.approx(dict(zip(names, surpluses, strict=True)))  # the Summary's formulas, recalculated
    expect_no_exception(page)

    go_to(page, "Sensitivity", "Sensitivity")
    wait_for_charts(page, 1)
    # The sidebar still holds Board C's scenario: the tornado is measured from its surplus.
    expect(main(page).get_by_text(f"Federation surplus: what moves it most (base {gbp(surpluses[2])};")).to_be_visible()
    full_page_screenshot(page, screenshots_folder() / "sensitivity-three-saved.png")


def test_a_link_opened_on_the_options_page_sets_the_sidebar_and_the_figures(app_page: Page, app_url: str, sample_model):
    page = app_page
    linked = {"overhead_change_pct": 12, "management_fee_pct": 8, "participation": "rational"}
    scenario = Scenario.from_dict(linked)
    expected = gbp(sample_model.run(scenario).federation.surplus_gbp)
    assert expected != gbp(sample_model.run(Scenario()).federation.surplus_gbp)

    page.goto(f"{app_url}/options?scenario={quote(json.dumps(linked, separators=(',', ':')))}")
    expect(main(page).get_by_role("heading", level=1, name="Options for the board")).to_be_visible()
    sidebar = page.get_by_test_id("stSidebar")
    expect(sidebar.get_by_role("heading", name="What if…")).to_be_visible()
    expect(main(page).get_by_text("The scenario from your link is applied.", exact=True)).to_be_visible()
    expect(sidebar_slider(page, OVERHEAD)).to_have_value("12")
    expect(sidebar_slider(page, "Management fee (%)")).to_have_value("8")
    expect(sidebar.get_by_role("checkbox", name="One fee for every service", exact=True)).to_be_checked()
    expect(sidebar.get_by_role("radio", name="Rational")).to_be_checked()
    wait_idle(page)
    expect_no_exception(page)

    go_to(page, "Overview", "Federation overview")
    expect(metric_value(page, "Federation surplus")).to_have_text(expected)
    assert json.loads(_query(page.url)["scenario"]) == scenario.changes()


def test_back_after_slider_moves_keeps_the_address_and_the_figures_together(app_page: Page, app_url: str, sample_model):
    """Each move writes the scenario into the address once (one history entry, not a cleared address
    and then the new one), and the browser's Back never leaves an address that disagrees with the figures
    a colleague would get from it: the scenario is the session's, so the address is written back."""
    page = app_page
    page.goto(app_url)
    expect(metric_value(page, "Federation surplus")).to_have_text(gbp(sample_model.run(Scenario()).federation.surplus_gbp))
    wait_idle(page)
    entries = page.evaluate("history.length")
    for value in (1, 2):
        move_slider(page, OVERHEAD, 1)
        expect_server_scenario(page, {"overhead_change_pct": float(value)})
    assert page.evaluate("history.length") - entries == 2
    expected = gbp(sample_model.run(Scenario(overhead_change_pct=2.0)).federation.surplus_gbp)
    for _ in range(2):
        page.go_back()
        wait_idle(page)
        expect_server_scenario(page, {"overhead_change_pct": 2.0})
        expect(sidebar_slider(page, OVERHEAD)).to_have_value("2")
        expect(metric_value(page, "Federation surplus")).to_have_text(expected)
    expect_no_exception(page)


def _query(url: str) -> dict[str, str]:
    from urllib.parse import parse_qs, urlparse

    return {k: v[0] for k, v in parse_qs(urlparse(url).query).items()}
