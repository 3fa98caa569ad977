"""Sign-in against a real OpenID Connect provider (oidc-provider-mock), in a real browser.

The provider runs in this test's process on a free loopback port; the app server is started with
a secrets.toml whose [auth] section points at it, and its own store. Two users of two federations
sign in through the provider's own form: each sees only their workspace's options, and what one
saves the other never sees.
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Iterator

import pytest
from playwright.sync_api import Page, expect

from finance.model.scenario import Scenario
from finance.store.audit import AuditLog
from finance.store.scenarios import ScenarioStore
from finance.store.workspaces import WorkspaceStore
from tests.browser.conftest import DEFAULT_TIMEOUT_MS
from tests.browser.driver import VIEWPORT, expect_no_exception, go_to, main, main_button, text_field, wait_idle
from tests.postgres import free_port
from tests.servers import AppServer, start_app

pytestmark = [pytest.mark.browser, pytest.mark.filterwarnings("ignore::DeprecationWarning")]  # the provider mock on Authlib


@pytest.fixture(scope="module")
def provider() -> Iterator[str]:
    """A real OpenID Connect provider on localhost; any client id and secret are accepted."""
    from oidc_provider_mock import run_server_in_thread

    with run_server_in_thread(port=free_port()) as server:
        yield f"http://localhost:{server.server_port}"


@pytest.fixture(scope="module")
def signed_in_app(provider: str, tmp_path_factory) -> Iterator[tuple[AppServer, str]]:
    folder = tmp_path_factory.mktemp("sign_in_server")
    store = folder / "store.duckdb"
    admin = WorkspaceStore(store, actor="admin@csu.example")
    admin.create("barnsley", "Barnsley federation")
    admin.create("wakefield", "Wakefield federation")
    admin.add_member("barnsley", "ann@barnsley.example")
    admin.add_member("wakefield", "bob@wakefield.example")
    ScenarioStore(store, workspace="barnsley").save("Barnsley's option", Scenario(management_fee_pct=6))
    ScenarioStore(store, workspace="wakefield").save("Wakefield's option", Scenario(management_fee_pct=8))
    port = free_port()
    secrets_file = folder / "secrets.toml"
    secrets_file.write_text(
        "[auth]\n"
        f'redirect_uri = "http://127.0.0.1:{port}/oauth2callback"\n'
        f'cookie_secret = "{secrets.token_hex(32)}"\n'
        'client_id = "finance-app"\n'
        'client_secret = "finance-app-secret"\n'
        f'server_metadata_url = "{provider}/.well-known/openid-configuration"\n'
    )
    server = start_app(
        folder, {"FINANCE_SCENARIO_STORE": str(store), "FINANCE_DATABASE_URL": ""}, "--secrets.files", str(secrets_file), port=port
    )
    try:
        yield server, str(store)
    finally:
        server.stop()


def sign_in(chromium, url: str, email: str) -> Page:
    """A new browser session signed in as ``email`` through the provider's form."""
    page = chromium.new_context(viewport=VIEWPORT).new_page()
    page.set_default_timeout(DEFAULT_TIMEOUT_MS)
    page.goto(url)
    expect(main(page).get_by_text("Sign in with your organisation's account")).to_be_visible()
    main_button(page, "Sign in").click()
    page.locator('input[name="sub"]').fill(email)  # the provider's own page
    page.get_by_role("button", name="Authorize").click()
    expect(page.locator('[data-testid="stSidebar"]').get_by_text(f"Signed in as {email}")).to_be_visible()
    wait_idle(page)
    expect_no_exception(page)
    return page


def saved_cells(page: Page) -> list[str]:
    """The first column of the saved-options table on the Options page (the grid keeps its cells as hidden text)."""
    cells = main(page).locator('[data-testid="stDataFrame"]').first.locator('[role="gridcell"]')
    expect(cells.first).to_be_attached()
    return [text.strip() for text in cells.all_inner_texts()]


def test_two_users_of_two_federations_see_only_their_own_options(chromium, signed_in_app):
    server, store = signed_in_app
    ann = sign_in(chromium, server.url, "ann@barnsley.example")
    go_to(ann, "Options", "Options for the board")
    assert "Barnsley's option" in saved_cells(ann) and "Wakefield's option" not in saved_cells(ann)
    text_field(ann, "Name").fill("Ann's new option")
    main_button(ann, "Save option").click()
    expect(ann.get_by_test_id("stToast").filter(has_text="Saved 'Ann's new option'.")).to_be_visible()
    wait_idle(ann)

    bob = sign_in(chromium, server.url, "bob@wakefield.example")
    go_to(bob, "Options", "Options for the board")
    bob_sees = saved_cells(bob)
    assert "Wakefield's option" in bob_sees
    assert not any(re.search("Barnsley's option|Ann's new option", cell) for cell in bob_sees)

    assert ScenarioStore(store, workspace="barnsley").names() == ["Ann's new option", "Barnsley's option"]
    assert ScenarioStore(store, workspace="wakefield").names() == ["Wakefield's option"]
    latest = AuditLog(store).entries("barnsley")[0]
    assert (latest.actor, latest.action, latest.name) == ("ann@barnsley.example", "saved", "Ann's new option")
    assert "Ann's new option" not in server.log_text()


def test_nobody_gets_past_the_sign_in_page_without_the_provider(chromium, signed_in_app):
    server, _ = signed_in_app
    page = chromium.new_context(viewport=VIEWPORT).new_page()
    page.goto(server.url + "/options")
    expect(main(page).get_by_text("Sign in with your organisation's account")).to_be_visible()
    wait_idle(page)
    assert page.locator('[data-testid="stMetric"]').count() == 0
    assert page.locator('[data-testid="stSlider"]').count() == 0
