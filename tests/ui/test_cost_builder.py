"""The Data page's cost builder: a service's staff time, its cost per unit and make-up as the engine
works them out, and "Use these costs" loads the same service_staffing table an upload would."""

from __future__ import annotations

import pandas as pd
import pytest

from finance.format import gbp_per_unit
from finance.model.scenario import Scenario
from finance.model.staff_costs import rates, replace_staffing, staffing_lines
from tests.ui.apptest import button, expected_headline, go, headline, open_app


def test_the_builder_shows_the_engines_cost_per_unit(sample_dataset, sample_model):
    at = open_app("Data")
    at.selectbox(key="cost_builder_service").set_value("Phlebotomy").run()
    at.radio(key="cost_builder_deliverer").set_value("federation").run()
    staffing = sample_dataset.service_staffing
    mine = staffing[(staffing["service"] == "Phlebotomy") & (staffing["delivered_by"] == "federation")]
    cost = float(staffing_lines(mine, rates(sample_dataset.staff_rates))["cost_per_unit_gbp"].sum())
    # the model's federation cost per unit for Phlebotomy is the same staffed figure
    assert cost == pytest.approx(float(sample_model.services.set_index("service").loc["Phlebotomy", "federation_cost_per_unit"]))
    assert any(f"Cost per unit for the federation: {gbp_per_unit(cost)}" in m.value for m in at.markdown)
    makeup = next(d.value for d in at.dataframe if "Hourly cost" in d.value.columns)
    assert list(makeup["Role"]) == list(mine["role"])


def test_use_these_costs_loads_the_same_table(sample_model):
    at = open_app("Data")
    at.selectbox(key="cost_builder_service").set_value("ECG").run()
    button(at, "Use these costs").click().run()
    assert not at.exception
    go(at, "Overview")
    assert headline(at) == expected_headline(sample_model, Scenario())  # the same staff time: the same figures


def test_replace_staffing_swaps_one_service_and_deliverer(sample_dataset):
    staffing = sample_dataset.service_staffing
    rows = pd.DataFrame(
        {"role": ["Practice nurse", None, " "], "minutes_per_unit": [12.0, None, 3.0], "other_cost_per_unit_gbp": [None, 0.9, None]}
    )
    out = replace_staffing(staffing, "ECG", "practice", rows)
    ecg = out[(out["service"] == "ECG") & (out["delivered_by"] == "practice")]
    # the blank row is dropped, the consumables-only row kept
    assert ecg["role"].where(ecg["role"].notna(), None).tolist() == ["Practice nurse", None]
    assert len(out) == len(staffing) - 1 + 2
    untouched = out[~((out["service"] == "ECG") & (out["delivered_by"] == "practice"))].reset_index(drop=True)
    before = staffing[~((staffing["service"] == "ECG") & (staffing["delivered_by"] == "practice"))].reset_index(drop=True)
    assert untouched.equals(before[untouched.columns])
