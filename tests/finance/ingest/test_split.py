"""Two limited readers sharing a CSV set give the answer one reader gives: the same problems in the same order, the same Dataset.

The reads run in a fresh interpreter (the test process has threads of its own, and a reader is
forked only from a process that has none at work); it prints both answers for the test to compare.
"""

from __future__ import annotations

import pickle
import signal
import subprocess
import sys

import pandas as pd

from finance.ingest import split
from finance.ingest.limits import Limits
from finance.ingest.read import Upload
from tests.conftest import ROOT, WORKED_EXAMPLE

SCRIPT = r"""
import dataclasses, pickle, sys
import finance.cli.main
from finance.ingest import split, worker
from finance.ingest.limits import Limits
from finance.ingest.read import Upload

case, files = sys.argv[1], sys.argv[2:]
uploads = [Upload.from_path(f) for f in files]
limits = Limits()
split.MIN_BYTES = 0
if case == "no memory for two":  # each of the two readers may add nothing to its address space
    split.halved = lambda limits: dataclasses.replace(limits, memory_mb=0)
halves = split.halves(uploads, limits)
assert halves is not None and halves[0] and halves[1], halves
two = worker.read_split(uploads, halves, limits)
one = pickle.loads(worker.read_forked(uploads, limits))
sys.stdout.buffer.write(pickle.dumps((halves, two, one)))
"""


def read_both_ways(files: list[str], case: str = "plain") -> tuple[tuple, tuple, tuple]:
    done = subprocess.run([sys.executable, "-c", SCRIPT, case, *files], capture_output=True, cwd=ROOT, timeout=120)
    assert done.returncode == 0, done.stderr.decode()
    return pickle.loads(done.stdout)


def _broken_set(tmp_path) -> list[str]:
    """The worked example with problems in several files: an unknown practice, an amount that is not one, a practice twice."""
    files = []
    for path in sorted(WORKED_EXAMPLE.glob("*.csv")):
        text = path.read_text()
        if path.name == "contract_income.csv":
            text += "Z99999,Phlebotomy LES,Phlebotomy,100\nA00001,Phlebotomy LES,Phlebotomy,TBC\n"
        if path.name == "practices.csv":
            text += text.splitlines()[1] + "\n"
        (tmp_path / path.name).write_text(text)
        files.append(str(tmp_path / path.name))
    (tmp_path / "notes.csv").write_text("what,why\nnothing,here\n")
    return [*files, str(tmp_path / "notes.csv")]


def test_two_readers_give_the_problems_of_one_in_the_same_order(tmp_path):
    files = _broken_set(tmp_path)
    _, two, one = read_both_ways(files)
    assert two[0] == one[0] == "ok"
    assert [str(p) for p in two[1].problems] == [str(p) for p in one[1].problems]
    assert two[1].problems == one[1].problems
    assert any("Z99999" in str(p) for p in one[1].problems) and any("TBC" in str(p) for p in one[1].problems)
    assert two[1].dataset is None and one[1].dataset is None
    assert two[1].sheets_read == one[1].sheets_read


def test_two_readers_give_the_dataset_of_one():
    files = [str(p) for p in sorted(WORKED_EXAMPLE.glob("*.csv"))]
    _, two, one = read_both_ways(files)
    assert two[0] == one[0] == "ok"
    assert two[1].problems == one[1].problems and two[1].sheets_read == one[1].sheets_read
    for name in ("practices", "income", "services", "activity", "federation_costs"):
        pd.testing.assert_frame_equal(getattr(two[1].dataset, name), getattr(one[1].dataset, name))
    assert two[1].dataset.sources == one[1].dataset.sources


def test_when_half_the_memory_is_not_enough_one_reader_reads_the_set_again():
    files = [str(p) for p in sorted(WORKED_EXAMPLE.glob("*.csv"))]
    _, two, one = read_both_ways(files, "no memory for two")
    assert two[0] == one[0] == "ok"
    assert two[1].problems == one[1].problems and two[1].sheets_read == one[1].sheets_read
    pd.testing.assert_frame_equal(two[1].dataset.income, one[1].dataset.income)


def _uploads(*named: tuple[str, bytes]) -> list[Upload]:
    return [Upload(name, content) for name, content in named]


def test_the_files_are_shared_by_size_and_each_read_once(monkeypatch):
    monkeypatch.setattr(split, "MIN_BYTES", 0)
    big, middle, small = b"a,b\n" + b"1,2\n" * 3000, b"a,b\n" + b"1,2\n" * 2000, b"a,b\n" + b"1,2\n" * 500
    uploads = _uploads(("small.csv", small), ("big.csv", big), ("middle.csv", middle), ("again.csv", big))
    first, second = split.halves(uploads, Limits())
    assert sorted(first + second) == [0, 1, 2]  # again.csv holds what big.csv holds: read once, reported by the second reader
    assert 1 in first and 1 not in second


def test_workbooks_small_sets_and_sets_near_the_cell_limit_are_read_by_one_reader(monkeypatch):
    rows = b"a,b\n" + b"1,2\n" * 1000
    two_csv = _uploads(("one.csv", rows), ("two.csv", rows + b"3,4\n"))
    assert split.halves(two_csv, Limits()) is None  # under MIN_BYTES
    monkeypatch.setattr(split, "MIN_BYTES", 0)
    assert split.halves(two_csv, Limits()) is not None
    assert split.halves(two_csv, Limits(max_cells=3000)) is None  # up to 4,004 cells: the cell limit could decide
    assert split.halves(_uploads(("one.csv", rows), ("book.xlsx", b"PK\x03\x04" + rows)), Limits()) is None
    assert split.halves(_uploads(("one.csv", rows), ("zip.csv", b"PK\x03\x04" + rows)), Limits()) is None
    assert split.halves(_uploads(("one.csv", rows)), Limits()) is None


def test_each_reader_may_take_half_the_memory():
    assert split.halved(Limits(memory_mb=2_500)) == Limits(memory_mb=1_250)
    assert split.halved(Limits(memory_mb=1)).memory_mb == 1


LIMITS_HERE = r"""
import json, resource, signal, sys, time
from finance.ingest.limits import Limits
from finance.ingest.worker import under_limits_here

def spin():
    while True:
        pass

before = resource.getrlimit(resource.RLIMIT_AS)
answers = {
    "fits": under_limits_here(Limits(), time.monotonic() + 60, lambda: sum(range(1000))),
    "memory": under_limits_here(Limits(memory_mb=50), time.monotonic() + 60, lambda: bytearray(400 * 1024 * 1024)),
    "cpu": under_limits_here(Limits(cpu_s=1), time.monotonic() + 60, spin),
    "deadline": under_limits_here(Limits(), time.monotonic() + 0.2, lambda: time.sleep(5)),
}
after = resource.getrlimit(resource.RLIMIT_AS)
big = len(bytearray(400 * 1024 * 1024))  # the memory limit is gone again
print(json.dumps({k: list(v) for k, v in answers.items()} | {"same_rlimit": before == after, "big": big,
      "handlers": [signal.getsignal(s) is signal.SIG_DFL for s in (signal.SIGPROF, signal.SIGALRM)]}))
"""


def test_the_checks_across_tables_after_two_readers_keep_a_readers_limits():
    """After two readers the command line checks across tables itself, under the reader's memory, CPU and time limits, put back after."""
    import json

    done = subprocess.run([sys.executable, "-c", LIMITS_HERE], capture_output=True, cwd=ROOT, timeout=120, text=True)
    assert done.returncode == 0, done.stderr
    answers = json.loads(done.stdout)
    assert answers["fits"] == ["ok", 499500]
    assert answers["memory"] == ["memory"]
    assert answers["cpu"] == ["signal", int(signal.SIGXCPU)]
    assert answers["deadline"] == ["timeout"]
    assert answers["same_rlimit"] and answers["big"] == 400 * 1024 * 1024 and answers["handlers"] == [True, True]
