"""The Fee designer and Three-year plan pages and the uncertainty ranges on Sensitivity, through the real frame:
the figures shown are the engine's for the sidebar's scenario; "Use these fees" puts the fees in the sidebar."""

from __future__ import annotations

import pytest

from finance.analysis.design import design_fees
from finance.analysis.plan import default_plan, run_plan
from finance.analysis.uncertainty import SUGGESTED_RANGES, uncertainty
from finance.format import gbp
from finance.model.scenario import Scenario
from tests.ui.apptest import ROOT, assert_ok, button, chart_specs, metrics, open_app, shown_table
from ui import sidebar


@pytest.fixture(autouse=True)
def store(tmp_path, monkeypatch):
    monkeypatch.setenv("FINANCE_SCENARIO_STORE", str(tmp_path / "scenarios.duckdb"))


def go(at, file: str, title: str):
    at.switch_page(str(ROOT / "app_pages" / file)).run()
    assert_ok(at)
    assert [t.value for t in at.title] == [title]
    return at


def test_the_designer_shows_the_engines_design_and_use_these_fees_sets_the_sidebar(sample_model):
    at = open_app()
    at.sidebar.radio(key="participation").set_value("Rational").run()
    go(at, "fee_designer.py", "Fee designer")
    design = design_fees(sample_model, Scenario(participation="rational"))
    shown = metrics(at)
    assert shown["Federation surplus"] == gbp(design.federation.surplus_gbp)
    assert shown["Practices better off"] == f"{design.practices_better_off} of {design.practices}"
    assert shown["Covers its overheads"] == ("Yes" if design.viable else "No")
    table = shown_table(at.dataframe[0])
    assert list(table.iloc[:, 0]) == list(design.service_fee_pct)
    assert any("What overheads can we afford" in s.value for s in at.subheader)
    button(at, "Use these fees").click().run()
    assert_ok(at)
    assert at.session_state[sidebar.SERVICE_FEES_KEY] == design.service_fee_pct
    assert at.session_state["scenario"].service_fee_pct == design.service_fee_pct
    # The designer now runs on a scenario that already has the designed fees: they are still the answer's fees.
    assert metrics(at)["Federation surplus"] == gbp(design.federation.surplus_gbp)


def test_the_plan_page_shows_the_engines_years(sample_model):
    at = open_app()
    go(at, "plan.py", "Three-year plan")
    result = run_plan(sample_model, Scenario(), default_plan())
    table = shown_table(at.dataframe[-1])
    assert list(table["Year"]) == ["2025/26", "2026/27", "2027/28"]
    assert list(table["Reserves at the year end"]) == [gbp(y.reserves_gbp) for y in result.years]
    # Shown in whole pounds that add up: each surplus is fee income less overheads, and each year's
    # reserves the year before's plus its surplus; every figure within a pound of the engine's.
    pounds = {
        c: [int(v.replace("£", "").replace(",", "")) for v in table[c]]
        for c in ("Fee income", "Overheads", "Surplus", "Reserves at the year end")
    }
    assert [f - o for f, o in zip(pounds["Fee income"], pounds["Overheads"], strict=True)] == pounds["Surplus"]
    assert [sum(pounds["Surplus"][: k + 1]) for k in range(3)] == pounds["Reserves at the year end"]
    for shown, year in zip(pounds["Surplus"], result.years, strict=True):
        assert abs(shown - year.results.federation.surplus_gbp) <= 1
    [spec] = chart_specs(at)
    assert spec["layout"]["title"]["text"] == "Federation surplus and reserves by year, 2025/26 to 2027/28"
    assert spec["data"][0]["marker"]["color"][0] in ("#005EB8", "#D55E00")
    at.number_input(key="plan_opening_reserves").set_value(50_000).run()
    table = shown_table(at.dataframe[-1])
    assert list(table["Reserves at the year end"]) == [gbp(50_000 + y.reserves_gbp) for y in result.years]


def test_uncertainty_beside_the_tornado(sample_model):
    at = open_app()
    go(at, "sensitivity.py", "Sensitivity")
    assert len(chart_specs(at)) == 1  # the tornado alone until the draws are asked for
    button(at, "Run 1,000 draws").click().run()
    assert_ok(at)
    result = uncertainty(sample_model, Scenario(), SUGGESTED_RANGES, 1000, 1)
    shown = metrics(at)
    assert shown["Chance of covering overheads"] == f"{100 * result.p_viable:.0f}%"
    marks = result.surplus_percentiles()
    assert shown["Surplus, P50 (median)"] == gbp(marks["p50"])
    assert shown["Surplus, P10"] == gbp(marks["p10"]) and shown["Surplus, P90"] == gbp(marks["p90"])
    titles = [s["layout"]["title"]["text"] for s in chart_specs(at)]
    assert any(t.startswith("Federation surplus over 1,000 draws") for t in titles)
    # The draws then follow the sidebar.
    at.sidebar.slider(key="overhead_change").set_value(10).run()
    moved = uncertainty(sample_model, Scenario(overhead_change_pct=10), SUGGESTED_RANGES, 1000, 1)
    assert metrics(at)["Surplus, P50 (median)"] == gbp(moved.surplus_percentiles()["p50"])


def test_designed_fees_and_a_plan_year_can_join_the_options(sample_model, tmp_path):
    from finance.store.scenarios import ScenarioStore

    at = open_app()
    go(at, "fee_designer.py", "Fee designer")
    button(at, "Save").click().run()
    assert_ok(at)
    go(at, "plan.py", "Three-year plan")
    at.selectbox(key="plan_option_year").set_value("2026/27").run()
    button(at, "Save").click().run()
    assert_ok(at)
    saved = {s.name: s.scenario for s in ScenarioStore().list()}
    assert saved["Designed fees"].service_fee_pct == design_fees(sample_model, Scenario()).service_fee_pct
    second_year = run_plan(sample_model, Scenario(), default_plan()).years[1].results.scenario
    assert saved["Plan 2026/27"] == second_year


def test_the_board_pack_adds_the_analyses_this_session_ran(sample_dataset, monkeypatch):
    import io

    import openpyxl

    from finance.store.scenarios import ScenarioStore
    from tests.ui.apptest import capture_downloads, downloaded

    served = capture_downloads(monkeypatch)
    ScenarioStore().save("Option A", Scenario(overhead_change_pct=10), "overheads up", sample_dataset)
    ScenarioStore().save("Option B", Scenario(overhead_change_pct=-10), "overheads down", sample_dataset)
    at = open_app()
    go(at, "fee_designer.py", "Fee designer")
    go(at, "plan.py", "Three-year plan")
    go(at, "options.py", "Options for the board")
    at.multiselect(key="compare_options").set_value(["Option A", "Option B"]).run()
    button(at, "Prepare the board pack").click().run()
    assert_ok(at)
    workbook = openpyxl.load_workbook(io.BytesIO(downloaded(at, served, "Board pack (.xlsx)")), read_only=True)
    position = workbook.sheetnames.index("Practices")
    assert workbook.sheetnames[position + 1 : position + 3] == ["Fee designer", "Plan"]  # the analyses this session ran, not uncertainty
