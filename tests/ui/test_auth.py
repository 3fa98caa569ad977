"""Sign-in and workspaces through the real frame (AppTest's st.user and secrets): who sees what.

Every test has its own store (FINANCE_SCENARIO_STORE in tmp_path). The [auth] section given to the
app is what turns sign-in on; its values only have to look right, since AppTest never redirects
(the real redirect to a real provider is in tests/browser/test_sign_in.py).
"""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from finance.model.scenario import Scenario
from finance.store.audit import AuditLog
from finance.store.scenarios import ScenarioStore
from finance.store.workspaces import WorkspaceStore
from tests.ui.apptest import ROOT, TIMEOUT, assert_ok, assert_page, go, open_app, open_page

AUTH = {
    "redirect_uri": "http://localhost:8501/oauth2callback",
    "cookie_secret": "a-test-cookie-secret-of-some-length-0123456789",
    "client_id": "finance-app",
    "client_secret": "not-a-real-secret",
    "server_metadata_url": "http://localhost:9/.well-known/openid-configuration",
}


@pytest.fixture(autouse=True)
def store_path(tmp_path, monkeypatch):
    path = tmp_path / "scenarios.duckdb"
    monkeypatch.setenv("FINANCE_SCENARIO_STORE", str(path))
    monkeypatch.delenv("FINANCE_DATABASE_URL", raising=False)
    admin = WorkspaceStore(path, actor="admin@csu.example")
    admin.create("barnsley", "Barnsley federation")
    admin.create("wakefield", "Wakefield federation")
    admin.add_member("barnsley", "ann@barnsley.example")
    admin.add_member("wakefield", "bob@wakefield.example")
    admin.add_member("barnsley", "cat@both.example")
    admin.add_member("wakefield", "cat@both.example")
    admin.add_member("barnsley", "dan@practice.example", "practice", "F81009")
    ScenarioStore(path, workspace="barnsley").save("Barnsley's option", Scenario(management_fee_pct=6))
    ScenarioStore(path, workspace="wakefield").save("Wakefield's option", Scenario(management_fee_pct=8))
    ScenarioStore(path).save("The local option", Scenario())
    return path


def signed_in(email: str | None, title: str = "Overview", run: bool = True) -> AppTest:
    at = AppTest.from_function(open_page, args=(title,), default_timeout=TIMEOUT)
    at.secrets["auth"] = AUTH
    at.user = {"is_logged_in": False} if email is None else {"is_logged_in": True, "email": email, "sub": email}
    return at.run() if run else at


def saved_names(at: AppTest) -> list[str]:
    return list(at.selectbox(key="manage_option").options)


def test_with_sign_in_off_the_app_runs_as_before_on_the_local_workspace():
    at = open_app("Options")
    assert saved_names(at) == ["The local option"]
    assert not [b for b in at.sidebar.button if b.label == "Sign out"]


def test_sign_in_on_and_nobody_signed_in_shows_only_the_sign_in_button():
    at = signed_in(None)
    assert_ok(at)
    assert [t.value for t in at.title] == ["GP federation finance"]
    assert [b.label for b in at.button] == ["Sign in"]
    assert len(at.sidebar.slider) == 0 and len(at.metric) == 0  # no figure before sign-in


def test_two_federations_each_see_only_their_own_options():
    ann = go(signed_in("ann@barnsley.example"), "Options")
    bob = go(signed_in("Bob@Wakefield.example"), "Options")
    assert saved_names(ann) == ["Barnsley's option"]
    assert saved_names(bob) == ["Wakefield's option"]
    assert "Signed in as ann@barnsley.example" in [c.value for c in ann.sidebar.caption]
    assert [b.label for b in ann.sidebar.button if b.label == "Sign out"] == ["Sign out"]


def test_an_option_saved_by_a_signed_in_user_lands_in_their_workspace_under_their_name(store_path):
    at = go(signed_in("bob@wakefield.example"), "Options")
    [name] = [t for t in at.text_input if t.label == "Name"]
    name.input("Bob's new option")
    [save] = [b for b in at.button if b.label == "Save option"]
    save.click().run()
    assert_ok(at)
    assert ScenarioStore(store_path, workspace="wakefield").names() == ["Bob's new option", "Wakefield's option"]
    assert ScenarioStore(store_path, workspace="barnsley").names() == ["Barnsley's option"]
    latest = AuditLog(store_path).entries("wakefield")[0]
    assert (latest.actor, latest.action, latest.name) == ("bob@wakefield.example", "saved", "Bob's new option")


def test_a_user_of_two_workspaces_picks_one_in_the_sidebar():
    at = go(signed_in("cat@both.example"), "Options")
    picker = at.sidebar.selectbox(key="workspace_picker")
    assert picker.options == ["Barnsley federation", "Wakefield federation"]
    assert saved_names(at) == ["Barnsley's option"]
    picker.set_value("wakefield").run()
    assert_page(at, "Options")
    assert saved_names(at) == ["Wakefield's option"]


def test_a_user_of_no_workspace_sees_no_figures():
    at = signed_in("eve@elsewhere.example")
    assert_ok(at)
    assert any("not a member of any workspace" in w.value for w in at.warning)
    assert len(at.metric) == 0 and len(at.sidebar.slider) == 0


def test_a_practice_member_sees_only_their_own_practice():
    at = signed_in("dan@practice.example", title="Practices")
    assert_page(at, "Practices")
    assert at.selectbox(key="practice").options == ["The Gold Street Surgery (F81009)"]
    assert at.selectbox(key="practice").value == "F81009"
    # The pages of every practice's figures are not there for them: only Practices and About are.
    with pytest.raises(ValueError, match=r"Known pages: \['[^']*/app_pages/practices\.py', '[^']*/app_pages/about\.py'\]"):
        at.switch_page(str(ROOT / "app_pages" / "overview.py"))


def test_a_practice_members_sidebar_lists_only_their_own_practice_to_exclude(sample_dataset):
    member = signed_in("ann@barnsley.example", title="Practices")
    everyone = member.sidebar.multiselect(key="excluded_practices").options
    assert len(everyone) == len(sample_dataset.practices) and "The Gold Street Surgery (F81009)" in everyone
    practice = signed_in("dan@practice.example", title="Practices")
    assert_ok(practice)
    assert practice.sidebar.multiselect(key="excluded_practices").options == ["The Gold Street Surgery (F81009)"]


def test_sign_out_button_signs_out():
    at = signed_in("ann@barnsley.example")
    [sign_out] = [b for b in at.sidebar.button if b.label == "Sign out"]
    sign_out.click().run()
    assert [b.label for b in at.button] == ["Sign in"]


def test_a_member_removed_loses_the_workspace_at_the_next_check(store_path, monkeypatch):
    import ui.workspace

    at = go(signed_in("ann@barnsley.example"), "Options")
    assert saved_names(at) == ["Barnsley's option"]
    WorkspaceStore(store_path, actor="admin@csu.example").remove_member("barnsley", "ann@barnsley.example")
    at.run()
    assert saved_names(at) == ["Barnsley's option"]  # read a moment ago: not read again on every rerun
    monkeypatch.setattr(ui.workspace, "MEMBERSHIP_CHECK_SECONDS", 0.0)  # the check is due
    at.run()
    assert any("not a member of any workspace" in w.value for w in at.warning)
    assert len(at.metric) == 0 and not [s for s in at.selectbox if s.key == "manage_option"]
