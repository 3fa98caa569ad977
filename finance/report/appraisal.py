"""The one-page options appraisal for a board, as content: the options side by side, each practice, the verdict, the risks.

``appraise`` works everything out once; appraisal_pdf.py and appraisal_html.py only lay it out, so
the PDF and the printable HTML say the same thing. The verdict follows a stated rule: of the options
that cover the federation's overheads, the one with the most practices better off (then the larger
surplus); when none does, the one closest to covering them. A page cannot list thousands of
practices: up to MAX_PRACTICE_LINES are listed in full (by name), beyond that the practices gaining
most and losing most under the base option, and the others added up in one line (the workbook
lists them all): see ``Appraisal.practice_lines``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

import pandas as pd

from finance.analysis.compare import Comparison
from finance.format import gbp, pct
from finance.ingest.dataset import Dataset
from finance.report.charts import option_colour

MAX_PRACTICE_LINES = 30  # what the page holds beside the options; the PDF may take fewer to make room
PENNY = 0.005
RULE = "Chosen by: covers the overheads, then the most practices better off, then the larger surplus."


@dataclass(frozen=True)
class OptionFigures:
    name: str
    description: str
    colour: str
    fee_income_gbp: float
    overheads_gbp: float
    surplus_gbp: float
    surplus_vs_base_gbp: float
    surplus_vs_base_pct: float | None
    practices_better_off: int
    practices: int
    rounds: int

    @property
    def viable(self) -> bool:
        return self.surplus_gbp >= 0


@dataclass(frozen=True)
class PracticeLine:
    """One practice (or the others added up): each option's difference in £, and its partners (FTE; None when unknown)."""

    name: str
    difference_gbp: tuple[float, ...]
    partners_fte: float | None

    @property
    def per_partner_gbp(self) -> tuple[float | None, ...]:
        return tuple(d / self.partners_fte if self.partners_fte else None for d in self.difference_gbp)


@dataclass(frozen=True)
class Appraisal:
    federation: str
    date: str
    data_line: str
    fingerprint: str
    base: str
    options: tuple[OptionFigures, ...]
    practices: tuple[PracticeLine, ...]  # every practice, by name
    chosen: str
    verdict: str
    risks: tuple[str, ...]

    def option(self, name: str) -> OptionFigures:
        return next(o for o in self.options if o.name == name)

    def practice_lines(self, max_lines: int = MAX_PRACTICE_LINES) -> tuple[list[PracticeLine], str]:
        """The practices a page has room for, and a note saying which: all of them by name when they fit; else the
        ones gaining most and losing most under the base option, with the others added up in one line between them."""
        count = len(self.practices)
        if count <= max_lines:
            return list(self.practices), f"All {count} practices, by name."
        each = max(1, (max_lines - 1) // 2)
        base = [o.name for o in self.options].index(self.base)
        ordered = sorted(self.practices, key=lambda line: -line.difference_gbp[base])  # stable: ties stay by name
        rest = ordered[each:-each]
        partners = sum(line.partners_fte or 0.0 for line in rest)
        sums = tuple(sum(line.difference_gbp[i] for line in rest) for i in range(len(self.options)))
        others = PracticeLine(f"{len(rest):,} other practice{'s' if len(rest) != 1 else ''} added up", sums, partners or None)
        note = (
            f"{count:,} practices are too many for a page: the {each} gaining most and the {each} losing most under "
            f"{self.base}, and the other {len(rest):,} added up. The workbook lists every practice."
        )
        return [*ordered[:each], others, *ordered[-each:]], note


def appraise(comparison: Comparison, dataset: Dataset, *, federation: str = "", generated_at: datetime | None = None) -> Appraisal:
    """The appraisal of a comparison already run."""
    generated_at = generated_at or datetime.now(UTC)
    options = tuple(_figures(comparison, position) for position in range(len(comparison.options)))
    chosen = _choose(options)
    return Appraisal(
        federation=federation.strip() or "GP federation",
        date=f"{generated_at:%d %B %Y}",
        data_line=dataset.summary_line(),
        fingerprint=dataset.fingerprint,
        base=comparison.base,
        options=options,
        practices=tuple(_practices(comparison)),
        chosen=chosen.name,
        verdict=_verdict(chosen, options),
        risks=tuple(_risks(comparison, chosen)),
    )


def _figures(comparison: Comparison, position: int) -> OptionFigures:
    row = comparison.headline.iloc[position]
    option = comparison.options[position]
    vs_pct = row["surplus_vs_base_pct"]
    return OptionFigures(
        name=option.name,
        description=option.description or option.scenario.describe(),
        colour=option_colour(position),
        fee_income_gbp=float(row["fee_income_gbp"]),
        overheads_gbp=float(row["overheads_gbp"]),
        surplus_gbp=float(row["surplus_gbp"]),
        surplus_vs_base_gbp=float(row["surplus_vs_base_gbp"]),
        surplus_vs_base_pct=None if pd.isna(vs_pct) else float(vs_pct),
        practices_better_off=int(row["practices_better_off"]),
        practices=int(row["practices"]),
        rounds=int(row["rounds"]),
    )


def _choose(options: tuple[OptionFigures, ...]) -> OptionFigures:
    viable = [o for o in options if o.viable]
    if viable:
        return max(viable, key=lambda o: (o.practices_better_off, o.surplus_gbp))
    return max(options, key=lambda o: o.surplus_gbp)


def _verdict(chosen: OptionFigures, options: tuple[OptionFigures, ...]) -> str:
    covering = [o.name for o in options if o.viable]
    if not covering:
        return (
            f"No option covers the federation's overheads. {chosen.name} comes closest: "
            f"{gbp(-chosen.surplus_gbp)} a year short, with {chosen.practices_better_off} of {chosen.practices} practices better off."
        )
    text = (
        f"{chosen.name}: the federation covers its overheads with a surplus of {gbp(chosen.surplus_gbp)} a year, "
        f"and {chosen.practices_better_off} of {chosen.practices} practices are better off."
    )
    others = [n for n in covering if n != chosen.name]
    if others:
        text += f" Also covering them: {', '.join(others)}."
    return text


def _risks(comparison: Comparison, chosen: OptionFigures) -> list[str]:
    risks = []
    if chosen.viable:
        share = chosen.surplus_gbp / chosen.overheads_gbp if chosen.overheads_gbp else None
        if share is not None:
            risks.append(
                f"Thin margin: the surplus is {pct(100 * share)} of overheads; overheads {pct(100 * share)} higher, "
                f"or {gbp(chosen.surplus_gbp)} less fee income, and it is a loss."
            )
    else:
        needed = -chosen.surplus_gbp
        rise = f" ({pct(100 * needed / chosen.fee_income_gbp)} more)" if chosen.fee_income_gbp > 0 else ""
        risks.append(f"Fee income must rise by {gbp(needed)}{rise}, or overheads fall as much, to break even.")
    practices = comparison.practices[comparison.practices["option"] == chosen.name]
    worse = practices[practices["difference_gbp"] < -PENNY].sort_values("difference_gbp")
    if len(worse):
        worst = worse.iloc[0]
        rational = comparison.options[comparison.names.index(chosen.name)].scenario.participation == "rational"
        they = ("They are", "they leave") if len(worse) != 1 else ("It is", "it leaves")
        stay = "" if rational else f" {they[0]} assumed to stay; if {they[1]} the services that pay less, fee income falls."
        risks.append(
            f"{len(worse)} practice{'s' if len(worse) != 1 else ''} worse off than in-house "
            f"(most: {worst['practice_name']}, {gbp(float(worst['difference_gbp']))} a year).{stay}"
        )
    services = comparison.result(chosen.name).services
    fees = services["fee_income_gbp"]
    if fees.sum() > 0:
        top = services.loc[fees.idxmax()]
        risks.append(
            f"Concentration: {top['service']} brings {pct(100 * float(top['fee_income_gbp']) / float(fees.sum()), decimals=0)} "
            "of the management fees; a change to its contract moves the verdict."
        )
    if chosen.rounds:
        risks.append(
            f"Cascade: practices left in {chosen.rounds} round{'s' if chosen.rounds != 1 else ''}; "
            "each departure raises the costs of those who stay."
        )
    return risks[:4]


def _practices(comparison: Comparison) -> list[PracticeLine]:
    """Every practice, by name: each option's difference and the practice's partners."""
    names = comparison.names
    difference = comparison.practices.pivot(index="practice_code", columns="option", values="difference_gbp")[names]
    info = comparison.results[0].practices.set_index("practice_code")[["practice_name", "partners_fte"]]
    table = info.join(difference).sort_values("practice_name", key=lambda s: s.astype(str).str.casefold(), kind="stable")
    lines = []
    for _, row in table.iterrows():
        partners = row["partners_fte"]
        partners = float(partners) if partners is not None and not pd.isna(partners) and float(partners) > 0 else None
        lines.append(PracticeLine(str(row["practice_name"]), tuple(float(row[n]) for n in names), partners))
    return lines
