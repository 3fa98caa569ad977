"""The DuckDB file this process keeps open between transactions, and lets go of when another process wants it.

Opening a DuckDB file and closing it again (which writes a checkpoint) costs 20-40 ms, which every
save of a session's choices paid when each transaction opened the file. DuckDB lets one process at a
time hold a file for writing, so a process now keeps one connection a file open and lets go of it:

- when another process of this app wants the file: finding it held, that process leaves a note,
  ``<file>.waiting``, beside it, and the holder closes the file within POLL_SECONDS when it is idle,
  or before its next transaction (then pausing YIELD_SECONDS, so that the other gets in first); the
  process that next opens the file removes the note;
- when it has not used the file for IDLE_SECONDS: other programs (the duckdb command line) leave no
  note, and get the file then;
- when the file at its path is no longer the one it opened (moved aside or replaced): the next
  transaction opens the file now there;
- at exit, and on ``close()``.

The threads of a process take turns through ``KeptFile.lock`` (one lock a file), which also keeps
DuckDB from using one connection in two threads at once. The note holds nothing but its name.
"""

from __future__ import annotations

import atexit
import os
import threading
import time
from collections.abc import Callable
from contextlib import suppress
from pathlib import Path

import duckdb

IDLE_SECONDS = 5.0  # a file unused this long is closed, for programs that leave no note
POLL_SECONDS = 0.05  # how often an idle holder looks for another process's note
YIELD_SECONDS = 0.03  # the pause after letting go mid-work: the waiting process retries every 2-20 ms

_KEPT: dict[str, KeptFile] = {}
_GUARD = threading.Lock()  # guards _KEPT and _watching
_watching = False


class KeptFile:
    """One DuckDB file's connection in this process; use it holding ``lock``."""

    def __init__(self, path: Path):
        self.path = path
        self.note = path.with_name(path.name + ".waiting")
        self.lock = threading.Lock()
        self.schema_current = False  # the schema was found, or brought, up to date on this connection
        self._con: duckdb.DuckDBPyConnection | None = None
        self._identity: tuple[int, int] | None = None
        self._last_used = 0.0

    @property
    def is_open(self) -> bool:
        return self._con is not None

    def connection(self, open_file: Callable[[], duckdb.DuckDBPyConnection]) -> duckdb.DuckDBPyConnection:
        """The kept connection while it is still good to use, else a new one from ``open_file``."""
        if self._con is not None:
            if self.wanted():
                self.close()
                time.sleep(YIELD_SECONDS)
            elif _identity(self.path) != self._identity:
                self.close()
        if self._con is None:
            con = open_file()
            self._con, self._identity, self.schema_current = con, _identity(self.path), False
            with suppress(OSError):  # any process waiting before now has had its turn, or notes again
                self.note.unlink()
            _watch()
        return self._con

    def used(self) -> None:
        self._last_used = time.monotonic()

    def ask(self) -> None:
        """Leave the note that this process is waiting for the file (nothing when the folder is read-only)."""
        with suppress(OSError):
            self.note.touch()

    def wanted(self) -> bool:
        return self.note.exists()

    def idle(self) -> bool:
        return time.monotonic() - self._last_used > IDLE_SECONDS

    def close(self) -> None:
        con, self._con, self._identity, self.schema_current = self._con, None, None, False
        if con is not None:
            with suppress(duckdb.Error):
                con.close()


def kept_file(path: Path) -> KeptFile:
    """This process's one KeptFile for the file at ``path``."""
    key = os.path.abspath(path)
    with _GUARD:
        if key not in _KEPT:
            _KEPT[key] = KeptFile(Path(key))
        return _KEPT[key]


def _identity(path: Path) -> tuple[int, int] | None:
    try:
        found = os.stat(path)
    except OSError:
        return None
    return found.st_dev, found.st_ino


def _watch() -> None:
    """Start the thread that closes files another process wants, or no one used lately, unless it runs."""
    global _watching
    with _GUARD:
        if _watching:
            return
        _watching = True
    threading.Thread(target=_watcher, name="finance-store-kept-files", daemon=True).start()


def _watcher() -> None:
    global _watching
    while True:
        time.sleep(POLL_SECONDS)
        with _GUARD:
            files = [kept for kept in _KEPT.values() if kept.is_open]
            if not files:
                _watching = False
                return
        for kept in files:
            if kept.lock.acquire(blocking=False):  # else a transaction is running: it looks for the note itself
                try:
                    if kept.is_open and (kept.wanted() or kept.idle()):
                        kept.close()
                finally:
                    kept.lock.release()


@atexit.register
def _close_all() -> None:
    with _GUARD:
        files = list(_KEPT.values())
    for kept in files:
        if kept.lock.acquire(timeout=2):
            try:
                kept.close()
            finally:
                kept.lock.release()
