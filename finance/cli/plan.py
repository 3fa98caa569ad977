"""``python -m finance plan FILE... [--plan P.json] [--scenario S.json]``: surplus and reserves year by year (MODEL.md).

Without --plan, the shipped 2025/26 to 2027/28 plan (finance/analysis/plan_defaults.json).
"""

from __future__ import annotations

import argparse


def register(commands: argparse._SubParsersAction) -> None:
    from finance.cli.analysis_common import add_scenario
    from finance.cli.main import _add_files

    command = commands.add_parser("plan", help="a multi-year plan: surplus, reserves and practices better off, year by year")
    _add_files(command)
    command.add_argument("--plan", metavar="P.json", help="year-on-year changes (default: the shipped 2025/26 to 2027/28 plan)")
    add_scenario(command)
    command.set_defaults(func=_plan)


def _plan(args: argparse.Namespace) -> int:
    from finance.analysis.plan import default_plan, load_plan, run_plan
    from finance.cli.analysis_common import print_json, read_inputs
    from finance.model.engine import Model

    inputs = read_inputs(args, lambda _scenario: load_plan(args.plan) if args.plan else default_plan())
    if inputs is None:
        return 1
    scenario, plan, dataset = inputs
    model = Model(dataset)
    try:
        result = run_plan(model, scenario, plan)
    finally:
        model.close()
    print_json(result.to_json_dict())
    return 0
