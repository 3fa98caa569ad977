"""The DuckDB engine against MODEL.md written out in plain Python (reference.py), and against the
engine as it was before issue 11 (before_issue11/) for scenarios that leave the new parameters at
their defaults: every figure equal, for any small federation."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from finance.model.engine import PRACTICE_FIELDS, ROW_FIELDS, Model
from tests.finance.model.before_issue11.engine import Model as ModelBefore
from tests.finance.model.reference import reference
from tests.strategies import delivery_federations, delivery_scenarios, federations, scenarios

SETTINGS = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
ROW_FIGURES = {
    "federation_delivery_cost_gbp": "delivery",
    "management_fee_gbp": "fee",
    "vat_gbp": "vat",
    "federation_return_gbp": "back",
    "advantage_gbp": "advantage",
    "breakeven_fee_pct": "breakeven",
}


# Two engines may add the same amounts in another order (pairs stored in another order): the
# sums then differ in their last binary digit, about 1e-16 of the figure. Anything larger is a
# changed figure; every count, flag, code and name must be identical.
FLOAT_ORDER = 1e-12


def same_figures(after: pd.DataFrame, before: pd.DataFrame) -> None:
    """The same columns, rows and values: floats equal to within the order they were added in, the rest exactly."""
    assert list(after.columns) == list(before.columns) and after.index.equals(before.index)
    for column in before.columns:
        new, old = after[column], before[column]
        assert new.dtype == old.dtype, column
        if pd.api.types.is_float_dtype(old):
            assert (new.isna() == old.isna()).all(), column
            both = new.notna() & old.notna()
            assert np.allclose(new[both], old[both], rtol=FLOAT_ORDER, atol=1e-9), column
        else:
            assert new.equals(old), column


def close(a, b) -> bool:
    if a is None or (isinstance(a, float) and math.isnan(a)):
        return b is None
    return b is not None and a == pytest.approx(b, rel=1e-9, abs=1e-6)


@SETTINGS
@given(st.data())
def test_engine_follows_model_md(data):
    dataset = data.draw(delivery_federations())
    scenario = data.draw(delivery_scenarios(list(dataset.services["service"]), list(dataset.practices["practice_code"])))
    expected = reference(dataset, scenario)
    model = Model(dataset)
    try:
        results = model.run(scenario)
    finally:
        model.close()
    rows = results.rows.set_index(["practice_code", "service"])
    assert set(rows.index) == set(expected["rows"])
    for key, line in expected["rows"].items():
        row = rows.loc[key]
        assert bool(row["participates"]) == line.participates, key
        assert row["route"] == line.route
        assert row["income_gbp"] == pytest.approx(line.income) and row["units"] == pytest.approx(line.units)
        assert row["inhouse_margin_gbp"] == pytest.approx(line.margin, abs=1e-6)
        for column, attribute in ROW_FIGURES.items():
            value = row[column]
            assert close(
                None if value is None or (isinstance(value, float) and math.isnan(value)) else float(value), getattr(line, attribute)
            ), (key, column)
    practices = results.practices.set_index("practice_code")
    for code, figures in expected["practices"].items():
        for column, value in figures.items():
            assert practices.loc[code, column] == pytest.approx(value, abs=1e-6), (code, column)
    federation = results.federation.to_dict()
    for column, value in expected["federation"].items():
        assert federation[column] == pytest.approx(value, abs=1e-6), column


@SETTINGS
@given(federations(), scenarios())
def test_defaults_change_nothing(dataset, scenario):
    """Old scenarios on old-style data: rows, practices and federation exactly as the engine before issue 11 gave them."""
    new, old = Model(dataset), ModelBefore(dataset)
    try:
        after, before = new.run(scenario), old.run(scenario)
    finally:
        new.close()
        old.close()
    old_rows = [f for f in ROW_FIELDS if f not in ("route", "pcn", "vat_gbp")]
    same_figures(after.rows[old_rows], before.rows[old_rows])
    old_practices = [f for f in PRACTICE_FIELDS if f not in ("member", "subscription_gbp")]
    same_figures(after.practices[old_practices], before.practices[old_practices])
    old_federation = before.federation.to_dict()
    new_federation = {k: v for k, v in after.federation.to_dict().items() if k in old_federation}
    assert new_federation.keys() == old_federation.keys()
    for key, value in old_federation.items():
        if isinstance(value, float):
            assert new_federation[key] == pytest.approx(value, rel=FLOAT_ORDER, abs=1e-9), key
        else:
            assert new_federation[key] == value, key
    assert after.practices_better_off == before.practices_better_off
    assert after.federation.management_fee_income_gbp == after.federation.fee_income_gbp
    assert after.federation.subscription_income_gbp == 0 and after.federation.pcn_fee_income_gbp == 0
    assert after.federation.membership_rounds == 0
    assert (after.rows["vat_gbp"].fillna(0) == 0).all() and set(after.rows["route"]) <= {"federation"}
