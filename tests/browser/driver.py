"""Driving the Streamlit app in a browser: navigation, waits, the sidebar's sliders, uploads, metrics.

Streamlit marks its root element with the script's state (`data-test-script-state`: running or
notRunning). A wait for "not running" alone can pass before a rerun has even started, so each step
waits for the text it expects first, then for the script to be idle.
"""

from __future__ import annotations

import ast
import json
import time
from pathlib import Path
from urllib.parse import parse_qs, urlparse

from playwright.sync_api import Locator, Page, expect

ROOT = Path(__file__).resolve().parents[2]
OUTPUT = ROOT / "test-output"  # gitignored: screenshots, failure screenshots, the server's log
VIEWPORT = {"width": 1280, "height": 1800}  # tall, so most pages fit before the screenshot grows it
EXCEPTION = '[data-testid="stException"]'
APP_IDLE = '[data-testid="stApp"][data-test-script-state="notRunning"]'
PAGES_FOLDER = ROOT / "app_pages"
DEFAULT_WAIT_S = 30


def wait_idle(page: Page) -> None:
    page.locator(APP_IDLE).wait_for(state="attached")


def registered_pages() -> list[tuple[str, str]]:
    """(title, file) of every page in ui/frame.py PAGES, read from its source now, so pages added later are covered."""
    tree = ast.parse((ROOT / "ui" / "frame.py").read_text(encoding="utf-8"))
    for node in tree.body:
        if isinstance(node, ast.Assign) and any(getattr(t, "id", None) == "PAGES" for t in node.targets):
            return [(title, file) for title, file, *_ in ast.literal_eval(node.value)]
    raise AssertionError("ui/frame.py has no PAGES = (...) of (title, file, icon)")


def page_title(file: str) -> str | None:
    """The title a page gives intro(...) (its h1), read from its source; None if it does not use intro."""
    tree = ast.parse((PAGES_FOLDER / file).read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "intro" and node.args:
            first = node.args[0]
            if isinstance(first, ast.Constant) and isinstance(first.value, str):
                return first.value
    return None


def plotly_calls(file: str) -> int:
    """How many charts a page's source draws (each through ui/first_paint.py's chart)."""
    return (PAGES_FOLDER / file).read_text(encoding="utf-8").count("first_paint.chart(")


def nav_link(page: Page, title: str) -> Locator:
    """The sidebar link to a page (its text is the Material icon's name, then the title)."""
    return page.locator('[data-testid="stSidebarNavLink"]').filter(has=page.locator(f'span[label="{title}"]'))


def go_to(page: Page, title: str, heading: str | None) -> None:
    """Click the page's link in the sidebar (the session and its scenario are kept) and wait until the
    page has drawn its title (h1) and finished running; raise with the traceback if it showed an exception."""
    link = nav_link(page, title)
    expect(link).to_have_count(1)
    link.click()
    expect(link).to_have_attribute("aria-current", "page")
    title_shown = main(page).get_by_role("heading", level=1, name=heading) if heading else main(page).locator("h1")
    expect(title_shown.or_(page.locator(EXCEPTION)).first).to_be_visible()
    wait_idle(page)
    expect_no_exception(page)


def main(page: Page) -> Locator:
    return page.locator('[data-testid="stMain"]')


def metric_value(page: Page, label: str) -> Locator:
    return (
        main(page)
        .locator('[data-testid="stMetric"]')
        .filter(has=page.get_by_test_id("stMetricLabel").get_by_text(label, exact=True))
        .locator('[data-testid="stMetricValue"]')
    )


def sidebar_slider(page: Page, label: str) -> Locator:
    """The slider's <input type="range">. Its accessible name is the label twice (aria-labelledby names
    the input and its group, both labelled), so match by role and name, else under the labelled stSlider."""
    by_role = page.locator('[data-testid="stSidebar"]').get_by_role("slider", name=label)
    if by_role.count() == 1:
        return by_role
    return (
        page.locator('[data-testid="stSlider"]')
        .filter(has=page.get_by_test_id("stWidgetLabel").get_by_text(label, exact=True))
        .locator('input[type="range"]')
    )


def move_slider(page: Page, label: str, steps: int) -> None:
    """Focus the slider and press the arrow key once per step (each press is one step; a rerun each)."""
    slider = sidebar_slider(page, label)
    expect(slider).to_have_count(1)
    slider.focus()
    key = "ArrowRight" if steps > 0 else "ArrowLeft"
    for _ in range(abs(steps)):
        page.keyboard.press(key)


def linked_scenario(url: str) -> dict:
    """The scenario changes the server wrote into the address (ui/share.py write_link): {} for the defaults."""
    text = parse_qs(urlparse(url).query).get("scenario")
    return json.loads(text[0]) if text else {}


def expect_server_scenario(page: Page, changes: dict, timeout_s: float = DEFAULT_WAIT_S) -> None:
    """Wait until the server has run with this scenario: it rewrites the address at the end of every
    sidebar draw, so the address holding ``changes`` means the server (not just the browser's widget)
    has the values. A slider's value reaches the server a moment after the key press; anything saved
    before that would save the value before the move, as it would for a person that quick."""
    deadline = time.monotonic() + timeout_s
    while linked_scenario(page.url) != changes:
        if time.monotonic() > deadline:
            raise AssertionError(f"the server never ran the scenario {changes}: the address holds {linked_scenario(page.url)}")
        page.wait_for_timeout(100)
    wait_idle(page)


def set_slider(page: Page, label: str, value: int) -> None:
    """Move a sidebar slider to ``value`` with the arrow keys, one press at a time, each press checked in
    the browser (a press while the sidebar redraws can be lost, as a click can be), until it shows ``value``."""
    slider = sidebar_slider(page, label)
    expect(slider).to_have_count(1)
    for _ in range(3 * abs(value) + 3):
        now = int(float(slider.input_value()))
        if now == value:
            return
        slider.focus()
        page.keyboard.press("ArrowRight" if value > now else "ArrowLeft")
        expect(slider).not_to_have_value(str(now))
    expect(slider).to_have_value(str(value))


def upload(page: Page, paths: list[Path]) -> None:
    """Give files to the Data page's main uploader (the first one: 'Excel workbooks (.xlsx) or CSV files…')."""
    uploader = main(page).locator('[data-testid="stFileUploader"]').first
    expect(uploader).to_contain_text("Excel workbooks (.xlsx) or CSV files")
    uploader.locator('input[type="file"]').set_input_files([str(p) for p in paths])


def expect_no_exception(page: Page) -> None:
    exceptions = page.locator(EXCEPTION)
    if exceptions.count():
        raise AssertionError("The page shows a Streamlit exception:\n" + "\n---\n".join(exceptions.all_inner_texts()))


def text_field(page: Page, label: str) -> Locator:
    """A text input in the main area, by its label (exact)."""
    return main(page).get_by_label(label, exact=True)


def main_button(page: Page, label: str) -> Locator:
    return main(page).get_by_role("button", name=label, exact=True)


def multiselect(page: Page, label: str) -> Locator:
    return (
        main(page).locator('[data-testid="stMultiSelect"]').filter(has=page.get_by_test_id("stWidgetLabel").get_by_text(label, exact=True))
    )


def pick(page: Page, label: str, option: str) -> None:
    """Add an option to a multiselect in the main area (open its list, click the option, close the list)."""
    box = multiselect(page, label)
    expect(box).to_have_count(1)
    box.locator("input").click()
    page.get_by_role("option", name=option, exact=True).click()
    page.keyboard.press("Escape")


TABLE_CELLS = """() => [...document.querySelectorAll('[data-testid="stMain"] [data-testid="stDataFrame"]')].map(
    table => [...table.querySelectorAll('[role="row"]')].map(
        row => [...row.querySelectorAll('[role="gridcell"], [role="columnheader"]')].map(cell => cell.innerText.trim())))"""


def tables(page: Page) -> list[list[list[str]]]:
    """Every table in the main area: its rows (the header first), each a list of cell texts. The text is
    the grid's accessible table, which holds the values (12345.678), not the text drawn on the canvas;
    columns beyond the table's width may be left out (the grid draws only what it shows)."""
    return page.evaluate(TABLE_CELLS)


def table_with(page: Page, heading: str, first_cells: list[str]) -> list[list[str]]:
    """Wait for the table with this column heading whose rows start with these cells, in this order; its rows (header first)."""
    page.wait_for_function(
        f"""([heading, first]) => ({TABLE_CELLS})().some(
            t => t.length && t[0].includes(heading) && JSON.stringify(t.slice(1).map(r => r[0])) === JSON.stringify(first))""",
        arg=[heading, first_cells],
    )
    [table] = [t for t in tables(page) if t and heading in t[0] and [r[0] for r in t[1:]] == first_cells]
    return table


CHARTS_DRAWN = """(count) => {
    const plots = [...document.querySelectorAll('[data-testid="stMain"] .js-plotly-plot')];
    return plots.length >= count && plots.every(p => p._fullLayout && p.querySelector('.main-svg'));
}"""


def wait_for_charts(page: Page, count: int) -> None:
    """Wait until the main area shows at least ``count`` plotly charts, each drawn."""
    page.wait_for_function(CHARTS_DRAWN, arg=count)
