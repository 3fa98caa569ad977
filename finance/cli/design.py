"""``python -m finance design FILE... [--scenario S.json] [--max-fee-pct 30]``: the fee designer (MODEL.md)."""

from __future__ import annotations

import argparse

from finance.cli.analysis_common import add_scenario, print_json, read_inputs


def register(commands: argparse._SubParsersAction) -> None:
    from finance.cli.main import _add_files

    design = commands.add_parser("design", help="per-service fees that cover the overheads and keep the most practices better off")
    _add_files(design)
    add_scenario(design)
    design.add_argument("--max-fee-pct", type=float, default=30.0, metavar="PCT", help="the highest fee to consider (default 30)")
    design.set_defaults(func=_design)


def _design(args: argparse.Namespace) -> int:
    from finance.analysis.design import design_fees, fee_grid
    from finance.model.engine import Model

    inputs = read_inputs(args, lambda _scenario: fee_grid(args.max_fee_pct))
    if inputs is None:
        return 1
    scenario, _grid, dataset = inputs
    model = Model(dataset)
    try:
        design = design_fees(model, scenario, args.max_fee_pct)
    finally:
        model.close()
    print_json(design.to_json_dict())
    return 0
