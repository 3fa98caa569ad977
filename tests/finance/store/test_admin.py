"""The workspace admin command line, on the store the environment names (each backend in turn)."""

from __future__ import annotations

import pytest

from finance.store.admin import main
from finance.store.backend import DuckDBBackend
from finance.store.workspaces import WorkspaceStore


@pytest.fixture
def environment(backend, monkeypatch):
    """Point the environment at this test's store, as a deployment's finance.env would."""
    if isinstance(backend, DuckDBBackend):
        monkeypatch.delenv("FINANCE_DATABASE_URL", raising=False)
        monkeypatch.setenv("FINANCE_SCENARIO_STORE", str(backend.path))
    else:
        monkeypatch.setenv("FINANCE_DATABASE_URL", backend.url)
    return backend


def test_create_add_list_audit_remove(environment, capsys):
    assert main(["--actor", "admin@csu.example", "create-workspace", "barnsley", "Barnsley federation"]) == 0
    assert (
        main(["--actor", "admin@csu.example", "add-member", "barnsley", "Ann@NHS.net", "--role", "practice", "--practice", "c85001"]) == 0
    )
    assert main(["add-member", "barnsley", "bob@nhs.net"]) == 0
    assert main(["workspaces"]) == 0
    assert main(["members", "barnsley"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out == [
        "Created workspace 'barnsley' (Barnsley federation).",
        "ann@nhs.net is now 'practice' in workspace 'barnsley' (practice C85001 only).",
        "bob@nhs.net is now 'member' in workspace 'barnsley'.",
        "barnsley\tBarnsley federation",
        "local\tThis server",
        "ann@nhs.net\tpractice\tC85001",
        "bob@nhs.net\tmember",
    ]
    assert main(["--actor", "admin@csu.example", "remove-member", "barnsley", "ann@nhs.net"]) == 0
    assert main(["audit", "barnsley", "--limit", "2"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0] == "Removed ann@nhs.net from workspace 'barnsley'."
    assert out[1].endswith("UTC admin@csu.example removed member 'ann@nhs.net'")
    assert out[2].split(" UTC ")[1].startswith("admin:") and out[2].endswith("added member 'bob@nhs.net' (member)")
    assert [m.user_id for m in WorkspaceStore(backend=environment).members("barnsley")] == ["bob@nhs.net"]


def test_a_problem_is_one_sentence_and_exit_1(environment, capsys):
    assert main(["add-member", "nowhere", "ann@nhs.net"]) == 1
    assert capsys.readouterr().err == "There is no workspace 'nowhere' in the store.\n"
    assert main(["migrate"]) == 0
    assert capsys.readouterr().out.startswith("The store is at schema version 4 (")
