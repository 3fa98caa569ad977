"""The shipped default hourly costs by role (staff_rates_2025_26.csv: each with its salary, on-costs,
hours, derivation and source) and how a role's name is matched. Read by the upload checks, the
template and the model's costs from staff time alike."""

from __future__ import annotations

from functools import cache
from pathlib import Path

import pandas as pd

DEFAULT_RATES_FILE = Path(__file__).with_name("staff_rates_2025_26.csv")
# The services column each deliverer's staffed cost replaces.
COST_COLUMN = {"practice": "inhouse_cost_per_unit", "federation": "federation_cost_per_unit", "pcn": "pcn_cost_per_unit"}


def role_key(name: object) -> str:
    """Roles compared without case or extra spaces ('practice  nurse' is 'Practice nurse').

    >>> role_key("  Practice   Nurse ")
    'practice nurse'
    """
    return " ".join(str(name).casefold().split())


@cache
def _default_rates() -> pd.DataFrame:
    return pd.read_csv(DEFAULT_RATES_FILE, dtype={"role": str, "source": str, "derivation": str, "date": str})


def default_rates() -> pd.DataFrame:
    """The shipped 2025/26 rates: role, hourly_cost_gbp, pay_gbp, pay_per, employer_ni_gbp,
    employer_pension_gbp, hours, derivation, source, date (a copy: callers may change it)."""
    return _default_rates().copy()
