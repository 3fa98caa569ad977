"""Workspaces on both backends: each federation sees only its own options; members, roles and the audit log."""

from __future__ import annotations

import pytest

from finance.errors import StoreError
from finance.model.scenario import Scenario
from finance.store.audit import AuditLog
from finance.store.scenarios import ScenarioStore
from finance.store.workspaces import Membership, Workspace, WorkspaceStore


@pytest.fixture
def two_federations(backend) -> tuple[ScenarioStore, ScenarioStore]:
    admin = WorkspaceStore(backend=backend, actor="admin@csu.example")
    admin.create("barnsley", "Barnsley federation")
    admin.create("wakefield", "Wakefield federation")
    return (
        ScenarioStore(backend=backend, workspace="barnsley", actor="ann@barnsley.example"),
        ScenarioStore(backend=backend, workspace="wakefield", actor="bob@wakefield.example"),
    )


def test_a_federation_sees_only_its_own_options(two_federations):
    barnsley, wakefield = two_federations
    barnsley.save("Penistone and Hill Brow out", Scenario(excluded_practices=("C85001",)))
    wakefield.save("Fee at 6%", Scenario(management_fee_pct=6))
    assert barnsley.names() == ["Penistone and Hill Brow out"]
    assert wakefield.names() == ["Fee at 6%"]
    for act in (
        lambda: wakefield.load("Penistone and Hill Brow out"),
        lambda: wakefield.delete("Penistone and Hill Brow out"),
        lambda: wakefield.rename("Penistone and Hill Brow out", "Mine now"),
        lambda: wakefield.duplicate("Penistone and Hill Brow out", "Mine now"),
    ):
        with pytest.raises(StoreError, match="No scenario named 'Penistone and Hill Brow out' is saved"):
            act()
    assert barnsley.load("Penistone and Hill Brow out").scenario == Scenario(excluded_practices=("C85001",))
    assert ScenarioStore(backend=barnsley.backend).names() == []  # nor does the local workspace see either


def test_the_same_name_in_two_workspaces_is_two_options(two_federations):
    barnsley, wakefield = two_federations
    barnsley.save("Option A", Scenario(management_fee_pct=5))
    wakefield.save("option a", Scenario(management_fee_pct=8))
    barnsley.delete("Option A")
    assert barnsley.names() == []
    assert [(s.name, s.scenario.management_fee_pct, s.saved_by) for s in wakefield.list()] == [("option a", 8.0, "bob@wakefield.example")]


def test_a_workspace_that_does_not_exist(backend):
    nowhere = ScenarioStore(backend=backend, workspace="nowhere")
    for act in (nowhere.list, lambda: nowhere.save("A", Scenario())):
        with pytest.raises(StoreError, match="There is no workspace 'nowhere' in the store"):
            act()


def test_workspaces_and_their_rules(backend):
    admin = WorkspaceStore(backend=backend)
    assert admin.workspaces() == [Workspace("local", "This server")]  # every store has the local workspace
    assert admin.create("barnsley-2", "  Barnsley   federation ") == Workspace("barnsley-2", "Barnsley federation")
    with pytest.raises(StoreError, match="A workspace 'barnsley-2' already exists"):
        admin.create("barnsley-2", "Again")
    for bad in ("Barnsley", "-x", "a b", "", "x" * 41):
        with pytest.raises(StoreError, match="cannot name a workspace"):
            admin.create(bad, "Name")
    with pytest.raises(StoreError, match="Give the workspace a name"):
        admin.create("empty", "   ")
    assert [w.workspace_id for w in admin.workspaces()] == ["barnsley-2", "local"]


def test_a_user_belongs_only_to_the_workspaces_they_are_added_to(backend):
    admin = WorkspaceStore(backend=backend, actor="admin@csu.example")
    admin.create("barnsley", "Barnsley federation")
    admin.create("wakefield", "Wakefield federation")
    admin.add_member("barnsley", " Ann@Barnsley.example ", "admin")
    admin.add_member("wakefield", "ann@barnsley.example", "practice", "c85001")
    admin.add_member("wakefield", "bob@wakefield.example")
    assert admin.memberships("ANN@barnsley.example") == [
        Membership("barnsley", "Barnsley federation", "ann@barnsley.example", "admin", None),
        Membership("wakefield", "Wakefield federation", "ann@barnsley.example", "practice", "C85001"),
    ]
    assert admin.memberships("bob@wakefield.example") == [
        Membership("wakefield", "Wakefield federation", "bob@wakefield.example", "member")
    ]
    assert admin.memberships("eve@elsewhere.example") == []
    assert admin.memberships("ann@barnsley.example")[1].practice_only
    changed = admin.add_member("wakefield", "ann@barnsley.example", "member")  # a new role replaces the old
    assert (changed.role, changed.practice_code) == ("member", None)
    admin.remove_member("wakefield", "ann@barnsley.example")
    assert [m.workspace_id for m in admin.memberships("ann@barnsley.example")] == ["barnsley"]
    with pytest.raises(StoreError, match="is not a member of workspace 'wakefield'"):
        admin.remove_member("wakefield", "ann@barnsley.example")
    assert [m.user_id for m in admin.members("wakefield")] == ["bob@wakefield.example"]


@pytest.mark.parametrize(
    ("role", "code", "message"),
    [
        ("owner", None, "'owner' is not a role"),
        ("practice", None, "needs their practice's code"),
        ("practice", "C85", "needs their practice's code"),
        ("member", "C85001", "Only a 'practice' member is limited to one practice"),
    ],
)
def test_bad_memberships(backend, role, code, message):
    admin = WorkspaceStore(backend=backend)
    with pytest.raises(StoreError, match=message):
        admin.add_member("local", "ann@barnsley.example", role, code)
    assert admin.members("local") == []


def test_a_member_of_a_workspace_that_does_not_exist(backend):
    with pytest.raises(StoreError, match="There is no workspace 'nowhere'"):
        WorkspaceStore(backend=backend).add_member("nowhere", "ann@barnsley.example")
    with pytest.raises(StoreError, match="is not a user the store can keep"):
        WorkspaceStore(backend=backend).add_member("local", "ann smith")


def test_the_audit_log_says_who_did_what_to_which_option(two_federations):
    barnsley, wakefield = two_federations
    barnsley.save("Option A", Scenario(management_fee_pct=5))
    with pytest.raises(StoreError, match="already saved"):
        barnsley.save("option a", Scenario())  # refused: no entry
    barnsley.save("OPTION A", Scenario(management_fee_pct=6), replace=True)
    barnsley.rename("option a", "Fee at 6%")
    barnsley.duplicate("Fee at 6%", "Fee at 6% (copy)")
    ScenarioStore(backend=barnsley.backend, workspace="barnsley", actor="cat@barnsley.example").delete("fee at 6%")
    wakefield.save("Theirs", Scenario())
    log = AuditLog(backend=barnsley.backend)
    entries = log.entries("barnsley")
    assert [(e.actor, e.action, e.kind, e.name, e.detail) for e in reversed(entries)] == [
        ("admin@csu.example", "created", "workspace", "Barnsley federation", ""),
        ("ann@barnsley.example", "saved", "option", "Option A", ""),
        ("ann@barnsley.example", "replaced", "option", "OPTION A", "was 'Option A'"),
        ("ann@barnsley.example", "renamed", "option", "Fee at 6%", "was 'OPTION A'"),
        ("ann@barnsley.example", "duplicated", "option", "Fee at 6% (copy)", "a copy of 'Fee at 6%'"),
        ("cat@barnsley.example", "deleted", "option", "Fee at 6%", ""),
    ]
    assert all(e.workspace == "barnsley" for e in entries)
    assert [e.at for e in entries] == sorted((e.at for e in entries), reverse=True)
    assert [(e.action, e.name) for e in log.entries("wakefield")] == [("saved", "Theirs"), ("created", "Wakefield federation")]
    assert str(entries[0]).endswith("UTC cat@barnsley.example deleted option 'Fee at 6%'")
    assert len(log.entries("barnsley", limit=2)) == 2


def test_membership_changes_are_in_the_audit_log(backend):
    admin = WorkspaceStore(backend=backend, actor="admin@csu.example")
    admin.add_member("local", "ann@barnsley.example", "practice", "C85001")
    admin.add_member("local", "ann@barnsley.example", "member")
    admin.remove_member("local", "ann@barnsley.example")
    assert [(e.actor, e.action, e.name, e.detail) for e in reversed(AuditLog(backend=backend).entries("local"))] == [
        ("admin@csu.example", "added", "ann@barnsley.example", "practice of practice C85001"),
        ("admin@csu.example", "changed", "ann@barnsley.example", "member"),
        ("admin@csu.example", "removed", "ann@barnsley.example", ""),
    ]
