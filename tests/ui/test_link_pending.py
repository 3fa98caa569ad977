"""A link reproduces the sender's figures whichever the colleague opens first (ui/share.py's pending link):
opened on other data it waits, keeps the whole scenario in the address, and applies once the
sender's data is loaded; opened in a browser whose session has the files, it applies at once."""

from __future__ import annotations

import json

from finance.ingest.load import load_uploads
from finance.ingest.read import Upload
from finance.model.engine import Model
from finance.model.scenario import Scenario
from tests.ui.apptest import expected_headline, go, headline, open_app, open_link, upload, valid_workbook
from ui import session_keeper

LINK_SCENARIO = Scenario(overhead_change_pct=20.0, excluded_practices=("A81002",))


def sender_files() -> tuple[bytes, str]:
    """The sender's workbook (made once: a workbook's bytes hold the time it was written) and its fingerprint."""
    content = valid_workbook()
    result = load_uploads((Upload("federation.xlsx", content),))
    assert result.ok
    return content, result.dataset.fingerprint


def link(fingerprint: str) -> dict[str, str]:
    return {"scenario": json.dumps(LINK_SCENARIO.changes()), "data": fingerprint[:12]}


def headline_for(content: bytes, scenario: Scenario) -> dict[str, str]:
    model = Model(load_uploads((Upload("federation.xlsx", content),)).dataset)
    try:
        return expected_headline(model, scenario)
    finally:
        model.close()


def test_a_link_opened_before_the_data_waits_for_it_then_applies_whole():
    content, fingerprint = sender_files()
    at = open_link(link(fingerprint), "Data")
    note = next(i.value for i in at.info if i.value.startswith("The scenario from your link"))
    assert note.startswith("The scenario from your link is applied.")
    assert "1 practice it excludes is missing: A81002" in note and f"the sender's data fingerprint is {fingerprint[:12]}" in note
    assert at.slider(key="overhead_change").value == 20  # what the sample allows is applied at once
    assert at.multiselect(key="excluded_practices").value == []
    assert json.loads(at.query_params["scenario"])["excluded_practices"] == ["A81002"]  # the address keeps the whole link

    upload(at, [("federation.xlsx", content)])
    assert at.multiselect(key="excluded_practices").value == ["A81002"]
    assert any(i.value.startswith("The scenario from your link is now applied to the data you loaded.") for i in at.info)
    assert "link_pending" not in at.session_state
    go(at, "Overview")
    assert headline(at) == headline_for(content, LINK_SCENARIO) != headline_for(content, Scenario(overhead_change_pct=20.0))


def test_a_link_waits_while_the_data_loaded_lacks_its_practices(sample_dataset):
    _, fingerprint = sender_files()
    at = open_link(link(fingerprint), "Data")
    at.slider(key="activity_change").set_value(0).run()  # an unrelated run keeps the link waiting
    assert "link_pending" in at.session_state
    at.slider(key="overhead_change").set_value(5).run()  # moving a control makes the scenario the user's own
    assert "link_pending" not in at.session_state
    assert json.loads(at.query_params["scenario"]) == {"overhead_change_pct": 5.0}


def test_a_link_opened_in_the_browser_that_has_the_files_applies_at_once(monkeypatch):
    content, fingerprint = sender_files()
    at = open_app("Data")
    upload(at, [("federation.xlsx", content)])
    key = at.session_state["session_key"]

    monkeypatch.setattr(session_keeper, "browser_key", lambda: key)
    again = open_link(link(fingerprint))
    assert again.session_state["loaded"].dataset.file_names == ["federation.xlsx"]  # the files were not lost
    assert [i.value for i in again.info if "link" in i.value] == ["The scenario from your link is applied."]
    assert headline(again) == headline_for(content, LINK_SCENARIO)


def test_a_refresh_of_an_address_holding_the_sessions_own_scenario_says_nothing(monkeypatch):
    at = open_app("Overview")
    at.slider(key="overhead_change").set_value(20).run()
    address = {k: at.query_params[k] for k in ("scenario", "data")}
    monkeypatch.setattr(session_keeper, "browser_key", lambda: at.session_state["session_key"])
    again = open_link(address)
    assert again.slider(key="overhead_change").value == 20
    assert not [i.value for i in again.info if "link" in i.value]


def test_meeting_mode_keeps_the_scenario_out_of_the_address():
    at = open_app("Overview")
    at.multiselect(key="excluded_practices").set_value(["F81004"]).run()
    assert "F81004" in at.query_params["scenario"]
    at.toggle(key="meeting_mode").set_value(True).run()
    assert "scenario" not in at.query_params
    at.toggle(key="meeting_mode").set_value(False).run()
    assert "F81004" in at.query_params["scenario"]
