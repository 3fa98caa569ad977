"""How much CPU one Chromium tab spends drawing one slider move, page by page: what ten browsers on
this machine's two cores must share when a room moves a slider at once (bench/sessions.py).

    python bench/browser_cpu.py [--moves 8] [--pages Overview About]

It starts `streamlit run app.py` on 127.0.0.1 (sessions.py's start_server), opens each page in one
headless Chromium tab on the sample, measures the browser's CPU (every process Playwright started,
from /proc) while the tab sits idle for 5 s, then over ``--moves`` presses of ArrowRight on
"Overhead change (%)", each followed by 2.5 s for the rerun to arrive and be drawn. The idle rate
is taken off, so what is printed is the CPU each move costs the browser. One session alone: no
other tab competes for the cores. It prints figures, never fails on a slow one.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

from playwright.sync_api import sync_playwright

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.sessions import SLIDER, browsers_cpu_seconds, start_server, stop_server

CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking"]
IDLE_S = 5.0
SETTLE_S = 2.5


def per_move_ms(url: str, page_title: str, moves: int) -> tuple[float, float]:
    """(the browser's idle CPU in ms a second, its CPU in ms a slider move with the idle rate taken off) on one page."""
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1280, "height": 900})
            page.goto(url)
            page.get_by_text("Federation surplus").first.wait_for(timeout=60_000)
            if page_title != "Overview":
                page.get_by_role("link", name=page_title).click()
            time.sleep(SETTLE_S)
            start = browsers_cpu_seconds()
            time.sleep(IDLE_S)
            idle_rate = (browsers_cpu_seconds() - start) / IDLE_S
            slider = page.locator('[data-testid="stSidebar"]').get_by_role("slider", name=SLIDER)
            start, began = browsers_cpu_seconds(), time.perf_counter()
            for _ in range(moves):
                slider.focus()
                page.keyboard.press("ArrowRight")
                time.sleep(SETTLE_S)
            spent = browsers_cpu_seconds() - start - idle_rate * (time.perf_counter() - began)
        finally:
            browser.close()
    return idle_rate * 1000, spent / moves * 1000


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--moves", type=int, default=8)
    parser.add_argument("--pages", nargs="+", default=["Overview", "Practices", "Services", "About"])
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as folder:
        process, url = start_server(Path(folder))
        try:
            for title in args.pages:
                idle, move = per_move_ms(url, title, args.moves)
                print(f"{title:<12} browser CPU a slider move {move:5.0f} ms (idle {idle:3.0f} ms a second)", flush=True)
        finally:
            stop_server(process)


if __name__ == "__main__":
    main()
