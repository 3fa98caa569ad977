"""How fast the fee designer, uncertainty and the plan are: python bench/analysis.py [--skip-england].

Prints, beside their targets: the designer on the sample (< 2 s) and on the England-scale set of
bench/generate.py, 6,500 practices and 25 services (< 30 s), under "all" and "rational"; 1,000
uncertainty draws on the sample (< 3 s) under both; and the three-year plan on the sample. Each is
timed once after the Model is built (wall clock and CPU). It never fails on a slow figure.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.generate import DEFAULT_OUT, existing_federation, parameters, write_federation
from finance.analysis.design import design_fees
from finance.analysis.plan import default_plan, run_plan
from finance.analysis.uncertainty import SUGGESTED_RANGES, uncertainty
from finance.ingest.load import load_files
from finance.model.engine import Model
from finance.model.scenario import Scenario

SAMPLE = Path(__file__).resolve().parent.parent / "sample_data"


def timed(work: Callable[[], Any]) -> tuple[float, float, Any]:
    wall, cpu = time.perf_counter(), time.process_time()
    result = work()
    return time.perf_counter() - wall, time.process_time() - cpu, result


def line(label: str, wall: float, cpu: float, target: float | None, note: str = "") -> None:
    verdict = "" if target is None else ("  ok" if wall < target else "  SLOW")
    aim = "" if target is None else f" (target < {target:g} s)"
    print(f"{label:<52} {wall:7.2f} s  cpu {cpu:6.2f} s{aim}{verdict}  {note}")


def design_note(design) -> str:
    return f"viable {design.viable}, {design.practices_better_off}/{design.practices} better off, surplus £{design.federation.surplus_gbp:,.0f}, {design.method}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--skip-england", action="store_true")
    args = parser.parse_args()
    print(f"load average {os.getloadavg()[0]:.2f}, {os.cpu_count()} cores")
    sample = Model(load_files(sorted(p for p in SAMPLE.iterdir() if p.suffix in (".csv", ".xlsx"))).dataset)
    for participation in ("all", "rational"):
        wall, cpu, design = timed(lambda p=participation: design_fees(sample, Scenario(participation=p)))
        line(f"designer, sample, {participation}", wall, cpu, 2.0, design_note(design))
    for participation in ("all", "rational"):
        wall, cpu, result = timed(lambda p=participation: uncertainty(sample, Scenario(participation=p), SUGGESTED_RANGES, 1000, 1))
        line(f"uncertainty, sample, 1,000 draws, {participation}", wall, cpu, 3.0, f"p_viable {result.p_viable:.3f}")
    wall, cpu, plan = timed(lambda: run_plan(sample, Scenario(participation="rational"), default_plan()))
    line("plan, sample, 3 years, rational", wall, cpu, None, f"reserves at the end £{plan.years[-1].reserves_gbp:,.0f}")
    sample.close()
    if args.skip_england:
        return
    params = parameters(6500, 25, 40, 1)
    files = existing_federation(DEFAULT_OUT, params, ["csv"]) or write_federation(DEFAULT_OUT, formats=("csv",))
    england = Model(load_files(files["csv"]).dataset)
    for participation in ("all", "rational"):
        wall, cpu, design = timed(lambda p=participation: design_fees(england, Scenario(participation=p)))
        line(f"designer, England (6,500 practices, 25 services), {participation}", wall, cpu, 30.0, design_note(design))
    print(f"load average {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
