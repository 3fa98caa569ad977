"""The design, uncertainty and plan commands end to end: the JSON of MODEL.md, and problems on stderr with exit 1."""

from __future__ import annotations

import json

import pytest

from tests.finance.cli.test_cli import FILES, finance


def test_design_prints_the_document_and_its_fees_rerun_to_the_same_block(tmp_path):
    scenario = tmp_path / "S.json"
    scenario.write_text(json.dumps({"participation": "rational", "opt_out_tolerance_gbp": 1000}))
    done = finance("design", *FILES, "--scenario", str(scenario))
    assert done.returncode == 0, done.stderr
    document = json.loads(done.stdout)
    assert list(document) == ["service_fee_pct", "viable", "practices_better_off", "practices", "federation"]
    assert document["service_fee_pct"] == {"Phlebotomy": 7.5}
    assert (document["viable"], document["practices_better_off"], document["practices"]) == (True, 2, 3)
    designed = tmp_path / "designed.json"
    designed.write_text(
        json.dumps({"participation": "rational", "opt_out_tolerance_gbp": 1000, "service_fee_pct": document["service_fee_pct"]})
    )
    again = json.loads(finance("run", *FILES, "--scenario", str(designed)).stdout)
    assert again["federation"] == document["federation"]


def test_design_highest_fee_and_bad_scenario():
    capped = json.loads(finance("design", *FILES, "--max-fee-pct", "5").stdout)
    assert capped["service_fee_pct"] == {"Phlebotomy": 5.0} and capped["viable"] is False
    done = finance("design", *FILES, "--max-fee-pct", "150")
    assert done.returncode == 1 and "between 0 and 100" in done.stderr and done.stdout == ""


def test_uncertainty_same_seed_same_document_and_degenerate_range(tmp_path):
    ranges = tmp_path / "R.json"
    ranges.write_text(
        json.dumps(
            {"overhead_change_pct": {"low": -5, "likely": 0, "high": 15}, "income_change_pct.contract": {"low": 0, "likely": 0, "high": 0}}
        )
    )
    first = finance("uncertainty", *FILES, "--ranges", str(ranges), "--draws", "200", "--seed", "4")
    again = finance("uncertainty", *FILES, "--ranges", str(ranges), "--draws", "200", "--seed", "4")
    assert first.returncode == 0, first.stderr
    assert first.stdout == again.stdout
    document = json.loads(first.stdout)
    assert list(document) == ["draws", "seed", "p_viable", "surplus_gbp", "practices"]
    assert (document["draws"], document["seed"]) == (200, 4)
    assert list(document["surplus_gbp"]) == ["p10", "p50", "p90", "mean"]
    assert list(document["practices"][0]) == ["practice_code", "p_better_off", "difference_gbp"]
    # Overheads at most +15% (3,450) against 4,000 of fees: viable in every draw.
    assert document["p_viable"] == 1.0


def test_uncertainty_problems_exit_1(tmp_path):
    ranges = tmp_path / "R.json"
    ranges.write_text(
        json.dumps({"overheads": {"low": 0, "likely": 0, "high": 1}, "overhead_change_pct": {"low": 3, "likely": 2, "high": 1}})
    )
    done = finance("uncertainty", *FILES, "--ranges", str(ranges))
    assert done.returncode == 1 and done.stdout == ""
    lines = done.stderr.strip().splitlines()
    assert lines[0].startswith("R.json: unknown parameter 'overheads'")
    assert "R.json: overhead_change_pct: low (3) must not be above likely (2)" in lines
    assert "Traceback" not in done.stderr
    assert finance("uncertainty", *FILES, "--ranges", str(tmp_path / "missing.json")).returncode == 1


def test_plan_prints_years_and_reports_bad_plans(tmp_path):
    plan = tmp_path / "P.json"
    plan.write_text(json.dumps({"first_year": "2025/26", "opening_reserves_gbp": 500, "years": [{"overhead_change_pct": 20}]}))
    done = finance("plan", *FILES, "--plan", str(plan))
    assert done.returncode == 0, done.stderr
    years = json.loads(done.stdout)["years"]
    assert [y["year"] for y in years] == ["2025/26", "2026/27"]
    assert [y["reserves_gbp"] for y in years] == [1500.0, 1500.0 + 400.0]  # overheads 3,600: surplus 400
    shipped = json.loads(finance("plan", *FILES).stdout)["years"]
    assert [y["year"] for y in shipped] == ["2025/26", "2026/27", "2027/28"]
    plan.write_text(json.dumps({"years": [{"pay": 3}]}))
    bad = finance("plan", *FILES, "--plan", str(plan))
    assert bad.returncode == 1 and "P.json: year 2: unknown key 'pay'" in bad.stderr


def test_export_adds_the_three_sheets(tmp_path):
    import openpyxl

    ranges = tmp_path / "R.json"
    ranges.write_text(json.dumps({"overhead_change_pct": {"low": 0, "likely": 5, "high": 10}}))
    out = tmp_path / "pack.xlsx"
    done = finance("export", *FILES, "--out", str(out), "--design", "--ranges", str(ranges), "--plan", "default")
    assert done.returncode == 0, done.stderr
    book = openpyxl.load_workbook(out)
    position = book.sheetnames.index("Practices")
    assert book.sheetnames[position + 1 : position + 4] == ["Fee designer", "Uncertainty", "Plan"]
    assert book["Fee designer"]["C5"].value == pytest.approx(0.075)
    # The designed fees and each later plan year join the comparison as options (a sheet each).
    assert {"Designed fees", "Plan 2026 27", "Plan 2027 28"} <= set(book.sheetnames)
    assert "Designed fees: the federation breaks even with 2 of 3 practices better off" in done.stdout
