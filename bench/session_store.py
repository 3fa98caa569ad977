"""What keeping a session on the server costs: writing the choices (every run that changes one), writing the
files (each upload), and loading and checking them again on a refresh (finance/store/sessions.py).

    python bench/session_store.py [--repeat N]

Uses the sample federation's files (8 files, 30 practices). Prints median and worst times; never fails
on a slow figure.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from finance.ingest.load import load_uploads
from finance.ingest.read import Upload
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
    args = parser.parse_args()
    files = tuple((p.name, p.read_bytes()) for p in sorted((REPO / "sample_data").iterdir()) if p.suffix in (".csv", ".xlsx"))
    state = {
        "controls": {"overhead_change": 5, "excluded_practices": ["F81004"], "management_fee": 7.5},
        "choices": {"practice": "F81004", "service": "ECG", "tornado_step": 10},
        "meeting": False,
        "link": None,
    }
    with tempfile.TemporaryDirectory() as folder:
        store = SessionStore(folder)
        key = new_key()
        save_state = timed(lambda: store.save_state(key, state), args.repeat)
        save_files = timed(lambda: store.save_files(key, files), args.repeat)

        def restore():
            stored = store.load(key)
            assert load_uploads(tuple(Upload(n, c) for n, c in stored.files)).ok

        restore_times = timed(restore, max(5, args.repeat // 5))
    size_kb = sum(len(c) for _, c in files) / 1024
    print(f"sample federation: {len(files)} files, {size_kb:,.0f} KB")
    for label, times in (
        ("save the choices (each run that changes one)", save_state),
        ("save the files (each upload; unchanged files are not rewritten)", save_files),
        ("load and check the files again (a refresh or a restart)", restore_times),
    ):
        print(f"{label}: median {statistics.median(times) * 1000:.1f} ms, worst {max(times) * 1000:.1f} ms ({len(times)} runs)")


if __name__ == "__main__":
    main()
