"""The fee sweep: federation surplus and participating practices against one management fee.

Answers the meeting's question "what fee keeps practices in and still pays our overheads?":
the scenario is run under rational participation with one fee for every service, at each fee
on a grid, in one pass of the model (``Model.run_many``, one variant per fee).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from finance.model import Model
from finance.scenario import Scenario

DEFAULT_FEES = tuple(float(f) for f in np.arange(0.0, 40.0 + 0.001, 1.0))


@dataclass(frozen=True)
class FeeSweep:
    """One row per fee: fee_pct and Model.summaries' columns (surplus_gbp, fee_income_gbp,
    practices_participating, participations, practices_better_off, ...)."""

    points: pd.DataFrame
    practices_total: int

    @property
    def best(self) -> pd.Series:
        """The fee with the highest surplus (the lowest such fee on ties)."""
        return self.points.loc[self.points["surplus_gbp"].idxmax()]

    @property
    def breakeven_fee_pct(self) -> float | None:
        """The lowest fee on the grid at which the surplus is zero or more, if any."""
        viable = self.points[self.points["surplus_gbp"] >= 0]
        return None if viable.empty else float(viable["fee_pct"].iloc[0])


def fee_sweep(model: Model, scenario: Scenario, fees: Sequence[float] = DEFAULT_FEES) -> FeeSweep:
    """Run ``scenario`` at each fee with rational participation (its tolerance and exclusions kept).

    Per-service fees in the scenario are set aside: the sweep asks what one fee for every service does.
    """
    variants = [scenario.with_changes(management_fee_pct=float(fee), service_fee_pct={}, participation="rational") for fee in fees]
    points = model.summaries(variants)
    points.insert(0, "fee_pct", [float(f) for f in fees])
    return FeeSweep(points, practices_total=len(model.dataset.practices))


def average_catalogue_fee(model: Model) -> float | None:
    """The service-income-weighted average of the catalogue's fees (what 'current fees' amount to)."""
    rows = model.run(Scenario()).rows
    income = rows["income_gbp"].clip(lower=0)
    if income.sum() <= 0:
        return None
    return float((rows["fee_pct"] * income).sum() / income.sum())
