"""The page's own CSS on top of .streamlit/config.toml's theme: contrast for WCAG 2.2 AA and room for
figures on a projector (1280x720) and a 1024-wide laptop. Drawn once a run by ui/frame.py.

Streamlit draws captions at 60% opacity and disabled widgets' labels in the text colour at 40% alpha
(3.75:1 on the sidebar's grey, 2.33:1 on white); AA needs 4.5:1, so they take NHS secondary text
(#4C6272: 6.4:1 on white, 5.3:1 on #E8EDEE). Its wide layout pads the page by 5rem a side and 6rem
at the top; on a 1024-wide screen beside the sidebar that left 564 px for four metrics, and they
were cut off ("£297,…"). Below 1200 px the metrics go two a row. A chart's table (its text
equivalent, st.table) wraps its cells rather than scrolling sideways: a scrolling box that a
keyboard cannot reach fails WCAG (axe: scrollable-region-focusable).
"""

from __future__ import annotations

import streamlit as st

SECONDARY_TEXT = "#4C6272"  # NHS secondary text colour

CSS = f"""
<style>
[data-testid="stCaptionContainer"] {{ opacity: 1 !important; }}
[data-testid="stCaptionContainer"], [data-testid="stCaptionContainer"] p {{ color: {SECONDARY_TEXT} !important; }}
[data-testid="stElementContainer"]:has(:disabled) [data-testid="stWidgetLabel"],
[data-testid="stElementContainer"]:has([aria-disabled="true"]) [data-testid="stWidgetLabel"] {{ color: {SECONDARY_TEXT} !important; }}
[data-testid="stMainBlockContainer"] {{ padding: 3rem 2rem 4rem 2rem; }}
[data-testid="stTable"] > div {{ overflow: visible !important; }}
[data-testid="stTable"] table {{ width: 100%; table-layout: auto; }}
[data-testid="stTable"] th, [data-testid="stTable"] td {{ white-space: normal !important; overflow-wrap: anywhere; }}
@media (max-width: 1200px) {{
  [data-testid="stHorizontalBlock"]:has([data-testid="stMetric"]) {{ flex-wrap: wrap; row-gap: 0.5rem; }}
  [data-testid="stHorizontalBlock"]:has([data-testid="stMetric"]) > [data-testid="stColumn"] {{
    flex: 1 1 calc(50% - 1rem); min-width: calc(50% - 1rem);
  }}
}}
</style>
"""


def apply() -> None:
    """Add the CSS to the page (a style-only st.html takes no room on the page)."""
    st.html(CSS)
