"""How fast the engine is at England scale: load + validate (CSV and xlsx) and model runs.

    python bench/engine.py [--practices N] [--out DIR] [--regenerate]

Generates a synthetic federation (bench/generate.py) or reuses the files of an earlier run with
the same parameters, then prints the figures beside their targets. It measures and reports; it
never fails on a slow figure (only a crash exits non-zero).
"""

from __future__ import annotations

import argparse
import os
import platform
import resource
import statistics
import subprocess
import sys
import time
import tracemalloc
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TypeVar

import duckdb
import pandas as pd

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.generate import DEFAULT_OUT, existing_federation, parameters
from bench.run_json import measure_json_step, measure_ratio, print_json_step, print_ratio
from finance.analysis.sweep import DEFAULT_FEES, fee_sweep
from finance.ingest.dataset import Dataset
from finance.ingest.isolate import read_in_child
from finance.ingest.limits import Limits
from finance.ingest.load import LoadResult, load_files
from finance.ingest.read import Upload
from finance.model.engine import Model
from finance.model.scenario import Scenario

T = TypeVar("T")
REPO = Path(__file__).resolve().parent.parent
TARGET_CSV_S = 3.0
TARGET_XLSX_S = 10.0
TARGET_ALL_MS = 200.0
TARGET_RATIONAL_MS = 1000.0
# Services the PCN route benchmark puts on PCNs (the ones PCNs commonly run), and its subscription.
PCN_SERVICES = ("Enhanced Access", "Social prescribing", "Care home ward rounds", "Home visiting", "Flu vaccination")
VAT_SERVICES = ("Enhanced Access", "Phlebotomy", "Note summarising")
SUBSCRIPTION_GBP = 1.0
DATASET_TABLES = (
    "practices",
    "income",
    "services",
    "activity",
    "federation_costs",
    "practice_costs",
)


@dataclass(frozen=True)
class LoadFigures:
    label: str
    files: int
    first_s: float
    best_s: float
    best_cpu_s: float
    rows: int
    errors: int
    warnings: int
    rss_mb: float
    fresh_rss_mb: tuple[float, float]
    dataset: Dataset | None


@dataclass(frozen=True)
class ModelFigures:
    label: str
    median_ms: float
    median_cpu_ms: float
    runs_ms: list[float]
    rounds: int
    membership_rounds: int
    members: int
    participants: int
    surplus_gbp: float


def rss_mb() -> float:
    """Peak resident memory of this process so far (Linux reports kilobytes)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def timed(action: Callable[[], T]) -> tuple[float, float, T]:
    """Wall-clock and CPU seconds (all threads) of one call: CPU time shows what a busy machine adds."""
    wall, cpu = time.perf_counter(), time.process_time()
    result = action()
    return time.perf_counter() - wall, time.process_time() - cpu, result


def federation_files(args: argparse.Namespace) -> dict[str, list[Path]]:
    """The generated files, written by a child process so their memory is not counted here."""
    params = parameters(args.practices, args.services, args.lines_per_practice, args.seed)
    found = None if args.regenerate else existing_federation(args.out, params, ("csv", "xlsx"))
    if found is not None:
        print(f"reusing the files in {args.out} (same parameters; --regenerate to rewrite)")
        return found
    command = [
        sys.executable,
        str(Path(__file__).with_name("generate.py")),
        "--out",
        str(args.out),
    ]
    for name, value in params.items():
        command += [f"--{name.replace('_', '-')}", str(value)]
    seconds, _, _ = timed(lambda: subprocess.run(command, check=True, stdout=subprocess.DEVNULL))
    print(f"generated the federation in {seconds:.1f} s")
    found = existing_federation(args.out, params, ("csv", "xlsx"))
    if found is None:
        raise RuntimeError(f"bench/generate.py wrote no usable files in {args.out}")
    return found


def rows_read(dataset: Dataset | None) -> int:
    if dataset is None:
        return 0
    return sum(len(getattr(dataset, name)) for name in DATASET_TABLES)


def traced_peak_mb(paths: Sequence[Path]) -> float:
    """Peak of Python-level allocations in one more load (numpy and pandas buffers count,
    calamine's and DuckDB's native memory does not). Tracing makes the load ~5x slower."""
    tracemalloc.start()
    try:
        load_files(paths)
        return tracemalloc.get_traced_memory()[1] / 1e6
    finally:
        tracemalloc.stop()


# ru_maxrss of an exec'd child starts at its parent's peak on Linux, so the child reads its own
# high-water mark (VmHWM) instead.
PEAK_RSS_CODE = """
import sys
from finance.ingest.load import load_inline
from finance.ingest.read import Upload

def peak_mb():
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return float("nan")

imported = peak_mb()
load_inline([Upload.from_path(p) for p in sys.argv[1:]])  # the reading itself, as the limited reader does it
print(imported, peak_mb())
"""


def fresh_process_rss_mb(paths: Sequence[Path]) -> tuple[float, float]:
    """Peak RSS of a new Python process after importing the engine, and after one load."""
    done = subprocess.run(
        [sys.executable, "-c", PEAK_RSS_CODE, *map(str, paths)],
        cwd=REPO,
        check=True,
        capture_output=True,
        text=True,
    )
    imported, loaded = done.stdout.split()
    return float(imported), float(loaded)


def measure_load(label: str, paths: Sequence[Path], repeats: int) -> LoadFigures:
    seconds: list[float] = []
    cpu_seconds: list[float] = []
    result: LoadResult | None = None
    uploads = [Upload.from_path(p) for p in paths]
    for _ in range(max(repeats, 1)):
        result = None  # let the previous load go before the next one is measured
        # The read runs in the limited reading process (as load_files does it); its CPU time is added to ours.
        wall, cpu, (result, _, reader_cpu) = timed(lambda: read_in_child(uploads, Limits.from_env()))
        seconds.append(wall)
        cpu_seconds.append(cpu + reader_cpu)
    if result is None:
        raise RuntimeError("load_files returned nothing")
    return LoadFigures(
        label=label,
        files=len(paths),
        first_s=seconds[0],
        best_s=min(seconds),
        best_cpu_s=min(cpu_seconds),
        rows=rows_read(result.dataset),
        errors=len(result.errors),
        warnings=len(result.warnings),
        rss_mb=rss_mb(),
        fresh_rss_mb=fresh_process_rss_mb(paths),
        dataset=result.dataset,
    )


def measure_model(model: Model, label: str, scenario: Scenario, runs: int) -> ModelFigures:
    times_ms: list[float] = []
    cpu_ms: list[float] = []
    results = model.run(scenario)  # warm-up: DuckDB plans and caches
    for _ in range(max(runs, 1)):
        wall, cpu, results = timed(lambda: model.run(scenario))
        times_ms.append(wall * 1000)
        cpu_ms.append(cpu * 1000)
    federation = results.federation
    return ModelFigures(
        label=label,
        median_ms=statistics.median(times_ms),
        median_cpu_ms=statistics.median(cpu_ms),
        runs_ms=times_ms,
        rounds=federation.rounds,
        membership_rounds=federation.membership_rounds,
        members=federation.members,
        participants=sum(federation.participants.values()),
        surplus_gbp=federation.surplus_gbp,
    )


def with_delivery_economics(dataset: Dataset) -> Dataset:
    """The generated catalogue with PCN costs on every service (5% dearer a unit than the
    federation, a fixed cost of a 250th of the federation's: a PCN runs for ~5 practices, the
    federation for England) and 20% VAT on three services, so the new pools and VAT are exercised."""
    services = dataset.services.copy()
    services["pcn_cost_per_unit"] = services["federation_cost_per_unit"] * 1.05
    services["pcn_fixed_cost"] = services["federation_fixed_cost"] / 250
    services["pcn_fee_pct"] = 2.0
    services["vat_rate_pct"] = services["service"].isin(VAT_SERVICES) * 20.0
    return replace(dataset, services=services)


def measure_sweeps(model: Model, scenario: Scenario, engine_too: bool) -> None:
    """The fee sweep (41 fees, rational, numpy cascade) and, with --sweep-engine, the same 41 fees
    through the engine's many-scenario pass (Model.summaries): why the numpy cascade stays."""
    fee_sweep(model, scenario)  # warm-up
    wall, cpu, _ = timed(lambda: fee_sweep(model, scenario))
    print(f"fee sweep, 41 fees (numpy cascade, PCN pools, subscription): {wall * 1000:.0f} ms ({cpu * 1000:.0f} ms CPU)")
    membership = scenario.with_changes(membership="rational")
    wall, cpu, _ = timed(lambda: fee_sweep(model, membership, DEFAULT_FEES[::10]))
    print(f"fee sweep under membership choice, 5 fees (the engine: Model.summaries): {wall:.1f} s ({cpu:.1f} s CPU)")
    if engine_too:
        scenarios = [scenario.with_changes(management_fee_pct=f, participation="rational") for f in DEFAULT_FEES]
        wall, cpu, _ = timed(lambda: model.summaries(scenarios))
        print(f"the same 41 fees through Model.summaries: {wall:.1f} s ({cpu:.1f} s CPU)")


def pounds(amount: float) -> str:
    sign = "-" if amount < 0 else ""
    return f"{sign}£{abs(amount):,.0f}"


def verdict(value: float, target: float) -> str:
    return "within target" if value < target else "OVER target"


def print_load(figures: LoadFigures, target_s: float) -> None:
    imported, loaded = figures.fresh_rss_mb
    print(
        f"load+validate {figures.label:<4} ({figures.files} file(s)): "
        f"best {figures.best_s:.2f} s ({figures.best_cpu_s:.2f} s CPU), first {figures.first_s:.2f} s   "
        f"target < {target_s:.0f} s: {verdict(figures.best_s, target_s)}"
    )
    print(f"    rows read {figures.rows:,}; problems: {figures.errors} errors, {figures.warnings} warnings")
    print(
        f"    peak RSS: a fresh process loading it {loaded:,.0f} MB "
        f"({imported:,.0f} MB after imports); this process so far "
        f"{figures.rss_mb:,.0f} MB"
    )


def print_model(figures: ModelFigures, target_ms: float) -> None:
    runs = ", ".join(f"{ms:.0f}" for ms in figures.runs_ms)
    print(
        f"model run '{figures.label}': median {figures.median_ms:.0f} ms ({figures.median_cpu_ms:.0f} ms CPU) "
        f"(runs {runs})   target < {target_ms:.0f} ms: "
        f"{verdict(figures.median_ms, target_ms)}"
    )
    print(
        f"    rounds {figures.rounds}, membership rounds {figures.membership_rounds}, members {figures.members:,}; "
        f"practice-service pairs at scale {figures.participants:,}; federation surplus {pounds(figures.surplus_gbp)}"
    )


def machine_load() -> str:
    """Other work on the machine skews every figure: say how busy it was."""
    one, five, _ = os.getloadavg()
    return f"load average {one:.2f} (1 min), {five:.2f} (5 min)"


def print_header(args: argparse.Namespace) -> None:
    print(
        f"engine benchmark: {args.practices:,} practices, {args.services} services, "
        f"~{args.lines_per_practice} income lines a practice, seed {args.seed}"
    )
    print(
        f"Python {platform.python_version()}, pandas {pd.__version__}, duckdb {duckdb.__version__}, "
        f"{platform.machine()}, {os.cpu_count()} cores; {machine_load()}"
    )


def run_benchmark(args: argparse.Namespace) -> None:
    print_header(args)
    files = federation_files(args)
    print(f"peak RSS before loading {rss_mb():,.0f} MB")
    csv = measure_load("CSV", files["csv"], args.repeats)
    print_load(csv, TARGET_CSV_S)
    xlsx = measure_load("xlsx", files["xlsx"], args.repeats)
    print_load(xlsx, TARGET_XLSX_S)
    dataset = csv.dataset or xlsx.dataset
    if dataset is None:
        print("no dataset loaded (the generated data has errors): model not run")
        return
    dataset = with_delivery_economics(dataset)
    seconds, _, model = timed(lambda: Model(dataset))
    print(f"Model(dataset) (tables into DuckDB): {seconds * 1000:.0f} ms")
    print_json_step(measure_json_step(model.run(Scenario())))
    print_ratio(measure_ratio(files["csv"], args.repeats))
    pcn = dict.fromkeys(PCN_SERVICES, "pcn")
    try:
        for label, scenario, target in (
            ("all", Scenario(), TARGET_ALL_MS),
            ("rational", Scenario(participation="rational", opt_out_tolerance_gbp=0.0), TARGET_RATIONAL_MS),
            (
                "all, 5 services on PCNs, subscription",
                Scenario(service_route=pcn, subscription_gbp_per_patient=SUBSCRIPTION_GBP),
                TARGET_ALL_MS,
            ),
            (
                "all, 5 services on PCNs, subscription, membership choice",
                Scenario(service_route=pcn, subscription_gbp_per_patient=SUBSCRIPTION_GBP, membership="rational"),
                TARGET_RATIONAL_MS,
            ),
            (
                "rational, 5 services on PCNs, subscription, membership choice",
                Scenario(participation="rational", service_route=pcn, subscription_gbp_per_patient=SUBSCRIPTION_GBP, membership="rational"),
                TARGET_RATIONAL_MS,
            ),
        ):
            print_model(measure_model(model, label, scenario, args.runs), target)
        measure_sweeps(model, Scenario(service_route=pcn, subscription_gbp_per_patient=SUBSCRIPTION_GBP), args.sweep_engine)
    finally:
        model.close()
    print(f"peak RSS at the end {rss_mb():,.0f} MB; {machine_load()}")
    if args.tracemalloc:  # last: tracing's own bookkeeping would inflate every RSS figure above
        for label, paths in (("CSV", files["csv"]), ("xlsx", files["xlsx"])):
            print(f"tracemalloc peak of one {label} load: {traced_peak_mb(paths):,.0f} MB")


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--practices", type=int, default=6500)
    parser.add_argument("--services", type=int, default=25)
    parser.add_argument("--lines-per-practice", type=int, default=40)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    parser.add_argument("--regenerate", action="store_true", help="rewrite the files")
    parser.add_argument("--repeats", type=int, default=3, help="loads per format")
    parser.add_argument("--runs", type=int, default=5, help="timed model runs")
    parser.add_argument("--sweep-engine", action="store_true", help="also run the 41 fees of the sweep through the engine (~1 min)")
    parser.add_argument(
        "--tracemalloc",
        action="store_true",
        help="one more traced load per format (slow: tracing makes a load ~5x slower)",
    )
    return parser.parse_args(argv)


if __name__ == "__main__":
    run_benchmark(parse_args(None))
