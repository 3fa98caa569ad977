"""The answers in words: the federation's verdict under both participations, the fee sweep's finding,
a practice's change, break-even fees beyond 0-100%. Every page says them the same way.

A board asks one question ("does the federation pay its way?") and the answer depends on who takes
part: every member using every service ('all') or practices leaving the services that pay them
less than in-house ('rational'). So the verdict leads with the participation the director chose and
says, in the same sentence, what happens under the other. Money is whole pounds (finance.format).
"""

from __future__ import annotations

from dataclasses import dataclass

from finance.analysis.sweep import FeeSweep
from finance.format import gbp, pct, round_half_up
from finance.model.engine import FederationResult
from finance.model.scenario import Participation

# "… covers its overheads {if every member uses every service}"
CONDITION = {
    "all": "if every member uses every service",
    "rational": "if practices leave the services that pay them less than in-house",
}
# "… (the fee sweep, {under rational participation})"
NAME = {"all": "every member using every service", "rational": "rational participation"}
OTHER: dict[str, Participation] = {"all": "rational", "rational": "all"}


def participation_name(participation: str) -> str:
    """'every member using every service' or 'rational participation'.

    >>> participation_name("rational")
    'rational participation'
    """
    return NAME[participation]


def outcome(surplus_gbp: float) -> str:
    """What the federation does with this surplus, in whole pounds.

    >>> outcome(9_973.49), outcome(-179_304.64), outcome(0.3)
    ('covers its overheads with £9,973 to spare', 'loses £179,305', 'covers its overheads exactly')
    """
    pounds = round_half_up(surplus_gbp)
    if surplus_gbp < 0 and pounds < 0:
        return f"loses {gbp(-pounds)}"
    if pounds <= 0:
        return "covers its overheads exactly"
    return f"covers its overheads with {gbp(pounds)} to spare"


@dataclass(frozen=True)
class Verdict:
    """The federation's answer under the chosen participation, and under the other, in one sentence."""

    participation: Participation
    surplus_gbp: float
    other_participation: Participation
    other_surplus_gbp: float
    rounds: int

    @property
    def viable(self) -> bool:
        return self.surplus_gbp >= 0

    @property
    def same_answer(self) -> bool:
        """True when both participations give the same side of zero (the board has one answer)."""
        return self.viable == (self.other_surplus_gbp >= 0)

    def sentence(self) -> str:
        """'With these fees the federation covers its overheads with £9,973 to spare if every member
        uses every service; if practices leave the services that pay them less than in-house, it loses £179,305.'"""
        chosen = f"With these fees the federation **{outcome(self.surplus_gbp)}** {CONDITION[self.participation]}"
        if self.participation == "rational" and self.rounds:
            chosen += f" ({self.rounds} round{'s' if self.rounds != 1 else ''} of departures)"
        other = f"{CONDITION[self.other_participation]}, it {'also ' if self.same_answer else ''}{outcome(self.other_surplus_gbp)}"
        return f"{chosen}; {other}."


def verdict(chosen: FederationResult, participation: Participation, other_surplus_gbp: float) -> Verdict:
    """The verdict from the scenario's own result and its surplus under the other participation."""
    return Verdict(participation, chosen.surplus_gbp, OTHER[participation], float(other_surplus_gbp), chosen.rounds)


def sweep_best_text(sweep: FeeSweep) -> str:
    """The sweep's best point, said as a surplus or as the smallest loss (never 'Highest surplus: -£1').

    A loss reads "Smallest loss: £263,542 at 11.0%", a surplus "Highest surplus: £12,000 at 9.0%"."""
    best = sweep.best
    pounds = round_half_up(float(best["surplus_gbp"]))
    if pounds < 0:
        return f"Smallest loss: {gbp(-pounds)} at {pct(best['fee_pct'])}"
    return f"Highest surplus: {gbp(pounds)} at {pct(best['fee_pct'])}"


def sweep_range(sweep: FeeSweep) -> str:
    """'from 0% to 40%': the fees the sweep tried."""
    fees = sweep.points["fee_pct"]
    return f"from {float(fees.min()):g}% to {float(fees.max()):g}%"


def fee_finding(sweep: FeeSweep, breakeven_fee_pct: float | None, rising: bool | None = True) -> str:
    """The fee sweep's answer in one sentence, naming its participation.

    ``breakeven_fee_pct`` is the exact one fee at which the surplus crosses zero (sensitivity.breakeven,
    the figure the Sensitivity page shows), or None when no fee from 0% to 100% breaks even.
    """
    who = f"With {NAME[sweep.participation]}"
    if breakeven_fee_pct is None:
        best = sweep.best
        if float(best["surplus_gbp"]) < 0:
            return (
                f"{who}, no fee {sweep_range(sweep)} covers the overheads; the smallest loss is "
                f"{gbp(-float(best['surplus_gbp']))}, at {pct(best['fee_pct'])}."
            )
        return f"{who}, every fee {sweep_range(sweep)} covers the overheads; the highest surplus is {gbp(best['surplus_gbp'])}, at {pct(best['fee_pct'])}."
    side = "below" if rising else "above"
    sentence = (
        f"{who}, one fee of {pct(breakeven_fee_pct, decimals=2)} for every service breaks even: the surplus is £0 or more there "
        f"and negative just {side} it."
    )
    best = sweep.best
    if float(best["fee_pct"]) >= float(sweep.points["fee_pct"].max()):
        return sentence  # the surplus is highest at the top of the range: nothing to add
    return f"{sentence} {sweep_best_text(sweep).replace(':', f' {sweep_range(sweep)}:', 1)}."


def practice_change(change_gbp: int, per_partner_gbp: int | None, *, member: bool = True, excluded: bool = False) -> str:
    """A practice's change with the federation in one plain sentence (whole pounds, as shown beside it).

    >>> practice_change(7_760, 3_880)
    '£7,760 a year better off with the federation, £3,880 a partner.'
    >>> practice_change(-1_200, None)
    '£1,200 a year worse off with the federation.'
    >>> practice_change(0, 0, member=False)
    'Not a federation member: its result is the same both ways.'
    """
    if not member:
        return "Not a federation member: its result is the same both ways."
    if excluded:
        return "Excluded in this scenario: it uses no federation service, so its result is the same both ways."
    if change_gbp == 0:
        return "No better and no worse off with the federation."
    better = "better" if change_gbp > 0 else "worse"
    sentence = f"{gbp(abs(change_gbp))} a year {better} off with the federation"
    if per_partner_gbp is not None:
        sentence += f", {gbp(abs(per_partner_gbp))} a partner"
    return sentence + "."


def breakeven_fee_words(value: float | None) -> str:
    """A practice's break-even fee for a service, in words where a percentage would mislead.

    The break-even fee is (in-house cost - federation delivery cost) / income. Above 100% the
    federation's saving is more than the whole income, so the practice gains at any fee; below 0% the
    federation's delivery costs more than the practice's own, so no fee makes it worthwhile.

    >>> breakeven_fee_words(7.456), breakeven_fee_words(166.8), breakeven_fee_words(-12.0), breakeven_fee_words(None)
    ('7.5%', 'any fee: the saving is more than the income', 'no fee: the federation costs more to deliver', '–')
    """
    if value is None or value != value:
        return "–"
    if value > 100:
        return "any fee: the saving is more than the income"
    if value < 0:
        return "no fee: the federation costs more to deliver"
    return pct(value)


def members_counted(members: int, non_members: int, excluded: int) -> str:
    """Who the "of N members" count leaves out, or '' when it leaves out no one.

    >>> members_counted(28, 3, 2)
    'Counted among the 28 members taking part: 3 non-members and 2 excluded practices are left out.'
    >>> members_counted(30, 0, 0)
    ''
    """
    left = []
    if non_members:
        left.append(f"{non_members} non-member{'s' if non_members != 1 else ''}")
    if excluded:
        left.append(f"{excluded} excluded practice{'s' if excluded != 1 else ''}")
    if not left:
        return ""
    verb = "is" if non_members + excluded == 1 else "are"
    return f"Counted among the {members} member{'s' if members != 1 else ''} taking part: {' and '.join(left)} {verb} left out."
