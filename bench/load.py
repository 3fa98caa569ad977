"""Load: concurrent real browser sessions across two app servers, timed from a slider move to the new figure.

    python bench/load.py [--sessions 20] [--moves 5] [--servers 2] [--via-nginx] [--database-url URL | --postgres]

Starts ``--servers`` `streamlit run app.py` processes on 127.0.0.1 (free ports; all on one
PostgreSQL database when ``--database-url`` or $FINANCE_DATABASE_URL is given or ``--postgres``
starts a private cluster, else each on a DuckDB file of its own in a temporary folder) and one headless Chromium (Debian's, /usr/bin/chromium) with
one browser context a session, so every session is a separate Streamlit session. Sessions are
spread over the servers in turn, or all sent through nginx running deploy/nginx-site.conf with
``--via-nginx`` (from one loopback address ip_hash sends them all to one server: the figure then
shows one server under the whole load). Every session opens the Overview on the sample federation,
then, all at once, moves "Contract income change (%)" one step ``--moves`` times; each move is timed from
the key press until the "Federation surplus" metric shows a new value and the app is idle again
(the server has run the script and the browser has drawn its answer). It prints the median, p95
and maximum per server and overall, beside the page-load times, the machine's load average and
the CPU the servers used. Loopback only; bounded by --timeout (default 600 s); it never fails on
a slow figure, only on a broken run.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import platform
import shutil
import signal
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.servers import AppServer, start_app

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
]
SLIDER = "Contract income change (%)"  # moves the surplus at every step (the fee slider needs "One fee" ticked)
METRIC = "Federation surplus"
IDLE = '[data-testid="stApp"][data-test-script-state="notRunning"]'
MAX_SESSIONS = 40
STEP_TIMEOUT_MS = 120_000  # one page load or one move; a session slower than that is reported as failed


@dataclass
class Session:
    number: int
    url: str
    load_s: float = 0.0
    moves_ms: list[float] = field(default_factory=list)
    error: str | None = None


def percentile(values: list[float], share: float) -> float:
    """The nearest-rank percentile (p95 of 100 moves is the 95th smallest)."""
    ordered = sorted(values)
    rank = max(1, min(len(ordered), round(share * len(ordered) + 0.5)))
    return ordered[rank - 1]


async def run_session(browser, session: Session, moves: int, start_moving: asyncio.Event, opened: list[int]) -> None:
    context = await browser.new_context(viewport={"width": 1280, "height": 1400})
    page = await context.new_page()
    page.set_default_timeout(STEP_TIMEOUT_MS)
    try:
        started = time.perf_counter()
        await page.goto(session.url)
        metric = page.locator('[data-testid="stMetric"]').filter(has=page.get_by_test_id("stMetricLabel").get_by_text(METRIC, exact=True))
        value = metric.locator('[data-testid="stMetricValue"]')
        await value.wait_for()
        await page.locator(IDLE).wait_for(state="attached")
        session.load_s = time.perf_counter() - started
        opened.append(session.number)
        print(f"session {session.number} open on {session.url} in {session.load_s:.1f} s", file=sys.stderr, flush=True)
        await start_moving.wait()
        slider = page.locator('[data-testid="stSidebar"]').get_by_role("slider", name=SLIDER)
        if await slider.count() != 1:
            slider = (
                page.locator('[data-testid="stSlider"]')
                .filter(has=page.get_by_test_id("stWidgetLabel").get_by_text(SLIDER, exact=True))
                .locator('input[type="range"]')
            )
        await slider.focus()
        for _ in range(moves):
            before = await value.inner_text()
            pressed = time.perf_counter()
            await page.keyboard.press("ArrowRight")
            await page.wait_for_function(
                """([label, before]) => {
                    const app = document.querySelector('[data-testid="stApp"]');
                    const metrics = [...document.querySelectorAll('[data-testid="stMetric"]')];
                    const m = metrics.find(x => x.querySelector('[data-testid="stMetricLabel"]')?.innerText.trim() === label);
                    const v = m?.querySelector('[data-testid="stMetricValue"]')?.innerText;
                    return v !== undefined && v !== before && app?.getAttribute('data-test-script-state') === 'notRunning';
                }""",
                arg=[METRIC, before],
                polling=20,  # a timer, not animation frames: many pages at once may not get frames
            )
            session.moves_ms.append((time.perf_counter() - pressed) * 1000)
    except Exception as exc:  # reported with the figures: one broken session must not hide the others'
        session.error = f"{type(exc).__name__}: {str(exc).splitlines()[0][:200]}"
        opened.append(session.number)
    finally:
        await context.close()


async def drive(urls: list[str], sessions: int, moves: int, timeout_s: float) -> list[Session]:
    from playwright.async_api import async_playwright

    runs = [Session(n, urls[n % len(urls)]) for n in range(sessions)]
    start_moving = asyncio.Event()
    opened: list[int] = []
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            tasks = [asyncio.create_task(run_session(browser, s, moves, start_moving, opened)) for s in runs]
            while len(opened) < sessions:  # every session open before any moves: the moves are concurrent
                await asyncio.sleep(0.05)
            start_moving.set()
            await asyncio.wait_for(asyncio.gather(*tasks), timeout=timeout_s)
        finally:
            await browser.close()
    return runs


def cpu_seconds(pid: int) -> float:
    """User + system CPU of a process and its children so far (from /proc), in seconds."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        return sum(int(x) for x in fields[11:15]) / os.sysconf("SC_CLK_TCK")
    except (OSError, IndexError, ValueError):
        return float("nan")


def main() -> int:
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))  # `timeout` or a kill still stops the servers and the browser
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sessions", type=int, default=20)
    parser.add_argument("--moves", type=int, default=5)
    parser.add_argument("--servers", type=int, default=2)
    parser.add_argument("--via-nginx", action="store_true")
    parser.add_argument("--database-url", default=os.environ.get("FINANCE_DATABASE_URL", ""))
    parser.add_argument("--postgres", action="store_true", help="start a private PostgreSQL cluster (tests/postgres.py) for the servers")
    parser.add_argument("--timeout", type=float, default=600.0)
    args = parser.parse_args()
    if not 1 <= args.sessions <= MAX_SESSIONS or not 1 <= args.moves <= 50 or not 1 <= args.servers <= 4:
        parser.error(f"--sessions 1..{MAX_SESSIONS}, --moves 1..50, --servers 1..4")

    folder = Path(tempfile.mkdtemp(prefix="finance-load-"))
    servers: list[AppServer] = []
    proxy = cluster = None
    try:
        if args.postgres:
            from tests.postgres import PostgresCluster, postgres_bin

            cluster = PostgresCluster(postgres_bin()).start()
            args.database_url = cluster.new_database()
        for n in range(args.servers):
            env = {"FINANCE_DATABASE_URL": args.database_url, "FINANCE_SCENARIO_STORE": str(folder / f"store-{n}.duckdb")}
            servers.append(start_app(folder, env))
        urls = [s.url for s in servers]
        if args.via_nginx:
            from tests.deploy.nginx import start_nginx

            proxy = start_nginx(folder / "nginx", [s.port for s in servers])
            urls = [proxy.url]
        cpu_before = [cpu_seconds(s.process.pid) for s in servers]
        wall = time.perf_counter()
        runs = asyncio.run(drive(urls, args.sessions, args.moves, args.timeout))
        wall = time.perf_counter() - wall
        cpu_used = [cpu_seconds(s.process.pid) - before for s, before in zip(servers, cpu_before, strict=True)]
        report(args, runs, servers, urls, cpu_used, wall)
        return 1 if all(r.error for r in runs) else 0
    finally:
        if proxy is not None:
            proxy.stop()
        for server in servers:
            server.stop()
        if cluster is not None:
            cluster.stop()
        shutil.rmtree(folder, ignore_errors=True)  # the servers' logs and stores: nothing to keep


def report(args, runs: list[Session], servers: list[AppServer], urls: list[str], cpu_used: list[float], wall: float) -> None:
    print(f"{args.sessions} sessions x {args.moves} moves of '{SLIDER}', {len(servers)} servers" + (" via nginx" if args.via_nginx else ""))
    store = "one PostgreSQL database" if args.database_url else "a DuckDB file each"
    print(f"machine: {os.cpu_count()} cores, {platform.python_version()}, load average {os.getloadavg()[0]:.1f} at the end; store: {store}")
    broken = [r for r in runs if r.error]
    for run in broken:
        print(f"  session {run.number} ({run.url}) failed: {run.error}")
    loads = [r.load_s for r in runs if not r.error]
    if loads:
        print(f"page load (first figure): median {statistics.median(loads):.1f} s, max {max(loads):.1f} s")
    print(f"{'where':<28} {'moves':>5} {'median':>8} {'p95':>8} {'max':>8}")
    groups = {url: [m for r in runs if r.url == url for m in r.moves_ms] for url in urls}
    groups["all sessions"] = [m for r in runs for m in r.moves_ms]
    for where, moves in groups.items():
        if moves:
            print(f"{where:<28} {len(moves):>5} {statistics.median(moves):>6.0f}ms {percentile(moves, 0.95):>6.0f}ms {max(moves):>6.0f}ms")
    for server, cpu in zip(servers, cpu_used, strict=True):
        print(f"server {server.url}: {cpu:.1f} s CPU over {wall:.1f} s")
    moves_done = sum(len(r.moves_ms) for r in runs)
    if moves_done:  # what the servers spent, apart from the browsers sharing the machine
        print(f"server CPU a move (page loads included): {sum(cpu_used) / moves_done * 1000:.0f} ms")
    print(f"{len(runs) - len(broken)} of {len(runs)} sessions completed")


if __name__ == "__main__":
    sys.exit(main())
