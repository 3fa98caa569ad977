"""The session store (finance/store/sessions.py) on both backends: files and choices by key, in their workspace
and for their user only, the same files kept once, idle sessions deleted, and everything still there for a new
store object on the same database (a restarted or another server)."""

from __future__ import annotations

import hashlib
import json
import logging
import multiprocessing
import threading
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from finance.errors import StoreError
from finance.ingest.load import load_uploads
from finance.store.backend import DuckDBBackend, PostgresBackend
from finance.store.datasets import DataSetStore
from finance.store.sessions import SessionNotKept, SessionStore, StoredSession, files_id, idle_days, is_key, new_key
from finance.store.workspaces import WorkspaceStore
from tests.finance.store.conftest import location
from tests.finance.store.test_datasets import FIGURE, uploads_with_the_figure

FILES = (("practices.csv", b"practice_code,practice_name\nA81001,Riverside\n"), ("services.xlsx", b"PK\x03\x04 not really"))
OTHER_FILES = (("practices.csv", b"practice_code,practice_name\nB82002,Hill Brow\n"),)
CHOICES = {"controls": {"overhead_change": 20}, "choices": {"practice": "A81001"}}
SPAWN = multiprocessing.get_context("spawn")  # never fork a process that has DuckDB loaded


def rows(backend, sql: str, params=()) -> list[tuple]:
    return backend.transaction(lambda db: db.rows(sql, params))


def file_count(backend) -> int:
    return rows(backend, "SELECT count(*) FROM data_set_files")[0][0]


def set_last_used(backend, key: str, moment: datetime) -> None:
    backend.transaction(
        lambda db: db.run(
            "UPDATE saved_sessions SET updated_at = ? WHERE session_id = ?",
            [moment.replace(tzinfo=None), hashlib.sha256(key.encode()).hexdigest()],
        )
    )


@pytest.fixture
def two_workspaces(backend):
    admin = WorkspaceStore(backend=backend)
    admin.create("barnsley", "Barnsley federation")
    admin.create("wakefield", "Wakefield federation")
    return (
        SessionStore(backend=backend, workspace="barnsley", user="ann@barnsley.example"),
        SessionStore(backend=backend, workspace="wakefield", user="bob@wakefield.example"),
    )


def test_files_and_choices_come_back_by_key_only_and_the_key_is_stored_nowhere(backend):
    store = SessionStore(backend=backend)
    key, other = new_key(), new_key()
    store.save_files(key, FILES)
    store.save_state(key, CHOICES)
    back = store.load(key)
    assert back.files == FILES
    assert back.state == CHOICES
    assert store.load(other) is None
    assert store.load("../" + key) is None and store.load("") is None
    [(session_id, state_json)] = rows(backend, "SELECT session_id, state_json FROM saved_sessions")
    assert session_id == hashlib.sha256(key.encode()).hexdigest()
    assert json.loads(state_json) == CHOICES
    every_text = [
        str(value)
        for table in ("saved_sessions", "data_sets", "data_set_files", "audit_log", "workspaces")
        for row in rows(backend, f"SELECT * FROM {table}")
        for value in row
    ]
    assert every_text and all(key not in text for text in every_text)


def test_a_new_store_object_on_the_same_database_finds_the_session(backend):
    key = new_key()
    SessionStore(backend=backend).save_files(key, FILES)
    SessionStore(backend=backend).save_state(key, CHOICES)
    restarted = SessionStore(**location(backend))  # a new backend object: another process, or the server restarted
    assert restarted.backend is not backend
    back = restarted.load(key)
    assert (back.files, back.state) == (FILES, CHOICES)


def wait_for(path, process=None, seconds: float = 60) -> str:
    """The text of the file at ``path`` once it is there (while ``process``, writing it, still runs)."""
    deadline = time.monotonic() + seconds
    while not path.exists():
        assert time.monotonic() < deadline, f"no {path.name} after {seconds} s"
        assert process is None or process.is_alive() or path.exists(), f"the other process stopped (exit {process.exitcode})"
        time.sleep(0.01)
    return path.read_text()


def other_server(where: dict[str, str], key: str, folder: str) -> None:
    """Run in another process, alive throughout: note the session it finds, change its choices, wait, note it again."""
    import finance.store.kept_file

    finance.store.kept_file.IDLE_SECONDS = 600  # only asking gets this process to let go of a DuckDB file
    store, notes = SessionStore(**where), Path(folder)
    first = store.load(key)
    (notes / "first.json").write_text(json.dumps({"state": first.state, "files": len(first.files)}))
    store.save_state(key, {"choices": {"practice": "B82002"}})
    (notes / "saved").write_text("")
    wait_for(notes / "your turn")
    (notes / "second.json").write_text(json.dumps(store.load(key).state))
    wait_for(notes / "done")


def test_two_processes_at_once_each_see_the_others_writes(backend, tmp_path, monkeypatch):
    monkeypatch.setattr("finance.store.kept_file.IDLE_SECONDS", 600)  # on DuckDB the processes must ask each other
    store, key = SessionStore(backend=backend), new_key()
    store.save_files(key, FILES)
    store.save_state(key, CHOICES)  # on DuckDB this process now holds the file, idle
    other = SPAWN.Process(target=other_server, args=(location(backend), key, str(tmp_path)))
    other.start()
    try:
        wait_for(tmp_path / "saved", other)
        assert json.loads((tmp_path / "first.json").read_text()) == {"state": CHOICES, "files": len(FILES)}
        back = store.load(key)  # while the other process holds the file, idle
        assert (back.files, back.state) == (FILES, {"choices": {"practice": "B82002"}})
        store.save_state(key, {"choices": {"practice": "C83003"}})
        (tmp_path / "your turn").write_text("")
        assert json.loads(wait_for(tmp_path / "second.json", other)) == {"choices": {"practice": "C83003"}}
    finally:
        (tmp_path / "done").write_text("")
        other.join(timeout=60)
    assert other.exitcode == 0


def test_another_workspace_or_user_cannot_load_or_delete_it(two_workspaces, backend):
    barnsley, wakefield = two_workspaces
    key = new_key()
    barnsley.save_files(key, FILES)
    barnsley.save_state(key, CHOICES)
    assert wakefield.load(key) is None
    colleague = SessionStore(backend=backend, workspace="barnsley", user="cat@barnsley.example")
    assert colleague.load(key) is None
    wakefield.delete(key)
    colleague.delete(key)
    with pytest.raises(SessionNotKept, match="another user's session"):
        colleague.save_state(key, {"meeting": True})
    # The same key sent while working in another workspace names a session of that workspace, apart from the first.
    wakefield.save_state(key, {"meeting": True})
    assert wakefield.load(key).state == {"meeting": True} and wakefield.load(key).files == ()
    assert barnsley.load(key).state == CHOICES and barnsley.load(key).files == FILES
    assert SessionStore(backend=backend, workspace="no-such-workspace").load(key) is None


def test_the_same_files_are_kept_once_and_go_with_the_last_session_using_them(backend):
    store = SessionStore(backend=backend)
    first, second = new_key(), new_key()
    store.save_files(first, FILES)
    store.save_files(second, FILES)
    assert rows(backend, "SELECT count(*), min(data_set_id) FROM data_sets") == [(1, files_id(FILES))]
    assert file_count(backend) == len(FILES)
    assert DataSetStore(backend=backend).list() == []  # a session's files are not listed as a saved data set
    store.delete(first)
    assert store.load(first) is None and store.load(second).files == FILES
    store.save_files(second, OTHER_FILES)  # the session's old files: no one uses them any more
    assert store.load(second).files == OTHER_FILES
    assert rows(backend, "SELECT data_set_id FROM data_sets") == [(files_id(OTHER_FILES),)]
    assert file_count(backend) == len(OTHER_FILES)
    store.save_files(second, ())
    assert store.load(second).files == () and file_count(backend) == 0
    assert rows(backend, "SELECT count(*) FROM data_sets") == [(0,)]


def test_the_same_contents_under_other_names_keep_each_sessions_names(backend):
    store = SessionStore(backend=backend)
    first, second = new_key(), new_key()
    renamed = tuple((f"copy of {name}", content) for name, content in FILES)
    store.save_files(first, FILES)
    store.save_files(second, renamed)
    store.save_files(new_key(), tuple(reversed(FILES)))
    assert store.load(first).files == FILES
    assert store.load(second).files == renamed
    assert rows(backend, "SELECT count(*) FROM data_sets") == [(3,)]


def test_files_a_user_saved_stay_when_the_session_goes_and_go_when_the_user_deletes_them(backend):
    uploads = uploads_with_the_figure()
    dataset = load_uploads(uploads).dataset
    files = tuple((u.name, u.content) for u in uploads)
    assert files_id(files) == dataset.fingerprint  # the session's files and the Data page's are one data set
    sessions, data_sets = SessionStore(backend=backend), DataSetStore(backend=backend)
    key = new_key()
    sessions.save_files(key, files)
    data_sets.save(uploads, dataset, "March figures")
    assert [d.name for d in data_sets.list()] == ["March figures"]
    assert file_count(backend) == len(files)
    sessions.delete(key)
    assert data_sets.load(dataset.fingerprint) == uploads  # saved by a user: kept

    other = new_key()
    sessions.save_files(other, files)
    sessions.save_state(other, CHOICES)
    assert file_count(backend) == len(files)
    data_sets.delete(dataset.fingerprint)  # a user deletes the figures: the session keeps its choices only
    assert file_count(backend) == 0
    assert sessions.load(other) == StoredSession((), CHOICES)


def test_a_damaged_file_is_not_handed_back(backend):
    store = SessionStore(backend=backend)
    key = new_key()
    store.save_files(key, FILES)
    backend.transaction(lambda db: db.run("UPDATE data_set_files SET content = ? WHERE position = 0", [b"changed"]))
    assert store.load(key) is None


def test_delete_and_expire(two_workspaces, backend):
    barnsley, wakefield = two_workspaces
    old, recent, gone, elsewhere = new_key(), new_key(), new_key(), new_key()
    for store, key, files in (
        (barnsley, old, OTHER_FILES),
        (barnsley, recent, FILES),
        (barnsley, gone, FILES),
        (wakefield, elsewhere, FILES),
    ):
        store.save_files(key, files)
        store.save_state(key, {"meeting": True})
    barnsley.delete(gone)
    assert barnsley.load(gone) is None
    ten_days_ago = datetime.now(UTC) - timedelta(days=10)
    set_last_used(backend, old, ten_days_ago)
    set_last_used(backend, elsewhere, ten_days_ago)
    assert barnsley.expire(9.0) == 2  # idle sessions of every workspace
    assert barnsley.load(old) is None and wakefield.load(elsewhere) is None
    assert barnsley.load(recent).state == {"meeting": True}
    # The idle sessions' files went with them; the recent one's stay.
    assert rows(backend, "SELECT workspace_id, data_set_id FROM data_sets") == [("barnsley", files_id(FILES))]
    assert barnsley.expire(9.0) == 0
    assert barnsley.expire(9.0, now=time.time() + 10 * 86_400) == 1


def test_a_visit_counts_as_use(backend):
    store = SessionStore(backend=backend)
    key = new_key()
    store.save_state(key, CHOICES)
    set_last_used(backend, key, datetime.now(UTC) - timedelta(days=10))
    assert store.load(key).state == CHOICES
    assert store.expire(9.0) == 0


def test_what_cannot_be_kept_says_why(backend, tmp_path):
    with pytest.raises(ValueError):
        SessionStore(backend=backend).save_state("not a key", {})
    with pytest.raises(SessionNotKept, match="choices take more than 64 KB"):
        SessionStore(backend=backend).save_state(new_key(), {"figures": "1" * 70_000})
    blocked = tmp_path / "a file"
    blocked.write_text("not a folder")
    unwritable = SessionStore(backend=DuckDBBackend(blocked / "scenarios.duckdb"))
    with pytest.raises(OSError, match="could not be kept") as raised:
        unwritable.save_files(new_key(), FILES)
    assert isinstance(raised.value, StoreError) and "cannot be created" in raised.value.strerror


def test_keys_and_settings(monkeypatch):
    key = new_key()
    assert is_key(key) and len(key) >= 43 and key != new_key()
    assert not is_key("short") and not is_key("a" * 50 + "/") and not is_key(None)
    monkeypatch.setenv("FINANCE_SESSION_IDLE_DAYS", "7")
    assert idle_days() == 7.0
    monkeypatch.setenv("FINANCE_SESSION_IDLE_DAYS", "soon")
    assert idle_days() == 30.0


def test_a_sessions_figures_are_in_no_log(backend, caplog, capfd, request):
    caplog.set_level(logging.DEBUG)
    files = tuple((u.name, u.content) for u in uploads_with_the_figure())
    store, key = SessionStore(backend=backend), new_key()
    store.save_files(key, files)
    store.save_state(key, CHOICES)
    assert store.load(key).files == files
    store.delete(key)
    captured = capfd.readouterr()
    for text in (caplog.text, captured.out, captured.err):
        assert FIGURE not in text and FIGURE.encode().hex() not in text and key not in text
    if backend.kind == "postgres":
        server_log = request.getfixturevalue("postgres").log_text()
        assert "INSERT INTO data_set_files" in server_log  # every statement is logged, never a parameter
        assert FIGURE not in server_log and FIGURE.encode().hex() not in server_log


def test_files_one_session_leaves_as_another_server_takes_them_up_stay(postgres):
    # Two servers at the same moment: session A moves off files F (the last to use them, so they go) while
    # session B, on another server, takes F up. B must keep F (without serializable transactions it lost
    # them in about half the rounds).
    url = postgres.new_database()
    servers = [SessionStore(backend=PostgresBackend(url)), SessionStore(backend=PostgresBackend(url))]
    for server in servers:
        server.load(new_key())  # each has its connection and the schema before the race
    for _ in range(20):
        leaving, arriving = new_key(), new_key()
        servers[0].save_files(leaving, FILES)
        start = threading.Barrier(2)

        def run(server, key, files, start=start):
            start.wait()
            server.save_files(key, files)

        threads = [
            threading.Thread(target=run, args=(servers[0], leaving, OTHER_FILES)),
            threading.Thread(target=run, args=(servers[1], arriving, FILES)),
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert servers[0].load(arriving).files == FILES
        servers[0].delete(leaving)
        servers[0].delete(arriving)
