"""``python -m finance export FILE... [--scenario S.json ...] [--base NAME] --out PACK.xlsx [--csv OUT.csv] [--html OUT.html]``

Writes the board pack without the app: one option per scenario file, named after the file
("enhanced_access_6pct.json" -> option "enhanced_access_6pct"); with no --scenario, one option
"Current data" with the data as it is. Data and scenario problems are reported as ``run`` reports
them: one a line on stderr, exit 1. --csv writes every option's result rows, --html the standalone
report.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from finance.cli.analysis_common import add_board_pack_options, board_pack_analyses
from finance.cli.main import _add_files, _load
from finance.errors import ScenarioError
from finance.model.scenario import Scenario

DEFAULT_OPTION = "Current data"


def register(commands: argparse._SubParsersAction) -> None:
    export = commands.add_parser("export", help="write the board pack (xlsx) comparing scenario files, without the app")
    _add_files(export)
    export.add_argument(
        "--scenario", action="append", default=[], metavar="S.json", help="a scenario file; one option each, named after the file (repeat)"
    )
    export.add_argument("--base", metavar="NAME", help="the option the others are measured against (default: the first)")
    export.add_argument("--out", required=True, metavar="PACK.xlsx", help="where to write the board pack")
    export.add_argument("--csv", metavar="OUT.csv", help="also write every option's result rows as CSV")
    export.add_argument("--html", metavar="OUT.html", help="also write the standalone HTML report")
    add_board_pack_options(export)
    export.set_defaults(func=_export)


def _export(args: argparse.Namespace) -> int:
    # Imported here, not at the top: every command builds the parser, and only export needs openpyxl and plotly.
    from finance.analysis.compare import compare
    from finance.model.engine import Model
    from finance.report.pack import comparison_html, comparison_workbook, options_csv

    options, problems = [], []
    for path in args.scenario:
        try:
            options.append((Path(path).stem, Scenario.load(path)))
        except ScenarioError as exc:
            problems += exc.problems
    if problems:
        for line in problems:
            print(line, file=sys.stderr)
        return 1
    options = options or [(DEFAULT_OPTION, Scenario())]
    result = _load(args)
    if not result.ok:
        return 1
    dataset = result.dataset
    codes, services = set(dataset.practices["practice_code"]), set(dataset.services["service"])
    for name, scenario in options:
        for note in scenario.unknown_names(codes, services):
            print(f"warning: {name}: {note}", file=sys.stderr)
    model = Model(dataset)
    try:
        extra_options, extra_sheets = board_pack_analyses(args, model, options)
        comparison = compare(model, options + extra_options, args.base)
    except ScenarioError as exc:
        for line in exc.problems:
            print(line, file=sys.stderr)
        return 1
    finally:
        model.close()
    outputs = [(args.out, lambda: comparison_workbook(comparison, dataset, extra_sheets=extra_sheets))]
    if args.csv:
        outputs.append((args.csv, lambda: options_csv(comparison)))
    if args.html:
        outputs.append((args.html, lambda: comparison_html(comparison, dataset).encode("utf-8")))
    for path, build in outputs:
        try:
            Path(path).write_bytes(build())
        except OSError as exc:
            print(f"{path} could not be written ({exc.strerror}).", file=sys.stderr)
            return 1
        print(f"Wrote {path}")
    print(f"{len(comparison.options)} option{'s' if len(comparison.options) != 1 else ''} against {comparison.base}:")
    for sentence in comparison.sentences():
        print(f"  {sentence}")
    return 0
