"""``python -m finance uncertainty FILE... --ranges R.json [--scenario S.json] [--draws 1000] [--seed 1]`` (MODEL.md)."""

from __future__ import annotations

import argparse


def register(commands: argparse._SubParsersAction) -> None:
    from finance.cli.analysis_common import add_scenario
    from finance.cli.main import _add_files

    command = commands.add_parser("uncertainty", help="how sure the answer is: triangular ranges drawn over the scenario")
    _add_files(command)
    command.add_argument(
        "--ranges", required=True, metavar="R.json", help='ranges such as {"overhead_change_pct": {"low": -5, "likely": 0, "high": 15}}'
    )
    add_scenario(command)
    command.add_argument("--draws", type=int, default=1000, help="how many draws (default 1000)")
    command.add_argument("--seed", type=int, default=1, help="the random seed: the same seed gives the same answer (default 1)")
    command.set_defaults(func=_uncertainty)


def _uncertainty(args: argparse.Namespace) -> int:
    from finance.analysis.uncertainty import MAX_DRAWS, load_ranges, uncertainty
    from finance.cli.analysis_common import print_json, read_inputs
    from finance.errors import ScenarioError
    from finance.model.engine import Model

    def ranges(scenario):
        problems = []
        if not 1 <= args.draws <= MAX_DRAWS:
            problems.append(f"--draws must be from 1 to {MAX_DRAWS:,}, not {args.draws}")
        if args.seed < 0:
            problems.append(f"--seed must be 0 or more, not {args.seed}")
        try:
            found = load_ranges(args.ranges, scenario)
        except ScenarioError as exc:
            problems += exc.problems
        if problems:
            raise ScenarioError(problems)
        return found

    inputs = read_inputs(args, ranges)
    if inputs is None:
        return 1
    scenario, found, dataset = inputs
    model = Model(dataset)
    try:
        result = uncertainty(model, scenario, found, args.draws, args.seed)
    finally:
        model.close()
    print_json(result.to_json_dict())
    return 0
