"""Data sets kept in a workspace, through the Data page: keep, open in a new session, delete; another workspace never sees them."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from finance.store.datasets import DataSetStore
from finance.store.workspaces import WorkspaceStore
from tests.ui.apptest import TIMEOUT, assert_ok, go, open_app, open_page, upload, valid_workbook
from tests.ui.test_auth import AUTH


@pytest.fixture(autouse=True)
def store_path(tmp_path, monkeypatch):
    path = tmp_path / "scenarios.duckdb"
    monkeypatch.setenv("FINANCE_SCENARIO_STORE", str(path))
    admin = WorkspaceStore(path)
    admin.create("barnsley", "Barnsley federation")
    admin.create("wakefield", "Wakefield federation")
    admin.add_member("barnsley", "ann@barnsley.example")
    admin.add_member("wakefield", "bob@wakefield.example")
    return path


def on_data_page(email: str) -> AppTest:
    at = AppTest.from_function(open_page, args=("Data",), default_timeout=TIMEOUT)
    at.secrets["auth"] = AUTH
    at.user = {"is_logged_in": True, "email": email}
    return at.run()


def kept_labels(at: AppTest) -> list[str]:
    boxes = [s for s in at.selectbox if s.key == "kept_data_set"]
    return [str(o) for o in boxes[0].options] if boxes else []


def test_keep_open_and_delete_a_data_set_in_the_workspace_only(store_path):
    ann = on_data_page("ann@barnsley.example")
    assert any("No data sets are kept in this workspace yet" in c.value for c in ann.caption)
    workbook = valid_workbook()  # made anew each call (its timestamp differs): keep the bytes uploaded
    upload(ann, [("federation.xlsx", workbook)])
    [name] = [t for t in ann.text_input if t.label == "Name for the data loaded now"]
    name.input("March figures")
    [keep] = [b for b in ann.button if b.label == "Keep in this workspace"]
    keep.click().run()
    assert_ok(ann)
    [kept] = DataSetStore(store_path, workspace="barnsley").list()
    assert (kept.name, kept.file_names, kept.saved_by) == ("March figures", ("federation.xlsx",), "ann@barnsley.example")
    assert DataSetStore(store_path, workspace="barnsley").load(kept.data_set_id)[0].content == workbook

    bob = on_data_page("bob@wakefield.example")
    assert kept_labels(bob) == []  # another federation's workspace: not listed
    assert DataSetStore(store_path, workspace="wakefield").list() == []

    again = on_data_page("ann@barnsley.example")  # a new session on the sample
    assert len(kept_labels(again)) == 1 and kept_labels(again)[0].startswith("March figures (federation.xlsx; kept ")
    [open_button] = [b for b in again.button if b.label == "Open this data set"]
    open_button.click().run()
    assert_ok(again)
    loaded = again.session_state["loaded"]  # the session now works on the kept files, checked again
    assert (loaded.label, loaded.dataset.fingerprint, loaded.is_sample) == (
        "Kept in this workspace: March figures",
        kept.data_set_id,
        False,
    )
    go(again, "Overview")

    go(again, "Data")
    [delete] = [b for b in again.button if b.label == "Delete it from the workspace"]
    delete.click().run()
    assert_ok(again)
    assert DataSetStore(store_path, workspace="barnsley").list() == []
    assert kept_labels(again) == []


def test_with_sign_in_off_nothing_is_kept_beyond_the_session():
    # Everyone using a server without sign-in shares its one workspace: uploads stay in each session.
    at = open_app("Data")
    assert "Kept in this workspace" not in [h.value for h in at.subheader]
    assert not [b for b in at.button if b.label == "Keep in this workspace"] and kept_labels(at) == []
