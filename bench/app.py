"""How fast the app answers a slider move, server side: AppTest reruns on the sample and at England scale.

    python bench/app.py [--moves N] [--skip-england] [--practices N] [--out DIR] [--regenerate]

A session is opened on the real frame (sidebar and page) with streamlit's AppTest, a slider is moved
N times and each ``at.run()`` is timed: the script run plus AppTest building its element tree, with
no browser and no websocket (what the server spends before the browser starts drawing). Each move
is a scenario the session has not seen (the session keeps results per scenario), so no move is
served from its memo. Cases: the Overview, Practices and Services pages moving
"Contract income change (%)", and the Overview moving "Management fee (%)" with "One fee for every
service" ticked. Scales: the sample federation, and the England-scale set of bench/generate.py
uploaded as CSV files through the Data page's uploader. A breakdown of one Overview move, engine
and charts called directly, shows where the time goes. It prints; it never fails on a slow figure.
"""

from __future__ import annotations

import argparse
import logging
import os
import platform
import resource
import statistics
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import plotly
import plotly.io as pio
import streamlit
from streamlit.testing.v1 import AppTest

from bench.engine import federation_files
from bench.generate import DEFAULT_OUT
from finance.analysis import views
from finance.analysis.sensitivity import breakeven
from finance.analysis.sweep import fee_sweep
from finance.analysis.verdict import OTHER
from finance.model.scenario import Scenario
from ui import charts

T = TypeVar("T")
REPO = Path(__file__).resolve().parent.parent
TIMEOUT_S = 900
TARGETS_MS = {"sample": 150.0, "England": 1000.0}
PAGE_FILES = {"Overview": "overview.py", "Practices": "practices.py", "Services": "services.py", "Data": "data.py"}


def open_page(title):
    from ui import frame

    frame.run(title)


@dataclass(frozen=True)
class Case:
    scale: str
    label: str
    runs_ms: list[float]
    cpu_ms: list[float]

    @property
    def median_ms(self) -> float:
        return statistics.median(self.runs_ms)

    @property
    def max_ms(self) -> float:
        return max(self.runs_ms)

    @property
    def median_cpu_ms(self) -> float:
        return statistics.median(self.cpu_ms)


def timed(action: Callable[[], T]) -> tuple[float, float, T]:
    """Wall-clock and CPU milliseconds (all threads: AppTest runs the script in its own thread)."""
    wall, cpu = time.perf_counter(), time.process_time()
    result = action()
    return (time.perf_counter() - wall) * 1000, (time.process_time() - cpu) * 1000, result


def check(at: AppTest, what: str) -> None:
    if at.exception:
        raise RuntimeError(f"{what}: the app raised {at.exception[0].message}")


def go(at: AppTest, title: str) -> float:
    wall, _, _ = timed(lambda: at.switch_page(str(REPO / "app_pages" / PAGE_FILES[title])).run())
    check(at, f"opening {title}")
    if len(at.sidebar.slider) == 0:
        raise RuntimeError(f"{title} opened without the frame's sidebar")
    return wall


def move(at: AppTest, scale: str, label: str, key: str, values: Sequence[float]) -> Case:
    runs, cpu = [], []
    for value in values:
        at.slider(key=key).set_value(value)
        wall, cpu_ms, _ = timed(at.run)
        check(at, f"{label} = {value}")
        if at.slider(key=key).value != value:
            raise RuntimeError(f"{key} did not move to {value}")
        runs.append(wall)
        cpu.append(cpu_ms)
    return Case(scale, label, runs, cpu)


def slider_cases(at: AppTest, scale: str, moves: int) -> list[Case]:
    """The four cases in one session, every move a new scenario: contract change 1..N on the
    Overview, -1..-N on Practices, N+1..2N on Services; then fees 1..N% with one fee ticked."""
    steps = [list(range(1, moves + 1)), [-v for v in range(1, moves + 1)], list(range(moves + 1, 2 * moves + 1))]
    cases = [move(at, scale, "Overview: contract income change", "contract_income_change", steps[0])]
    for title, values in (("Practices", steps[1]), ("Services", steps[2])):
        go(at, title)
        cases.append(move(at, scale, f"{title}: contract income change", "contract_income_change", values))
    go(at, "Overview")
    at.checkbox(key="one_fee").check().run()
    check(at, "ticking one fee")
    fees = [float(f) for f in range(1, moves + 1)]
    if at.slider(key="management_fee").value in fees:
        fees = [f + 0.5 for f in fees]
    cases.append(move(at, scale, "Overview: management fee, one fee on", "management_fee", fees))
    return cases


def open_sample() -> tuple[AppTest, float]:
    at = AppTest.from_function(open_page, args=("Overview",), default_timeout=TIMEOUT_S)
    wall, _, _ = timed(at.run)
    check(at, "opening the Overview")
    return at, wall


def open_england(paths: Sequence[Path]) -> tuple[AppTest, float, float]:
    """A session that uploads the CSV files on the Data page (validation, model, fee default), then opens the Overview."""
    at = AppTest.from_function(open_page, args=("Data",), default_timeout=TIMEOUT_S)
    at.run()
    check(at, "opening the Data page")
    files = [(p.name, p.read_bytes(), "text/csv") for p in paths]
    upload_ms, _, _ = timed(lambda: at.file_uploader(key="uploader").set_value(files).run())
    check(at, "uploading the England set")
    if at.error or not at.success:
        raise RuntimeError("the England set did not load: " + "; ".join(e.value for e in at.error))
    overview_ms = go(at, "Overview")
    return at, upload_ms, overview_ms


def breakdown(at: AppTest) -> list[tuple[str, float]]:
    """One Overview move's parts, called directly on the session's model with a scenario it has not seen."""
    loaded = at.session_state["loaded"]
    scenario = Scenario(income_change_pct={"contract": -7.0, "pcn_des": 0.0, "federation": 0.0})
    parts: list[tuple[str, float]] = []

    def part(label: str, action: Callable[[], T]) -> T:
        wall, _, result = timed(action)
        parts.append((label, wall))
        return result

    results = part("model.run (the scenario's results)", lambda: loaded.model.run(scenario))
    sweep = part("fee_sweep (41 fees, the scenario's participation)", lambda: fee_sweep(loaded.model, scenario))
    part(
        "the other participation's surplus (summaries)",
        lambda: loaded.model.summaries([scenario.with_changes(participation=OTHER[scenario.participation])]),
    )
    part(
        "fee break-even (sensitivity.breakeven)",
        lambda: breakeven(loaded.model, scenario, "management_fee_pct", current_surplus_gbp=results.federation.surplus_gbp),
    )
    # As the Overview draws them: the 30 practices gaining most and the 30 losing most.
    shown = part("practices shown: view", lambda: views.gainers_and_losers(views.practice_comparison(results), each=30))
    figures = [
        part("practice differences: figure", lambda: charts.practice_differences(shown)),
        part("fee sweep: figure", lambda: charts.fee_sweep_chart(sweep, 10.0, "Current fee 10.0%")),
        part("advantage heatmap: view + figure", lambda: charts.advantage_heatmap(views.advantage_matrix(results, shown))),
    ]
    sizes = [len(part(f"figure {i + 1} to JSON", lambda f=f: pio.to_json(f, validate=False))) for i, f in enumerate(figures)]
    parts.append(("(JSON sent for the three charts, MB)", sum(sizes) / 1e6))
    return parts


def verdict(value_ms: float, target_ms: float) -> str:
    return "within target" if value_ms < target_ms else "OVER target"


def machine_load() -> str:
    one, five, _ = os.getloadavg()
    return f"load average {one:.2f} (1 min), {five:.2f} (5 min)"


def print_cases(cases: Sequence[Case]) -> None:
    print()
    print(f"{'scale':<8} {'case':<40} {'moves':>5} {'median':>9} {'max':>9} {'CPU med.':>9} {'target':>8}  verdict (median)")
    for c in cases:
        target = TARGETS_MS[c.scale]
        print(
            f"{c.scale:<8} {c.label:<40} {len(c.runs_ms):>5} {c.median_ms:>6.0f} ms {c.max_ms:>6.0f} ms {c.median_cpu_ms:>6.0f} ms "
            f"{target:>5.0f} ms  {verdict(c.median_ms, target)}"
        )
    print()


def print_breakdown(scale: str, parts: Sequence[tuple[str, float]]) -> None:
    print(f"{scale}: where one Overview move goes (engine and charts called directly, no Streamlit):")
    for label, value in parts:
        unit = "" if label.startswith("(") else " ms"
        print(f"    {label:<42} {value:>8.{2 if not unit else 0}f}{unit}")


def rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def run_benchmark(args: argparse.Namespace) -> None:
    # AppTest reads widgets outside a script thread: "missing ScriptRunContext" warnings, harmless here.
    logging.getLogger("streamlit.runtime.scriptrunner_utils.script_run_context").disabled = True
    print(
        f"app benchmark (server side, AppTest): streamlit {streamlit.__version__}, plotly {plotly.__version__}, "
        f"Python {platform.python_version()}, {os.cpu_count()} cores; {machine_load()}"
    )
    print(f"{args.moves} slider moves per case; targets: sample < {TARGETS_MS['sample']:.0f} ms, England < {TARGETS_MS['England']:.0f} ms")
    cases: list[Case] = []

    at, first_ms = open_sample()
    print(f"sample: a new session opening the Overview {first_ms:.0f} ms (the first in this process also imports the app)")
    cases += slider_cases(at, "sample", args.moves)
    print_breakdown("sample", breakdown(at))
    del at

    if not args.skip_england:
        files = federation_files(args)["csv"]
        at, upload_ms, overview_ms = open_england(files)
        summary = at.session_state["loaded"].dataset.summary_line()
        print(f"England: {summary}")
        print(
            f"England: uploading the {len(files)} CSV files on the Data page {upload_ms / 1000:.1f} s "
            f"(read, validate, model, catalogue fee, rerun); then opening the Overview {overview_ms / 1000:.1f} s"
        )
        cases += slider_cases(at, "England", args.moves)
        print_breakdown("England", breakdown(at))

    print_cases(cases)
    print(f"peak RSS {rss_mb():,.0f} MB; {machine_load()}")


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--moves", type=int, default=10, choices=range(1, 26), metavar="1..25", help="slider moves timed per case")
    parser.add_argument("--skip-england", action="store_true", help="the sample only")
    parser.add_argument("--practices", type=int, default=6500)
    parser.add_argument("--services", type=int, default=25)
    parser.add_argument("--lines-per-practice", type=int, default=40)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    parser.add_argument("--regenerate", action="store_true", help="rewrite the generated files")
    return parser.parse_args(argv)


if __name__ == "__main__":
    run_benchmark(parse_args(None))
