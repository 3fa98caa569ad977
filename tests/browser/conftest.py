"""Fixtures for the real-browser tests: the app served by `streamlit run`, and Debian's Chromium.

The server is started once per test session from the repository root, on a free port, with its own
environment (a scenario store in a temporary folder), and is stopped at the end even when a test
fails. Chromium is the apt package at /usr/bin/chromium (CI installs it in .ci/run); when it is
missing the tests fail and say so, they do not skip. No browser is ever downloaded.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.browser.driver import OUTPUT, VIEWPORT
from tests.servers import start_app

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
DEFAULT_TIMEOUT_MS = 30_000


@pytest.fixture(scope="session")
def app_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """`streamlit run app.py` on 127.0.0.1:<free port> (tests/servers.py); yields the base URL, stops the server at the end."""
    folder = tmp_path_factory.mktemp("streamlit_server")
    OUTPUT.mkdir(exist_ok=True)
    try:
        server = start_app(folder, {"FINANCE_SCENARIO_STORE": str(folder / "scenarios")})
    except RuntimeError as exc:
        pytest.fail(str(exc))
    try:
        yield server.url
    finally:
        server.stop()
        # The server's own messages (warnings, tracebacks) beside the screenshots, for review.
        (OUTPUT / "streamlit-server.log").write_bytes(server.log_path.read_bytes())


@pytest.fixture(scope="session")
def chromium() -> Iterator[object]:
    """Headless Chromium from apt, driven by Playwright's sync API."""
    if not CHROMIUM.exists():
        pytest.fail(
            f"{CHROMIUM} is missing: the browser tests need Debian's Chromium (`apt-get install -y chromium`, as .ci/run does). "
            "Never `playwright install`."
        )
    from playwright.sync_api import expect, sync_playwright

    # A first page load is ~3-7 s on two busy cores; Playwright's own default for expect() is 5 s.
    expect.set_options(timeout=DEFAULT_TIMEOUT_MS)
    playwright = sync_playwright().start()
    try:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()
    finally:
        playwright.stop()


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo):
    report = yield
    setattr(item, f"rep_{report.when}", report)
    return report


@pytest.fixture
def app_page(chromium, app_url: str, request: pytest.FixtureRequest):
    """A new browser session (so a new Streamlit session) on the app's first page, tall enough for whole pages.

    When the test fails, what the browser showed is saved as test-output/failures/<test>.png.
    """
    context = chromium.new_context(viewport=VIEWPORT)
    page = context.new_page()
    page.set_default_timeout(DEFAULT_TIMEOUT_MS)
    try:
        yield page
    finally:
        report = getattr(request.node, "rep_call", None)
        if report is not None and report.failed:
            failures = OUTPUT / "failures"
            failures.mkdir(parents=True, exist_ok=True)
            try:
                page.screenshot(path=str(failures / f"{request.node.name}.png"), full_page=True)
            except Exception as error:  # the page may be gone; the test's own failure matters more
                print(f"could not save the failure screenshot: {error}")
        context.close()
