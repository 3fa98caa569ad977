"""Options side by side for the board: ``compare(model, options, base) -> Comparison``.

An option is a name and a scenario ("A: the federation runs enhanced access at 6%"), with an
optional description; a ``(name, scenario)`` or ``(name, scenario, description)`` tuple, an
``Option`` or a ``SavedScenario`` all do. Every option runs in one pass (``Model.run_many``).
Variances are against the base option: in pounds, and in percent of the size of the base figure,
so that a rise is positive even when the base is a loss (None when the base rounds to £0).

Worked example (MODEL.md): 'all' at the catalogue fee (10%) makes a surplus of £1,000; one fee of
5% makes a loss of £1,000, a variance of -£2,000 (-200%) against the first.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import pandas as pd

from finance.errors import ScenarioError
from finance.format import gbp
from finance.model.engine import Model, Results
from finance.model.scenario import Scenario

HEADLINE_FIGURES = ("surplus_gbp", "fee_income_gbp", "overheads_gbp")


@dataclass(frozen=True)
class Option:
    name: str
    scenario: Scenario
    description: str = ""


OptionLike = Option | tuple[str, Scenario] | tuple[str, Scenario, str]


def as_options(options: Sequence[OptionLike]) -> list[Option]:
    """Options from tuples or saved scenarios; names must be given and differ (case ignored)."""
    found: list[Option] = []
    for item in options:
        if isinstance(item, tuple):
            name, scenario, *rest = item
            found.append(Option(str(name).strip(), scenario, str(rest[0]) if rest and rest[0] else ""))
        else:  # Option, SavedScenario: anything with a name and a scenario
            found.append(Option(str(item.name).strip(), item.scenario, str(getattr(item, "description", "") or "")))
    problems = []
    if not found:
        problems.append("there are no options to compare: choose at least one scenario")
    if any(not o.name for o in found):
        problems.append("every option needs a name")
    keys = [o.name.casefold() for o in found]
    for name in dict.fromkeys(o.name for o, key in zip(found, keys, strict=True) if keys.count(key) > 1):
        problems.append(f"two options are named '{name}': give each option its own name")
    if problems:
        raise ScenarioError(problems)
    return found


def variance_pct(value: float, base: float) -> float | None:
    """Change from base in percent of the size of base; None when base rounds to £0.

    >>> variance_pct(1_500, 1_000), variance_pct(-1_000, -2_000), variance_pct(5, 0)
    (50.0, 50.0, None)
    """
    if abs(base) < 0.005:
        return None
    return 100.0 * (value - base) / abs(base)


@dataclass(frozen=True)
class Comparison:
    """The options' figures, ready to draw and to export.

    headline: one row per option, in order: option, description, is_base, surplus_gbp,
        fee_income_gbp, overheads_gbp, viable, rounds, practices_better_off, practices, and for each
        of the three money figures <figure>_vs_base_gbp and <figure>_vs_base_pct, plus
        practices_better_off_vs_base.
    participants: one row per service (index), one column per option: practices using the
        federation for it.
    practices: one row per option and practice: option, practice_code, practice_name, pcn,
        list_size, federation_member, result_all_inhouse_gbp, result_with_federation_gbp,
        difference_gbp, result_with_federation_per_partner_gbp, vs_base_gbp, vs_base_pct (the
        result with the federation against the base option's).
    """

    options: tuple[Option, ...]
    base: str
    results: tuple[Results, ...]
    headline: pd.DataFrame
    participants: pd.DataFrame
    practices: pd.DataFrame

    @property
    def names(self) -> list[str]:
        return [o.name for o in self.options]

    def result(self, name: str) -> Results:
        return self.results[self.names.index(name)]

    def practices_wide(self, figure: str = "result_with_federation_gbp") -> pd.DataFrame:
        """One row per practice, one column per option holding ``figure``."""
        wide = self.practices.pivot(index="practice_code", columns="option", values=figure)[self.names]
        names = self.practices.drop_duplicates("practice_code").set_index("practice_code")[["practice_name", "pcn"]]
        return names.join(wide).reset_index()

    def sentence(self, name: str) -> str:
        """'Option A: the federation makes a surplus of £12,345 with 24 of 30 practices better off.'"""
        row = self.headline.set_index("option").loc[name]
        surplus = float(row["surplus_gbp"])
        if round(surplus) > 0:
            outcome = f"makes a surplus of {gbp(surplus)}"
        elif round(surplus) < 0:
            outcome = f"makes a loss of {gbp(-surplus)}"
        else:
            outcome = "breaks even"
        text = f"{name}: the federation {outcome} with {row['practices_better_off']} of {row['practices']} practices better off"
        if name != self.base:
            change = float(row["surplus_vs_base_gbp"])
            if round(change) != 0:
                text += f" ({gbp(abs(change))} {'more' if change > 0 else 'less'} than {self.base})"
            else:
                text += f" (the same surplus as {self.base})"
        return text + "."

    def sentences(self) -> list[str]:
        return [self.sentence(name) for name in self.names]


def compare(model: Model, options: Sequence[OptionLike], base: str | None = None) -> Comparison:
    """Run every option in one pass and line them up against ``base`` (default: the first option)."""
    chosen = as_options(options)
    names = [o.name for o in chosen]
    if base is None:
        base = names[0]
    elif base not in names:
        matches = [n for n in names if n.casefold() == str(base).strip().casefold()]
        if not matches:
            raise ScenarioError([f"the base option '{base}' is not one of the options ({', '.join(names)})"])
        base = matches[0]
    results = model.run_many([o.scenario for o in chosen])
    return Comparison(
        options=tuple(chosen),
        base=base,
        results=tuple(results),
        headline=_headline(chosen, results, base),
        participants=_participants(chosen, results),
        practices=_practices(chosen, results, names.index(base)),
    )


def _headline(options: list[Option], results: list[Results], base: str) -> pd.DataFrame:
    rows = []
    for option, result in zip(options, results, strict=True):
        federation = result.federation
        rows.append(
            {
                "option": option.name,
                "description": option.description,
                "is_base": option.name == base,
                "surplus_gbp": federation.surplus_gbp,
                "fee_income_gbp": federation.fee_income_gbp,
                "overheads_gbp": federation.overheads_gbp,
                "viable": federation.viable,
                "rounds": federation.rounds,
                "practices_better_off": result.practices_better_off,
                "practices": len(result.practices),
            }
        )
    headline = pd.DataFrame(rows)
    base_row = headline[headline["is_base"]].iloc[0]
    for figure in HEADLINE_FIGURES:
        stem = figure.removesuffix("_gbp")
        headline[f"{stem}_vs_base_gbp"] = headline[figure] - base_row[figure]
        headline[f"{stem}_vs_base_pct"] = pd.array([variance_pct(v, base_row[figure]) for v in headline[figure]], dtype="Float64")
    headline["practices_better_off_vs_base"] = headline["practices_better_off"] - base_row["practices_better_off"]
    return headline


def _participants(options: list[Option], results: list[Results]) -> pd.DataFrame:
    columns = {o.name: r.services.set_index("service")["participants"].astype(int) for o, r in zip(options, results, strict=True)}
    frame = pd.DataFrame(columns)
    frame.index.name = "service"
    return frame


PRACTICE_COLUMNS = [
    "practice_code",
    "practice_name",
    "pcn",
    "list_size",
    "federation_member",
    "result_all_inhouse_gbp",
    "result_with_federation_gbp",
    "difference_gbp",
    "result_with_federation_per_partner_gbp",
]


def _practices(options: list[Option], results: list[Results], base_index: int) -> pd.DataFrame:
    base = results[base_index].practices.set_index("practice_code")["result_with_federation_gbp"]
    frames = []
    for option, result in zip(options, results, strict=True):
        frame = result.practices[PRACTICE_COLUMNS].copy()
        frame.insert(0, "option", option.name)
        against = frame["practice_code"].map(base)
        frame["vs_base_gbp"] = frame["result_with_federation_gbp"] - against
        frame["vs_base_pct"] = pd.array(
            [variance_pct(v, b) for v, b in zip(frame["result_with_federation_gbp"], against, strict=True)], dtype="Float64"
        )
        frames.append(frame)
    return pd.concat(frames, ignore_index=True)
