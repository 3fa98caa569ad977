"""Two app servers on one PostgreSQL database behind nginx, in a real browser: an option saved through one
server is listed by the other, through nginx (the websocket proxied), and after its server restarts; a
browser session's uploaded files, kept in the database, are back after its server restarts."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from finance.model.scenario import Scenario
from finance.store.audit import AuditLog
from finance.store.scenarios import ScenarioStore
from finance.store.sessions import SessionStore
from tests.browser.conftest import DEFAULT_TIMEOUT_MS
from tests.browser.driver import VIEWPORT, go_to, main, main_button, text_field, upload, wait_idle
from tests.browser.test_app import SAMPLE_FILES
from tests.deploy.conftest import database_url, nginx_present, proxy, two_servers  # noqa: F401  (fixtures)
from tests.servers import start_app


@pytest.mark.browser
def test_saved_on_one_server_listed_on_the_other_and_through_nginx_and_after_a_restart(chromium, two_servers, proxy, database_url):  # noqa: F811
    first, second = two_servers

    def options_page(url: str):
        page = chromium.new_context(viewport=VIEWPORT).new_page()
        page.set_default_timeout(DEFAULT_TIMEOUT_MS)
        page.goto(url)
        wait_idle(page)
        go_to(page, "Options", "Options for the board")
        return page

    def listed(page, name: str) -> None:
        cell = main(page).locator('[data-testid="stDataFrame"] [role="gridcell"]').filter(has_text=name)
        expect(cell.first).to_be_attached()

    page = options_page(first.url)
    text_field(page, "Name").fill("Saved through server one")
    main_button(page, "Save option").click()
    expect(page.get_by_test_id("stToast").filter(has_text="Saved 'Saved through server one'.")).to_be_visible()
    wait_idle(page)
    page.context.close()

    listed(options_page(second.url), "Saved through server one")
    listed(options_page(proxy.url), "Saved through server one")  # the websocket goes through nginx

    # A browser session on server one uploads files: they are kept in the database under its cookie's key.
    session = chromium.new_context(viewport=VIEWPORT).new_page()
    session.set_default_timeout(DEFAULT_TIMEOUT_MS)
    session.goto(f"{first.url}/data")
    wait_idle(session)
    upload(session, SAMPLE_FILES)
    files_loaded = main(session).get_by_text(f"Files loaded now ({len(SAMPLE_FILES)})")
    expect(files_loaded).to_be_visible()
    wait_idle(session)
    [key] = [cookie["value"] for cookie in session.context.cookies() if cookie["name"] == "finance_session"]
    kept = SessionStore(database_url=database_url).load(key)
    assert kept is not None and sorted(kept.files) == sorted((p.name, p.read_bytes()) for p in SAMPLE_FILES)

    first.stop()
    restarted = start_app(first.log_path.parent, {"FINANCE_DATABASE_URL": database_url}, port=first.port)
    try:
        listed(options_page(restarted.url), "Saved through server one")
        session.goto(f"{restarted.url}/data")  # the same browser (its cookie) on the restarted server
        expect(files_loaded).to_be_visible()
    finally:
        restarted.stop()
        session.context.close()
    assert ScenarioStore(database_url=database_url).load("Saved through server one").scenario == Scenario()
    assert AuditLog(database_url=database_url).entries("local")[-1].name == "Saved through server one"
