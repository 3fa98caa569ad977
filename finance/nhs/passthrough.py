"""Money that is not the practice's to keep: an equal practice cost against each pass-through line.

Pass-through lines (payment_columns.csv, kind ``pass_through``: drugs reimbursement, prescribing
and dispensing fees, premises reimbursement, locum allowances, the doctors retainer scheme and
the PCN's ARRS workforce reimbursement) stay income lines, so every practice still reconciles to
the NHS file to the penny, and each gets a practice_costs row of the same amount named
"pass-through: ...", so they cannot raise a practice's result. A cost cannot be negative: a
negative line (a recovery) is netted against the practice's other pass-through rows, largest
first, and what cannot be netted is reported.
"""

from __future__ import annotations

import pandas as pd

from finance.problems import Problem, warning

ITEM_PREFIX = "pass-through: "
COSTS_FILE = "practice_costs_pass_through.csv"


def pass_through_costs(lines: pd.DataFrame, names: dict[str, str], file: str) -> tuple[pd.DataFrame, list[Problem]]:
    """practice_costs rows (practice_code, item, amount_gbp) equal to the pass-through ``lines``."""
    rows, problems = [], []
    for code, own in lines.groupby("practice_code", sort=True):
        positive = own[own["amount_gbp"] > 0].sort_values("amount_gbp", ascending=False)
        recovered = float(-own.loc[own["amount_gbp"] < 0, "amount_gbp"].sum())
        left = recovered
        for line in positive.itertuples():
            amount = float(line.amount_gbp)
            netted = min(left, amount)
            left -= netted
            item = ITEM_PREFIX + _base(line.line)
            if netted:
                item += f" (less £{netted:,.2f} of negative pass-through lines)"
            if amount - netted > 0:
                rows.append((code, item, round(amount - netted, 2)))
        if left > 0.005:
            problems.append(
                warning(
                    f"practice {code} ({names.get(code, code)}) has £{left:,.2f} more negative pass-through money than positive: "
                    "it lowers the practice's result, because a practice cost cannot be negative",
                    file=file,
                )
            )
    return pd.DataFrame(rows, columns=["practice_code", "item", "amount_gbp"]), problems


def _base(line: str) -> str:
    return line.replace(" (pass-through)", "").replace("; pass-through)", ")")
