"""The Data page's cost builder: a service's staff time, its cost per unit and make-up as the engine
works them out, and "Use these costs" loads the same service_staffing table an upload would."""

from __future__ import annotations

import io

import openpyxl
import pandas as pd
import pytest

from finance.format import gbp_per_unit
from finance.model.scenario import Scenario
from finance.model.staff_costs import rates, replace_staffing, staffing_lines
from tests.conftest import SAMPLE_DATA, sample_files
from tests.ui.apptest import button, capture_downloads, downloaded, expected_headline, go, headline, open_app, upload


def sample_with_staffing_as_files(dataset) -> list[tuple[str, bytes]]:
    """The sample's files with services.xlsx's staff time sheets as CSV files of their own."""
    book = openpyxl.load_workbook(SAMPLE_DATA / "services.xlsx")
    for name in ("service_staffing", "staff_rates"):
        del book[name]
    services = io.BytesIO()
    book.save(services)
    files = [(p.name, p.read_bytes()) for p in sample_files() if p.name != "services.xlsx"]
    return [
        *files,
        ("services.xlsx", services.getvalue()),
        ("service_staffing.csv", dataset.service_staffing.to_csv(index=False).encode()),
        ("staff_rates.csv", dataset.staff_rates.to_csv(index=False).encode()),
    ]


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


def test_use_these_costs_loads_the_same_table(sample_model, sample_dataset):
    at = open_app("Data")
    upload(at, sample_with_staffing_as_files(sample_dataset))  # staff time in a file of its own, which the builder replaces
    at.selectbox(key="cost_builder_service").set_value("ECG").run()
    button(at, "Use these costs").click().run()
    assert not at.exception
    go(at, "Overview")
    assert headline(at) == expected_headline(sample_model, Scenario())  # the same staff time: the same figures


def test_staff_time_inside_a_workbook_is_offered_as_a_download(sample_dataset, monkeypatch):
    """The sample keeps its staff time in services.xlsx: the builder cannot rewrite a user's workbook,
    so it offers the whole table to download (the same table an upload would be) and says so."""
    served = capture_downloads(monkeypatch)
    at = open_app("Data")
    at.selectbox(key="cost_builder_service").set_value("ECG").run()
    assert not [b for b in at.button if b.label == "Use these costs"]
    assert any("services.xlsx holds a service_staffing sheet" in c.value for c in at.caption)
    table = pd.read_csv(io.BytesIO(downloaded(at, served, "Download service_staffing.csv")))
    order = ["service", "delivered_by", "role"]  # the builder puts the service it edits last

    def tidy(frame):
        return frame.sort_values(order).reset_index(drop=True)

    pd.testing.assert_frame_equal(tidy(table), tidy(sample_dataset.service_staffing), check_dtype=False)


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
