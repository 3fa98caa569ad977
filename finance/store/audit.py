"""The audit log: who saved, changed or deleted what in a workspace, and when (names only, never a figure).

Every change the store makes writes its entry in the same transaction as the change, so the log
holds an entry exactly when the change happened.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from finance.store.backend import Backend, Db, open_backend

ACTIONS = ("saved", "replaced", "renamed", "duplicated", "deleted", "added", "removed", "created", "changed")
KINDS = ("option", "data set", "session", "member", "workspace")


@dataclass(frozen=True)
class AuditEntry:
    """One change: when, in which workspace, by whom, what was done to which named thing."""

    at: datetime
    workspace: str
    actor: str
    action: str
    kind: str
    name: str
    detail: str = ""

    def __str__(self) -> str:
        detail = f" ({self.detail})" if self.detail else ""
        return f"{self.at:%Y-%m-%d %H:%M:%S} UTC {self.actor} {self.action} {self.kind} '{self.name}'{detail}"


def record(db: Db, workspace: str, actor: str, action: str, kind: str, name: str, detail: str = "") -> None:
    """Write one entry, in the transaction of the change it records."""
    if action not in ACTIONS or kind not in KINDS:  # a typo here would make the log unsearchable
        raise ValueError(f"unknown audit entry {action!r} {kind!r}")
    db.run(
        "INSERT INTO audit_log (logged_at, workspace_id, actor, action, kind, name, detail) VALUES (?, ?, ?, ?, ?, ?, ?)",
        [_now(), workspace, actor, action, kind, name, detail],
    )


class AuditLog:
    """Reads a store's audit log, one workspace at a time."""

    def __init__(self, path: str | Path | None = None, *, database_url: str | None = None, backend: Backend | None = None):
        self.backend = backend or open_backend(path, database_url)

    def entries(self, workspace: str, limit: int = 200) -> list[AuditEntry]:
        """The workspace's latest entries, newest first."""

        def read(db: Db) -> list[AuditEntry]:
            rows = db.rows(
                "SELECT logged_at, workspace_id, actor, action, kind, name, detail FROM audit_log "
                "WHERE workspace_id = ? ORDER BY logged_at DESC, entry_id DESC LIMIT ?",
                [workspace, int(limit)],
            )
            return [AuditEntry(row[0].replace(tzinfo=UTC), *row[1:]) for row in rows]

        return self.backend.transaction(read)


def _now() -> datetime:
    """Now in UTC, without a zone: the columns are TIMESTAMP (UTC by convention) on both backends."""
    return datetime.now(UTC).replace(tzinfo=None)
