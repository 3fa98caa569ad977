"""A command-line process forks the limited reader from itself: the same limits, the same sentences, no second interpreter.

Each case runs in a fresh interpreter (the test process has threads of its own, so it always reads
through the reading server): it imports the CLI, says it has only imported
(``read_here_after_imports``) and reads; what it prints says which way the read went.
"""

from __future__ import annotations

import json
import subprocess
import sys

from tests.conftest import ROOT, WORKED_EXAMPLE

FILES = [str(p) for p in sorted(WORKED_EXAMPLE.glob("*.csv"))]

SCRIPT = r"""
import json, sys, threading
import finance.cli.main
from finance.ingest import isolate
from finance.ingest.limits import Limits
from finance.ingest.load import load_files

isolate.read_here_after_imports()
case, files = sys.argv[1], sys.argv[2:]
if case == "thread":  # a thread started after the imports: the read must go to the server
    stop = threading.Event()
    threading.Thread(target=stop.wait, daemon=True).start()
limits = {"memory": Limits(memory_mb=1), "timeout": Limits(timeout_s=0.0001)}.get(case)
result = load_files(files, limits=limits)
print(json.dumps({"ok": result.ok, "problems": [str(p) for p in result.problems], "server": "process" in isolate._server}))
if case == "thread":
    stop.set()
"""


def read_in_fresh_process(case: str, files: list[str]) -> dict:
    done = subprocess.run([sys.executable, "-c", SCRIPT, case, *files], capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def test_a_process_that_has_only_imported_reads_without_the_reading_server():
    read = read_in_fresh_process("plain", FILES)
    assert read == {"ok": True, "problems": [], "server": False}


def test_the_reader_forked_here_keeps_the_memory_limit(tmp_path):
    big = tmp_path / "activity.csv"  # 200,000 rows: far more than 1 MB to read (a small file may fit in it)
    big.write_text("practice_code,service,units\n" + "".join(f"A{i % 90000 + 10000:05d},Phlebotomy,{i}\n" for i in range(200_000)))
    read = read_in_fresh_process("memory", [str(big)])
    assert read["problems"] == [
        "activity.csv could not be read: it needs more memory than the 1 MB allowed for reading an upload. "
        "Remove unused sheets, rows and columns, or split the file."
    ]
    assert read["server"] is False


def test_the_reader_forked_here_keeps_the_time_limit():
    read = read_in_fresh_process("timeout", FILES[:1])
    assert len(read["problems"]) == 1 and "took longer than the 0 seconds allowed" in read["problems"][0]
    assert read["server"] is False


def test_a_thread_started_after_the_imports_sends_the_read_to_the_server():
    read = read_in_fresh_process("thread", FILES)
    assert read == {"ok": True, "problems": [], "server": True}
