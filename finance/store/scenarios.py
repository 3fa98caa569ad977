"""Named scenarios (saved options) kept per workspace, on the DuckDB file or on PostgreSQL.

``ScenarioStore(path).save("Option A", scenario, dataset=dataset)`` records the scenario's JSON
(``Scenario.to_dict``, never a pickle), a description, the data it was made on (file names and
``Dataset.fingerprint``), who saved it and when, in the workspace the store was opened on
(``workspace='local'`` unless told: the one workspace of a server nobody signs in to). Reading it
back goes through ``Scenario.from_dict``, so a saved scenario is checked exactly like a scenario
file. Every change also writes its entry in the audit log (finance/store/audit.py).

Where it lives is finance/store/backend.py's choice: the DuckDB file ``path`` when given, else
PostgreSQL when ``FINANCE_DATABASE_URL`` is set, else ``data/scenarios.duckdb`` under the project
folder (or the file ``FINANCE_SCENARIO_STORE`` names). Every operation is one transaction, so a
process killed in the middle of a save loses at most that save, never an earlier one.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

from finance.errors import ScenarioError, StoreError
from finance.model.scenario import Scenario
from finance.store.audit import record
from finance.store.backend import DEFAULT_STORE_PATH, STORE_ENV, Backend, Db, DuckDBBackend, default_store_path, open_backend
from finance.store.workspaces import LOCAL_USER, LOCAL_WORKSPACE, require_workspace

if TYPE_CHECKING:
    from finance.ingest.dataset import Dataset

__all__ = ["DEFAULT_STORE_PATH", "STORE_ENV", "SavedScenario", "ScenarioStore", "default_store_path"]

MAX_NAME_LENGTH = 80
T = TypeVar("T")

_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
_COLUMNS = "name, description, scenario_json, file_names, fingerprint, saved_at, saved_by"


@dataclass(frozen=True)
class SavedScenario:
    """A scenario as saved: its name, description, and the data it was made on."""

    name: str
    scenario: Scenario
    description: str = ""
    file_names: tuple[str, ...] = ()
    fingerprint: str | None = None
    saved_at: datetime = field(default_factory=lambda: datetime.now(UTC))
    saved_by: str = LOCAL_USER

    def matches(self, dataset: Dataset) -> bool:
        """True when the data loaded now is the data it was saved on (or it was saved without data)."""
        return self.fingerprint is None or self.fingerprint == dataset.fingerprint

    def mismatch(self, dataset: Dataset) -> str | None:
        """A plain sentence when the data loaded now differs from the data it was saved on; else None.

        >>> class Data:  # stands in for a Dataset
        ...     fingerprint, file_names = "new", ["a.csv", "b.xlsx"]
        >>> saved = SavedScenario("Option A", Scenario(), file_names=("a.csv", "b.xlsx"), fingerprint="old",
        ...                       saved_at=datetime(2025, 3, 3, tzinfo=UTC))
        >>> saved.mismatch(Data())
        "'Option A' was saved on 3 March 2025 on files a.csv, b.xlsx; files with the same names are loaded now but their contents differ, so its figures may not match those seen when it was saved."
        """
        if self.matches(dataset):
            return None
        when = f"{self.saved_at.day} {self.saved_at:%B %Y}"
        saved_on = f"'{self.name}' was saved on {when} on files {', '.join(self.file_names) or '(none)'}"
        if sorted(self.file_names) == sorted(dataset.file_names):
            differs = "files with the same names are loaded now but their contents differ"
        else:
            differs = f"the data loaded now differs ({', '.join(dataset.file_names) or 'no files'})"
        return f"{saved_on}; {differs}, so its figures may not match those seen when it was saved."


class ScenarioStore:
    """Named scenarios of one workspace; safe to share between threads, processes and servers."""

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

    @property
    def path(self) -> Path | None:
        """The DuckDB file, or None when the store is on PostgreSQL."""
        return self.backend.path if isinstance(self.backend, DuckDBBackend) else None

    def __repr__(self) -> str:
        return f"ScenarioStore({self.backend!r}, workspace={self.workspace!r})"

    def save(
        self, name: str, scenario: Scenario, description: str = "", dataset: Dataset | None = None, *, replace: bool = False
    ) -> SavedScenario:
        """Save under a new name (``replace=True`` overwrites a scenario of the same name)."""
        saved = SavedScenario(
            name=_clean_name(name),
            scenario=scenario,
            description=str(description or "").strip(),
            file_names=tuple(dataset.file_names) if dataset is not None else (),
            fingerprint=dataset.fingerprint if dataset is not None else None,
            saved_by=self.actor,
        )

        def write(db: Db) -> SavedScenario:
            existing = self._name_taken(db, saved.name)
            if existing is not None and not replace:
                raise StoreError(f"A scenario named '{existing}' is already saved: choose another name, or replace it.")
            self._remove(db, saved.name)
            self._insert(db, saved)
            detail = f"was '{existing}'" if existing is not None and existing != saved.name else ""
            self._audit(db, "replaced" if existing is not None else "saved", saved.name, detail)
            return saved

        return self._transaction(write)

    def list(self) -> list[SavedScenario]:
        """Every saved scenario of the workspace, by name (case ignored)."""

        def read(db: Db) -> list[SavedScenario]:
            rows = db.rows(f"SELECT {_COLUMNS} FROM saved_options WHERE workspace_id = ? ORDER BY name_key", [self.workspace])
            return [_saved(row) for row in rows]

        return self._transaction(read)

    def names(self) -> list[str]:
        return [s.name for s in self.list()]

    def load(self, name: str) -> SavedScenario:
        return self._transaction(lambda db: self._fetch(db, name))

    def rename(self, old: str, new: str) -> SavedScenario:
        """Give a saved scenario another name (a change of case alone is allowed)."""
        new = _clean_name(new)

        def write(db: Db) -> SavedScenario:
            saved = self._fetch(db, old)
            taken = self._name_taken(db, new)
            if taken is not None and _key(new) != _key(saved.name):
                raise StoreError(f"A scenario named '{taken}' is already saved: choose another name.")
            self._remove(db, saved.name)
            renamed = replace(saved, name=new)
            self._insert(db, renamed)
            self._audit(db, "renamed", new, f"was '{saved.name}'")
            return renamed

        return self._transaction(write)

    def duplicate(self, name: str, new_name: str) -> SavedScenario:
        """A copy under a new name, saved now, made on the same data as the original."""
        new_name = _clean_name(new_name)

        def write(db: Db) -> SavedScenario:
            saved = self._fetch(db, name)
            taken = self._name_taken(db, new_name)
            if taken is not None:
                raise StoreError(f"A scenario named '{taken}' is already saved: choose another name for the copy.")
            copy = replace(saved, name=new_name, saved_at=datetime.now(UTC), saved_by=self.actor)
            self._insert(db, copy)
            self._audit(db, "duplicated", new_name, f"a copy of '{saved.name}'")
            return copy

        return self._transaction(write)

    def delete(self, name: str) -> None:
        def write(db: Db) -> None:
            saved = self._fetch(db, name)
            self._remove(db, saved.name)
            self._audit(db, "deleted", saved.name)

        self._transaction(write)

    def _transaction(self, work: Callable[[Db], T]) -> T:
        def checked(db: Db) -> T:
            require_workspace(db, self.workspace)
            return work(db)

        return self.backend.transaction(checked)

    def _audit(self, db: Db, action: str, name: str, detail: str = "") -> None:
        record(db, self.workspace, self.actor, action, "option", name, detail)

    def _name_taken(self, db: Db, name: str) -> str | None:
        row = db.row("SELECT name FROM saved_options WHERE workspace_id = ? AND name_key = ?", [self.workspace, _key(name)])
        return row[0] if row else None

    def _fetch(self, db: Db, name: str) -> SavedScenario:
        row = db.row(f"SELECT {_COLUMNS} FROM saved_options WHERE workspace_id = ? AND name_key = ?", [self.workspace, _key(name)])
        if row is None:
            raise StoreError(f"No scenario named '{name}' is saved.")
        return _saved(row)

    def _remove(self, db: Db, name: str) -> None:
        db.run("DELETE FROM saved_options WHERE workspace_id = ? AND name_key = ?", [self.workspace, _key(name)])

    def _insert(self, db: Db, saved: SavedScenario) -> None:
        db.run(
            f"INSERT INTO saved_options (workspace_id, name_key, {_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [
                self.workspace,
                _key(saved.name),
                saved.name,
                saved.description,
                json.dumps(saved.scenario.to_dict()),
                list(saved.file_names),
                saved.fingerprint,
                saved.saved_at.astimezone(UTC).replace(tzinfo=None),
                saved.saved_by,
            ],
        )


def _clean_name(name: object) -> str:
    if not isinstance(name, str) or not name.strip():
        raise StoreError("Give the scenario a name.")
    name = " ".join(name.split())
    if _CONTROL.search(name):
        raise StoreError("A scenario name cannot contain control characters.")
    if len(name) > MAX_NAME_LENGTH:
        raise StoreError(f"A scenario name can be at most {MAX_NAME_LENGTH} characters; '{name[:20]}...' has {len(name)}.")
    return name


def _key(name: str) -> str:
    return " ".join(str(name).split()).casefold()


def _saved(row: tuple) -> SavedScenario:
    name, description, scenario_json, file_names, fingerprint, saved_at, saved_by = row
    try:
        scenario = Scenario.from_json(scenario_json)
    except ScenarioError as exc:
        raise StoreError(f"The saved scenario '{name}' cannot be read: {'; '.join(exc.problems)}") from None
    return SavedScenario(
        name=name,
        scenario=scenario,
        description=description,
        file_names=tuple(file_names or ()),
        fingerprint=fingerprint,
        saved_at=saved_at.replace(tzinfo=UTC),
        saved_by=saved_by,
    )
