"""What the design, uncertainty and plan commands share: the scenario file, the data, and the JSON out."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
from typing import Any

from finance.errors import ScenarioError
from finance.ingest.dataset import Dataset
from finance.model.scenario import Scenario


def add_scenario(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--scenario", metavar="S.json", help="a JSON file of scenario parameters (MODEL.md)")


def read_inputs(args: argparse.Namespace, extra: Callable[[Scenario], Any] | None = None) -> tuple[Scenario, Any, Dataset] | None:
    """The scenario, the command's own file (read by ``extra``) and the data; None after printing
    every problem on stderr (the caller exits 1)."""
    from finance.cli.main import _load

    problems: list[str] = []
    scenario = Scenario()
    if args.scenario:
        try:
            scenario = Scenario.load(args.scenario)
        except ScenarioError as exc:
            problems += exc.problems
    own = None
    if extra is not None:
        try:
            own = extra(scenario)
        except ScenarioError as exc:
            problems += exc.problems
    if problems:
        for line in problems:
            print(line, file=sys.stderr)
        return None
    result = _load(args)
    if not result.ok:
        return None
    dataset = result.dataset
    for note in scenario.unknown_names(set(dataset.practices["practice_code"]), set(dataset.services["service"])):
        print(f"warning: scenario: {note}", file=sys.stderr)
    return scenario, own, dataset


def print_json(document: dict[str, Any]) -> None:
    json.dump(document, sys.stdout, allow_nan=False)
    sys.stdout.write("\n")


def add_board_pack_options(parser: argparse.ArgumentParser) -> None:
    """export's options that add the designer, uncertainty and plan sheets to the board pack."""
    parser.add_argument(
        "--design", action="store_true", help="add the fee designer's sheet and its fees as an option (for the base option's scenario)"
    )
    parser.add_argument(
        "--ranges", metavar="R.json", help="add an uncertainty sheet: 1,000 draws (seed 1) of these ranges over the base option"
    )
    parser.add_argument(
        "--plan", metavar="P.json", help="add a plan sheet for the base option ('default' for the shipped 2025/26 to 2027/28 plan)"
    )


def board_pack_analyses(
    args: argparse.Namespace, model: Any, options: list[tuple[str, Scenario, str]]
) -> tuple[list[tuple[str, Scenario, str]], list]:
    """What export was asked to add for the base option's scenario: options to compare (the designed
    fees, each later plan year) and board pack sheets. Raises ScenarioError for a bad ranges or plan file."""
    from finance.analysis.design import affordable_overheads, design_fees, explain
    from finance.analysis.plan import default_plan, load_plan, run_plan
    from finance.analysis.uncertainty import load_ranges, uncertainty
    from finance.report.analysis_sheets import board_sheets

    wanted = str(getattr(args, "base", None) or options[0][0]).strip().casefold()
    scenario = next((s for name, s, *_ in options if name.casefold() == wanted), options[0][1])
    taken = {name.casefold() for name, *_ in options}
    extra: list[tuple[str, Scenario, str]] = []

    def add(name: str, chosen: Scenario, description: str) -> None:
        unique, n = name, 1
        while unique.casefold() in taken:
            n += 1
            unique = f"{name} ({n})"
        taken.add(unique.casefold())
        extra.append((unique, chosen, description))

    found: dict[str, Any] = {}
    if getattr(args, "design", False):
        design = design_fees(model, scenario)
        found["design"] = (design, explain(design, model), affordable_overheads(model, scenario))
        add("Designed fees", design.scenario(), "Per-service fees from the fee designer")
    if getattr(args, "ranges", None):
        found["uncertainty"] = uncertainty(model, scenario, load_ranges(args.ranges, scenario))
    if getattr(args, "plan", None):
        plan = run_plan(model, scenario, default_plan() if args.plan == "default" else load_plan(args.plan))
        found["plan"] = plan
        for year in plan.years[1:]:
            add(f"Plan {year.year}", year.results.scenario, f"The plan's {year.year}")
    return extra, board_sheets(**found)
