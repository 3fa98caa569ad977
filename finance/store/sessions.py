"""One browser's app session kept in the store between visits: its uploaded files and its choices.

``SessionStore(workspace=..., user=...)`` keeps each session under an unguessable key (``new_key()``,
made with ``secrets.token_urlsafe``) that only that browser holds, in a cookie. The store is the
app's (finance/store/backend.py): PostgreSQL when $FINANCE_DATABASE_URL is set, else the DuckDB
file. A session is one row of ``saved_sessions``, keyed by its workspace and the SHA-256 of its key
(the key itself is stored nowhere), holding its choices as JSON (settings, never a figure) and when
it was last used. Its files are a data set of the same workspace (``data_sets``/``data_set_files``,
named by the files' Dataset.fingerprint), so the same files kept by two sessions, or kept by a
session and saved on the Data page, are stored once. Files no user saved are marked
``session_only``: the Data page never lists them, and they are deleted with the last session that
uses them.

A key loads only in the workspace, and for the user, it was saved by: the same cookie sent while
working in another workspace, or by another signed-in user, finds nothing. Every server on the same
database finds a session again, so a restart, or a move to another server, loses nothing. A session
unused for $FINANCE_SESSION_IDLE_DAYS days (default 30) is deleted by ``expire``, in every workspace
(idleness is the server's rule); ``delete`` removes one at once. Nothing here logs anything, and no
audit entry is written: a session is one browser's, not the workspace's.

A write the store cannot make raises ``SessionNotKept``: a StoreError, and an OSError as the
session folders of earlier versions raised (ui/session_keeper.py says once that the session is not
kept).
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import secrets
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TypeVar

from finance.errors import StoreError
from finance.store.backend import Backend, Db, open_backend
from finance.store.workspaces import LOCAL_USER, LOCAL_WORKSPACE, require_workspace

IDLE_DAYS_ENV = "FINANCE_SESSION_IDLE_DAYS"
DEFAULT_IDLE_DAYS = 30.0
KEY_BYTES = 32  # token_urlsafe(32): 43 characters, 256 bits
MAX_STATE_BYTES = 64 * 1024  # a session's choices take a few hundred bytes: anything this large is not choices
SESSION_FILES = "Files of a browser session"  # data_sets.name of files no user saved
_KEY = re.compile(r"^[A-Za-z0-9_-]{40,128}$")

T = TypeVar("T")
Files = tuple[tuple[str, bytes], ...]


def idle_days() -> float:
    """$FINANCE_SESSION_IDLE_DAYS when it is a positive number, else 30."""
    try:
        days = float(os.environ.get(IDLE_DAYS_ENV, ""))
    except ValueError:
        return DEFAULT_IDLE_DAYS
    return days if days > 0 else DEFAULT_IDLE_DAYS


def new_key() -> str:
    return secrets.token_urlsafe(KEY_BYTES)


def is_key(text: object) -> bool:
    """A key this store could have made (anything else, e.g. a cookie someone typed, is refused)."""
    return isinstance(text, str) and bool(_KEY.match(text))


def files_id(files: Sequence[tuple[str, bytes]]) -> str:
    """The files' data set id: the Dataset.fingerprint they validate to (one hash of the contents, in any order)."""
    digest = hashlib.sha256()
    for sha in sorted(hashlib.sha256(content).hexdigest() for _, content in files):
        digest.update(sha.encode())
    return digest.hexdigest()


def named_files_id(files: Sequence[tuple[str, bytes]]) -> str:
    """The id for the same contents under other names (or in another order) than a data set already kept."""
    digest = hashlib.sha256()
    for name, content in files:
        digest.update(json.dumps([name, hashlib.sha256(content).hexdigest()]).encode())
    return "named-" + digest.hexdigest()


class SessionNotKept(StoreError, OSError):
    """The store could not keep the session; ``strerror`` says why, in a phrase."""

    def __init__(self, reason: str):
        super().__init__(None, reason)

    def __str__(self) -> str:
        return f"The session could not be kept: {self.strerror}."


@dataclass(frozen=True)
class StoredSession:
    """What a session left: its files (name, bytes) in upload order, and its choices."""

    files: Files = ()
    state: Mapping[str, object] = field(default_factory=dict)


class SessionStore:
    """The sessions of one user in one workspace, by key (see the module docstring)."""

    def __init__(
        self,
        path: str | Path | None = None,
        *,
        workspace: str = LOCAL_WORKSPACE,
        user: str = LOCAL_USER,
        database_url: str | None = None,
        backend: Backend | None = None,
    ):
        self.backend = backend or open_backend(path, database_url)
        self.workspace = workspace
        self.user = user

    def __repr__(self) -> str:  # never a key
        return f"SessionStore({self.backend!r}, workspace={self.workspace!r})"

    def save_state(self, key: str, state: Mapping[str, object]) -> None:
        session_id = _session_id(key)
        text = json.dumps(dict(state), sort_keys=True)
        if len(text.encode()) > MAX_STATE_BYTES:
            raise SessionNotKept(f"its choices take more than {MAX_STATE_BYTES // 1024} KB")

        def write(db: Db) -> None:
            self._own(db, session_id)
            db.run(
                "UPDATE saved_sessions SET state_json = ?, updated_at = ? WHERE workspace_id = ? AND session_id = ?",
                [text, _now(), self.workspace, session_id],
            )

        self._write(write)

    def save_files(self, key: str, files: Sequence[tuple[str, bytes]]) -> None:
        """Keep exactly these files for the session (files no other session or saved data set uses are deleted)."""
        session_id = _session_id(key)
        files = tuple((str(name), bytes(content)) for name, content in files)

        def write(db: Db) -> None:
            _serializable(db)
            self._own(db, session_id)
            data_set_id = self._keep(db, files) if files else None
            db.run(
                "UPDATE saved_sessions SET data_set_id = ?, updated_at = ? WHERE workspace_id = ? AND session_id = ?",
                [data_set_id, _now(), self.workspace, session_id],
            )
            _drop_unused_files(db, self.workspace)

        self._write(write)

    def load(self, key: str) -> StoredSession | None:
        """The session's files and choices, or None for a key with nothing stored here (or not a key)."""
        if not is_key(key):
            return None
        session_id = _session_id(key)

        def read(db: Db) -> StoredSession | None:
            row = db.row(
                "SELECT user_id, data_set_id, state_json FROM saved_sessions WHERE workspace_id = ? AND session_id = ?",
                [self.workspace, session_id],
            )
            if row is None or row[0] != self.user:
                return None
            _, data_set_id, text = row
            files: Files = ()
            if data_set_id is not None:
                files = _files(db, self.workspace, data_set_id)
                if data_set_id not in (files_id(files), named_files_id(files)):
                    return None  # damaged files are not handed back as the user's figures
            try:
                state = json.loads(text)
            except ValueError:
                return None
            db.run(
                "UPDATE saved_sessions SET updated_at = ? WHERE workspace_id = ? AND session_id = ?", [_now(), self.workspace, session_id]
            )
            return StoredSession(files, state if isinstance(state, dict) else {})

        return self.backend.transaction(read)

    def delete(self, key: str) -> None:
        """Forget the session, and delete its files unless another session or a saved data set uses them."""
        if not is_key(key):
            return
        session_id = _session_id(key)

        def write(db: Db) -> None:
            _serializable(db)
            db.run(
                "DELETE FROM saved_sessions WHERE workspace_id = ? AND session_id = ? AND user_id = ?",
                [self.workspace, session_id, self.user],
            )
            _drop_unused_files(db, self.workspace)

        self._write(write)

    def expire(self, max_idle_days: float | None = None, *, now: float | None = None) -> int:
        """Delete every session (of any workspace) unused for longer than ``max_idle_days``; how many were deleted."""
        days = max_idle_days if max_idle_days is not None else idle_days()
        moment = datetime.fromtimestamp(now if now is not None else time.time(), UTC)
        limit = (moment - timedelta(days=days)).replace(tzinfo=None)

        def write(db: Db) -> int:
            _serializable(db)
            found = db.row("SELECT count(*) FROM saved_sessions WHERE updated_at < ?", [limit])
            db.run("DELETE FROM saved_sessions WHERE updated_at < ?", [limit])
            _drop_unused_files(db)
            return int(found[0]) if found else 0

        return self._write(write)

    def _own(self, db: Db, session_id: str) -> None:
        """Make sure the session has its row, and that it is this user's."""
        row = db.row("SELECT user_id FROM saved_sessions WHERE workspace_id = ? AND session_id = ?", [self.workspace, session_id])
        if row is None:
            require_workspace(db, self.workspace)
            db.run(
                "INSERT INTO saved_sessions (workspace_id, session_id, user_id, data_set_id, state_json, updated_at) VALUES (?, ?, ?, NULL, ?, ?)",
                [self.workspace, session_id, self.user, "{}", _now()],
            )
        elif row[0] != self.user:
            raise SessionNotKept("the key names another user's session")

    def _keep(self, db: Db, files: Files) -> str:
        """The id of a data set of this workspace holding exactly ``files`` (names, order, bytes): kept already, or new."""
        for data_set_id in (files_id(files), named_files_id(files)):
            if db.row("SELECT 1 FROM data_sets WHERE workspace_id = ? AND data_set_id = ?", [self.workspace, data_set_id]) is None:
                db.run(
                    "INSERT INTO data_sets (workspace_id, data_set_id, name, file_names, size_bytes, saved_at, saved_by, session_only) "
                    "VALUES (?, ?, ?, ?, ?, ?, ?, TRUE)",
                    [self.workspace, data_set_id, SESSION_FILES, [n for n, _ in files], sum(len(c) for _, c in files), _now(), self.user],
                )
                for position, (name, content) in enumerate(files):
                    db.run(
                        "INSERT INTO data_set_files (workspace_id, data_set_id, position, file_name, content) VALUES (?, ?, ?, ?, ?)",
                        [self.workspace, data_set_id, position, name, content],
                    )
                return data_set_id
            if _files(db, self.workspace, data_set_id) == files:
                return data_set_id
        raise SessionNotKept("the store holds other files under these files' id")  # two different files with one SHA-256

    def _write(self, work: Callable[[Db], T]) -> T:
        try:
            return self.backend.transaction(work)
        except SessionNotKept:
            raise
        except StoreError as exc:
            reason = str(exc).rstrip(".")
            raise SessionNotKept(reason[:1].lower() + reason[1:]) from None


def _serializable(db: Db) -> None:
    """On PostgreSQL, run this transaction as if alone (the backend runs it again when another got in the way).

    Without it, a session leaving files that another server's session is taking up at the same moment
    deletes them from under it. DuckDB has one writer at a time already.
    """
    if db.kind == "postgres":
        db.run("SET TRANSACTION ISOLATION LEVEL SERIALIZABLE")


def _session_id(key: str) -> str:
    if not is_key(key):
        raise ValueError("not a session key")
    return hashlib.sha256(key.encode()).hexdigest()


def _files(db: Db, workspace: str, data_set_id: str) -> Files:
    rows = db.rows(
        "SELECT file_name, content FROM data_set_files WHERE workspace_id = ? AND data_set_id = ? ORDER BY position",
        [workspace, data_set_id],
    )
    return tuple((name, bytes(content)) for name, content in rows)


def _drop_unused_files(db: Db, workspace: str | None = None) -> None:
    """Delete the session-only data sets (of ``workspace``, or of every one) that no session points at any more."""
    unused = (
        "{table}.workspace_id = d.workspace_id AND {table}.data_set_id = d.data_set_id AND d.session_only AND NOT EXISTS "
        "(SELECT 1 FROM saved_sessions s WHERE s.workspace_id = d.workspace_id AND s.data_set_id = d.data_set_id)"
    )
    for table in ("data_set_files", "data_sets"):  # the files first: they are found through their data set
        only = f" AND {table}.workspace_id = ?" if workspace is not None else ""
        db.run(
            f"DELETE FROM {table} WHERE EXISTS (SELECT 1 FROM data_sets d WHERE {unused.format(table=table)}){only}",
            [workspace] if workspace is not None else [],
        )


def _now() -> datetime:
    """Now in UTC, without a zone: the columns are TIMESTAMP (UTC by convention) on both backends."""
    return datetime.now(UTC).replace(tzinfo=None)
