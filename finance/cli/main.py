"""The command line: ``python -m finance validate|run|...`` (MODEL.md, "The command line").

Exit codes: 0 done; 1 the data or scenario has problems (one a line on stderr); 2 wrong usage.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from finance.errors import FinanceError, ScenarioError
from finance.ingest.load import LoadResult, load_files
from finance.ingest.read import DEFAULT_MAX_FILE_MB
from finance.model.scenario import Scenario

CORE_COMMANDS = ("validate", "run", "template")
OPTIONAL_COMMANDS = ("finance.cli.payments", "finance.cli.export", "finance.cli.design", "finance.cli.uncertainty", "finance.cli.plan")


def main(argv: Sequence[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else list(argv)
    # `run`, `validate` and `template` need none of the other commands' modules (NHS payments,
    # exports, analyses): importing them would only delay the read. `--help` still lists them all.
    parser = _parser(with_optional=not argv or argv[0] not in CORE_COMMANDS)
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help(sys.stderr)
        return 2
    try:
        return int(args.func(args))
    except FinanceError as exc:
        print(str(exc), file=sys.stderr)
        return 1
    except BrokenPipeError:  # output piped into `head` and cut short: not an error of ours
        sys.stderr.close()
        return 0


def _parser(with_optional: bool = True) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m finance",
        description="GP practice and federation finance: check uploads and run the margin model.",
    )
    commands = parser.add_subparsers(title="commands", metavar="COMMAND")

    validate = commands.add_parser("validate", help="check upload files against the data contract")
    _add_files(validate)
    validate.set_defaults(func=_validate)

    run = commands.add_parser("run", help="run the margin model and print one JSON document")
    _add_files(run)
    run.add_argument("--scenario", metavar="S.json", help="a JSON file of scenario parameters (MODEL.md)")
    run.set_defaults(func=_run)

    template = commands.add_parser("template", help="write the blank upload template workbook")
    template.add_argument("--out", required=True, metavar="FILE.xlsx", help="where to write the template")
    template.add_argument("--blank", action="store_true", help="leave out the example rows")
    template.set_defaults(func=_template)

    for module in OPTIONAL_COMMANDS if with_optional else ():
        _register_optional(module, commands)
    return parser


def _register_optional(module: str, commands: argparse._SubParsersAction) -> None:
    try:
        imported = __import__(module, fromlist=["register"])
    except ModuleNotFoundError as exc:
        if exc.name != module:
            raise
        return
    imported.register(commands)


def _add_files(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("files", nargs="+", metavar="FILE", help=".xlsx or .csv files, several at once")
    parser.add_argument(
        "--max-file-mb", type=float, default=DEFAULT_MAX_FILE_MB, help=f"largest file accepted (default {DEFAULT_MAX_FILE_MB:g} MB)"
    )


def _load(args: argparse.Namespace) -> LoadResult:
    result = load_files(args.files, max_file_mb=args.max_file_mb)
    for problem in result.errors:
        print(problem, file=sys.stderr)
    for problem in result.warnings:
        print(f"warning: {problem}", file=sys.stderr)
    return result


def _validate(args: argparse.Namespace) -> int:
    result = _load(args)
    if not result.ok:
        return 1
    print(f"OK: {result.dataset.summary_line()}; {len(result.warnings)} warnings")
    return 0


def _template(args: argparse.Namespace) -> int:
    from finance.ingest.template import template_workbook

    Path(args.out).write_bytes(template_workbook(with_examples=not args.blank))
    print(f"Wrote {args.out}")
    return 0


def _run(args: argparse.Namespace) -> int:
    # The engine and the JSON writer (DuckDB) are imported here, not above: finance/__main__.py has
    # them imported while the limited readers read (isolate.read_here_after_imports), not before.
    from finance.cli.json_out import write_results
    from finance.model.engine import PRACTICE_FIELDS, ROW_FIELDS, run_model

    scenario = Scenario()
    if args.scenario:
        try:
            scenario = Scenario.load(args.scenario)
        except ScenarioError as exc:
            for line in exc.problems:
                print(line, file=sys.stderr)
            return 1
    result = _load(args)
    if not result.ok:
        return 1
    dataset = result.dataset
    for note in scenario.unknown_names(set(dataset.practices["practice_code"]), set(dataset.services["service"])):
        print(f"warning: scenario: {note}", file=sys.stderr)
    results = run_model(dataset, scenario)
    write_results(results, sys.stdout, ROW_FIELDS, PRACTICE_FIELDS)
    sys.stdout.write("\n")
    return 0
