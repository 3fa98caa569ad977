"""What keeping a session in the store costs: writing the choices (every run that changes one), writing the
files (each upload), and loading and checking them again on a refresh (finance/store/sessions.py).

    python bench/session_store.py [--repeat N] [--database-url URL | --postgres]

On a new DuckDB file, or on PostgreSQL (``--database-url``, or ``--postgres`` for a private cluster,
tests/postgres.py). Uses the sample federation's files (30 practices). The process keeps its
connection between operations (finance/store/kept_file.py, and PostgreSQL's pool); the last line is
an operation that opens a new one. Prints median and worst times; never fails on a slow figure.
"""

from __future__ import annotations

import argparse
import contextlib
import statistics
import sys
import tempfile
import time
from pathlib import Path

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from finance.ingest.load import load_uploads
from finance.ingest.read import Upload
from finance.store.backend import DuckDBBackend, PostgresBackend
from finance.store.sessions import SessionStore, new_key

REPO = Path(__file__).resolve().parent.parent


def timed(work, repeat: int) -> list[float]:
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        work()
        times.append(time.perf_counter() - started)
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=50)
    parser.add_argument("--database-url", default="")
    parser.add_argument("--postgres", action="store_true", help="start a private PostgreSQL cluster (tests/postgres.py)")
    args = parser.parse_args()
    files = tuple((p.name, p.read_bytes()) for p in sorted((REPO / "sample_data").iterdir()) if p.suffix in (".csv", ".xlsx"))
    state = {
        "controls": {"overhead_change": 5, "excluded_practices": ["F81004"], "management_fee": 7.5},
        "choices": {"practice": "F81004", "service": "ECG", "tornado_step": 10},
        "meeting": False,
        "link": None,
    }
    with tempfile.TemporaryDirectory() as folder, contextlib.ExitStack() as stack:
        if args.postgres:
            from tests.postgres import PostgresCluster, postgres_bin

            cluster = PostgresCluster(postgres_bin()).start()
            stack.callback(cluster.stop)
            args.database_url = cluster.new_database()
        backend = PostgresBackend(args.database_url) if args.database_url else DuckDBBackend(Path(folder) / "scenarios.duckdb")
        store = SessionStore(backend=backend)
        key = new_key()
        save_state = timed(lambda: store.save_state(key, state), args.repeat)
        save_files = timed(lambda: store.save_files(key, files), args.repeat)
        fresh = timed(lambda: store.save_files(new_key(), files), max(5, args.repeat // 5))

        def restore():
            stored = store.load(key)
            assert load_uploads(tuple(Upload(n, c) for n, c in stored.files)).ok

        read_back = timed(lambda: store.load(key), args.repeat)
        restore_times = timed(restore, max(5, args.repeat // 5))

        def save_state_anew():
            backend.close()  # DuckDB: lets go of the file (as for another process, or when idle); PostgreSQL: signs in again
            store.save_state(key, state)

        anew = timed(save_state_anew, max(5, args.repeat // 5))
        backend.close()
    size_kb = sum(len(c) for _, c in files) / 1024
    print(f"sample federation: {len(files)} files, {size_kb:,.0f} KB, on {'PostgreSQL' if args.database_url else 'a DuckDB file'}")
    for label, times in (
        ("save the choices (each run that changes one)", save_state),
        ("save the files again (each upload; files kept already are compared, not rewritten)", save_files),
        ("save the same files for another session (kept once)", fresh),
        ("load the files and choices (a refresh or a restart)", read_back),
        ("load and check the files again (the same, and validating them)", restore_times),
        ("save the choices on a new connection (the file opened again; a new sign-in)", anew),
    ):
        print(f"{label}: median {statistics.median(times) * 1000:.1f} ms, worst {max(times) * 1000:.1f} ms ({len(times)} runs)")


if __name__ == "__main__":
    main()
