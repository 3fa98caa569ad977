"""Open the real app (the frame, its sidebar and a page) in AppTest, and read what it shows.

``AppTest.from_file("app.py")`` followed by ``switch_page`` runs the page file alone, without the
frame (streamlit 1.67 runs only the page file). Opening the frame from a function and
switching with the page's absolute path keeps the frame: ``go`` checks the sidebar is there.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
from streamlit.testing.v1 import AppTest

from finance.analysis import views
from finance.format import gbp
from finance.ingest.read import Upload
from finance.model.engine import Model
from finance.model.scenario import Scenario
from tests.helpers import valid_sheets, workbook_bytes

ROOT = Path(__file__).resolve().parents[2]
TIMEOUT = 60
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PAGE_FILES = {
    "Overview": "overview.py",
    "Practices": "practices.py",
    "Services": "services.py",
    "Data": "data.py",
    "About": "about.py",
    "Options": "options.py",
    "Sensitivity": "sensitivity.py",
    "Fee designer": "fee_designer.py",
    "Three-year plan": "plan.py",
}
# Each page's title and a phrase of its one-sentence intro.
PAGE_TEXT = {
    "Overview": ("Federation overview", "Whether the federation pays its way with these fees"),
    "Practices": ("Practice view", "For one practice: what each service earns in-house"),
    "Services": ("Service view", "For each service: how many practices use the federation"),
    "Data": ("Your data", "Upload your spreadsheets here"),
    "About": ("About this tool", "What the figures mean, how they are worked out"),
    "Options": ("Options for the board", "Save the sidebar's scenario as a named option"),
    "Sensitivity": ("Sensitivity", "How far the federation surplus (or one practice's gain from the federation) moves"),
    "Fee designer": ("Fee designer", "The management fee for each service that pays the federation's overheads"),
    "Three-year plan": ("Three-year plan", "The federation's surplus and reserves year by year"),
}
HEADLINE = ("Federation surplus", "Fee income", "Overheads", "Practices better off")
CHANGE_SLIDERS = (
    "contract_income_change",
    "pcn_des_income_change",
    "federation_income_change",
    "activity_change",
    "inhouse_cost_change",
    "federation_cost_change",
    "overhead_change",
)


def open_page(title):
    from ui import frame

    frame.run(title)


def open_app(title: str = "Overview") -> AppTest:
    """A new session (a new browser tab) opened on a page, run once."""
    at = AppTest.from_function(open_page, args=(title,), default_timeout=TIMEOUT)
    at.run()
    assert_page(at, title)
    return at


def open_link(query: dict[str, str], title: str = "Overview") -> AppTest:
    """A new session opened through a link with this query string, on a page, run once."""
    at = AppTest.from_function(open_page, args=(title,), default_timeout=TIMEOUT)
    at.query_params.update(query)
    at.run()
    assert_page(at, title)
    return at


def go(at: AppTest, title: str) -> AppTest:
    """Move the same session to another page, through the frame."""
    at.switch_page(str(ROOT / "app_pages" / PAGE_FILES[title])).run()
    assert_page(at, title)
    return at


def assert_ok(at: AppTest) -> None:
    """No exception on the page (the message alone, not AppTest's whole tree, when there is one)."""
    messages = [e.message for e in at.exception]
    assert not messages, "\n".join(messages)


def assert_page(at: AppTest, title: str) -> None:
    assert_ok(at)
    assert [t.value for t in at.title] == [PAGE_TEXT[title][0]]
    assert len(at.sidebar.slider) == len(CHANGE_SLIDERS) + 1, "the what-if sidebar is missing"


def metrics(at: AppTest) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


def headline(at: AppTest) -> dict[str, str]:
    shown = metrics(at)
    return {label: shown[label] for label in HEADLINE}


def expected_headline(model: Model, scenario: Scenario) -> dict[str, str]:
    """The Overview's four metrics as the engine gives them, formatted as the page must show them."""
    results = model.run(scenario)
    top = views.headline(results)
    assert top.surplus_gbp == top.fee_income_gbp - top.overheads_gbp
    return {
        "Federation surplus": gbp(results.federation.surplus_gbp),
        "Fee income": gbp(top.fee_income_gbp),
        "Overheads": gbp(top.overheads_gbp),
        "Practices better off": f"{top.practices_better_off} of {top.members} members",
    }


def chart_layouts(at: AppTest) -> list[dict]:
    import json

    return [json.loads(chart.proto.spec)["layout"] for chart in at.get("plotly_chart")]


def button(at: AppTest, label: str):
    found = [b for b in at.button if b.label == label]
    assert len(found) == 1, f"no single button {label!r}: {[b.label for b in at.button]}"
    return found[0]


def valid_workbook() -> bytes:
    return workbook_bytes(valid_sheets())


def valid_uploads() -> tuple[Upload, ...]:
    return (Upload("federation.xlsx", valid_workbook()),)


def data_uploader_key(at: AppTest) -> str:
    """The Data page uploader's key now (meeting mode gives it a new one each time it empties it)."""
    return next(u.key for u in at.file_uploader if u.key == "uploader" or u.key.startswith("uploader-"))


def upload(at: AppTest, files: list[tuple[str, bytes]]) -> AppTest:
    """Put files in the Data page's uploader (the session must be on the Data page)."""
    mime = {".xlsx": XLSX, ".csv": "text/csv"}
    at.file_uploader(key=data_uploader_key(at)).set_value([(name, content, mime[Path(name).suffix]) for name, content in files]).run()
    assert_ok(at)
    return at


def column_like(frame, values, *, approx: bool = False) -> str:
    """The name of a shown table's column holding exactly ``values`` (tables are matched by their
    contents, not their headers, which are worded for readers and change)."""
    import pytest

    values = list(values)
    for name in frame.columns:
        column = frame[name].tolist()
        if len(column) != len(values):
            continue
        try:
            if column == (pytest.approx(values) if approx else values):
                return name
        except TypeError:
            continue
    raise AssertionError(f"no column holds {values[:5]}...; columns: {list(frame.columns)}")


def is_money_axis(axis) -> bool:
    """Pounds on the axis: plotly's '£' prefix, or tick labels written as gbp() writes them."""
    if axis.tickprefix == "£":
        return True
    from finance.format import gbp as pounds

    labels, positions = axis.ticktext, axis.tickvals
    return bool(labels) and list(labels) == [pounds(v) for v in positions]


def shown_table(table) -> pd.DataFrame:
    """A table as the reader sees it: the text of every cell after the page's formatting (a Styler's
    display values: '£1,234', '12.5%'); a table without formatting as its values."""
    from streamlit.dataframe_util import convert_arrow_bytes_to_pandas_df

    styler = table.proto.arrow_data.styler
    if styler.display_values:
        return convert_arrow_bytes_to_pandas_df(styler.display_values)
    return table.value


def capture_downloads(monkeypatch) -> dict[str, bytes]:
    """Keep the bytes every st.download_button serves, by the button's URL (``proto.url``).

    AppTest gives each run a new in-memory media store and drops it after the run, so a download
    button's file cannot be fetched afterwards; this records each file as the app hands it over.
    Call before the runs that draw the buttons.
    """
    from streamlit.runtime.memory_media_file_storage import MemoryMediaFileStorage
    from streamlit.testing.v1 import app_test

    served: dict[str, bytes] = {}

    class Recording(MemoryMediaFileStorage):
        def load_and_get_id(self, path_or_data, mimetype, kind, filename=None):
            file_id = super().load_and_get_id(path_or_data, mimetype, kind, filename)
            served[self.get_url(file_id)] = self.get_file(file_id).content
            return file_id

    monkeypatch.setattr(app_test, "MemoryMediaFileStorage", Recording)
    return served


def downloaded(at: AppTest, served: dict[str, bytes], label: str) -> bytes:
    """The bytes the download button with this label serves (see capture_downloads)."""
    found = [b for b in at.download_button if b.label == label]
    assert len(found) == 1, f"no single download button {label!r}: {[b.label for b in at.download_button]}"
    return served[found[0].proto.url]


def chart_specs(at: AppTest) -> list[dict]:
    """Every plotly chart on the page as its JSON figure (data and layout)."""
    import json

    return [json.loads(chart.proto.spec) for chart in at.get("plotly_chart")]


def plotly_values(values) -> list:
    """A trace's x or y as a list: plotly 7 writes numeric arrays as base64 typed arrays ({dtype, bdata})."""
    if isinstance(values, dict) and "bdata" in values:
        import base64

        import numpy as np

        return np.frombuffer(base64.b64decode(values["bdata"]), dtype=np.dtype(values["dtype"])).tolist()
    return list(values)
