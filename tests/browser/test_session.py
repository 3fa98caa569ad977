"""Issue 10 in a real browser: the session survives a refresh and a server restart, a loaded file is removed,
going back to the sample asks first; a shared link works whichever the colleague opens first; meeting
mode hides every real practice name on every page.

Run alone with `python -m pytest tests/browser/test_session.py -m browser -q`. Expected figures come
from the engine. The restart test runs its own server (twice, on one store file); the others use
the shared server of tests/browser/conftest.py.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote

import pytest
from playwright.sync_api import Page, expect

from finance.ingest.load import load_files
from finance.model.scenario import Scenario
from tests.browser.conftest import DEFAULT_TIMEOUT_MS
from tests.browser.driver import (
    OUTPUT,
    VIEWPORT,
    expect_no_exception,
    expect_server_scenario,
    go_to,
    main,
    main_button,
    metric_value,
    move_slider,
    page_title,
    registered_pages,
    sidebar_slider,
    upload,
    wait_idle,
)
from tests.browser.test_app import SAMPLE_FILES, engine_surplus
from tests.helpers import valid_sheets, workbook_bytes
from tests.servers import AppServer, start_app

pytestmark = pytest.mark.browser

SURPLUS = "Federation surplus"
OVERHEAD = "Overhead change (%)"
FILES_LOADED = "Files loaded now"
# Everything a page holds as text: its elements' text (charts' SVG, tables' accessible cells) and the inputs' values.
PAGE_TEXT = """() => document.body.textContent + '\\n' + [...document.querySelectorAll('input, textarea')].map(i => i.value).join('\\n')
    + '\\n' + [...document.querySelectorAll('[aria-label], [title]')].map(e => (e.getAttribute('aria-label') || '') + ' ' + (e.getAttribute('title') || '')).join('\\n')"""


class Server:
    """`streamlit run app.py` (tests/servers.py) with its own store file (sessions kept in it); start() again after stop() is a restart."""

    def __init__(self, folder: Path):
        self.folder = folder
        self.server: AppServer | None = None

    def start(self) -> str:
        self.server = start_app(self.folder, {"FINANCE_SCENARIO_STORE": str(self.folder / "scenarios.duckdb")})
        return self.server.url

    def stop(self) -> None:
        if self.server is not None:
            self.server.stop()
            self.server = None


@pytest.fixture
def own_server(tmp_path: Path) -> Iterator[Server]:
    server = Server(tmp_path)
    try:
        yield server
    finally:
        server.stop()
        OUTPUT.mkdir(exist_ok=True)
        with (OUTPUT / "streamlit-session-server.log").open("wb") as out:  # both starts' messages, for review
            for log in sorted(tmp_path.glob("server-*.log")):
                out.write(log.read_bytes())


def open_page(page: Page, url: str, heading: str) -> None:
    page.goto(url)
    expect(main(page).get_by_role("heading", level=1, name=heading)).to_be_visible()
    wait_idle(page)
    expect_no_exception(page)


def files_listed(page: Page) -> list[str]:
    return main(page).locator("code").all_inner_texts()


def choose(page: Page, label: str, option: str) -> None:
    """Pick an option of a selectbox in the main area."""
    box = main(page).locator('[data-testid="stSelectbox"]').filter(has=page.get_by_test_id("stWidgetLabel").get_by_text(label, exact=True))
    box.get_by_role("combobox").click()
    page.get_by_role("option", name=option, exact=True).click()


def selected(page: Page, label: str):
    box = main(page).locator('[data-testid="stSelectbox"]').filter(has=page.get_by_test_id("stWidgetLabel").get_by_text(label, exact=True))
    return box.get_by_role("combobox")


def test_refresh_restart_remove_and_reset(chromium, own_server: Server) -> None:
    names = [p.name for p in SAMPLE_FILES]
    moved = Scenario(overhead_change_pct=3.0)
    expected = engine_surplus(SAMPLE_FILES, moved)
    without_costs = [p for p in SAMPLE_FILES if p.name != "federation_costs.csv"]
    assert engine_surplus(without_costs, moved) != expected  # removing the file must show
    url = own_server.start()
    context = chromium.new_context(viewport=VIEWPORT)
    page = context.new_page()
    page.set_default_timeout(DEFAULT_TIMEOUT_MS)
    try:
        # The director's own files (here the sample's, uploaded), the overhead slider, a practice.
        open_page(page, f"{url}/data", "Your data")
        upload(page, SAMPLE_FILES)
        expect(main(page).get_by_text(f"{FILES_LOADED} ({len(names)})")).to_be_visible()
        wait_idle(page)
        move_slider(page, OVERHEAD, 3)
        expect(sidebar_slider(page, OVERHEAD)).to_have_value("3")
        wait_idle(page)
        go_to(page, "Practices", "Practice view")
        choose(page, "Practice", _practice_label(4))
        expect(selected(page, "Practice")).to_have_value(_practice_label(4))
        # The server has drawn the page for that practice (so its run, which saves the choice, has happened).
        expect(main(page).get_by_text(f"{_practice_label(4).rsplit(' (', 1)[0]}: from all in-house")).to_be_visible()
        wait_idle(page)

        # A refresh, then a restart of the server on the same store file: everything is back.
        for restart in (False, True):
            if restart:
                own_server.stop()
                url = own_server.start()
                page.goto(f"{url}/practices")
            else:
                page.reload()
            expect(main(page).get_by_role("heading", level=1, name="Practice view")).to_be_visible()
            wait_idle(page)
            expect(selected(page, "Practice")).to_have_value(_practice_label(4))
            expect(sidebar_slider(page, OVERHEAD)).to_have_value("3")
            go_to(page, "Overview", "Federation overview")
            expect(metric_value(page, SURPLUS)).to_have_text(expected)
            expect(main(page).get_by_text("You are looking at sample data.")).to_have_count(0)
            go_to(page, "Data", "Your data")
            assert files_listed(page) == names

        # Remove a file: the figures follow.
        main(page).get_by_role("button", name="Remove", exact=True).nth(names.index("federation_costs.csv")).click()
        expect(main(page).get_by_text(f"{FILES_LOADED} ({len(names) - 1})")).to_be_visible()
        wait_idle(page)
        go_to(page, "Overview", "Federation overview")
        expect(metric_value(page, SURPLUS)).to_have_text(engine_surplus(without_costs, moved))

        # Going back to the sample asks first: Cancel keeps the files, Yes goes back.
        go_to(page, "Data", "Your data")
        main_button(page, "Go back to the sample federation").click()
        expect(main(page).get_by_text(f"Go back to the sample federation? Your {len(names) - 1} loaded files")).to_be_visible()
        main_button(page, "Cancel").click()
        expect(main(page).get_by_text(f"Go back to the sample federation? Your {len(names) - 1} loaded files")).to_have_count(0)
        expect(main(page).get_by_text(f"{FILES_LOADED} ({len(names) - 1})")).to_be_visible()
        main_button(page, "Go back to the sample federation").click()
        main_button(page, "Yes, go back to the sample").click()
        expect(main(page).get_by_text("You are looking at the sample federation")).to_be_visible()
        expect(main(page).get_by_text(FILES_LOADED)).to_have_count(0)
        wait_idle(page)
        page.reload()
        expect(main(page).get_by_text("You are looking at the sample federation")).to_be_visible()
        wait_idle(page)
        expect(main(page).get_by_text(FILES_LOADED)).to_have_count(0)
        expect_no_exception(page)
    finally:
        context.close()


def _practice_label(position: int) -> str:
    """The Practices page's label of the practice at ``position`` in its list (sorted by name)."""
    practices = load_files(SAMPLE_FILES).dataset.practices.sort_values("practice_name")
    row = practices.iloc[position]
    return f"{row['practice_name']} ({row['practice_code']})"


def test_a_link_opened_before_and_after_loading_the_data(chromium, app_url: str, tmp_path: Path) -> None:
    workbook = tmp_path / "federation.xlsx"
    workbook.write_bytes(workbook_bytes(valid_sheets()))
    dataset = load_files([workbook]).dataset
    scenario = Scenario(overhead_change_pct=20.0, excluded_practices=("A81002",))
    expected = engine_surplus([workbook], scenario)
    assert expected not in (engine_surplus([workbook], Scenario(overhead_change_pct=20.0)), engine_surplus(SAMPLE_FILES, scenario))
    link = f"{app_url}/?scenario={quote(json.dumps(scenario.changes()))}&data={dataset.fingerprint[:12]}"

    for first in ("link", "data"):
        context = chromium.new_context(viewport=VIEWPORT)  # a colleague's own browser
        page = context.new_page()
        page.set_default_timeout(DEFAULT_TIMEOUT_MS)
        try:
            if first == "link":
                open_page(page, link, "Federation overview")
                expect(main(page).get_by_text("1 practice it excludes is missing: A81002")).to_be_visible()
                assert "A81002" in page.url  # the address keeps the whole link while it waits
                go_to(page, "Data", "Your data")
                upload(page, [workbook])
                expect(main(page).get_by_text("The scenario from your link is now applied to the data you loaded.")).to_be_visible()
            else:
                open_page(page, f"{app_url}/data", "Your data")
                upload(page, [workbook])
                expect(main(page).get_by_text(f"{FILES_LOADED} (1)")).to_be_visible()
                wait_idle(page)
                page = context.new_page()  # the link, opened in a new tab of the same browser
                page.set_default_timeout(DEFAULT_TIMEOUT_MS)
                open_page(page, link, "Federation overview")
                expect(main(page).get_by_text("The scenario from your link is applied.", exact=True)).to_be_visible()
            expect_server_scenario(page, scenario.changes())  # the whole scenario, exclusion included, is the server's now
            go_to(page, "Overview", "Federation overview")
            expect(metric_value(page, SURPLUS)).to_have_text(expected)
            # The sidebar holds the exclusion: the address it writes from its own scenario names the practice.
            expect(page).to_have_url(re.compile("A81002"))
            expect(main(page).get_by_text("Data: Your files: federation.xlsx")).to_be_visible()
        finally:
            context.close()


def test_meeting_mode_hides_every_practice_name_on_every_page(app_page: Page, app_url: str, tmp_path: Path) -> None:
    page = app_page
    practices = load_files(SAMPLE_FILES).dataset.practices
    words = set(practices["practice_name"]) | set(practices["practice_code"]) | set(practices["pcn"].dropna())
    open_page(page, app_url, "Federation overview")
    page.locator('[data-testid="stSidebar"]').get_by_text("Meeting mode: hide practice names").click()
    expect(main(page).get_by_text("Practice A", exact=False).first).to_be_visible()
    wait_idle(page)
    shown_anywhere = []
    for title, file in registered_pages():
        go_to(page, title, page_title(file))
        page.wait_for_function("() => [...document.querySelectorAll('.js-plotly-plot')].every(p => p.querySelector('.main-svg'))")
        if title == "Practices":  # the practice picker's list, opened
            main(page).get_by_role("combobox").first.click()
            expect(page.get_by_role("option").first).to_be_visible()
        text = page.evaluate(PAGE_TEXT)
        found = sorted(w for w in words if w in text)
        if found:
            shown_anywhere.append(f"{title}: {found}")
        if title == "Practices":
            assert "Practice A (A)" in text
            page.keyboard.press("Escape")
    assert not shown_anywhere, "\n".join(shown_anywhere)
    # A file named after a practice, chosen in the Data page's uploader (it does not load: one table
    # alone): the browser's list of chosen files must not keep its name on the page.
    named = sorted(practices["practice_name"])[0]
    chosen = tmp_path / f"{named}.csv"
    chosen.write_text("practice_code,practice_name\n")
    go_to(page, "Data", page_title("data.py"))
    upload(page, [chosen])
    expect(main(page).get_by_text("nothing was loaded", exact=False).first).to_be_visible()
    wait_idle(page)
    text = page.evaluate(PAGE_TEXT)
    assert named not in text and chosen.name not in text


def test_the_sensitivity_pages_choices_are_kept_when_the_user_leaves_and_comes_back(app_page: Page, app_url: str) -> None:
    """The step and the practice are chosen inside a fragment (only that part of the page reruns, not
    the frame that keeps the session's choices): both must still be there after another page, and "The
    federation", chosen again, must show as itself, not as an empty box."""
    page = app_page
    open_page(page, f"{app_url}/sensitivity", "Sensitivity")
    practice = "Angel Lane Surgery (F81090)"
    choose(page, "For one practice (optional)", practice)
    expect(selected(page, "For one practice (optional)")).to_have_value(practice)
    wait_idle(page)
    go_to(page, "About", page_title("about.py"))
    go_to(page, "Sensitivity", "Sensitivity")
    expect(selected(page, "For one practice (optional)")).to_have_value(practice)
    choose(page, "For one practice (optional)", "The federation")
    expect(selected(page, "For one practice (optional)")).to_have_value("The federation")
    wait_idle(page)
    go_to(page, "About", page_title("about.py"))
    go_to(page, "Sensitivity", "Sensitivity")
    expect(selected(page, "For one practice (optional)")).to_have_value("The federation")
    expect_no_exception(page)
