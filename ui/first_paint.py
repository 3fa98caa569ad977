"""A new visit's figures first, its charts straight after.

The first time a browser opens a page that holds a chart, it loads plotly.js (4.7 MB) and runs it
for about 0.8 s (Chromium on this machine), and Streamlit shows none of the page until that is done:
a new visit waited 2.5-3.8 s for the Overview's figures (bench/README.md). So the first run of a
browser's connection draws each page's figures and words with "Loading the chart" where a chart
goes, and ends with a small script that tells the server once the browser has drawn every element
of the page and painted it, and nobody has done anything for 2 s (a click's own rerun draws the
charts, and a rerun asked for after a click on another page would have taken the app back: CI's
two-server test saw that); the run that follows draws the charts. (Sent any sooner, while a widget
is still loading its code, the rerun would come back with that widget at its default: every change
slider at -50 in 6 of 60 new visits, bench/README.md.) Every later run of that connection (a slider,
a page change) draws its charts at once. If the script's message never comes, the next thing the
user does draws them.

A run with no browser at the other end (AppTest, bare mode) has nothing to paint first: it draws
its charts at once.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import streamlit as st

FIRST_RUN_DONE = "first_paint_run_done"  # this connection's first run has ended; not kept by session_keeper
LOADING = "Loading the chart…"
SETTLE_LIMIT_MS = 15_000
QUIET_MS = 2_000
_PAINTED_JS = """
export default function (component) {
  // Once every element of the page is drawn (no Suspense placeholder, stSkeleton, is left: a widget
  // still loading its code has not told Streamlit its value, and a rerun sent then would come back
  // with its default, every change slider at -50) and painted: one more frame, then one task. Only
  // while nothing runs and the page is the one drawn: a rerun the user started (a click on another
  // page) draws the charts itself, and a rerun sent now would take them back to this page.
  const app = document.querySelector('[data-testid="stApp"]');
  const idle = () => !app || app.getAttribute("data-test-script-state") === "notRunning";
  const page = location.pathname;
  const started = performance.now();
  let stopped = false;
  let unmounted = false;
  // Anything the user does may rerun the app, and that run draws the charts; a rerun asked for
  // after a click on another page would take the app back to this one. So ask only after 2 s with
  // nothing done (a click on empty space still gets its charts).
  let lastTouch = -Infinity;
  const touched = () => { lastTouch = performance.now(); };
  const quiet = () => performance.now() - lastTouch > QUIET;
  const events = ["pointerdown", "keydown", "input", "change", "submit", "drop"];
  events.forEach((name) => document.addEventListener(name, touched, true));
  const ready = () => idle() && quiet() && location.pathname === page;
  const check = () => {
    if (stopped) return;
    if (location.pathname !== page) { stopped = true; return; }
    const settled = !document.querySelector('[data-testid="stSkeleton"]') || performance.now() - started > LIMIT;
    if (settled && ready()) {
      stopped = true;
      requestAnimationFrame(() => setTimeout(() => {
        if (ready()) component.setTriggerValue("painted", true);
        else if (!unmounted) { stopped = false; requestAnimationFrame(check); }
      }, 0));
    } else {
      requestAnimationFrame(check);
    }
  };
  requestAnimationFrame(check);
  return () => {
    stopped = true;
    unmounted = true;
    events.forEach((name) => document.removeEventListener(name, touched, true));
  };
}
""".replace("LIMIT", str(SETTLE_LIMIT_MS)).replace("QUIET", str(QUIET_MS))
_painted_trigger = st.components.v2.component("first_paint", js=_PAINTED_JS)


def browser_connected() -> bool:
    """A browser is at the other end of this run (AppTest and bare mode send no request headers)."""
    return bool(st.context.headers)


def charts_now() -> bool:
    return bool(st.session_state.get(FIRST_RUN_DONE)) or not browser_connected()


def chart(build: Callable[[], Any], key: str) -> None:
    """``st.plotly_chart(build(), key=key)``, or on a connection's first run a line saying it follows
    (the figure is not even built)."""
    if charts_now():
        st.plotly_chart(build(), key=key)
    else:
        st.caption(LOADING)


def after_page(page_finished: bool) -> None:
    """End of every run: on a connection's first, ask the browser for a rerun once it has painted.
    A first run cut short (the user already clicked elsewhere: Streamlit stops it for the next run)
    asks nothing: the next run draws the charts."""
    if charts_now():
        return
    st.session_state[FIRST_RUN_DONE] = True
    if page_finished:
        _painted_trigger(key="first_paint", on_painted_change=_painted)


def _painted() -> None:
    """The browser has painted the first run: the rerun this trigger starts draws the charts."""
