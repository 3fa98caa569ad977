"""The one-page options appraisal for a board, as content: the options side by side, each practice, the verdict, the risks.

``appraise`` works everything out once; appraisal_pdf.py and appraisal_html.py only lay it out, so
the PDF and the printable HTML say the same thing. The verdict follows a stated rule: of the options
that cover the federation's overheads, the one with the most practices better off (then the larger
surplus); when none does, the one closest to covering them. A page cannot list thousands of
practices: up to MAX_PRACTICE_LINES are listed in full, beyond that the practices gaining most and
losing most under the base option, and the others added up in one line (the workbook lists all).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

import pandas as pd

from finance.analysis.compare import Comparison
from finance.format import gbp, pct
from finance.ingest.dataset import Dataset
from finance.report.charts import option_colour

MAX_PRACTICE_LINES = 32
EACH_END = 12  # practices shown at each end when there are too many to list
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
    """One practice (or the others added up): each option's difference, in £ and per partner (None without partners)."""

    name: str
    difference_gbp: tuple[float, ...]
    per_partner_gbp: tuple[float | None, ...]


@dataclass(frozen=True)
class Appraisal:
    federation: str
    date: str
    data_line: str
    fingerprint: str
    base: str
    options: tuple[OptionFigures, ...]
    practices: tuple[PracticeLine, ...]
    practices_note: str
    chosen: str
    verdict: str
    risks: tuple[str, ...]

    def option(self, name: str) -> OptionFigures:
        return next(o for o in self.options if o.name == name)


def appraise(comparison: Comparison, dataset: Dataset, *, federation: str = "", generated_at: datetime | None = None) -> Appraisal:
    """The appraisal of a comparison already run."""
    generated_at = generated_at or datetime.now(UTC)
    options = tuple(_figures(comparison, position) for position in range(len(comparison.options)))
    chosen = _choose(options)
    lines, note = _practice_lines(comparison)
    return Appraisal(
        federation=federation.strip() or "GP federation",
        date=f"{generated_at:%d %B %Y}",
        data_line=dataset.summary_line(),
        fingerprint=dataset.fingerprint,
        base=comparison.base,
        options=options,
        practices=tuple(lines),
        practices_note=note,
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


def _practice_lines(comparison: Comparison) -> tuple[list[PracticeLine], str]:
    names = comparison.names
    frame = comparison.practices
    difference = frame.pivot(index="practice_code", columns="option", values="difference_gbp")[names]
    info = comparison.results[0].practices.set_index("practice_code")[["practice_name", "partners_fte"]]
    table = info.join(difference)
    count = len(table)
    if count <= MAX_PRACTICE_LINES:
        chosen = table.sort_values("practice_name", key=lambda s: s.astype(str).str.casefold())
        note = f"All {count} practices, by name."
        rest = None
    else:
        ordered = table.sort_values(comparison.base, ascending=False, kind="stable")
        chosen = pd.concat([ordered.head(EACH_END), ordered.tail(EACH_END)])
        rest = ordered.iloc[EACH_END:-EACH_END]
        note = (
            f"{count:,} practices are too many for a page: the {EACH_END} gaining most and the {EACH_END} losing most under "
            f"{comparison.base}, and the other {len(rest):,} added up. The workbook lists every practice."
        )
    lines = [_line(str(r["practice_name"]), r, names) for _, r in chosen.iterrows()]  # EACH_END best first, then the worst
    if rest is not None:
        partners = float(rest["partners_fte"].fillna(0).sum())
        sums = tuple(float(rest[n].sum()) for n in names)
        others = f"{len(rest):,} other practice{'s' if len(rest) != 1 else ''} added up"
        lines.insert(EACH_END, PracticeLine(others, sums, tuple(s / partners if partners > 0 else None for s in sums)))
    return lines, note


def _line(name: str, row: pd.Series, names: list[str]) -> PracticeLine:
    partners = row["partners_fte"]
    has = partners is not None and not pd.isna(partners) and float(partners) > 0
    differences = tuple(float(row[n]) for n in names)
    return PracticeLine(name, differences, tuple(d / float(partners) if has else None for d in differences))
