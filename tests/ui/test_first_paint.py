"""A browser's first run draws every figure but no chart, and asks for the charts once it has painted.

In AppTest no browser is connected (no request headers), so ui/first_paint.py draws charts at once;
these tests say a browser is there, as a real connection's headers would. The browser's side (its
script sends the trigger, the charts follow) is tests/browser/test_app.py's new-visit test.
"""

from __future__ import annotations

import json

import pytest

from finance.model.scenario import Scenario
from tests.ui.apptest import expected_headline, go, headline, open_app, open_link
from ui import first_paint


@pytest.fixture
def browser_there(monkeypatch):
    monkeypatch.setattr(first_paint, "browser_connected", lambda: True)


def first_paint_triggers(at) -> list:
    return [e for e in at.main if getattr(e, "key", None) == "first_paint"]


def test_a_first_run_draws_the_figures_and_no_chart_then_the_next_run_draws_the_charts(browser_there, sample_model):
    at = open_app("Overview")
    assert headline(at) == expected_headline(sample_model, Scenario())
    assert len(at.get("plotly_chart")) == 0
    assert [c.value for c in at.caption].count(first_paint.LOADING) == 3
    assert len(first_paint_triggers(at)) == 1

    at.run()  # the rerun the browser's trigger starts once it has painted
    assert len(at.get("plotly_chart")) == 3
    assert first_paint.LOADING not in [c.value for c in at.caption]
    assert first_paint_triggers(at) == []
    assert headline(at) == expected_headline(sample_model, Scenario())

    go(at, "Practices")  # a page change on the same connection: its chart at once
    assert len(at.get("plotly_chart")) == 1
    assert first_paint_triggers(at) == []


def test_without_a_browser_charts_are_drawn_at_once():
    at = open_app("Overview")
    assert len(at.get("plotly_chart")) == 3
    assert first_paint_triggers(at) == []


def test_a_note_shown_on_the_first_run_is_still_there_once_the_charts_are_drawn(browser_there):
    """A link's note (or a refresh's "your files could not be loaded again") is shown once; the rerun
    that draws a new visit's charts about 2 s later must not take it off the page. The next run does."""
    at = open_link({"scenario": json.dumps({"overhead_change_pct": 20})})

    def notes():
        return [i.value for i in at.info if i.value.startswith("The scenario from your link is applied.")]

    assert notes() and len(at.get("plotly_chart")) == 0
    at.run()  # the rerun the browser's trigger starts once it has painted
    assert notes() and len(at.get("plotly_chart")) == 3
    at.slider(key="overhead_change").set_value(21).run()  # the user's next move: the note has been read
    assert notes() == []
