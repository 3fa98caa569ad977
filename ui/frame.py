"""The app's frame: page config, navigation over app_pages/, the what-if sidebar on every page.

The pages are not in a folder named pages/: Streamlit treats that name as its older automatic
multipage app, and a link straight to a page (/options?scenario=...) would then open the page
without this frame, so without the sidebar and the scenario in the link.
"""

from __future__ import annotations

from pathlib import Path

import streamlit as st

from ui import share, sidebar, state, theme

PAGES_FOLDER = Path(__file__).resolve().parent.parent / "app_pages"
ICON = Path(__file__).resolve().parent / "assets" / "icon.png"  # local: a material icon favicon is fetched from the internet
PAGES = (
    # title, file, icon
    ("Overview", "overview.py", ":material/dashboard:"),
    ("Practices", "practices.py", ":material/local_hospital:"),
    ("Services", "services.py", ":material/medical_services:"),
    ("Options", "options.py", ":material/compare_arrows:"),
    ("Sensitivity", "sensitivity.py", ":material/tune:"),
    ("Data", "data.py", ":material/upload_file:"),
    ("About", "about.py", ":material/info:"),
)


def run(start: str = "Overview") -> None:
    """Draw the frame and the chosen page; ``start`` is the page a new visit opens on."""
    st.set_page_config(page_title="GP federation finance", page_icon=str(ICON), layout="wide")
    theme.apply()
    navigation = st.navigation(
        [st.Page(PAGES_FOLDER / file, title=title, icon=icon, default=title == start) for title, file, icon in PAGES]
    )
    data = state.loaded()
    share.read_link_once(set(data.dataset.practices["practice_code"]), data.dataset.fingerprint)
    scenario = sidebar.show(data.dataset, data.average_fee_pct)
    share.write_link(scenario, data.dataset.fingerprint)
    share.show_note()
    navigation.run()
