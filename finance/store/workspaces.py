"""Workspaces (one a federation) and their members: who may see which workspace, and how much of it.

A member's role is 'admin' (the federation's figures, and manages members), 'member' (the
federation's figures) or 'practice' (only their own practice's figures: ``practice_code``). The
workspace 'local' always exists: it is the only one when nobody signs in. Users are named by the
e-mail address they sign in with, in lower case.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from finance.errors import StoreError
from finance.store.audit import record
from finance.store.backend import Backend, Db, open_backend

LOCAL_WORKSPACE = "local"
LOCAL_USER = "local"
ROLES = ("admin", "member", "practice")
_WORKSPACE_ID = re.compile(r"^[a-z0-9][a-z0-9-]{0,39}$")
_PRACTICE_CODE = re.compile(r"^[A-Z][0-9A-Z]{5}$")  # an ODS practice code: A81001


@dataclass(frozen=True)
class Workspace:
    """A federation's workspace: its short id and its name as shown."""

    workspace_id: str
    name: str


@dataclass(frozen=True)
class Membership:
    """One user in one workspace; ``practice_code`` is set exactly when the role is 'practice'."""

    workspace_id: str
    workspace_name: str
    user_id: str
    role: str
    practice_code: str | None = None

    @property
    def practice_only(self) -> bool:
        return self.role == "practice"


def require_workspace(db: Db, workspace_id: str) -> None:
    """Raise a plain StoreError when the workspace does not exist."""
    if db.row("SELECT 1 FROM workspaces WHERE workspace_id = ?", [workspace_id]) is None:
        raise StoreError(f"There is no workspace '{workspace_id}' in the store.")


def user_key(user: str) -> str:
    """The user as the store keeps them: the e-mail address, trimmed and in lower case."""
    key = str(user or "").strip().lower()
    if not key or len(key) > 254 or any(ch.isspace() or ord(ch) < 32 for ch in key):
        raise StoreError(f"'{str(user)[:40]}' is not a user the store can keep (give their e-mail address).")
    return key


class WorkspaceStore:
    """Creates workspaces and keeps their members; every change is in the audit log."""

    def __init__(
        self,
        path: str | Path | None = None,
        *,
        actor: str = LOCAL_USER,
        database_url: str | None = None,
        backend: Backend | None = None,
    ):
        self.backend = backend or open_backend(path, database_url)
        self.actor = actor

    def create(self, workspace_id: str, name: str) -> Workspace:
        """A new workspace (its id: lower-case letters, digits and dashes, at most 40)."""
        if not _WORKSPACE_ID.match(workspace_id or ""):
            raise StoreError(f"'{workspace_id}' cannot name a workspace: use lower-case letters, digits and dashes (at most 40).")
        name = " ".join(str(name or "").split())
        if not name:
            raise StoreError("Give the workspace a name.")
        workspace = Workspace(workspace_id, name)

        def write(db: Db) -> Workspace:
            if db.row("SELECT 1 FROM workspaces WHERE workspace_id = ?", [workspace_id]) is not None:
                raise StoreError(f"A workspace '{workspace_id}' already exists.")
            db.run("INSERT INTO workspaces (workspace_id, name, created_at) VALUES (?, ?, ?)", [workspace_id, name, _now()])
            record(db, workspace_id, self.actor, "created", "workspace", name)
            return workspace

        return self.backend.transaction(write)

    def workspaces(self) -> list[Workspace]:
        return self.backend.transaction(
            lambda db: [Workspace(*row) for row in db.rows("SELECT workspace_id, name FROM workspaces ORDER BY workspace_id")]
        )

    def add_member(self, workspace_id: str, user: str, role: str = "member", practice_code: str | None = None) -> Membership:
        """Give a user a role in a workspace (or change their role there)."""
        user = user_key(user)
        if role not in ROLES:
            raise StoreError(f"'{role}' is not a role: use one of {', '.join(ROLES)}.")
        if role == "practice":
            practice_code = str(practice_code or "").strip().upper()
            if not _PRACTICE_CODE.match(practice_code):
                raise StoreError(
                    f"A practice member needs their practice's code (six letters and digits, like A81001), not '{practice_code}'."
                )
        elif practice_code:
            raise StoreError(f"Only a 'practice' member is limited to one practice; {user} is '{role}'.")
        else:
            practice_code = None

        def write(db: Db) -> Membership:
            require_workspace(db, workspace_id)
            existed = db.row("SELECT role FROM members WHERE workspace_id = ? AND user_id = ?", [workspace_id, user])
            db.run("DELETE FROM members WHERE workspace_id = ? AND user_id = ?", [workspace_id, user])
            db.run(
                "INSERT INTO members (workspace_id, user_id, role, practice_code, added_at) VALUES (?, ?, ?, ?, ?)",
                [workspace_id, user, role, practice_code, _now()],
            )
            detail = role + (f" of practice {practice_code}" if practice_code else "")
            record(db, workspace_id, self.actor, "changed" if existed else "added", "member", user, detail)
            return _membership(db, workspace_id, user)

        return self.backend.transaction(write)

    def remove_member(self, workspace_id: str, user: str) -> None:
        user = user_key(user)

        def write(db: Db) -> None:
            if db.row("SELECT 1 FROM members WHERE workspace_id = ? AND user_id = ?", [workspace_id, user]) is None:
                raise StoreError(f"{user} is not a member of workspace '{workspace_id}'.")
            db.run("DELETE FROM members WHERE workspace_id = ? AND user_id = ?", [workspace_id, user])
            record(db, workspace_id, self.actor, "removed", "member", user)

        self.backend.transaction(write)

    def memberships(self, user: str) -> list[Membership]:
        """Every workspace the user belongs to, by workspace name: the only ones they may see."""
        user = user_key(user)
        return self.backend.transaction(
            lambda db: [
                Membership(*row)
                for row in db.rows(
                    "SELECT w.workspace_id, w.name, m.user_id, m.role, m.practice_code FROM members m "
                    "JOIN workspaces w ON w.workspace_id = m.workspace_id WHERE m.user_id = ? ORDER BY w.name, w.workspace_id",
                    [user],
                )
            ]
        )

    def members(self, workspace_id: str) -> list[Membership]:
        return self.backend.transaction(
            lambda db: [
                Membership(*row)
                for row in db.rows(
                    "SELECT w.workspace_id, w.name, m.user_id, m.role, m.practice_code FROM members m "
                    "JOIN workspaces w ON w.workspace_id = m.workspace_id WHERE m.workspace_id = ? ORDER BY m.user_id",
                    [workspace_id],
                )
            ]
        )


def _membership(db: Db, workspace_id: str, user: str) -> Membership:
    row = db.row(
        "SELECT w.workspace_id, w.name, m.user_id, m.role, m.practice_code FROM members m "
        "JOIN workspaces w ON w.workspace_id = m.workspace_id WHERE m.workspace_id = ? AND m.user_id = ?",
        [workspace_id, user],
    )
    assert row is not None  # just written in this transaction
    return Membership(*row)


def _now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)
