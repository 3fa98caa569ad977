"""The Data page's NHS payments panel: what the import equals, the catalogue it adds, and yours replacing it."""

from __future__ import annotations

import io

import openpyxl

from finance.nhs.payments import import_payments
from finance.nhs.services import IMPORT_CATALOGUE_NAME
from finance.nhs.summary import summary_lines
from tests.conftest import SAMPLE_DATA
from tests.ui.apptest import XLSX, button, metrics, open_app
from ui.payments_import import _plain

SOURCE = SAMPLE_DATA / "source" / "nhs-payments-2022-23-07H.csv"


def two_services() -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "services"
    sheet.append(["service", "unit", "units_per_1000_patients", "inhouse_cost_per_unit", "federation_cost_per_unit", "management_fee_pct"])
    sheet.append(["Flu vaccination", "vaccination", 190, 2.0, 1.8, 5])
    sheet.append(["Phlebotomy", "blood test", 450, 4.4, 3.8, 8])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def import_pcn(at, code: str):
    at.file_uploader(key="payments_file").set_value((SOURCE.name, SOURCE.read_bytes(), "text/csv")).run()
    areas = at.multiselect(key="payments_areas")
    areas.set_value([next(o for o in areas.options if f"(PCN, {code}," in o)]).run()
    button(at, "Import these practices").click().run()
    assert not at.exception and not at.error
    return at


def test_the_panel_says_what_the_import_equals_and_lists_the_catalogue_it_added():
    at = import_pcn(open_app("Data"), "U16446")
    expected = summary_lines(import_payments(SOURCE, ["U16446"]))
    shown = " ".join(m.value for m in at.markdown)
    for line in expected:
        assert _plain(line.strip()) in shown, line
    assert "payments before deductions, including PCN and Covid payments" in shown
    names = at.session_state["loaded"].dataset.file_names
    assert IMPORT_CATALOGUE_NAME in names and "practice_costs_pass_through.csv" in names
    assert IMPORT_CATALOGUE_NAME in " ".join(c.value for c in at.caption)


def test_your_own_catalogue_replaces_the_one_the_import_added():
    at = import_pcn(open_app("Data"), "U16446")
    at.file_uploader(key="uploader").set_value([("my_services.xlsx", two_services(), XLSX)]).run()
    at.button(key="upload_add").click().run()  # add to the imported files, not replace them
    assert not at.exception and not at.error
    names = at.session_state["loaded"].dataset.file_names
    assert IMPORT_CATALOGUE_NAME not in names and "my_services.xlsx" in names
    assert metrics(at)["Services"] == "2"
    income = at.session_state["loaded"].dataset.income
    assert set(income["service"].dropna()) == {"Flu vaccination"}
