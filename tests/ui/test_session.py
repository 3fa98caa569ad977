"""The session that cannot be lost (ui/session_keeper.py, ui/loaded_files.py): a new AppTest session whose
browser sends the first one's cookie finds its files, scenario and page choices again; the loaded
files each have a remove button; page choices survive a visit to another page."""

from __future__ import annotations

from finance.errors import StoreError
from finance.ingest.load import load_uploads
from finance.ingest.read import Upload
from finance.model.engine import Model
from finance.model.scenario import Scenario
from finance.store.sessions import SessionStore, new_key
from finance.store.workspaces import WorkspaceStore
from tests.conftest import sample_files
from tests.ui.apptest import (
    assert_ok,
    button,
    expected_headline,
    go,
    headline,
    metrics,
    open_app,
    upload,
    valid_uploads,
    valid_workbook,
)
from ui import session_keeper


def reopen(monkeypatch, key: str, title: str = "Overview"):
    """A new session (a refresh, or the server restarted) from a browser whose cookie holds ``key``."""
    monkeypatch.setattr(session_keeper, "browser_key", lambda: key)
    return open_app(title)


def test_a_refresh_brings_back_the_files_the_scenario_and_the_choices(monkeypatch, valid_model, kept_sessions):
    at = open_app("Data")
    upload(at, [("federation.xlsx", valid_workbook())])
    at.slider(key="overhead_change").set_value(20).run()
    at.multiselect(key="excluded_practices").set_value(["A81002"]).run()
    go(at, "Practices")
    at.selectbox(key="practice").select("A81003").run()
    go(at, "Sensitivity")
    at.slider(key="tornado_step").set_value(25).run()
    key = at.session_state["session_key"]
    assert kept_sessions.load(key) is not None, "nothing was kept on the server"

    again = reopen(monkeypatch, key, "Practices")
    assert_ok(again)
    assert again.session_state["session_key"] == key
    assert again.session_state["loaded"].dataset.file_names == ["federation.xlsx"]
    assert again.slider(key="overhead_change").value == 20
    assert again.multiselect(key="excluded_practices").value == ["A81002"]
    assert again.selectbox(key="practice").value == "A81003"
    assert [t.value for t in again.toast] == ["Your session is back: your 1 file, the scenario and each page's choices."]
    go(again, "Sensitivity")
    assert again.slider(key="tornado_step").value == 25
    go(again, "Overview")
    assert headline(again) == expected_headline(valid_model, Scenario(overhead_change_pct=20.0, excluded_practices=("A81002",)))


def test_a_cookie_the_server_does_not_know_is_not_used(monkeypatch, kept_sessions):
    planted = new_key()
    at = reopen(monkeypatch, planted, "Overview")
    assert at.session_state["session_key"] != planted
    assert at.session_state["loaded"].is_sample
    # A visit that changed nothing leaves nothing on the server.
    assert kept_sessions.backend.transaction(lambda db: db.row("SELECT count(*) FROM saved_sessions")) == (0,)


def test_the_practices_page_remembers_its_practice_across_pages():
    at = open_app("Practices")
    at.selectbox(key="practice").select("F81015").run()
    go(at, "Overview")
    go(at, "Practices")
    assert at.selectbox(key="practice").value == "F81015"
    go(at, "Services")
    service = at.selectbox(key="service").options[2]
    at.selectbox(key="service").select(service).run()
    go(at, "Data")
    go(at, "Services")
    assert at.selectbox(key="service").value == service


def test_forgetting_the_session_deletes_it_from_the_server(monkeypatch, kept_sessions):
    at = open_app("Data")
    upload(at, [("federation.xlsx", valid_workbook())])
    key = at.session_state["session_key"]
    content = at.session_state["loaded"].uploads[0].content
    assert kept_sessions.load(key).files == (("federation.xlsx", content),)
    button(at, "Delete my files and choices from the server").click().run()
    button(at, "Yes, delete them").click().run()
    assert_ok(at)
    assert kept_sessions.load(key) is None
    assert at.session_state["loaded"].is_sample and at.session_state["session_key"] != key
    assert reopen(monkeypatch, key, "Data").session_state["loaded"].is_sample


def test_each_loaded_file_has_a_remove_button(sample_model):
    sample = [Upload.from_path(p) for p in sample_files()]
    at = open_app("Data")
    upload(at, [(u.name, u.content) for u in sample])
    names = [u.name for u in sample]
    assert [b.help for b in at.button if b.label == "Remove"] == [f"Remove {n}" for n in names]

    # Without the practices table the set is incomplete: nothing is removed, and the page says why.
    at.button(key=f"remove_file_{names.index('practices.csv')}").click().run()
    assert "practices.csv was not removed" in at.error[0].value
    assert at.session_state["loaded"].dataset.file_names == names

    at.button(key=f"remove_file_{names.index('activity.csv')}").click().run()
    assert_ok(at)
    rest = [u for u in sample if u.name != "activity.csv"]
    assert at.session_state["loaded"].dataset.file_names == [u.name for u in rest]
    result = load_uploads(rest)
    model = Model(result.dataset)
    try:
        expected = expected_headline(model, Scenario())
    finally:
        model.close()
    assert expected != expected_headline(sample_model, Scenario())  # the file held figures
    go(at, "Overview")
    assert headline(at) == expected


def test_removing_the_last_file_asks_before_going_back_to_the_sample():
    at = open_app("Data")
    upload(at, [(u.name, u.content) for u in valid_uploads()])
    at.button(key="remove_file_0").click().run()
    assert at.warning[0].value.startswith("Go back to the sample federation?")
    assert metrics(at)["Practices"] == "3"
    button(at, "Yes, go back to the sample").click().run()
    assert at.session_state["loaded"].is_sample


def test_a_second_tab_on_the_sample_does_not_wipe_the_files_the_first_loaded(monkeypatch):
    first = open_app("Data")
    first.slider(key="overhead_change").set_value(5).run()
    key = first.session_state["session_key"]
    second = reopen(monkeypatch, key, "Overview")  # the same browser, another tab, before the upload
    upload(first, [("federation.xlsx", valid_workbook())])
    second.slider(key="overhead_change").set_value(10).run()
    third = reopen(monkeypatch, key, "Data")
    assert third.session_state["loaded"].dataset.file_names == ["federation.xlsx"]
    assert third.slider(key="overhead_change").value == 10  # the scenario: the latest tab's


def test_the_nhs_import_asks_before_replacing_the_users_files():
    from tests.conftest import SAMPLE_DATA

    source = SAMPLE_DATA / "source" / "nhs-payments-2022-23-07H.csv"
    at = open_app("Data")
    upload(at, [("federation.xlsx", valid_workbook())])
    at.file_uploader(key="payments_file").set_value((source.name, source.read_bytes(), "text/csv")).run()
    areas = at.multiselect(key="payments_areas")
    areas.set_value([next(o for o in areas.options if "(PCN, U16446," in o)]).run()
    button(at, "Import these practices").click().run()
    assert any(w.value.startswith("The import replaces your 1 loaded file.") for w in at.warning)
    button(at, "Cancel").click().run()
    assert at.session_state["loaded"].dataset.file_names == ["federation.xlsx"]
    button(at, "Import these practices").click().run()
    button(at, "Yes, import and replace my files").click().run()
    assert_ok(at)
    assert metrics(at)["Practices"] == "4"


def test_meeting_mode_is_kept_and_a_store_it_cannot_write_is_said_once(monkeypatch, tmp_path):
    at = open_app("Practices")
    at.toggle(key="meeting_mode").set_value(True).run()
    at.selectbox(key="practice").select("C").run()
    again = reopen(monkeypatch, at.session_state["session_key"], "Practices")
    assert again.toggle(key="meeting_mode").value is True
    assert again.selectbox(key="practice").value == "C"

    blocked = tmp_path / "a file"
    blocked.write_text("not a folder")
    monkeypatch.setenv("FINANCE_SCENARIO_STORE", str(blocked / "scenarios.duckdb"))  # the server can no longer write there
    again.slider(key="overhead_change").set_value(5).run()
    assert_ok(again)
    assert [t.value for t in again.toast if "could not be kept on the server" in t.value]
    again.slider(key="overhead_change").set_value(6).run()
    assert not [t.value for t in again.toast if "could not be kept on the server" in t.value]  # said once


def test_kept_values_a_control_cannot_show_are_left_out(monkeypatch, kept_sessions):
    key = new_key()
    store = kept_sessions
    controls = {
        "overhead_change": 500,
        "activity_change": 7,
        "participation": "Everyone",
        "management_fee": 8.5,
        "one_fee": True,
        "fee_default_set": True,
    }
    store.save_state(key, {"controls": controls, "choices": {"service": "No such service", "tornado_step": 99}})
    at = reopen(monkeypatch, key, "Services")
    assert (at.slider(key="overhead_change").value, at.slider(key="activity_change").value) == (0, 7)
    assert at.radio(key="participation").value == "All members"
    assert at.slider(key="management_fee").value == 8.5
    assert at.selectbox(key="service").value == at.selectbox(key="service").options[0]
    go(at, "Sensitivity")
    assert at.slider(key="tornado_step").value == 10


def test_a_key_kept_in_one_workspace_finds_nothing_in_another(monkeypatch, tmp_path):
    from tests.ui.test_auth import signed_in

    admin = WorkspaceStore(tmp_path / "scenarios.duckdb")
    admin.create("barnsley", "Barnsley federation")
    admin.create("wakefield", "Wakefield federation")
    admin.add_member("barnsley", "ann@barnsley.example")
    admin.add_member("wakefield", "bob@wakefield.example")
    admin.add_member("wakefield", "ann@barnsley.example")
    ann = signed_in("ann@barnsley.example")  # two workspaces: Barnsley first
    ann.slider(key="overhead_change").set_value(15).run()
    key = ann.session_state["session_key"]

    monkeypatch.setattr(session_keeper, "browser_key", lambda: key)
    in_wakefield = signed_in("ann@barnsley.example", run=False)  # the same cookie and user, working in Wakefield
    in_wakefield.session_state["workspace_picker"] = "wakefield"
    in_wakefield.run()
    assert in_wakefield.sidebar.selectbox(key="workspace_picker").value == "wakefield"
    assert in_wakefield.session_state["session_key"] != key
    assert in_wakefield.slider(key="overhead_change").value == 0
    bob = signed_in("bob@wakefield.example")  # the same cookie, another federation's user
    assert bob.session_state["session_key"] != key
    assert bob.slider(key="overhead_change").value == 0
    again = signed_in("ann@barnsley.example")
    assert again.session_state["session_key"] == key and again.slider(key="overhead_change").value == 15


def test_a_store_that_cannot_be_read_keeps_the_browsers_session_for_the_next_visit(monkeypatch, valid_model, kept_sessions):
    at = open_app("Data")
    upload(at, [("federation.xlsx", valid_workbook())])
    at.slider(key="overhead_change").set_value(20).run()
    key = at.session_state["session_key"]
    kept = kept_sessions.load(key)
    assert kept is not None

    def store_down(self, key):
        raise StoreError("the store is busy")

    with monkeypatch.context() as down:
        down.setattr(SessionStore, "load", store_down)
        visit = reopen(down, key)
        assert_ok(visit)
        assert visit.session_state["session_key"] is None  # no new key: the cookie keeps naming the kept session
        assert any("could not be read just now (the store is busy)" in w.value for w in visit.warning)
        assert visit.session_state["loaded"].is_sample
        visit.slider(key="overhead_change").set_value(-10).run()  # nothing of this visit is written over the kept session
    again = reopen(monkeypatch, key)
    assert again.session_state["loaded"].dataset.file_names == ["federation.xlsx"]
    assert again.slider(key="overhead_change").value == 20
    assert headline(again) == expected_headline(valid_model, Scenario(overhead_change_pct=20.0))
