"""What the import equals: NHS Digital's published total for the chosen practices, checked practice by practice.

The imported lines of a practice, before PCN money is shared, must add up to its published
total of every payment before deductions: the file's "including Covid and PCN payments" total
where it has one (2021/22 on), else its base total plus what its "including Covid" and
"including PCN" totals add (2020/21), else the base total (to 2019/20, when the file had no PCN
or Covid payments). A file in whole pounds (2014/15) rounds each column and each total on its
own, so there a practice may differ by up to half a pound a column.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from finance.nhs.publication import TOTAL_PREFIX, Publication
from finance.problems import Problem, warning


@dataclass(frozen=True)
class Reconciliation:
    """The published total the import is checked against, over the chosen practices."""

    total: str | None  # in words: which published column(s), and what they hold
    published_gbp: float  # the published total of the chosen practices (0 when the file has none)
    imported_before_sharing_gbp: float  # the chosen practices' imported lines before PCN money is shared
    practices_checked: int
    mismatches: list[tuple[str, float, float]] = field(default_factory=list)  # (practice, imported, published)
    tolerance_gbp: float = 0.0


def published_total(pub: Publication) -> tuple[pd.Series | None, str | None]:
    """Each practice's published total of every payment before deductions, and what it is in words."""
    t = pub.totals
    column = lambda kind: pub.table[TOTAL_PREFIX + kind]  # noqa: E731
    if "all" in t:
        return column("all"), f"NHS Digital's '{t['all']}' (payments before deductions, including PCN and Covid payments)"
    if "base" not in t:
        return None, None
    extra = [k for k in ("with_covid", "with_pcn") if k in t]
    total = column("base") + sum((column(k) - column("base") for k in extra), start=pd.Series(0.0, index=pub.table.index))
    if not extra:
        has_pcn_or_covid = any(r.per_pcn or "covid" in r.line.lower() for _, r in pub.payments)
        words = "payments before deductions" + ("" if has_pcn_or_covid else "; the file has no PCN or Covid payment columns")
        return total, f"NHS Digital's '{t['base']}' ({words})"
    named = " and ".join(f"'{t[k]}'" for k in extra)
    return total, (
        f"NHS Digital's '{t['base']}' plus what {named} add to it "
        "(payments before deductions, including PCN and Covid payments; the file has no single total of them)"
    )


def reconcile(pub: Publication, chosen: np.ndarray) -> tuple[Reconciliation, list[Problem]]:
    """Check every chosen practice's imported lines against its published total."""
    total, words = published_total(pub)
    columns = [c for c, _ in pub.payments]
    imported = pub.table.loc[chosen, columns].sum(axis=1)
    if total is None:
        note = warning(
            "the file has no 'Total NHS Payments to General Practice' column, so the import could not be checked against it", file=pub.name
        )
        return Reconciliation(None, 0.0, float(imported.sum()), 0), [note]
    published = total[chosen]
    tolerance = 0.5 * (len(columns) + 1) if pub.whole_pounds else 0.0
    gap = (np.rint(imported.to_numpy() * 100) - np.rint(published.to_numpy() * 100)) / 100
    off = np.flatnonzero(np.abs(gap) > tolerance + 1e-9)
    codes = pub.table.loc[chosen, "practice_code"].to_numpy()
    mismatches = [(codes[i], float(imported.iat[i]), float(published.iat[i])) for i in off]
    check = Reconciliation(words, float(published.sum()), float(imported.sum()), len(published), mismatches, tolerance)
    problems = []
    if mismatches:
        shown = "; ".join(f"{c}: imported £{a:,.2f}, published £{b:,.2f}" for c, a, b in mismatches[:5])
        more = f" and {len(mismatches) - 5} more" if len(mismatches) > 5 else ""
        problems.append(
            warning(
                f"{len(mismatches)} practices' imported payments do not add up to {words}: {shown}{more}. "
                "A column the importer does not know (see the warnings) or a total of other columns may be the cause",
                file=pub.name,
            )
        )
    return check, problems
