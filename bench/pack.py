"""How long the board pack takes, on the sample and at England scale: workbook, appraisal PDF and HTML.

    python bench/pack.py [--practices N] [--out DIR]

Writes the synthetic federation's CSV files (bench/generate.py) to DIR, loads them, compares three
options and times each part of the pack. It measures and prints; it never fails on a slow figure.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TypeVar

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.generate import write_federation
from finance.analysis.compare import compare
from finance.ingest.load import load_files
from finance.model.engine import Model
from finance.model.scenario import Scenario
from finance.report.pack import appraisal_files, comparison_workbook
from tests.conftest import sample_files

T = TypeVar("T")
OPTIONS = [
    ("A: catalogue fees", Scenario()),
    ("B: practices choose", Scenario(participation="rational")),
    ("C: one fee of 6%", Scenario(management_fee_pct=6, participation="rational")),
]


def timed(action: Callable[[], T]) -> tuple[float, T]:
    """CPU seconds (the machine is shared: wall time there says more about the others)."""
    started = time.process_time()
    result = action()
    return time.process_time() - started, result


def measure(label: str, paths: Sequence[Path]) -> None:
    dataset = load_files(paths).dataset
    model = Model(dataset)
    try:
        seconds, comparison = timed(lambda: compare(model, OPTIONS))
    finally:
        model.close()
    print(f"{label}: {len(dataset.practices):,} practices, {len(dataset.services)} services, 3 options")
    print(f"  compare (engine)      {seconds:6.2f} s CPU (DuckDB's threads included)")
    seconds, workbook = timed(lambda: comparison_workbook(comparison, dataset, federation="Bench federation"))
    print(f"  workbook              {seconds:6.2f} s CPU  {len(workbook) / 1e3:7,.0f} kB")
    seconds, (pdf, page) = timed(lambda: appraisal_files(comparison, dataset, federation="Bench federation"))
    print(f"  appraisal PDF + HTML  {seconds:6.2f} s CPU  {len(pdf) / 1e3:5.0f} kB + {len(page) / 1e3:.0f} kB")


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--practices", type=int, default=6500)
    parser.add_argument("--out", type=Path, default=None)
    args = parser.parse_args(argv)
    measure("sample", sample_files())
    with tempfile.TemporaryDirectory() as scratch:
        out = args.out or Path(scratch)
        files = write_federation(out, practices=args.practices, formats=("csv",))["csv"]
        measure("England scale", files)


if __name__ == "__main__":
    main()
