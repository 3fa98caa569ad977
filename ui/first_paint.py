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
  // Ask for the rerun that draws the charts once every element is drawn (no stSkeleton, the
  // placeholder of an element still loading its code: a widget not yet drawn has not told Streamlit
  // its value, and would come back at its default) and painted, while nothing runs, on the page it
  // drew, after 2 s with no click or key (that action's own rerun draws the charts; a request sent
  // after a click on another page would be merged with it and take the app back here).
  const app = document.querySelector('[data-testid="stApp"]');
  const page = location.pathname;
  const started = performance.now();
  let lastTouch = -Infinity;
  let unmounted = false;
  const touched = () => { lastTouch = performance.now(); };
  const events = ["pointerdown", "keydown", "input", "change", "submit", "drop"];
  events.forEach((name) => document.addEventListener(name, touched, true));
  const ready = () =>
    (!app || app.getAttribute("data-test-script-state") === "notRunning") &&
    performance.now() - lastTouch > QUIET &&
    location.pathname === page;
  const settled = () => !document.querySelector('[data-testid="stSkeleton"]') || performance.now() - started > LIMIT;
  const check = () => {
    if (unmounted || location.pathname !== page) return;
    if (!(settled() && ready())) { requestAnimationFrame(check); return; }
    requestAnimationFrame(() => setTimeout(() => {  // one more painted frame, then one task
      if (unmounted) return;
      if (ready()) component.setTriggerValue("painted", true);
      else requestAnimationFrame(check);
    }, 0));
  };
  requestAnimationFrame(check);
  return () => {
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


def take_once(key: str, default: Any = None) -> Any:
    """A note shown once (the link's note, a refresh's "your files could not be loaded again"): taken
    out of the session, except on a connection's first run whose charts follow in a rerun about 2 s
    later. That rerun shows the note again and takes it; taken on the first run, the note was gone
    from the page 2 s after it appeared (CI saw a link's note vanish so)."""
    if charts_now():
        return st.session_state.pop(key, default)
    return st.session_state.get(key, default)


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
    """Nothing to do: the rerun the trigger starts draws the charts. (A components.v2 trigger is known
    to Streamlit only by its ``on_<name>_change`` callback.)"""
