"""The Data page: uploads replace the data only when the whole set is valid, and say what happened."""

from __future__ import annotations

import pytest

from finance.analysis.sweep import average_catalogue_fee
from finance.ingest.load import load_uploads
from finance.ingest.read import Upload
from finance.model.engine import Model
from finance.model.scenario import Scenario
from finance.nhs.payments import import_payments, upload_set_files
from tests.conftest import SAMPLE_DATA, sample_files
from tests.helpers import csv_bytes, set_cell, valid_sheets, workbook_bytes
from tests.ui.apptest import (
    PAGE_TEXT,
    XLSX,
    assert_ok,
    button,
    column_like,
    expected_headline,
    go,
    headline,
    metrics,
    open_app,
    upload,
    valid_workbook,
)
from ui.state import SAMPLE_LABEL

SAMPLE_NAMES = [p.name for p in sample_files()]
ERROR_COLUMNS = ["File", "Sheet", "Cell", "Column", "Value", "Problem"]


def bad_workbook() -> bytes:
    sheets = valid_sheets()
    set_cell(sheets, "income", "E3", "TBC")
    return workbook_bytes(sheets)


def data_metrics(dataset) -> dict[str, str]:
    summary = dataset.summary()
    from finance.format import gbp

    return {
        "Practices": f"{summary['practices']:,}",
        "PCNs": f"{summary['pcns']:,}",
        "Services": f"{summary['services']:,}",
        "Overheads": gbp(summary["overheads_gbp"]),
    }


def loaded_files(at) -> list[str]:
    """The files the session's data came from, each of which the page must name."""
    names = at.session_state["loaded"].dataset.file_names
    captions = " ".join(c.value for c in at.caption)
    assert all(name in captions for name in names), captions
    return names


@pytest.fixture(scope="module")
def sample_page():
    return open_app("Data")


def test_renders_on_the_sample(sample_page, sample_dataset):
    at = sample_page
    title, intro = PAGE_TEXT["Data"]
    assert at.title[0].value == title
    assert intro in at.markdown[0].value
    assert any("You are looking at the **sample federation**" in i.value for i in at.info)
    assert metrics(at) == data_metrics(sample_dataset)
    assert loaded_files(at) == SAMPLE_NAMES
    assert any(c.value.startswith(SAMPLE_LABEL) for c in at.caption)
    column_like(at.dataframe[0].value, sample_dataset.summary()["income_by_stream_gbp"].values(), approx=True)
    assert [b.label for b in at.download_button] == [
        "Download the blank template (.xlsx)",
        "Download service_staffing.csv",
    ]  # and the cost builder's
    assert at.file_uploader(key="uploader").accept_multiple_files
    assert not at.error and not at.success


def test_a_valid_workbook_replaces_the_data_on_every_page(valid_dataset, valid_model):
    at = open_app("Data")
    upload(at, [("federation.xlsx", valid_workbook())])
    assert [s.value for s in at.success] == [f"**Loaded.** {valid_dataset.summary_line()}. Every page now shows these figures."]
    assert not at.error
    assert metrics(at) == data_metrics(valid_dataset)
    assert loaded_files(at) == ["federation.xlsx"]
    assert not any("sample" in i.value for i in at.info)
    go(at, "Overview")
    assert headline(at) == expected_headline(valid_model, Scenario())
    assert "Data: Your files: federation.xlsx" in [c.value for c in at.caption]
    assert not any("sample data" in i.value for i in at.info)


def test_new_data_starts_the_fee_slider_at_its_own_catalogue_average(valid_model, sample_model):
    """The fee slider starts at the loaded catalogue's average fee: 7.0% on the sample (12 services), 9.0% on
    tests/helpers.py's set (8.86% rounded to the slider's half percent)."""
    at = open_app("Data")
    assert at.slider(key="management_fee").value == round(average_catalogue_fee(sample_model) * 2) / 2 == 7.0
    upload(at, [("federation.xlsx", valid_workbook())])
    assert at.slider(key="management_fee").value == round(average_catalogue_fee(valid_model) * 2) / 2 == 9.0


def test_a_valid_set_of_csv_files_loads_the_same_figures(valid_dataset, valid_model):
    files = [(f"{table}.csv", csv_bytes(rows)) for table, rows in valid_sheets().items()]
    at = open_app("Data")
    upload(at, files)
    assert [s.value for s in at.success] == [f"**Loaded.** {valid_dataset.summary_line()}. Every page now shows these figures."]
    assert loaded_files(at) == [name for name, _ in files]
    go(at, "Overview")
    assert headline(at) == expected_headline(valid_model, Scenario())


def test_a_bad_upload_lists_its_errors_and_keeps_the_sample(sample_model, sample_dataset):
    at = open_app("Data")
    upload(at, [("federation.xlsx", bad_workbook())])
    assert len(at.error) == 1
    message = at.error[0].value
    assert "nothing was loaded" in message and f"You are still looking at {SAMPLE_LABEL}" in message
    assert not at.success
    errors = at.table[0].value  # a static table: its long problem lines wrap
    assert list(errors.columns) == ERROR_COLUMNS
    assert errors[["File", "Sheet", "Cell", "Column", "Value"]].values.tolist() == [
        ["federation.xlsx", "income", "E3", "amount_gbp", "TBC"]
    ]
    assert "TBC" in errors["Problem"].iloc[0]
    assert metrics(at) == data_metrics(sample_dataset)
    go(at, "Overview")
    assert headline(at) == expected_headline(sample_model, Scenario())
    assert any("You are looking at sample data" in i.value for i in at.info)


def test_a_bad_upload_after_a_good_one_keeps_the_good_one(valid_model, valid_dataset):
    at = open_app("Data")
    upload(at, [("federation.xlsx", valid_workbook())])
    upload(at, [("federation.xlsx", bad_workbook())])
    assert not at.error  # with files of the user's loaded, nothing happens until they choose add or replace
    button(at, "Replace the loaded files").click().run()
    assert "You are still looking at Your files: federation.xlsx" in at.error[0].value
    assert metrics(at) == data_metrics(valid_dataset)
    go(at, "Overview")
    assert headline(at) == expected_headline(valid_model, Scenario())


def test_removing_the_files_keeps_the_data_they_loaded(valid_model, valid_dataset):
    at = open_app("Data")
    upload(at, [("federation.xlsx", valid_workbook())])
    at.file_uploader(key="uploader").set_value(None).run()
    assert not at.exception
    assert metrics(at) == data_metrics(valid_dataset)
    go(at, "Overview")
    assert headline(at) == expected_headline(valid_model, Scenario())


def federation_costs(amount: int) -> bytes:
    return csv_bytes([["item", "amount_gbp"], ["Chief officer", amount]])


def test_add_to_the_data_loaded_now_combines_the_files(sample_model):
    """Add is chosen at the upload itself (it was a checkbox that the page forgot on leaving it)."""
    at = open_app("Data")
    sample = [Upload.from_path(p) for p in sample_files()]
    upload(at, [(u.name, u.content) for u in sample])  # the user's own copy of the sample's files
    go(at, "Overview")
    go(at, "Data")
    upload(at, [("federation_costs.csv", federation_costs(400_000))])
    assert metrics(at)["Overheads"] != "£400,000"  # not loaded until they choose
    button(at, f"Add to the {len(sample)} loaded files").click().run()
    combined = [u for u in sample if u.name != "federation_costs.csv"]
    combined.append(Upload("federation_costs.csv", federation_costs(400_000)))
    result = load_uploads(combined)
    assert result.ok
    assert metrics(at)["Overheads"] == "£400,000"
    assert loaded_files(at) == [u.name for u in combined]
    go(at, "Overview")
    model = Model(result.dataset)
    try:
        expected = expected_headline(model, Scenario())
    finally:
        model.close()
    assert expected != expected_headline(sample_model, Scenario())
    assert headline(at) == expected


def test_without_add_one_file_alone_is_an_incomplete_set(sample_dataset):
    at = open_app("Data")
    upload(at, [("federation_costs.csv", federation_costs(400_000))])
    assert "nothing was loaded" in at.error[0].value
    assert metrics(at) == data_metrics(sample_dataset)


def test_going_back_to_the_sample(sample_model):
    at = open_app("Data")
    upload(at, [("federation.xlsx", valid_workbook())])
    button(at, "Go back to the sample federation").click().run()
    assert [w.value for w in at.warning] == [
        "Go back to the sample federation? Your 1 loaded file are taken out of this session (your saved options stay)."
    ]
    button(at, "Cancel").click().run()
    assert loaded_files(at) == ["federation.xlsx"]
    button(at, "Go back to the sample federation").click().run()
    button(at, "Yes, go back to the sample").click().run()
    assert not at.exception
    assert loaded_files(at) == SAMPLE_NAMES
    assert not at.success and not at.error
    go(at, "Overview")
    assert headline(at) == expected_headline(sample_model, Scenario())


def test_nhs_payments_import_loads_the_chosen_area():
    source = SAMPLE_DATA / "source" / "nhs-payments-2022-23-07H.csv"
    at = open_app("Data")
    at.file_uploader(key="payments_file").set_value((source.name, source.read_bytes(), "text/csv")).run()
    areas = at.multiselect(key="payments_areas")
    pcn = next(o for o in areas.options if "(PCN, U16446," in o)  # North Uttlesford PCN, 4 practices
    areas.set_value([pcn]).run()
    button(at, "Import these practices").click().run()
    assert not at.exception and not at.error
    assert len(at.success) == 1
    assert metrics(at)["Practices"] == "4"
    imported = import_payments(source.read_bytes(), ["U16446"], filename=source.name, apportion_pcn=True)
    uploads = [Upload(n, b) for n, b in upload_set_files(imported).items()] + [
        Upload.from_path(SAMPLE_DATA / "services.xlsx")  # with its staff time sheets, as the import adds it
    ]
    result = load_uploads(uploads)
    model = Model(result.dataset)
    try:
        expected = expected_headline(model, Scenario())
    finally:
        model.close()
    go(at, "Overview")
    assert headline(at) == expected


def test_excluded_sample_practices_do_not_break_an_upload(valid_model):
    """An exclusion the new data does not have must be dropped quietly. Today ui/state.py
    _drop_unknown_exclusions writes st.session_state["excluded_practices"] after the sidebar drew
    the multiselect, and Streamlit raises StreamlitWidgetAlreadyInstantiatedError."""
    at = open_app("Data")
    at.multiselect(key="excluded_practices").set_value(["F81004"]).run()
    at.file_uploader(key="uploader").set_value([("federation.xlsx", valid_workbook(), XLSX)]).run()
    assert_ok(at)
    assert at.multiselect(key="excluded_practices").value == []
    go(at, "Overview")
    assert headline(at) == expected_headline(valid_model, Scenario())


def test_excluded_practices_do_not_break_going_back_to_the_sample(sample_model):
    """The same fault from the other side: 'Go back to the sample federation' with an uploaded practice excluded."""
    at = open_app("Data")
    upload(at, [("federation.xlsx", valid_workbook())])
    at.multiselect(key="excluded_practices").set_value(["A81001"]).run()
    button(at, "Go back to the sample federation").click().run()
    button(at, "Yes, go back to the sample").click().run()
    assert_ok(at)
    go(at, "Overview")
    assert headline(at) == expected_headline(sample_model, Scenario())
