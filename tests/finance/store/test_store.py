"""The saved-scenarios store on both backends: round trips, names, and safety across threads and processes."""

from __future__ import annotations

import json
import multiprocessing
import os
import signal
import subprocess
import sys
import threading
import time
from datetime import UTC, datetime, timedelta

import duckdb
import pytest

import finance.store.backend
import finance.store.kept_file
import finance.store.scenarios
from finance.errors import StoreError
from finance.model.scenario import Scenario
from finance.store.scenarios import STORE_ENV, SavedScenario, ScenarioStore, default_store_path
from tests.conftest import WORKED_EXAMPLE
from tests.finance.store.conftest import location

SPAWN = multiprocessing.get_context("spawn")  # never fork a process that has DuckDB loaded


@pytest.fixture
def duckdb_store(tmp_path) -> ScenarioStore:
    return ScenarioStore(tmp_path / "folder" / "scenarios.duckdb")


@pytest.fixture(scope="module")
def dataset():
    from finance.ingest.load import load_files  # here, so that the processes the tests start import less

    result = load_files(sorted(WORKED_EXAMPLE.glob("*.csv")))
    assert result.ok
    return result.dataset


OPTION_A = Scenario(management_fee_pct=6, participation="rational", service_fee_pct={"Phlebotomy": 7.5}, excluded_practices=("A00001",))


def test_save_then_load_from_a_new_store_object(store, dataset):
    before = datetime.now(UTC)
    store.save("Option A", OPTION_A, "The federation runs it at 6%", dataset=dataset)
    again = ScenarioStore(**location(store.backend)).load("Option A")
    assert again.scenario == OPTION_A
    assert again.description == "The federation runs it at 6%"
    assert again.file_names == tuple(dataset.file_names)
    assert again.fingerprint == dataset.fingerprint
    assert before - timedelta(seconds=1) <= again.saved_at <= datetime.now(UTC) + timedelta(seconds=1)
    assert again.matches(dataset) and again.mismatch(dataset) is None


def test_the_scenario_is_stored_as_its_json(store):
    store.save("Option A", OPTION_A)
    (text,) = store.backend.transaction(lambda db: db.row("SELECT scenario_json FROM saved_options"))
    assert json.loads(text) == OPTION_A.to_dict()


def test_the_folder_is_created_on_first_use(duckdb_store):
    store = duckdb_store
    assert not store.path.parent.exists()
    assert store.list() == []
    assert store.path.exists()


def test_mismatch_names_the_files(dataset):
    saved = SavedScenario("Option A", Scenario(), file_names=("a.csv", "b.xlsx"), fingerprint="0" * 64)
    assert not saved.matches(dataset)
    sentence = saved.mismatch(dataset)
    assert sentence.startswith("'Option A' was saved on ")
    assert f"on files a.csv, b.xlsx; the data loaded now differs ({', '.join(dataset.file_names)})" in sentence
    same_names = SavedScenario("B", Scenario(), file_names=tuple(dataset.file_names), fingerprint="0" * 64)
    assert "files with the same names are loaded now but their contents differ" in same_names.mismatch(dataset)
    assert SavedScenario("C", Scenario()).matches(dataset)  # saved without data: nothing to compare


def test_names_are_unique_whatever_their_case(store):
    store.save("Option A", Scenario())
    with pytest.raises(StoreError, match="A scenario named 'Option A' is already saved"):
        store.save("option  a", Scenario(management_fee_pct=5))
    store.save("OPTION A", Scenario(management_fee_pct=5), replace=True)
    assert [(s.name, s.scenario.management_fee_pct) for s in store.list()] == [("OPTION A", 5.0)]
    assert store.load("option a").name == "OPTION A"


@pytest.mark.parametrize(
    ("name", "message"),
    [("", "Give the scenario a name."), ("   ", "Give the scenario a name."), ("x" * 81, "at most 80 characters"), ("a\x00b", "control")],
)
def test_bad_names(store, name, message):
    with pytest.raises(StoreError, match=message):
        store.save(name, Scenario())


def test_rename_duplicate_delete(store):
    store.save("A", Scenario(management_fee_pct=6), "six")
    store.save("B", Scenario(management_fee_pct=8))
    renamed = store.rename("a", "Option A")
    assert renamed.name == "Option A" and renamed.description == "six"
    assert store.rename("option a", "OPTION A").name == "OPTION A"  # a change of case alone
    with pytest.raises(StoreError, match="A scenario named 'B' is already saved"):
        store.rename("OPTION A", "b")
    copy = store.duplicate("OPTION A", "Option A (copy)")
    assert copy.scenario == Scenario(management_fee_pct=6) and copy.description == "six"
    with pytest.raises(StoreError, match="already saved"):
        store.duplicate("B", "option a (COPY)")
    store.delete("b")
    assert store.names() == ["OPTION A", "Option A (copy)"]
    for operation in (lambda: store.load("B"), lambda: store.delete("B"), lambda: store.rename("B", "C")):
        with pytest.raises(StoreError, match=r"No scenario named 'B' is saved\."):
            operation()


def test_a_file_that_is_not_a_duckdb_database(tmp_path):
    path = tmp_path / "scenarios.duckdb"
    path.write_text("practice_code,practice_name\n")
    with pytest.raises(StoreError, match="is not a saved-scenarios file \\(it is not a DuckDB database\\)"):
        ScenarioStore(path).list()


def test_a_duckdb_database_of_something_else(tmp_path):
    path = tmp_path / "other.duckdb"
    con = duckdb.connect(str(path))
    con.execute("CREATE TABLE saved_scenarios (x INTEGER)")
    con.close()
    with pytest.raises(StoreError, match="is a DuckDB database but not a saved-scenarios file"):
        ScenarioStore(path).save("A", Scenario())


def test_a_stored_scenario_that_no_longer_checks_out(store):
    store.save("A", Scenario())
    store.backend.transaction(lambda db: db.run("""UPDATE saved_options SET scenario_json = '{"fee": 5}'"""))
    with pytest.raises(StoreError, match="The saved scenario 'A' cannot be read: unknown parameter 'fee'"):
        store.load("A")


def test_the_path_comes_from_the_environment(monkeypatch, tmp_path):
    monkeypatch.delenv(STORE_ENV, raising=False)
    monkeypatch.delenv("FINANCE_DATABASE_URL", raising=False)
    assert default_store_path() == finance.store.scenarios.DEFAULT_STORE_PATH
    assert default_store_path().parts[-2:] == ("data", "scenarios.duckdb")
    monkeypatch.setenv(STORE_ENV, str(tmp_path / "mine.duckdb"))
    assert ScenarioStore().path == tmp_path / "mine.duckdb"


def test_saves_from_several_threads_all_land(store):
    def save_many(thread: int) -> None:
        for i in range(6):
            store.save(f"thread {thread} save {i}", Scenario(management_fee_pct=i))

    threads = [threading.Thread(target=save_many, args=(t,)) for t in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(store.list()) == 24


def save_series(where: dict[str, str], prefix: str, count: int, log: str | None = None) -> None:
    """Run in another process: save ``count`` scenarios, noting each completed save in ``log``."""
    store = ScenarioStore(**where)
    for i in range(count):
        store.save(f"{prefix} {i}", Scenario(management_fee_pct=i % 100, activity_change_pct=i))
        if log:
            with open(log, "a") as done:
                done.write(f"{prefix} {i}\n")


def test_saves_from_two_processes_and_this_one_all_land(store):
    store.list()  # create the file before the processes race to
    workers = [SPAWN.Process(target=save_series, args=(location(store.backend), f"process {p}", 8)) for p in range(2)]
    for worker in workers:
        worker.start()
    save_series(location(store.backend), "parent", 8)
    for worker in workers:
        worker.join(timeout=60)
        assert worker.exitcode == 0
    assert len(store.list()) == 24


def test_a_process_killed_mid_write_leaves_every_completed_save(store, tmp_path):
    log = tmp_path / "done.txt"
    store.save("before", Scenario())
    worker = SPAWN.Process(target=save_series, args=(location(store.backend), "killed", 10_000, str(log)))
    worker.start()
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and (not log.exists() or len(log.read_text().splitlines()) < 15):
        time.sleep(0.01)
    time.sleep(0.013)  # land somewhere inside a save, not on a boundary
    os.kill(worker.pid, signal.SIGKILL)
    worker.join()
    assert worker.exitcode == -signal.SIGKILL
    completed = log.read_text().split("\n")[:-1]  # whole lines only: the kill may cut the last one
    assert len(completed) >= 15
    names = set(ScenarioStore(**location(store.backend)).names())
    assert {"before", *completed} <= names
    assert names - {"before", *completed} <= {f"killed {len(completed)}"}  # at most the save it was making
    store.save("after", Scenario())
    assert store.load("killed 0").scenario == Scenario(management_fee_pct=0, activity_change_pct=0)


# Another program on the file, which (unlike this app) leaves no note asking for it: it tries until it
# has the file, then holds it for 0.6 s.
HOLDER = """
import duckdb, sys, time
deadline = time.monotonic() + 30
while True:
    try:
        c = duckdb.connect(sys.argv[1])
        break
    except duckdb.IOException:
        if time.monotonic() > deadline:
            raise
        time.sleep(0.01)
print('held', flush=True)
time.sleep(0.6)
"""


def test_waits_for_another_process_then_says_busy(duckdb_store, monkeypatch):
    store = duckdb_store
    monkeypatch.setattr(finance.store.kept_file, "IDLE_SECONDS", 0.2)
    store.list()  # this process keeps the file open, and lets go of it once unused for IDLE_SECONDS
    holder = subprocess.Popen([sys.executable, "-c", HOLDER, str(store.path)], stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "held"
        monkeypatch.setattr(finance.store.backend, "BUSY_WAIT_SECONDS", 0.2)
        with pytest.raises(StoreError, match="is busy \\(another copy of the app is using it\\): try again in a moment"):
            store.save("A", Scenario())
        monkeypatch.setattr(finance.store.backend, "BUSY_WAIT_SECONDS", 15.0)
        started = time.monotonic()
        store.save("A", Scenario())  # waits until the other process lets go
        assert time.monotonic() - started > 0.2
    finally:
        holder.kill()
        holder.wait()
    assert store.names() == ["A"]
