"""PCN money paid to one practice on the PCN's behalf, shared across the PCN's practices by weighted list.

Shares are worked in pennies and the rounding remainder goes to the largest practice, so every
PCN's total is kept to the penny. A PCN is shared over all its practices in the file, so an area
that holds part of a PCN gets its members' shares, and money crosses the area's boundary both
ways; the flows say how much.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd


@dataclass(frozen=True)
class PcnFlow:
    """One PCN with practices in the area: what it was paid, and what crossed the area's boundary."""

    pcn: str
    paid_gbp: float  # the PCN's per-PCN payments, to every practice in the file
    paid_inside_gbp: float  # of which paid to practices in the area
    shared_inside_gbp: float  # what the area's practices hold after sharing (or as paid, unshared)
    moved_out_gbp: float  # of the money paid inside, what went to practices outside
    moved_in_gbp: float  # of the money paid outside, what came to practices inside


@dataclass(frozen=True)
class PcnFlows:
    """Every PCN that touches the area, and the totals the summary names."""

    apportioned: bool
    pcns: list[PcnFlow] = field(default_factory=list)

    @property
    def paid_gbp(self) -> float:
        return sum(p.paid_gbp for p in self.pcns)

    @property
    def moved_out_gbp(self) -> float:
        return sum(p.moved_out_gbp for p in self.pcns)

    @property
    def moved_in_gbp(self) -> float:
        return sum(p.moved_in_gbp for p in self.pcns)

    @property
    def paid_outside_gbp(self) -> float:
        """PCN money paid to practices outside the area (not imported when it is kept where paid)."""
        return sum(p.paid_gbp - p.paid_inside_gbp for p in self.pcns)


def share_pcn_money(
    table: pd.DataFrame, payments: list[str], columns: list[str], chosen: np.ndarray, empty: np.ndarray, apportion: bool
) -> tuple[pd.DataFrame, PcnFlows]:
    """Every practice's amount per payment column; ``columns`` (the per-PCN ones) shared when ``apportion``.

    ``empty`` marks practices left out (no registered patients): they get no share, so a PCN's
    money paid to a ledger code is shared among the PCN's real practices.
    """
    amounts = table[payments].copy()
    if not columns:
        return amounts, PcnFlows(apportion)
    paid = np.rint(table[columns].to_numpy() * 100).astype("int64")  # pennies: totals stay exact
    shared = paid.copy()
    flows = []
    for key, members in table.groupby("pcn_key", sort=True).indices.items():  # positions of each PCN's practices
        inside = chosen[members]
        if not inside.any():
            continue
        totals = paid[members].sum(axis=0)
        if apportion:
            shared[members] = share_pennies(totals, _weights(table.iloc[members], empty[members]))
        paid_in = int(paid[members][inside].sum())
        held_in = int(shared[members][inside].sum())
        moved_out, moved_in = (
            _crossed(paid_in, int(totals.sum()) - paid_in, held_in, _weights(table.iloc[members], empty[members]), inside)
            if apportion
            else (0, 0)
        )
        name = table["pcn"].iloc[members[0]] or str(key)
        flows.append(PcnFlow(name, totals.sum() / 100, paid_in / 100, held_in / 100, moved_out / 100, moved_in / 100))
    amounts[columns] = shared / 100
    return amounts, PcnFlows(apportion, flows)


def _crossed(paid_in: int, paid_out: int, held_in: int, weights: np.ndarray, inside: np.ndarray) -> tuple[int, int]:
    """Pennies moved out of and into the area, so that held_in = paid_in - out + in exactly."""
    if paid_in == 0:
        return 0, held_in
    if paid_out == 0:
        return paid_in - held_in, 0
    moved_out = int(np.rint(paid_in * weights[~inside].sum() / weights.sum()))
    return moved_out, held_in - paid_in + moved_out


def _weights(members: pd.DataFrame, empty: np.ndarray) -> np.ndarray:
    """Weighted list, else registered list, else equal shares; practices left out weigh nothing."""
    for column in ("weighted_list_size", "list_size"):
        weights = np.where(empty, 0.0, members[column].clip(lower=0).to_numpy())
        if weights.sum() > 0:
            return weights
    return np.ones(len(members))


def share_pennies(totals: np.ndarray, weights: np.ndarray) -> np.ndarray:
    """Split each total (pennies) by weight; the remainder goes to the largest weight.

    >>> share_pennies(np.array([1001]), np.array([1.0, 1.0, 2.0])).ravel().tolist()
    [250, 250, 501]
    """
    shares = np.rint(np.outer(weights / weights.sum(), totals)).astype("int64")
    shares[int(np.argmax(weights))] += totals - shares.sum(axis=0)
    return shares
