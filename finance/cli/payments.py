"""``python -m finance import-payments``: an NHS payments file and an area in, an upload set out."""

from __future__ import annotations

import argparse
import sys

from finance.errors import FinanceError
from finance.nhs.payments import PaymentsImport, import_payments, write_upload_set


def register(subparsers: argparse._SubParsersAction) -> None:
    """Adds the ``import-payments`` subcommand to an argparse subparsers object."""
    parser = subparsers.add_parser(
        "import-payments",
        help="build practices, contract and PCN DES income tables from NHS Payments to General Practice",
        description=(
            "Reads NHS Digital's practice-level 'NHS Payments to General Practice' file (CSV or xlsx, any "
            "year) and writes practices.csv, contract_income.csv and pcn_des_income.csv for the chosen areas."
        ),
    )
    parser.add_argument("file", help="the practice-level payments file (.csv or .xlsx)")
    parser.add_argument(
        "--area",
        action="append",
        required=True,
        metavar="TEXT",
        help="a sub-ICB, PCN or practice code or name (or a unique part of a name); repeat to combine areas",
    )
    parser.add_argument("--out", required=True, metavar="DIR", help="the folder to write the three CSV files to")
    parser.add_argument(
        "--keep-pcn-payments-where-paid",
        action="store_true",
        help="do not share PCN payments across the PCN's practices by weighted list; keep them on the practice paid",
    )
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Imports, writes and prints a summary; a user error is one sentence on stderr and exit code 1."""
    try:
        result = import_payments(args.file, args.area, apportion_pcn=not args.keep_pcn_payments_where_paid)
        paths = write_upload_set(result, args.out)
    except FinanceError as exc:
        print(exc, file=sys.stderr)
        return 1
    for problem in result.problems:
        print(f"warning: {problem}", file=sys.stderr)
    print(summary(result))
    print("Files written: " + ", ".join(str(p) for p in paths))
    return 0


def summary(result: PaymentsImport) -> str:
    """A few lines a federation director can check against what they expected."""
    practices = result.practices
    pcns = practices["pcn"].dropna().nunique()
    lines = [f"Imported {len(practices)} practices in {pcns} PCNs from: " + "; ".join(result.areas)]
    lines.append(f"Registered patients: {practices['list_size'].sum():,}")
    for label, table in (("Contract income", result.contract_income), ("PCN DES income", result.pcn_des_income)):
        lines.append(f"{label}: {len(table):,} lines, £{table['amount_gbp'].sum():,.2f}")
    return "\n".join(lines)
