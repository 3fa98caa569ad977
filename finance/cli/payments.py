"""``python -m finance import-payments``: an NHS payments file and an area in, an upload set out."""

from __future__ import annotations

import argparse
import sys

from finance.errors import FinanceError
from finance.nhs.payments import PaymentsImport, import_payments, write_upload_set
from finance.nhs.summary import summary_lines


def register(subparsers: argparse._SubParsersAction) -> None:
    """Adds the ``import-payments`` subcommand to an argparse subparsers object."""
    parser = subparsers.add_parser(
        "import-payments",
        help="build practices, contract and PCN DES income tables from NHS Payments to General Practice",
        description=(
            "Reads NHS Digital's practice-level 'NHS Payments to General Practice' file (CSV or xlsx, any year from 2014/15) "
            "and writes practices.csv, contract_income.csv, pcn_des_income.csv and practice_costs_pass_through.csv for the "
            "chosen areas. Practices with no registered patients are left out. Pass-through money (drugs, prescribing and "
            "dispensing fees, premises, locum allowances, retainer scheme, ARRS) gets an equal practice cost, so it does not "
            "raise a practice's result. Income is tagged with your catalogue's services (--services), else the sample "
            "catalogue's, which is then written to the folder too."
        ),
    )
    parser.add_argument("file", help="the practice-level payments file (.csv or .xlsx)")
    parser.add_argument(
        "--area",
        action="append",
        required=True,
        metavar="TEXT",
        help="a sub-ICB or CCG, PCN or practice, by code or name (or a unique part of a name); "
        "a list such as 'F81004, F81009'; repeat to combine areas",
    )
    parser.add_argument("--out", required=True, metavar="DIR", help="the folder to write the files to")
    parser.add_argument(
        "--services",
        metavar="FILE",
        help="your service catalogue (.xlsx or .csv with a services table): income is tagged only with its services, "
        "and income for a service it lacks becomes core income with a warning",
    )
    parser.add_argument(
        "--keep-pcn-payments-where-paid",
        action="store_true",
        help="do not share PCN payments across the PCN's practices by weighted list; keep them on the practice paid",
    )
    parser.add_argument("--show-columns", action="store_true", help="also print how each column of the file was read")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Imports, writes and prints a summary; a user error is one sentence on stderr and exit code 1."""
    try:
        result = import_payments(
            args.file, args.area, apportion_pcn=not args.keep_pcn_payments_where_paid, catalogue=getattr(args, "services", None)
        )
        paths = write_upload_set(result, args.out)
    except FinanceError as exc:
        print(exc, file=sys.stderr)
        return 1
    for problem in result.problems:
        print(f"warning: {problem}", file=sys.stderr)
    print(summary(result))
    if getattr(args, "show_columns", False):
        print("How the columns were read:")
        print("\n".join(f"  {header}: {what}" for header, what in result.readings))
    print("Files written: " + ", ".join(str(p) for p in paths))
    catalogue = f" {args.services}" if getattr(args, "services", None) else ""
    print(f"Run the model: python -m finance run {args.out}/*.csv{catalogue}" + ("" if catalogue else f" '{paths[-1]}'"))
    return 0


def summary(result: PaymentsImport) -> str:
    """A few lines a federation director can check against what they expected."""
    return "\n".join(summary_lines(result))
