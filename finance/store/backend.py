"""The two places the store can live: an embedded DuckDB file, or a PostgreSQL server.

``open_backend()`` picks PostgreSQL when ``FINANCE_DATABASE_URL`` is set (``postgresql://user:pw@host/db``)
and the DuckDB file (``FINANCE_SCENARIO_STORE``, default ``data/scenarios.duckdb``) otherwise. Either
way the store's code sees one small interface, ``Db``: SQL written with ``?`` placeholders, run
inside one transaction by ``Backend.transaction(work)``, which also brings the schema up to date
(finance/store/migrate.py) and retries when another writer got there first.

DuckDB lets one process at a time open a file for writing: a process keeps the file open between
transactions and lets go of it when another process asks for it, or after a few idle seconds
(finance/store/kept_file.py); a transaction waits while another process holds the file. The schema
is checked with one query when the file is opened, and migrated only when it is behind. PostgreSQL
takes many writers: a transaction that loses a race (the same new name saved twice at once) runs
again and then sees the other's change. A password in the URL never appears in a message.
"""

from __future__ import annotations

import os
import random
import threading
import time
from abc import ABC, abstractmethod
from collections.abc import Callable, Sequence
from contextlib import suppress
from pathlib import Path
from typing import Any, TypeVar

import duckdb

from finance.errors import StoreError
from finance.store.kept_file import KeptFile, kept_file

STORE_ENV = "FINANCE_SCENARIO_STORE"
DATABASE_URL_ENV = "FINANCE_DATABASE_URL"
DEFAULT_STORE_PATH = Path(__file__).resolve().parents[2] / "data" / "scenarios.duckdb"
BUSY_WAIT_SECONDS = 15.0  # how long an operation waits for another writer before saying "busy"
CONNECT_TIMEOUT_SECONDS = 10
POOL_SIZE = 4  # idle PostgreSQL connections kept a process (one a thread at a time uses each)

_BUSY = ("lock", "resource in use", "already attached")  # another process (or a closing connection) has the DuckDB file

T = TypeVar("T")


def default_store_path() -> Path:
    """$FINANCE_SCENARIO_STORE when set, else data/scenarios.duckdb in the project folder."""
    override = os.environ.get(STORE_ENV, "").strip()
    return Path(override).expanduser() if override else DEFAULT_STORE_PATH


def configured_database_url() -> str | None:
    """$FINANCE_DATABASE_URL when set (the store then runs on PostgreSQL), else None."""
    return os.environ.get(DATABASE_URL_ENV, "").strip() or None


class Db:
    """One open transaction: ``rows``/``row``/``run`` take SQL with ``?`` placeholders on either backend."""

    def __init__(self, connection: Any, kind: str):
        self.connection = connection
        self.kind = kind

    def _execute(self, sql: str, params: Sequence[object]) -> Any:
        if not params:  # no placeholders to translate (and psycopg leaves the text alone)
            return self.connection.execute(sql)
        if self.kind == "postgres":  # psycopg writes placeholders as %s, so a literal % is doubled
            sql = sql.replace("%", "%%").replace("?", "%s")
        return self.connection.execute(sql, list(params))

    def run(self, sql: str, params: Sequence[object] = ()) -> None:
        self._execute(sql, params)

    def rows(self, sql: str, params: Sequence[object] = ()) -> list[tuple]:
        return [tuple(row) for row in self._execute(sql, params).fetchall()]

    def row(self, sql: str, params: Sequence[object] = ()) -> tuple | None:
        found = self._execute(sql, params).fetchone()
        return tuple(found) if found is not None else None


class Backend(ABC):
    """Where the store lives; ``transaction(work)`` runs ``work(db)`` in one transaction on an up-to-date schema."""

    kind: str

    @abstractmethod
    def transaction(self, work: Callable[[Db], T]) -> T: ...

    @abstractmethod
    def describe(self) -> str:
        """The store in a sentence's words, with no password: 'the saved-scenarios file X'."""


class DuckDBBackend(Backend):
    """The embedded store: one DuckDB file, shared by the threads and processes of one machine."""

    kind = "duckdb"

    def __init__(self, path: str | Path | None = None):
        self.path = Path(path).expanduser() if path is not None else default_store_path()

    def __repr__(self) -> str:
        return f"DuckDBBackend({str(self.path)!r})"

    def describe(self) -> str:
        return f"the saved-scenarios file {self.path}"

    def transaction(self, work: Callable[[Db], T]) -> T:
        from finance.store.migrate import latest_version, migrate  # migrate imports this module

        kept = kept_file(self.path)
        deadline = time.monotonic() + BUSY_WAIT_SECONDS
        while True:
            try:
                with kept.lock:
                    try:
                        return self._run(kept, work, migrate, latest_version(self.kind))
                    finally:
                        kept.used()
            except (duckdb.TransactionException, duckdb.CatalogException, duckdb.BinderException) as exc:
                # A conflict means another thread of this process committed first (a change to the same
                # row, or the same new name): run again, so that the second attempt sees its change and
                # answers plainly. Anything else means the file holds some other database.
                if isinstance(exc, duckdb.TransactionException) or "conflict" in str(exc).lower():
                    _wait_or_give_up(deadline, self)
                    continue
                raise StoreError(
                    f"{self.path} is a DuckDB database but not a saved-scenarios file ({_first_line(str(exc))}): "
                    f"set {STORE_ENV} to another file."
                ) from None
            except duckdb.Error as exc:
                raise StoreError(f"The saved-scenarios file {self.path} could not be updated: {_first_line(str(exc))}") from None

    def _run(self, kept: KeptFile, work: Callable[[Db], T], migrate: Callable[[Db], int], latest: int) -> T:
        """One transaction on the kept connection; after a database error the next one starts on a new connection."""
        con = kept.connection(lambda: self._open(kept))
        try:
            if not kept.schema_current:  # one query, outside the transaction: this process alone has the file
                kept.schema_current = _schema_version(con) == latest
            con.execute("BEGIN TRANSACTION")
            try:
                db = Db(con, self.kind)
                if not kept.schema_current:
                    migrate(db)
                result = work(db)
                con.execute("COMMIT")
            except BaseException:
                with suppress(duckdb.Error):  # the error being raised may already have aborted it
                    con.execute("ROLLBACK")
                raise
            kept.schema_current = True
            return result
        except StoreError:
            raise  # a plain refusal (a name already saved), rolled back: the connection is good
        except BaseException:
            kept.close()
            raise

    def close(self) -> None:
        """Let go of the file (the next transaction opens it again)."""
        kept = kept_file(self.path)
        with kept.lock:
            kept.close()

    def _open(self, kept: KeptFile) -> duckdb.DuckDBPyConnection:
        """A new connection to the file, waiting (and asking its holder to let go) while another process has it."""
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
                    kept.ask()
                    _wait_or_give_up(deadline, self)
                    continue
                if "not a valid DuckDB database" in message:
                    raise StoreError(
                        f"{self.path} is not a saved-scenarios file (it is not a DuckDB database): "
                        f"move it aside, or set {STORE_ENV} to another file."
                    ) from None
                raise StoreError(f"The saved-scenarios file {self.path} cannot be opened: {_first_line(message)}") from None
        try:
            con.execute("SET TimeZone = 'UTC'")  # CURRENT_TIMESTAMP in the migrations is then UTC, like every saved time
        except BaseException:
            con.close()
            raise
        return con


def _schema_version(con: duckdb.DuckDBPyConnection) -> int | None:
    """The last migration applied to the file, or None when it has no schema_migrations table to say."""
    try:
        found = con.execute("SELECT max(version) FROM schema_migrations").fetchone()
    except duckdb.Error:
        return None
    return found[0] if found else None


class PostgresBackend(Backend):
    """A PostgreSQL database shared by several app servers; the schema is brought up to date once a process."""

    kind = "postgres"

    def __init__(self, url: str):
        import psycopg.conninfo  # only a PostgreSQL store needs the driver

        self.url = url
        try:
            parts = psycopg.conninfo.conninfo_to_dict(url)
        except psycopg.ProgrammingError:
            raise StoreError(f"{DATABASE_URL_ENV} is not a PostgreSQL address (postgresql://user:password@host:port/database).") from None
        self._where = f"{parts.get('host', 'localhost')}:{parts.get('port', 5432)}/{parts.get('dbname', '')}"
        self._migrated = False
        self._migrate_lock = threading.Lock()
        self._idle: list = []  # connections kept between transactions: a new one costs a sign-in (~10 ms)
        self._idle_lock = threading.Lock()

    def __repr__(self) -> str:
        return f"PostgresBackend({self._where!r})"

    def describe(self) -> str:
        return f"the database at {self._where}"

    def transaction(self, work: Callable[[Db], T]) -> T:
        if not self._migrated:
            with self._migrate_lock:
                if not self._migrated:
                    from finance.store.migrate import migrate

                    self._run(migrate)
                    self._migrated = True
        return self._run(work)

    def _run(self, work: Callable[[Db], T]) -> T:
        import psycopg
        from psycopg import errors

        deadline = time.monotonic() + BUSY_WAIT_SECONDS
        while True:
            con, reused = self._connection()
            try:
                with con.transaction():  # BEGIN ... COMMIT, or ROLLBACK when work raises
                    result = work(Db(con, self.kind))
            except (errors.SerializationFailure, errors.DeadlockDetected, errors.UniqueViolation, errors.LockNotAvailable):
                # Another server committed the same change first: run again, and this time see it.
                self._release(con)
                _wait_or_give_up(deadline, self)
                continue
            except psycopg.OperationalError as exc:
                con.close()
                if reused:  # a kept connection the server has since dropped (a restart): the others went with it
                    self._drop_idle()
                    continue
                raise StoreError(f"The store cannot reach {self.describe()}: {_first_line(str(exc))}") from None
            except psycopg.Error as exc:
                con.close()
                raise StoreError(f"{self.describe()} could not be updated: {_first_line(str(exc))}") from None
            except BaseException:
                self._release(con)  # a plain StoreError from ``work``: the transaction was rolled back
                raise
            self._release(con)
            return result

    def _connection(self):
        """A kept idle connection when there is one (True), else a new one (False)."""
        import psycopg

        with self._idle_lock:
            while self._idle:
                con = self._idle.pop()
                if not con.closed:
                    return con, True
        try:
            con = psycopg.connect(self.url, connect_timeout=CONNECT_TIMEOUT_SECONDS, autocommit=True)
        except psycopg.OperationalError as exc:
            raise StoreError(f"The store cannot reach {self.describe()}: {_first_line(str(exc))}") from None
        try:
            con.execute("SET TimeZone = 'UTC'")  # CURRENT_TIMESTAMP in the migrations is then UTC
        except psycopg.Error as exc:
            con.close()
            raise StoreError(f"The store cannot reach {self.describe()}: {_first_line(str(exc))}") from None
        return con, False

    def _release(self, con) -> None:
        """Keep a connection for the next transaction when it is healthy and idle (at most POOL_SIZE kept)."""
        from psycopg.pq import TransactionStatus

        if not con.closed and con.info.transaction_status == TransactionStatus.IDLE:
            with self._idle_lock:
                if len(self._idle) < POOL_SIZE:
                    self._idle.append(con)
                    return
        con.close()

    def _drop_idle(self) -> None:
        with self._idle_lock:
            idle, self._idle = self._idle, []
        for con in idle:
            with suppress(Exception):
                con.close()

    def close(self) -> None:
        """Close the connections kept for reuse (the next transaction opens a new one)."""
        self._drop_idle()


_POSTGRES: dict[str, PostgresBackend] = {}
_POSTGRES_GUARD = threading.Lock()


def open_backend(path: str | Path | None = None, database_url: str | None = None) -> Backend:
    """A file path means that DuckDB file; else the URL given or $FINANCE_DATABASE_URL; else the default file."""
    if path is not None:
        return DuckDBBackend(path)
    url = database_url or configured_database_url()
    if url is None:
        return DuckDBBackend()
    with _POSTGRES_GUARD:  # one per URL and process, so the schema check runs once
        if url not in _POSTGRES:
            _POSTGRES[url] = PostgresBackend(url)
        return _POSTGRES[url]


def _wait_or_give_up(deadline: float, backend: Backend) -> None:
    if time.monotonic() > deadline:
        raise StoreError(f"{_capital(backend.describe())} is busy (another copy of the app is using it): try again in a moment.")
    time.sleep(random.uniform(0.002, 0.02))


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]


def _first_line(message: str) -> str:
    return message.strip().splitlines()[0] if message.strip() else "unknown error"
