"""Uploaded files kept at rest for one workspace: saved, listed, read back and deleted by its users.

``DataSetStore(workspace=..., actor=...).save(uploads, dataset, "March figures")`` keeps the files
exactly as uploaded, but only the files a validated ``Dataset`` was made from (each file's SHA-256
must match one of its sources): bytes that did not pass the upload checks (finance/ingest, with its
size limits) are never stored. Reading them back gives ``Upload`` objects to validate again, since
anything read from storage is untrusted too. Another workspace can neither list, read nor delete
them, and a deletion removes the bytes in the same transaction as its audit entry (also for a browser
session that had the same files loaded: it comes back on the sample data). The files browser sessions
keep (finance/store/sessions.py) are data sets too, marked ``session_only``: never listed or opened here,
and saving the same files here makes them an ordinary data set. Nothing here logs a file's contents,
and the contents reach the database only as statement parameters, which deploy/postgresql.conf keeps
out of PostgreSQL's log.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from finance.errors import StoreError
from finance.ingest.read import Upload
from finance.store.audit import record
from finance.store.backend import Backend, Db, open_backend
from finance.store.workspaces import LOCAL_USER, LOCAL_WORKSPACE, require_workspace

if TYPE_CHECKING:
    from finance.ingest.dataset import Dataset

MAX_NAME_LENGTH = 80


@dataclass(frozen=True)
class SavedDataSet:
    """A data set as listed: its id (the Dataset's fingerprint), name, files, size, and who saved it when."""

    data_set_id: str
    name: str
    file_names: tuple[str, ...]
    size_bytes: int
    saved_at: datetime
    saved_by: str


class DataSetStore:
    """The uploaded data sets of one workspace."""

    def __init__(
        self,
        path: str | Path | None = None,
        *,
        workspace: str = LOCAL_WORKSPACE,
        actor: str = LOCAL_USER,
        database_url: str | None = None,
        backend: Backend | None = None,
    ):
        self.backend = backend or open_backend(path, database_url)
        self.workspace = workspace
        self.actor = actor

    def save(self, uploads: Sequence[Upload], dataset: Dataset, name: str) -> SavedDataSet:
        """Keep the files ``dataset`` was validated from; saving the same files again replaces the name only."""
        name = " ".join(str(name or "").split())
        if not name or len(name) > MAX_NAME_LENGTH:
            raise StoreError(f"Give the data set a name of 1 to {MAX_NAME_LENGTH} characters.")
        validated = sorted(source.sha256 for source in dataset.sources)
        given = sorted(hashlib.sha256(upload.content).hexdigest() for upload in uploads)
        if not uploads or given != validated:
            raise StoreError("Only the files of a data set that has passed the upload checks can be saved: upload and check them first.")
        saved = SavedDataSet(
            data_set_id=dataset.fingerprint,
            name=name,
            file_names=tuple(upload.name for upload in uploads),
            size_bytes=sum(len(upload.content) for upload in uploads),
            saved_at=datetime.now(UTC),
            saved_by=self.actor,
        )

        def write(db: Db) -> SavedDataSet:
            require_workspace(db, self.workspace)
            existed = db.row(
                "SELECT name FROM data_sets WHERE workspace_id = ? AND data_set_id = ? AND NOT session_only",
                [self.workspace, saved.data_set_id],
            )
            self._remove(db, saved.data_set_id)
            db.run(
                "INSERT INTO data_sets (workspace_id, data_set_id, name, file_names, size_bytes, saved_at, saved_by) VALUES (?, ?, ?, ?, ?, ?, ?)",
                [
                    self.workspace,
                    saved.data_set_id,
                    saved.name,
                    list(saved.file_names),
                    saved.size_bytes,
                    _naive(saved.saved_at),
                    saved.saved_by,
                ],
            )
            for position, upload in enumerate(uploads):
                db.run(
                    "INSERT INTO data_set_files (workspace_id, data_set_id, position, file_name, content) VALUES (?, ?, ?, ?, ?)",
                    [self.workspace, saved.data_set_id, position, upload.name, upload.content],
                )
            detail = f"was '{existed[0]}'" if existed and existed[0] != saved.name else ""
            record(db, self.workspace, self.actor, "replaced" if existed else "saved", "data set", saved.name, detail)
            return saved

        return self.backend.transaction(write)

    def list(self) -> list[SavedDataSet]:
        """The workspace's data sets, newest first (no file contents)."""

        def read(db: Db) -> list[SavedDataSet]:
            require_workspace(db, self.workspace)
            rows = db.rows(
                "SELECT data_set_id, name, file_names, size_bytes, saved_at, saved_by FROM data_sets WHERE workspace_id = ? AND NOT session_only ORDER BY saved_at DESC, name",
                [self.workspace],
            )
            return [SavedDataSet(r[0], r[1], tuple(r[2] or ()), int(r[3]), r[4].replace(tzinfo=UTC), r[5]) for r in rows]

        return self.backend.transaction(read)

    def load(self, data_set_id: str) -> tuple[Upload, ...]:
        """The files as uploaded, in their upload order: validate them again before use."""

        def read(db: Db) -> tuple[Upload, ...]:
            require_workspace(db, self.workspace)
            self._fetch_name(db, data_set_id)
            rows = db.rows(
                "SELECT file_name, content FROM data_set_files WHERE workspace_id = ? AND data_set_id = ? ORDER BY position",
                [self.workspace, data_set_id],
            )
            return tuple(Upload(name, bytes(content)) for name, content in rows)

        return self.backend.transaction(read)

    def delete(self, data_set_id: str) -> None:
        """Remove the data set and its files' bytes from the store."""

        def write(db: Db) -> None:
            require_workspace(db, self.workspace)
            name = self._fetch_name(db, data_set_id)
            self._remove(db, data_set_id)
            # Browser sessions that had these files loaded keep their choices, and come back on the sample data.
            db.run("UPDATE saved_sessions SET data_set_id = NULL WHERE workspace_id = ? AND data_set_id = ?", [self.workspace, data_set_id])
            record(db, self.workspace, self.actor, "deleted", "data set", name)

        self.backend.transaction(write)

    def _fetch_name(self, db: Db, data_set_id: str) -> str:
        row = db.row(
            "SELECT name FROM data_sets WHERE workspace_id = ? AND data_set_id = ? AND NOT session_only", [self.workspace, data_set_id]
        )
        if row is None:
            raise StoreError("That data set is not saved in this workspace (it may have been deleted).")
        return row[0]

    def _remove(self, db: Db, data_set_id: str) -> None:
        db.run("DELETE FROM data_set_files WHERE workspace_id = ? AND data_set_id = ?", [self.workspace, data_set_id])
        db.run("DELETE FROM data_sets WHERE workspace_id = ? AND data_set_id = ?", [self.workspace, data_set_id])


def _naive(moment: datetime) -> datetime:
    return moment.astimezone(UTC).replace(tzinfo=None)
