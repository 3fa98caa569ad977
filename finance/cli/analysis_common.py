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
