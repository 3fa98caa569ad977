"""Named scenarios saved in a DuckDB file, shared by every session of the app and the command line.

``ScenarioStore(path).save("Option A", scenario, dataset=dataset)`` records the scenario's JSON
(``Scenario.to_dict``, never a pickle), a description, the data it was made on (file names and
``Dataset.fingerprint``) and when. Reading it back goes through ``Scenario.from_dict``, so a saved
scenario is checked exactly like a scenario file.

Every operation connects, runs one transaction and closes: DuckDB lets one process at a time open
a file for writing, and two app processes may share the store, so no process holds it between
calls. A process that finds the file locked waits and retries for a few seconds. Each transaction
is committed through DuckDB's write-ahead log, so a process killed in the middle of a save loses at
most that save, never an earlier one.

The file is ``data/scenarios.duckdb`` under the project folder unless ``FINANCE_SCENARIO_STORE``
names another; its folder is created on first use.
"""

from __future__ import annotations

import json
import os
import random
import re
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

import duckdb

from finance.errors import ScenarioError, StoreError
from finance.model.scenario import Scenario

if TYPE_CHECKING:
    from finance.ingest.dataset import Dataset

STORE_ENV = "FINANCE_SCENARIO_STORE"
DEFAULT_STORE_PATH = Path(__file__).resolve().parents[2] / "data" / "scenarios.duckdb"
MAX_NAME_LENGTH = 80
BUSY_WAIT_SECONDS = 15.0  # how long an operation waits for another process to release the file

_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
_SCHEMA = """
CREATE TABLE IF NOT EXISTS saved_scenarios (
    name_key      VARCHAR PRIMARY KEY,  -- the name in lower case: names are unique whatever their case
    name          VARCHAR NOT NULL,
    description   VARCHAR NOT NULL,
    scenario_json VARCHAR NOT NULL,
    file_names    VARCHAR[] NOT NULL,
    fingerprint   VARCHAR,              -- NULL when saved without data
    saved_at      TIMESTAMP NOT NULL    -- UTC
)
"""
_COLUMNS = "name, description, scenario_json, file_names, fingerprint, saved_at"
_BUSY = ("lock", "resource in use", "already attached")  # another process (or a closing connection) has the file

# One lock per file for the threads of this process (the app's sessions): they take turns, which also
# keeps DuckDB from opening and closing the same file in two threads at once.
_PROCESS_LOCKS: dict[str, threading.Lock] = {}
_PROCESS_LOCKS_GUARD = threading.Lock()

T = TypeVar("T")


def default_store_path() -> Path:
    """$FINANCE_SCENARIO_STORE when set, else data/scenarios.duckdb in the project folder."""
    override = os.environ.get(STORE_ENV, "").strip()
    return Path(override).expanduser() if override else DEFAULT_STORE_PATH


@dataclass(frozen=True)
class SavedScenario:
    """A scenario as saved: its name, description, and the data it was made on."""

    name: str
    scenario: Scenario
    description: str = ""
    file_names: tuple[str, ...] = ()
    fingerprint: str | None = None
    saved_at: datetime = field(default_factory=lambda: datetime.now(UTC))

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
    """Named scenarios in one DuckDB file; safe to share between threads and between processes."""

    def __init__(self, path: str | Path | None = None):
        self.path = Path(path).expanduser() if path is not None else default_store_path()

    def __repr__(self) -> str:
        return f"ScenarioStore({str(self.path)!r})"

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
        )

        def write(con: duckdb.DuckDBPyConnection) -> SavedScenario:
            existing = _name_taken(con, saved.name)
            if existing is not None and not replace:
                raise StoreError(f"A scenario named '{existing}' is already saved: choose another name, or replace it.")
            con.execute("DELETE FROM saved_scenarios WHERE name_key = ?", [_key(saved.name)])
            _insert(con, saved)
            return saved

        return self._transaction(write)

    def list(self) -> list[SavedScenario]:
        """Every saved scenario, by name (case ignored)."""

        def read(con: duckdb.DuckDBPyConnection) -> list[SavedScenario]:
            rows = con.execute(f"SELECT {_COLUMNS} FROM saved_scenarios ORDER BY name_key").fetchall()
            return [_saved(row) for row in rows]

        return self._transaction(read)

    def names(self) -> list[str]:
        return [s.name for s in self.list()]

    def load(self, name: str) -> SavedScenario:
        return self._transaction(lambda con: _fetch(con, name))

    def rename(self, old: str, new: str) -> SavedScenario:
        """Give a saved scenario another name (a change of case alone is allowed)."""
        new = _clean_name(new)

        def write(con: duckdb.DuckDBPyConnection) -> SavedScenario:
            saved = _fetch(con, old)
            taken = _name_taken(con, new)
            if taken is not None and _key(new) != _key(saved.name):
                raise StoreError(f"A scenario named '{taken}' is already saved: choose another name.")
            con.execute("DELETE FROM saved_scenarios WHERE name_key = ?", [_key(saved.name)])
            renamed = replace(saved, name=new)
            _insert(con, renamed)
            return renamed

        return self._transaction(write)

    def duplicate(self, name: str, new_name: str) -> SavedScenario:
        """A copy under a new name, saved now, made on the same data as the original."""
        new_name = _clean_name(new_name)

        def write(con: duckdb.DuckDBPyConnection) -> SavedScenario:
            saved = _fetch(con, name)
            taken = _name_taken(con, new_name)
            if taken is not None:
                raise StoreError(f"A scenario named '{taken}' is already saved: choose another name for the copy.")
            copy = replace(saved, name=new_name, saved_at=datetime.now(UTC))
            _insert(con, copy)
            return copy

        return self._transaction(write)

    def delete(self, name: str) -> None:
        def write(con: duckdb.DuckDBPyConnection) -> None:
            saved = _fetch(con, name)
            con.execute("DELETE FROM saved_scenarios WHERE name_key = ?", [_key(saved.name)])

        self._transaction(write)

    def _transaction(self, work: Callable[[duckdb.DuckDBPyConnection], T]) -> T:
        """Run ``work`` in one transaction on a fresh connection, retrying while another writer is busy."""
        deadline = time.monotonic() + BUSY_WAIT_SECONDS
        while True:
            try:
                with self._process_lock(), self._connection() as con:
                    con.execute("BEGIN TRANSACTION")
                    try:
                        con.execute(_SCHEMA)
                        result = work(con)
                        con.execute("COMMIT")
                    except BaseException:
                        _rollback(con)
                        raise
                    return result
            except (duckdb.TransactionException, duckdb.CatalogException, duckdb.BinderException) as exc:
                # A conflict means another thread of this process committed first (a change to the same
                # row, or the same new name): run again, so that the second attempt sees its change and
                # answers plainly. Anything else means the file holds some other database.
                if isinstance(exc, duckdb.TransactionException) or "conflict" in str(exc).lower():
                    _wait_or_give_up(deadline, self.path)
                    continue
                raise self._not_a_store(exc) from None
            except duckdb.Error as exc:
                raise StoreError(f"The saved-scenarios file {self.path} could not be updated: {_first_line(str(exc))}") from None

    def _process_lock(self) -> threading.Lock:
        key = os.path.abspath(self.path)
        with _PROCESS_LOCKS_GUARD:
            return _PROCESS_LOCKS.setdefault(key, threading.Lock())

    @contextmanager
    def _connection(self) -> Iterator[duckdb.DuckDBPyConnection]:
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise StoreError(f"The folder for saved scenarios, {self.path.parent}, cannot be created ({exc.strerror}).") from None
        deadline = time.monotonic() + BUSY_WAIT_SECONDS
        while True:
            try:
                con = duckdb.connect(str(self.path))
                break
            except duckdb.Error as exc:
                message = str(exc)
                if any(word in message.lower() for word in _BUSY):
                    _wait_or_give_up(deadline, self.path)
                    continue
                if "not a valid DuckDB database" in message:
                    raise StoreError(
                        f"{self.path} is not a saved-scenarios file (it is not a DuckDB database): "
                        f"move it aside, or set {STORE_ENV} to another file."
                    ) from None
                raise StoreError(f"The saved-scenarios file {self.path} cannot be opened: {_first_line(message)}") from None
        try:
            yield con
        finally:
            con.close()

    def _not_a_store(self, exc: Exception) -> StoreError:
        return StoreError(
            f"{self.path} is a DuckDB database but not a saved-scenarios file ({_first_line(str(exc))}): set {STORE_ENV} to another file."
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


def _name_taken(con: duckdb.DuckDBPyConnection, name: str) -> str | None:
    row = con.execute("SELECT name FROM saved_scenarios WHERE name_key = ?", [_key(name)]).fetchone()
    return row[0] if row else None


def _fetch(con: duckdb.DuckDBPyConnection, name: str) -> SavedScenario:
    row = con.execute(f"SELECT {_COLUMNS} FROM saved_scenarios WHERE name_key = ?", [_key(name)]).fetchone()
    if row is None:
        raise StoreError(f"No scenario named '{name}' is saved.")
    return _saved(row)


def _insert(con: duckdb.DuckDBPyConnection, saved: SavedScenario) -> None:
    con.execute(
        f"INSERT INTO saved_scenarios (name_key, {_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?)",
        [
            _key(saved.name),
            saved.name,
            saved.description,
            json.dumps(saved.scenario.to_dict()),
            list(saved.file_names),
            saved.fingerprint,
            saved.saved_at.astimezone(UTC).replace(tzinfo=None),
        ],
    )


def _saved(row: tuple) -> SavedScenario:
    name, description, scenario_json, file_names, fingerprint, saved_at = row
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
    )


def _rollback(con: duckdb.DuckDBPyConnection) -> None:
    with suppress(duckdb.Error):  # the error being raised may already have aborted it
        con.execute("ROLLBACK")


def _wait_or_give_up(deadline: float, path: Path) -> None:
    if time.monotonic() > deadline:
        raise StoreError(f"The saved-scenarios file {path} is busy (another copy of the app is using it): try again in a moment.")
    time.sleep(random.uniform(0.002, 0.02))


def _first_line(message: str) -> str:
    return message.strip().splitlines()[0] if message.strip() else "unknown error"
