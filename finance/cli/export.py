"""``python -m finance export FILE... [--scenario S.json [--name N] [--description D] ...] [--federation NAME] --out PACK.xlsx``

Writes the board pack without the app: one option per scenario file. An option's name and
description come from ``--name`` and ``--description`` (the first of each belongs to the first
--scenario, and so on), else from ``"name"`` and ``"description"`` inside the scenario file (read
here and taken out before the scenario is checked), else the name is the file's
("enhanced_access_6pct.json" -> "enhanced_access_6pct") and the description the scenario in words.
With no --scenario, one option "Current data" with the data as it is. ``--federation`` names the
federation on every page. Data and scenario problems are reported as ``run`` reports them: one a
line on stderr, exit 1. --csv writes every option's result rows, --html the standalone report,
--pdf and --appraisal-html the one-page options appraisal.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
from pathlib import Path

from finance.cli.analysis_common import add_board_pack_options, board_pack_analyses
from finance.cli.main import _add_files, _load
from finance.errors import ScenarioError
from finance.model.scenario import Scenario

DEFAULT_OPTION = "Current data"
LABEL_KEYS = ("name", "description")


def register(commands: argparse._SubParsersAction) -> None:
    export = commands.add_parser("export", help="write the board pack (xlsx) comparing scenario files, without the app")
    _add_files(export)
    export.add_argument(
        "--scenario",
        action="append",
        default=[],
        metavar="S.json",
        help='a scenario file, one option each (repeat); named by --name, its "name" key, or the file',
    )
    export.add_argument(
        "--name", action="append", default=[], metavar="NAME", help="the option's name: the first for the first --scenario, ..."
    )
    export.add_argument(
        "--description", action="append", default=[], metavar="TEXT", help="the option's one-line description, in the same order"
    )
    export.add_argument("--federation", default="", metavar="NAME", help="the federation's name, on every page of the pack")
    export.add_argument("--base", metavar="NAME", help="the option the others are measured against (default: the first)")
    export.add_argument("--out", required=True, metavar="PACK.xlsx", help="where to write the board pack")
    export.add_argument("--csv", metavar="OUT.csv", help="also write every option's result rows as CSV")
    export.add_argument("--html", metavar="OUT.html", help="also write the standalone HTML report")
    export.add_argument("--pdf", metavar="OUT.pdf", help="also write the one-page options appraisal as a PDF")
    export.add_argument("--appraisal-html", metavar="OUT.html", help="also write the one-page options appraisal as printable HTML")
    add_board_pack_options(export)
    export.set_defaults(func=_export)


def load_option(path: str) -> tuple[str, Scenario, str]:
    """(name, scenario, description) from a scenario file: its "name" and "description" keys, else the file's name."""
    file = Path(path)
    try:
        text = file.read_text(encoding="utf-8-sig")
        data = json.loads(text)
    except (OSError, UnicodeDecodeError, json.JSONDecodeError):
        return file.stem, Scenario.load(path), ""  # Scenario.load words each of these problems
    labels: dict[str, str] = {}
    if isinstance(data, dict):
        problems = []
        for key in LABEL_KEYS:
            if key in data:
                value = data.pop(key)
                if isinstance(value, str) and value.strip():
                    labels[key] = value.strip()
                else:
                    problems.append(f"{file.name}: {key} must be text, not {json.dumps(value)}")
        if problems:
            raise ScenarioError(problems)
    try:
        scenario = Scenario.from_dict(data)
    except ScenarioError as exc:
        raise ScenarioError([f"{file.name}: {p}" for p in exc.problems]) from None
    return labels.get("name", file.stem), scenario, labels.get("description", "")


def _options(args: argparse.Namespace) -> tuple[list[tuple[str, Scenario, str]], list[str]]:
    options, problems = [], []
    for flag in ("name", "description"):
        given = getattr(args, flag)
        if len(given) > len(args.scenario):
            problems.append(
                f"{len(given)} --{flag} for {len(args.scenario)} --scenario: give one --{flag} for each scenario, in the same order"
            )
    for position, path in enumerate(args.scenario):
        try:
            name, scenario, description = load_option(path)
        except ScenarioError as exc:
            problems += exc.problems
            continue
        if position < len(args.name):
            name = args.name[position]
        if position < len(args.description):
            description = args.description[position]
        options.append((name, scenario, description))
    return options, problems


def _export(args: argparse.Namespace) -> int:
    # Imported here, not at the top: every command builds the parser, and only export needs openpyxl, plotly and fpdf2.
    from finance.analysis.compare import compare
    from finance.model.engine import Model
    from finance.report.pack import appraisal_files, comparison_html, comparison_workbook, options_csv

    options, problems = _options(args)
    if problems:
        for line in problems:
            print(line, file=sys.stderr)
        return 1
    options = options or [(DEFAULT_OPTION, Scenario(), "")]
    result = _load(args)
    if not result.ok:
        return 1
    dataset = result.dataset
    codes, services = set(dataset.practices["practice_code"]), set(dataset.services["service"])
    for name, scenario, _ in options:
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
    federation = args.federation
    appraisal: dict[str, tuple[bytes, str]] = {}

    def appraisal_part(index: int) -> bytes:
        if "files" not in appraisal:
            appraisal["files"] = appraisal_files(comparison, dataset, federation=federation)
        part = appraisal["files"][index]
        return part if isinstance(part, bytes) else part.encode("utf-8")

    outputs: list[tuple[str, Callable[[], bytes]]] = [
        (args.out, lambda: comparison_workbook(comparison, dataset, federation=federation, extra_sheets=extra_sheets))
    ]
    if args.csv:
        outputs.append((args.csv, lambda: options_csv(comparison)))
    if args.html:
        outputs.append((args.html, lambda: comparison_html(comparison, dataset, federation=federation).encode("utf-8")))
    if args.pdf:
        outputs.append((args.pdf, lambda: appraisal_part(0)))
    if args.appraisal_html:
        outputs.append((args.appraisal_html, lambda: appraisal_part(1)))
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
