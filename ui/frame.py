"""The app's frame: page config, navigation over app_pages/, the what-if sidebar on every page.

The pages are not in a folder named pages/: Streamlit treats that name as its older automatic
multipage app, and a link straight to a page (/options?scenario=...) would then open the page
without this frame, so without the sidebar and the scenario in the link.
"""

from __future__ import annotations

from pathlib import Path

import streamlit as st

from ui import auth, first_paint, meeting_mode, meeting_text, session_keeper, share, sidebar, state, theme, workspace

PAGES_FOLDER = Path(__file__).resolve().parent.parent / "app_pages"
ICON = Path(__file__).resolve().parent / "assets" / "icon.png"  # local: a material icon favicon is fetched from the internet
PAGES = (
    # title, file, icon
    ("Overview", "overview.py", ":material/dashboard:"),
    ("Practices", "practices.py", ":material/local_hospital:"),
    ("Services", "services.py", ":material/medical_services:"),
    ("Options", "options.py", ":material/compare_arrows:"),
    ("Sensitivity", "sensitivity.py", ":material/tune:"),
    ("Fee designer", "fee_designer.py", ":material/price_change:"),
    ("Three-year plan", "plan.py", ":material/timeline:"),
    ("Data", "data.py", ":material/upload_file:"),
    ("About", "about.py", ":material/info:"),
)


def run(start: str = "Overview") -> None:
    """Draw the frame and the chosen page; ``start`` is the page a new visit opens on."""
    st.set_page_config(page_title="GP federation finance", page_icon=str(ICON), layout="wide")
    theme.apply()
    workspace.choose(auth.require_sign_in())  # with sign-in off: the local workspace, as before
    pages = [page for page in PAGES if workspace.page_allowed(page[0])]
    start = start if start in (title for title, _, _ in pages) else pages[0][0]
    navigation = st.navigation(
        [st.Page(PAGES_FOLDER / file, title=title, icon=icon, default=title == start) for title, file, icon in pages]
    )
    session_keeper.start()  # the browser's session again after a refresh or a restart, or a new one
    data = state.source()  # the sidebar and the link hold real practice codes, also in meeting mode
    codes = set(data.dataset.practices["practice_code"])
    share.read_link_once(codes, data.dataset.fingerprint)
    share.apply_pending(codes, data.dataset.fingerprint)
    st.sidebar.toggle(meeting_mode.TOGGLE_LABEL, key=meeting_mode.TOGGLE_KEY, help=meeting_mode.TOGGLE_HELP)
    scenario = sidebar.show(data.dataset, data.model.services, data.average_fee_pct, practice_label=state.practice_labels())
    share.write_link(scenario, data.dataset.fingerprint)
    session_keeper.write_cookie()
    meeting_text.hide_link_note()  # a note can name practices by their codes
    share.show_note()
    auth.sign_out_button()
    page_finished = False
    try:
        navigation.run()
        page_finished = True
    finally:
        session_keeper.save()  # also when the page asks for a rerun
        first_paint.after_page(page_finished)  # last: drawing it may end the run for a rerun already asked for
