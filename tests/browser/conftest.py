"""Fixtures for the real-browser tests: the app served by `streamlit run`, and Debian's Chromium.

The server is started once per test session from the repository root, on a free port, with its own
environment (a scenario store in a temporary folder), and is stopped at the end even when a test
fails. Chromium is the apt package at /usr/bin/chromium (CI installs it in .ci/run); when it is
missing the tests fail and say so, they do not skip. No browser is ever downloaded.
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.browser.driver import OUTPUT, ROOT, VIEWPORT

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
SERVER_START_TIMEOUT_S = 30
DEFAULT_TIMEOUT_MS = 30_000


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _stop(process: subprocess.Popen) -> None:
    """Stop the server we started (its own process group: streamlit and anything it spawned)."""
    if process.poll() is not None:
        return
    try:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=10)
    except (ProcessLookupError, subprocess.TimeoutExpired):
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=10)


@pytest.fixture(scope="session")
def app_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """`streamlit run app.py` on 127.0.0.1:<free port>; yields the base URL, stops the server at the end."""
    folder = tmp_path_factory.mktemp("streamlit_server")
    port = _free_port()
    env = {
        **os.environ,
        "FINANCE_SCENARIO_STORE": str(folder / "scenarios"),
        "STREAMLIT_BROWSER_GATHER_USAGE_STATS": "false",
        "PYTHONUNBUFFERED": "1",
    }
    log_path = folder / "server.log"
    command = [
        sys.executable,
        "-m",
        "streamlit",
        "run",
        "app.py",
        "--server.headless",
        "true",
        "--server.address",
        "127.0.0.1",
        "--server.port",
        str(port),
        # The source may change under a running test (someone editing): never rerun or reload for it.
        "--server.fileWatcherType",
        "none",
    ]
    with log_path.open("wb") as log:
        process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    url = f"http://127.0.0.1:{port}"
    OUTPUT.mkdir(exist_ok=True)
    try:
        deadline = time.monotonic() + SERVER_START_TIMEOUT_S
        while True:
            if process.poll() is not None:
                pytest.fail(f"streamlit exited with code {process.returncode} before it served:\n{log_path.read_text(errors='replace')}")
            try:
                with urllib.request.urlopen(f"{url}/_stcore/health", timeout=1) as response:
                    if response.status == 200:
                        break
            except (urllib.error.URLError, OSError):
                pass
            if time.monotonic() > deadline:
                pytest.fail(
                    f"streamlit did not answer {url}/_stcore/health within {SERVER_START_TIMEOUT_S} s:\n{log_path.read_text(errors='replace')}"
                )
            time.sleep(0.1)
        yield url
    finally:
        _stop(process)
        # The server's own messages (warnings, tracebacks) beside the screenshots, for review.
        (OUTPUT / "streamlit-server.log").write_bytes(log_path.read_bytes())


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
