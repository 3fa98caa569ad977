"""The Options page (app_pages/options.py, ui/options.py) through the real frame: saving the sidebar's
scenario, the saved list across sessions, load / rename / duplicate / delete, options made on other
data, the comparison against the engine's, the board pack, and a shared link opened on this page.

Every test has its own scenario store (FINANCE_SCENARIO_STORE in tmp_path), set before the app runs.
Expected figures come from the engine (finance/), never from the page.
"""

from __future__ import annotations

import io
import json

import openpyxl
import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from finance.analysis.compare import Option, compare
from finance.format import gbp, pct
from finance.model.scenario import Scenario
from finance.report.xlsx import sheet_titles
from finance.store.scenarios import ScenarioStore
from tests.finance.report.workbook_reading import summary_surplus
from tests.ui.apptest import (
    assert_ok,
    assert_page,
    button,
    capture_downloads,
    chart_specs,
    downloaded,
    expected_headline,
    go,
    headline,
    open_app,
    open_link,
    plotly_values,
    shown_table,
)
from ui.options import CURRENT

OVERHEADS_UP_FEE_6 = Scenario(overhead_change_pct=10.0, management_fee_pct=6.0)
OVERHEADS_DOWN = Scenario(overhead_change_pct=-10.0)
RATIONAL = Scenario(participation="rational", opt_out_tolerance_gbp=500.0)
PACK_FILES = (
    "Board pack (.xlsx)",
    "Options appraisal (.pdf)",
    "Options appraisal (.html)",
    "Result rows (.csv)",
    "Report with charts (.html)",
)


@pytest.fixture(autouse=True)
def store(tmp_path, monkeypatch) -> ScenarioStore:
    """This test's own scenario store (never the project's data/scenarios.duckdb)."""
    path = tmp_path / "scenarios.duckdb"
    monkeypatch.setenv("FINANCE_SCENARIO_STORE", str(path))
    return ScenarioStore(path)


def text_input(at: AppTest, label: str):
    found = [t for t in at.text_input if t.label == label]
    assert len(found) == 1, f"no single text input {label!r}: {[t.label for t in at.text_input]}"
    return found[0]


def save_with_form(at: AppTest, name: str, description: str = "") -> AppTest:
    text_input(at, "Name").input(name)
    text_input(at, "One-line description").input(description)
    button(at, "Save option").click().run()
    assert_ok(at)
    return at


def toasts(at: AppTest) -> list[str]:
    return [t.value for t in at.toast]


def errors(at: AppTest) -> list[str]:
    return [e.value for e in at.error]


def table_holding(at: AppTest, *columns: list[str]) -> pd.DataFrame:
    """The one table on the page (as shown) with a column holding exactly each of ``columns``."""
    shown = [shown_table(d) for d in at.dataframe]
    found = [t for t in shown if all(any(t[c].tolist() == values for c in t.columns) for values in columns)]
    assert len(found) == 1, f"{len(found)} tables hold {columns}"
    return found[0]


def column_of(table: pd.DataFrame, values: list[str]) -> str:
    names = [c for c in table.columns if table[c].tolist() == values]
    assert names, f"no column holds {values}; the table is:\n{table.to_string()}"
    return names[0]


def saved_names(at: AppTest) -> list[str]:
    return at.selectbox(key="manage_option").options


def test_saving_the_sidebars_scenario_keeps_it_across_a_restart(store, sample_dataset):
    at = open_app("Options")
    at.slider(key="overhead_change").set_value(10)
    at.checkbox(key="one_fee").check().run()
    at.slider(key="management_fee").set_value(6.0).run()
    sidebar_scenario = at.session_state["scenario"]
    assert sidebar_scenario == OVERHEADS_UP_FEE_6

    save_with_form(at, "Option A", "Overheads up a tenth, one fee of 6%")
    assert toasts(at) == ["Saved 'Option A'."]
    [saved] = store.list()
    assert (saved.name, saved.description) == ("Option A", "Overheads up a tenth, one fee of 6%")
    assert saved.scenario == sidebar_scenario
    assert (saved.fingerprint, saved.file_names) == (sample_dataset.fingerprint, tuple(sample_dataset.file_names))
    table_holding(at, ["Option A"], ["Overheads up a tenth, one fee of 6%"], ["the data loaded now"])
    assert saved_names(at) == ["Option A"]

    # A server restart: a new session reads the same file.
    again = open_app("Options")
    assert saved_names(again) == ["Option A"]
    table_holding(again, ["Option A"], ["Overheads up a tenth, one fee of 6%"])


def test_load_into_the_sidebar_sets_the_controls_the_figures_and_the_link(store, sample_dataset, sample_model):
    """Fails today: ui/options.py manage() calls sidebar.apply() when the button returns True, in the
    page's body, after the frame has drawn the sidebar's widgets, so setting their session_state keys
    raises StreamlitWidgetAlreadyInstantiatedError and the page shows a traceback. The load has to
    happen in the button's on_click callback (it runs before the script, so before the sidebar)."""
    scenario = Scenario(
        overhead_change_pct=15.0,
        activity_change_pct=-5.0,
        management_fee_pct=8.5,
        participation="rational",
        opt_out_tolerance_gbp=1000.0,
        excluded_practices=("F81004",),
    )
    store.save("Board option", scenario, "Leaner overheads", sample_dataset)
    at = open_app("Options")
    assert at.slider(key="overhead_change").value == 0
    assert (
        expected_headline(sample_model, scenario)["Federation surplus"] != expected_headline(sample_model, Scenario())["Federation surplus"]
    )

    button(at, "Load into the sidebar").click().run()
    assert_page(at, "Options")
    assert at.slider(key="overhead_change").value == 15
    assert at.slider(key="activity_change").value == -5
    assert at.checkbox(key="one_fee").value is True
    assert at.slider(key="management_fee").value == 8.5
    assert at.radio(key="participation").value == "Rational"
    assert at.number_input(key="opt_out_tolerance").value == 1000
    assert at.multiselect(key="excluded_practices").value == ["F81004"]
    assert any(i.value.startswith("'Board option' is loaded into the sidebar.") for i in at.info)
    assert at.session_state["scenario"] == scenario
    assert json.loads(at.query_params["scenario"]) == scenario.changes()

    go(at, "Overview")
    assert headline(at) == expected_headline(sample_model, scenario)


def test_rename_duplicate_and_delete_act_on_the_store(store, sample_dataset):
    store.save("Option A", OVERHEADS_UP_FEE_6, "a", sample_dataset)
    store.save("Option B", OVERHEADS_DOWN, "b", sample_dataset)
    at = open_app("Options")
    assert saved_names(at) == ["Option A", "Option B"]

    at.selectbox(key="manage_option").select("Option A")
    at.text_input(key="option_new_name").input("Option C")
    at.button(key="rename_option").click().run()
    assert_ok(at)
    assert toasts(at) == ["Renamed 'Option A' to 'Option C'."]
    assert store.names() == ["Option B", "Option C"]
    assert store.load("Option C").scenario == OVERHEADS_UP_FEE_6
    assert saved_names(at) == ["Option B", "Option C"]

    at.selectbox(key="manage_option").select("Option C")
    at.text_input(key="option_new_name").input("Option D")
    at.button(key="duplicate_option").click().run()
    assert_ok(at)
    assert toasts(at) == ["Duplicated 'Option C' as 'Option D'."]
    assert store.names() == ["Option B", "Option C", "Option D"]
    assert store.load("Option D").scenario == store.load("Option C").scenario == OVERHEADS_UP_FEE_6

    # A name already taken (case ignored) is refused, and the store is left alone.
    at.selectbox(key="manage_option").select("Option B")
    at.text_input(key="option_new_name").input("option d")
    at.button(key="rename_option").click().run()
    assert errors(at) == ["A scenario named 'Option D' is already saved: choose another name."]
    at.button(key="duplicate_option").click().run()
    assert errors(at) == ["A scenario named 'Option D' is already saved: choose another name for the copy."]
    assert store.names() == ["Option B", "Option C", "Option D"]
    assert store.load("Option B").scenario == OVERHEADS_DOWN

    at.selectbox(key="manage_option").select("Option B")
    at.button(key="delete_option").click().run()  # asks first: Cancel keeps it
    assert [w.value for w in at.warning] == ["Delete the option 'Option B'? It is deleted for everyone using this server."]
    button(at, "Cancel").click().run()
    assert not at.warning and store.names() == ["Option B", "Option C", "Option D"]
    at.button(key="delete_option").click().run()
    button(at, "Yes, delete 'Option B'").click().run()
    assert_ok(at)
    assert toasts(at) == ["Deleted 'Option B'."]
    assert store.names() == ["Option C", "Option D"]
    assert saved_names(at) == ["Option C", "Option D"]
    table_holding(at, ["Option C", "Option D"], ["a", "a"])


def test_saving_under_a_name_already_taken_asks_to_replace_and_keeps_what_was_typed(store, sample_dataset):
    store.save("Option A", OVERHEADS_DOWN, "the first", sample_dataset)
    at = open_app("Options")
    at.slider(key="overhead_change").set_value(20).run()
    save_with_form(at, "  option   a ", "a second one")
    assert [w.value for w in at.warning] == ["An option named 'Option A' is already saved. Replace it with the scenario in the sidebar?"]
    assert toasts(at) == [] and errors(at) == []
    assert (text_input(at, "Name").value, text_input(at, "One-line description").value) == ("  option   a ", "a second one")
    button(at, "Cancel").click().run()
    [saved] = store.list()
    assert (saved.name, saved.description, saved.scenario) == ("Option A", "the first", OVERHEADS_DOWN)
    assert text_input(at, "Name").value == "  option   a "

    button(at, "Save option").click().run()
    button(at, "Replace 'Option A'").click().run()
    assert_ok(at)
    assert toasts(at) == ["Replaced 'option a'."]
    [saved] = store.list()
    assert (saved.name, saved.description, saved.scenario) == ("option a", "a second one", Scenario(overhead_change_pct=20.0))
    assert (text_input(at, "Name").value, text_input(at, "One-line description").value) == ("", "")

    save_with_form(at, "   ", "no name")
    assert errors(at) == ["Give the scenario a name."]
    assert store.names() == ["option a"]


def test_an_option_saved_on_other_data_says_so_when_selected(store, sample_dataset, valid_dataset):
    store.save("Made elsewhere", OVERHEADS_DOWN, "", valid_dataset)
    store.save("Made here", OVERHEADS_UP_FEE_6, "", sample_dataset)
    elsewhere = store.load("Made elsewhere")
    message = elsewhere.mismatch(sample_dataset)
    assert message and "differs" in message
    at = open_app("Options")
    table_holding(at, ["Made elsewhere", "Made here"], ["other data", "the data loaded now"])

    at.selectbox(key="manage_option").select("Made here").run()
    assert not [w.value for w in at.warning if "was saved on" in w.value]
    at.selectbox(key="manage_option").select("Made elsewhere").run()
    assert [w.value for w in at.warning if "was saved on" in w.value] == [message]


def test_the_comparison_shows_the_engines_figures_against_the_chosen_base(store, sample_dataset, sample_model):
    store.save("Option A", OVERHEADS_UP_FEE_6, "overheads up, one fee", sample_dataset)
    store.save("Option B", OVERHEADS_DOWN, "overheads down", sample_dataset)
    store.save("Option C", RATIONAL, "practices choose", sample_dataset)
    at = open_app("Options")
    # A new session picks the first three saved options.
    assert at.multiselect(key="compare_options").value == ["Option A", "Option B", "Option C"]
    at.slider(key="contract_income_change").set_value(5)
    at.multiselect(key="compare_options").set_value(["Option A", "Option B"])
    at.checkbox(key="compare_current").check().run()
    assert_ok(at)
    current = at.session_state["scenario"]
    options = [Option(CURRENT, current), Option("Option A", OVERHEADS_UP_FEE_6), Option("Option B", OVERHEADS_DOWN)]
    names = [o.name for o in options]
    assert at.selectbox(key="compare_base").options == names

    variances = {}
    for base in (CURRENT, "Option B"):
        at.selectbox(key="compare_base").select(base).run()
        assert_ok(at)
        expected = compare(sample_model, options, base).headline
        assert len(set(expected["surplus_gbp"].round())) == 3, "the options must differ for this test to prove anything"
        table = table_holding(at, names)
        column_of(table, [gbp(v) for v in expected["surplus_gbp"]])
        column_of(table, [gbp(v) for v in expected["fee_income_gbp"]])
        column_of(table, [f"{b} of {n}" for b, n in zip(expected["practices_better_off"], expected["practices"], strict=True)])
        variances[base] = [gbp(v) for v in expected["surplus_vs_base_gbp"]]
        assert column_of(table, variances[base]) == f"Surplus vs {base}"
        column_of(table, [pct(None if pd.isna(v) else v) for v in expected["surplus_vs_base_pct"]])
        sentences = compare(sample_model, options, base).sentences()
        assert [m.value for m in at.markdown if m.value.startswith("- ")] == [f"- {s}" for s in sentences]
        bars = chart_specs(at)[0]["data"][0]
        assert plotly_values(bars["y"]) == pytest.approx(expected["surplus_gbp"].tolist())
    assert variances[CURRENT] != variances["Option B"]


def test_the_board_pack_downloads_a_workbook_with_the_engines_figures(store, sample_dataset, sample_model, monkeypatch, tmp_path):
    served = capture_downloads(monkeypatch)
    store.save("Option A", OVERHEADS_UP_FEE_6, "overheads up, one fee", sample_dataset)
    store.save("Option B", OVERHEADS_DOWN, "overheads down", sample_dataset)
    at = open_app("Options")
    at.multiselect(key="compare_options").set_value(["Option A", "Option B"]).run()
    assert not at.download_button
    button(at, "Prepare the board pack").click().run()
    assert_ok(at)
    assert [b.label for b in at.download_button] == list(PACK_FILES)

    comparison = compare(sample_model, [("Option A", OVERHEADS_UP_FEE_6), ("Option B", OVERHEADS_DOWN)])
    path = tmp_path / "board-pack.xlsx"
    path.write_bytes(downloaded(at, served, "Board pack (.xlsx)"))
    workbook = openpyxl.load_workbook(path, read_only=True)
    titles = sheet_titles(comparison.names)
    assert workbook.sheetnames == ["Contents", "Summary", *titles, "Practices", "Charts", "Assumptions", "Catalogue"]
    assert summary_surplus(path) == pytest.approx(dict(zip(comparison.headline["option"], comparison.headline["surplus_gbp"], strict=True)))
    for name, title in zip(comparison.names, titles, strict=True):
        assert workbook[title]["A1"].value == name
    assert downloaded(at, served, "Options appraisal (.pdf)").startswith(b"%PDF")
    assert "Options appraisal" in downloaded(at, served, "Options appraisal (.html)").decode("utf-8")

    csv = pd.read_csv(io.BytesIO(downloaded(at, served, "Result rows (.csv)")), encoding="utf-8-sig")
    assert list(csv["option"].unique()) == comparison.names
    assert "<html" in downloaded(at, served, "Report with charts (.html)").decode("utf-8").lower()

    # A pack made for other options is not offered for the new ones.
    at.selectbox(key="compare_base").select("Option B").run()
    assert not at.download_button


def test_a_saved_option_named_like_the_sidebars_can_be_compared_with_it(store, sample_dataset):
    """A saved option may be called 'Current (sidebar)' (the form accepts it). Ticking 'Include the
    scenario in the sidebar' then puts two options of that name in finance.analysis.compare.compare, which
    raises ScenarioError, and the page shows a traceback instead of the comparison (ui/options.py
    choose_options inserts Option(CURRENT, ...) whatever the saved names are)."""
    store.save(CURRENT.lower(), OVERHEADS_DOWN, "", sample_dataset)
    store.save("Option B", OVERHEADS_UP_FEE_6, "", sample_dataset)
    at = open_app("Options")
    at.checkbox(key="compare_current").check().run()
    assert_ok(at)
    assert len(at.get("plotly_chart")) == 2 or at.error, "neither the comparison nor a plain message"


def test_a_link_to_the_options_page_sets_the_sidebar(sample_dataset):
    linked = {"overhead_change_pct": 12, "management_fee_pct": 8, "participation": "rational"}
    at = open_link({"scenario": json.dumps(linked), "data": sample_dataset.fingerprint[:12]}, "Options")
    assert [i.value for i in at.info if i.value.startswith("The scenario from your link")] == ["The scenario from your link is applied."]
    assert at.slider(key="overhead_change").value == 12
    assert at.checkbox(key="one_fee").value is True
    assert at.slider(key="management_fee").value == 8.0
    assert at.radio(key="participation").value == "Rational"
    assert at.session_state["scenario"] == Scenario.from_dict(linked)
    assert json.loads(at.query_params["scenario"]) == Scenario.from_dict(linked).changes()


def test_the_address_follows_a_slider_moved_on_the_options_page(sample_dataset):
    at = open_app("Options")
    assert "scenario" not in at.query_params
    at.slider(key="federation_cost_change").set_value(-7).run()
    at.checkbox(key="one_fee").check().run()
    changes = at.session_state["scenario"].changes()
    assert changes == {"federation_cost_change_pct": -7.0, "management_fee_pct": at.slider(key="management_fee").value}
    assert json.loads(at.query_params["scenario"]) == changes
    assert at.query_params["data"] == sample_dataset.fingerprint[:12]
    assert Scenario.from_json(at.query_params["scenario"]) == at.session_state["scenario"]


def test_the_sidebars_scenario_joins_the_pack_only_when_ticked(store, sample_dataset, monkeypatch, tmp_path):
    """Opened with nothing saved, then two options saved: the pack holds those two, and the sidebar's only once ticked."""
    served = capture_downloads(monkeypatch)
    at = open_app("Options")
    assert at.checkbox(key="compare_current").value is False
    save_with_form(at, "Option A")
    at.slider(key="overhead_change").set_value(10).run()
    save_with_form(at, "Option B")
    text_input(at, "The federation's name (printed on every page)").input("West Essex GP Federation").run()
    button(at, "Prepare the board pack").click().run()
    assert_ok(at)
    path = tmp_path / "pack.xlsx"
    path.write_bytes(downloaded(at, served, "Board pack (.xlsx)"))
    assert list(summary_surplus(path)) == ["Option A", "Option B"]
    assert openpyxl.load_workbook(path)["Summary"]["A1"].value == "Options for the board: West Essex GP Federation"

    at.checkbox(key="compare_current").check().run()
    button(at, "Prepare the board pack").click().run()
    path.write_bytes(downloaded(at, served, "Board pack (.xlsx)"))
    assert list(summary_surplus(path)) == [CURRENT, "Option A", "Option B"]
