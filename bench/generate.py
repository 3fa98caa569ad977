"""Write the synthetic federation (bench/synthetic.py) as CSV files and as one xlsx workbook.

The CSV income carries some amounts the way people type them (`£12,345.67`, `(1,200.00)`) so
the parser is exercised. Files are reused while the parameters match (see manifest.json).
Run it alone with ``python bench/generate.py [--practices N]``.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pandas as pd
from openpyxl import Workbook

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.synthetic import build_federation

DEFAULT_OUT = Path(__file__).resolve().parent / "out"
MANIFEST = "manifest.json"


def as_typed_by_hand(rng: np.random.Generator, income: pd.DataFrame) -> pd.DataFrame:
    """Income as a practice manager's CSV: some amounts as '£12,345.67' or '(1,200.00)', a few codes in lower case."""
    amount = income["amount_gbp"].to_numpy()
    text = np.array(income["amount_gbp"], dtype=object)
    pounds = (amount >= 0) & (rng.random(len(income)) < 0.03)
    text[pounds] = [f"£{a:,.2f}" for a in amount[pounds]]
    bracketed = (amount < 0) & (rng.random(len(income)) < 0.1)
    text[bracketed] = [f"({-a:,.2f})" for a in amount[bracketed]]
    code = np.array(income["practice_code"], dtype=object)
    lower = rng.random(len(income)) < 0.005
    code[lower] = [f" {c.lower()}" for c in code[lower]]
    return income.assign(practice_code=code, amount_gbp=text)


def write_csv(tables: dict[str, pd.DataFrame], folder: Path, seed: int) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng([seed, 1])
    paths = []
    for name, table in tables.items():
        if name.endswith("_income"):
            table = as_typed_by_hand(rng, table)
        path = folder / f"{name}.csv"
        table.to_csv(path, index=False)
        paths.append(path)
    return paths


def write_xlsx(tables: dict[str, pd.DataFrame], path: Path) -> list[Path]:
    """One workbook, a sheet per table (income as three sheets), written in write-only mode."""
    path.parent.mkdir(parents=True, exist_ok=True)
    book = Workbook(write_only=True)
    for name, table in tables.items():
        sheet = book.create_sheet(name)
        sheet.append(list(table.columns))
        cells = table.astype(object).where(table.notna(), None)
        for row in cells.itertuples(index=False, name=None):
            sheet.append(row)
    book.save(path)
    return [path]


def parameters(practices: int, services: int, lines_per_practice: int, seed: int) -> dict[str, int]:
    return {
        "practices": practices,
        "services": services,
        "lines_per_practice": lines_per_practice,
        "seed": seed,
    }


def existing_federation(out_dir: Path, params: dict[str, int], formats: Sequence[str]) -> dict[str, list[Path]] | None:
    """The files of an earlier run with the same parameters, or None when any is missing."""
    out_dir = Path(out_dir)
    manifest = out_dir / MANIFEST
    if not manifest.exists():
        return None
    written = json.loads(manifest.read_text())
    if written.get("parameters") != params:
        return None
    files = {f: [out_dir / p for p in written["files"].get(f, [])] for f in formats}
    if all(paths and all(p.exists() for p in paths) for paths in files.values()):
        return files
    return None


def write_federation(
    out_dir: str | Path = DEFAULT_OUT,
    *,
    practices: int = 6500,
    services: int = 25,
    lines_per_practice: int = 40,
    seed: int = 1,
    formats: Sequence[str] = ("csv", "xlsx"),
) -> dict[str, list[Path]]:
    """Write the federation as CSV files (out_dir/csv) and one workbook (out_dir/xlsx/federation.xlsx)."""
    out_dir = Path(out_dir)
    (out_dir / MANIFEST).unlink(missing_ok=True)  # an interrupted write leaves no stale manifest
    tables = build_federation(
        practices=practices,
        services=services,
        lines_per_practice=lines_per_practice,
        seed=seed,
    )
    files: dict[str, list[Path]] = {}
    if "csv" in formats:
        files["csv"] = write_csv(tables, out_dir / "csv", seed)
    if "xlsx" in formats:
        files["xlsx"] = write_xlsx(tables, out_dir / "xlsx" / "federation.xlsx")
    manifest = {
        "parameters": parameters(practices, services, lines_per_practice, seed),
        "files": {f: [p.relative_to(out_dir).as_posix() for p in paths] for f, paths in files.items()},
        "rows": {name: len(table) for name, table in tables.items()},
    }
    (out_dir / MANIFEST).write_text(json.dumps(manifest, indent=2))
    return files


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--practices", type=int, default=6500)
    parser.add_argument("--services", type=int, default=25)
    parser.add_argument("--lines-per-practice", type=int, default=40)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    parser.add_argument("--formats", nargs="+", default=["csv", "xlsx"], choices=["csv", "xlsx"])
    args = parser.parse_args(argv)
    started = time.perf_counter()
    files = write_federation(
        args.out,
        practices=args.practices,
        services=args.services,
        lines_per_practice=args.lines_per_practice,
        seed=args.seed,
        formats=args.formats,
    )
    for paths in files.values():
        for path in paths:
            print(f"{path}  {path.stat().st_size / 1e6:.1f} MB")
    print(f"written in {time.perf_counter() - started:.1f} s")


if __name__ == "__main__":
    main()
