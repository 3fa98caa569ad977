"""Ten browser sessions on one server: how long a slider move takes to reach the figure, and a new visit.

    python bench/sessions.py [--sessions 10] [--moves 5] [--visits 5] [--url http://127.0.0.1:PORT]

It starts `streamlit run app.py` on 127.0.0.1 (a free port; or uses --url), opens one headless
Chromium (Debian's /usr/bin/chromium) and:

1. new visits: one page at a time opens the app and is timed from `goto` until the Overview shows the
   engine's "Federation surplus" and the verdict sentence, and until its three charts are drawn (the
   first visit after the server started is the cold one; the rest are warm);
2. N sessions (one browser context each, so one Streamlit session each) open the Overview and wait for its charts; then, for
   each of --moves rounds, every session presses ArrowRight on "Overhead change (%)" at the same moment
   (asyncio.gather) and each is timed until its "Federation surplus" shows the engine's figure for the
   new value (+1% a round, so every round is a scenario no session has seen).

It prints each figure, p50/p95/max, and the server's CPU (user + system, from /proc) over the rounds
beside the wall time: cores used = CPU seconds / wall seconds. The browsers share the machine's
cores with the server, as a room's laptops would not. Loopback only; every wait is bounded
(--timeout); it prints, it never fails on a slow figure.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from playwright.async_api import Page, async_playwright

from finance.format import gbp
from finance.ingest.load import load_files
from finance.model.engine import Model
from finance.model.scenario import Scenario

REPO = Path(__file__).resolve().parent.parent
CHROMIUM = "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking"]
SLIDER = "Overhead change (%)"
TARGET_S = 2.0
CHARTS_DRAWN = """() => {
    const plots = [...document.querySelectorAll('[data-testid="stMain"] .js-plotly-plot')];
    return plots.length === 3 && plots.every(p => p._fullLayout && p.querySelector('.main-svg'));
}"""
WHAT_IT_SHOWS = """() => ({
    metrics: [...document.querySelectorAll('[data-testid="stMetric"]')].map(e => e.innerText.replace(/\\s+/g, ' ')),
    sliders: [...document.querySelectorAll('[data-testid="stSidebar"] input[type="range"]')].map(e => e.value),
    address: location.search,
    state: document.querySelector('[data-testid="stApp"]')?.getAttribute('data-test-script-state'),
})"""
SHOWS = """(expected) => [...document.querySelectorAll('[data-testid="stMetricValue"]')].some(e => e.innerText.trim() === expected)
    && !!document.querySelector('[data-testid="stMain"] strong')"""


class _Pid:
    """A server this benchmark did not start: only its process id, for its CPU."""

    def __init__(self, pid: int):
        self.pid = pid


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_server(folder: Path) -> tuple[subprocess.Popen, str]:
    port = free_port()
    env = {**os.environ, "FINANCE_SCENARIO_STORE": str(folder / "scenarios"), "STREAMLIT_BROWSER_GATHER_USAGE_STATS": "false"}
    command = [sys.executable, "-m", "streamlit", "run", "app.py", "--server.headless", "true", "--server.address", "127.0.0.1"]
    command += ["--server.port", str(port), "--server.fileWatcherType", "none"]
    log = (folder / "server.log").open("wb")
    process = subprocess.Popen(command, cwd=REPO, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"streamlit exited: {(folder / 'server.log').read_text(errors='replace')}")
        with contextlib.suppress(OSError), urllib.request.urlopen(f"{url}/_stcore/health", timeout=1) as response:
            if response.status == 200:
                return process, url
        time.sleep(0.1)
    stop_server(process)
    raise RuntimeError("streamlit did not answer within 60 s")


def stop_server(process: subprocess.Popen) -> None:
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=10)


def cpu_seconds(pid: int) -> float:
    """User + system CPU seconds of a process (all its threads), from /proc."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def descendants(pid: int) -> list[int]:
    """Every process under ``pid`` (the browsers Playwright started under this benchmark)."""
    children: dict[int, list[int]] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        with contextlib.suppress(OSError, ValueError, IndexError):
            fields = stat.read_text().rsplit(")", 1)[1].split()
            children.setdefault(int(fields[1]), []).append(int(stat.parent.name))
    found, todo = [], [pid]
    while todo:
        for child in children.get(todo.pop(), []):
            found.append(child)
            todo.append(child)
    return found


def is_chromium(pid: int) -> bool:
    """A Chromium process (not the app's server, nor Playwright's driver, also started under this benchmark)."""
    with contextlib.suppress(OSError):
        return "chromium" in Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")[0].decode(errors="replace")
    return False


def browsers_cpu_seconds() -> float:
    """CPU seconds of every Chromium process under this benchmark."""
    total = 0.0
    for pid in descendants(os.getpid()):
        if is_chromium(pid):
            with contextlib.suppress(OSError):
                total += cpu_seconds(pid)
    return total


def expected_surpluses(moves: int) -> list[str]:
    """The Federation surplus the engine gives at overhead change 0, +1, ..., +moves, as shown."""
    files = sorted(p for p in (REPO / "sample_data").iterdir() if p.suffix in (".csv", ".xlsx"))
    model = Model(load_files(files).dataset)
    try:
        return [gbp(model.run(Scenario(overhead_change_pct=float(k))).federation.surplus_gbp) for k in range(moves + 1)]
    finally:
        model.close()


def summary(label: str, seconds: list[float]) -> str:
    if not seconds:
        return f"{label:<44} n=  0"
    ordered = sorted(seconds)
    p95 = ordered[min(len(ordered) - 1, max(0, round(0.95 * len(ordered) + 0.5) - 1))]
    return (
        f"{label:<44} n={len(ordered):>3}  p50 {statistics.median(ordered):5.2f} s  p95 {p95:5.2f} s  max {ordered[-1]:5.2f} s"
        f"  (target p95 < {TARGET_S:g} s)"
    )


async def visit(browser, url: str, expected: str, timeout_ms: int) -> tuple[float, float]:
    """Seconds from opening the page until the Overview's figures show, and until its three charts are drawn."""
    context = await browser.new_context(viewport={"width": 1280, "height": 720})
    page = await context.new_page()
    try:
        started = time.perf_counter()
        await page.goto(url)
        await page.wait_for_function(SHOWS, arg=expected, timeout=timeout_ms)
        figures = time.perf_counter() - started
        await page.wait_for_function(CHARTS_DRAWN, timeout=timeout_ms)
        return figures, time.perf_counter() - started
    finally:
        await context.close()


async def open_session(browser, url: str, expected: str, timeout_ms: int) -> tuple[object, Page]:
    context = await browser.new_context(viewport={"width": 1280, "height": 720})
    page = await context.new_page()
    await page.goto(url)
    await page.wait_for_function(SHOWS, arg=expected, timeout=timeout_ms)
    await page.wait_for_function(CHARTS_DRAWN, timeout=timeout_ms)  # a meeting's pages are open well before anyone moves
    await page.locator('[data-testid="stApp"][data-test-script-state="notRunning"]').wait_for(state="attached", timeout=timeout_ms)
    return context, page


async def move(page: Page, expected: str, timeout_ms: int, key: str = "ArrowRight") -> float:
    slider = page.locator('[data-testid="stSidebar"]').get_by_role("slider", name=SLIDER)
    await slider.focus()
    started = time.perf_counter()
    await page.keyboard.press(key)
    try:
        await page.wait_for_function(SHOWS, arg=expected, timeout=timeout_ms)
    except Exception as error:
        shown = await page.evaluate(WHAT_IT_SHOWS)
        raise RuntimeError(f"waited for {expected}; the page shows {shown}") from error
    return time.perf_counter() - started


async def main(args: argparse.Namespace) -> None:
    expected = expected_surpluses(args.moves)
    timeout_ms = int(args.timeout * 1000)
    with tempfile.TemporaryDirectory() as folder:
        process, url = (None, args.url) if args.url else start_server(Path(folder))
        owned = process
        if process is None and args.server_pid:
            process = _Pid(args.server_pid)
        try:
            async with async_playwright() as playwright:
                browser = await playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
                try:
                    print(f"server {url}; {args.sessions} sessions, {args.moves} rounds; load average {os.getloadavg()[0]:.2f}")
                    cpu_before = cpu_seconds(process.pid) if process else 0.0
                    visits = [await visit(browser, url, expected[0], timeout_ms) for _ in range(args.visits)]
                    if process is not None:
                        print(
                            f"server CPU a new visit (a new session: its model, then the Overview): {(cpu_seconds(process.pid) - cpu_before) / len(visits) * 1000:.0f} ms"
                        )
                    if process is not None:
                        print(
                            f"new visit, cold (first after the server started): figures {visits[0][0]:.2f} s, charts {visits[0][1]:.2f} s"
                        )
                    warm = visits[1:] if process is not None else visits
                    print(summary("new visit, warm (one at a time): figures", [figures for figures, _ in warm]))
                    print(summary("new visit, warm: its three charts drawn", [charts for _, charts in warm]))
                    opened = await asyncio.gather(*(open_session(browser, url, expected[0], timeout_ms) for _ in range(args.sessions)))
                    pages = [page for _, page in opened]
                    # One session alone first (the others idle): moves up to +moves, then back down to 0.
                    alone, cpu_before = [], cpu_seconds(process.pid) if process else 0.0
                    steps = [(v, "ArrowRight") for v in range(1, args.moves + 1)] + [
                        (v, "ArrowLeft") for v in range(args.moves - 1, -1, -1)
                    ]
                    for value, key in steps:
                        alone.append(await move(pages[0], expected[value], timeout_ms, key))
                        await asyncio.sleep(0.3)
                    print(summary("one session alone: slider move to figure", alone))
                    if process is not None:
                        print(f"server CPU a move, one session alone: {(cpu_seconds(process.pid) - cpu_before) / len(alone) * 1000:.0f} ms")
                    every, cpu_before, wall_before = [], cpu_seconds(process.pid) if process else 0.0, time.perf_counter()
                    browsers_before = browsers_cpu_seconds()
                    for round_number in range(1, args.moves + 1):
                        seconds = await asyncio.gather(*(move(page, expected[round_number], timeout_ms) for page in pages))
                        every += seconds
                        print(summary(f"round {round_number}: {args.sessions} sessions move at once", list(seconds)))
                        await asyncio.sleep(0.5)  # let every session's rerun end before the next round
                    wall = time.perf_counter() - wall_before
                    browsers = browsers_cpu_seconds() - browsers_before
                    print(summary(f"all rounds: slider move to figure, {args.sessions} sessions", every))
                    if process is not None:
                        cpu = cpu_seconds(process.pid) - cpu_before
                        print(
                            f"server CPU over the rounds: {cpu:.1f} s in {wall:.1f} s wall = {cpu / wall:.2f} cores; "
                            f"{cpu / len(every) * 1000:.0f} ms a move"
                        )
                    print(f"the browsers' CPU over the rounds (Chromium, this machine): {browsers:.1f} s = {browsers / wall:.2f} cores")
                    for context, _ in opened:
                        await context.close()
                finally:
                    await browser.close()
        finally:
            if owned is not None:
                stop_server(owned)
    print(f"load average at the end {os.getloadavg()[0]:.2f}")


def parse(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sessions", type=int, default=10, choices=range(1, 21), metavar="1..20")
    parser.add_argument("--moves", type=int, default=5, choices=range(1, 21), metavar="1..20")
    parser.add_argument("--visits", type=int, default=5, choices=range(1, 21), metavar="1..20")
    parser.add_argument("--timeout", type=float, default=60.0, help="seconds any one wait may take")
    parser.add_argument("--url", help="an app already running on loopback (default: start one)")
    parser.add_argument("--server-pid", type=int, help="with --url: the server's process id, to report its CPU")
    args = parser.parse_args(argv)
    if args.url and not args.url.startswith(("http://127.0.0.1", "http://localhost")):
        parser.error("--url must be on loopback (127.0.0.1 or localhost)")
    return args


if __name__ == "__main__":
    asyncio.run(main(parse()))
