"""The command line end to end, as a script or another tool calls it."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from tests.conftest import ROOT, WORKED_EXAMPLE

FILES = [str(p) for p in sorted(WORKED_EXAMPLE.glob("*.csv"))]


def finance(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "finance", *args], capture_output=True, text=True, cwd=ROOT, timeout=120)


def test_validate_ok():
    done = finance("validate", *FILES)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "OK: 3 practices (3 federation members) in 1 PCNs, 1 services, 3 income lines; 0 warnings"


def test_validate_reports_every_problem_on_stderr(tmp_path):
    bad = tmp_path / "practices.csv"
    bad.write_text("practice_code,practice_name,list_size\nA0001,Practice A,lots\nB00002,,5000\n")
    done = finance("validate", str(bad), *FILES[1:])
    assert done.returncode == 1
    lines = done.stderr.strip().splitlines()
    assert "practices.csv, row 2 (practice_code): 'A0001' is not an ODS practice code (one letter, five digits)" in lines
    assert "practices.csv, row 2 (list_size): 'lots' is not a whole number" in lines
    assert "practices.csv, row 3 (practice_name): practice_name is required but the cell is empty" in lines
    assert done.stdout == ""
    assert "Traceback" not in done.stderr


def test_run_prints_the_json_contract():
    done = finance("run", *FILES)
    assert done.returncode == 0, done.stderr
    document = json.loads(done.stdout)
    assert set(document) == {"rows", "practices", "federation"}
    assert set(document["rows"][0]) == {
        "practice_code", "service", "income_gbp", "units", "inhouse_cost_gbp", "inhouse_margin_gbp",
        "federation_delivery_cost_gbp", "management_fee_gbp", "federation_return_gbp", "advantage_gbp",
        "breakeven_fee_pct", "participates", "route", "pcn", "vat_gbp",
    }  # fmt: skip
    assert set(document["practices"][0]) == {
        "practice_code", "core_income_gbp", "practice_costs_gbp", "result_all_inhouse_gbp", "result_with_federation_gbp",
        "difference_gbp", "result_all_inhouse_per_partner_gbp", "result_with_federation_per_partner_gbp",
        "member", "subscription_gbp",
    }  # fmt: skip
    assert document["federation"] == {
        "fee_income_gbp": 4000.0,
        "overheads_gbp": 3000.0,
        "surplus_gbp": 1000.0,
        "viable": True,
        "rounds": 0,
        "participants": {"Phlebotomy": 3},
        "management_fee_income_gbp": 4000.0,
        "subscription_income_gbp": 0.0,
        "pcn_fee_income_gbp": 0.0,
        "members": 3,
        "membership_rounds": 0,
    }
    assert {r["route"] for r in document["rows"]} == {"federation"}
    assert {r["pcn"] for r in document["rows"]} == {None}  # the federation delivers: no PCN in the row
    assert all(p["member"] is True and p["subscription_gbp"] == 0.0 for p in document["practices"])


@pytest.mark.parametrize(
    ("scenario", "surplus", "rounds"),
    [
        ({"participation": "rational"}, -3000.0, 2),
        ({"participation": "rational", "opt_out_tolerance_gbp": 1000}, 1000.0, 0),
        ({"management_fee_pct": 5}, -1000.0, 0),
    ],
)
def test_run_with_a_scenario_file(tmp_path, scenario, surplus, rounds):
    path = tmp_path / "scenario.json"
    path.write_text(json.dumps(scenario))
    done = finance("run", *FILES, "--scenario", str(path))
    assert done.returncode == 0, done.stderr
    federation = json.loads(done.stdout)["federation"]
    assert (federation["surplus_gbp"], federation["rounds"]) == (surplus, rounds)


def test_breakeven_is_null_without_income(tmp_path):
    (tmp_path / "activity.csv").write_text("practice_code,service,units\nA00001,Phlebotomy,2000\n")
    income = tmp_path / "contract_income.csv"
    income.write_text("practice_code,line,service,amount_gbp\nA00001,Global Sum,,1000\n")
    others = [f for f in FILES if f.endswith(("practices.csv", "services.csv", "federation_costs.csv"))]
    done = finance("run", str(income), str(tmp_path / "activity.csv"), *others)
    assert done.returncode == 0, done.stderr
    row = json.loads(done.stdout)["rows"][0]
    assert row["income_gbp"] == 0 and row["breakeven_fee_pct"] is None


def test_bad_scenario_is_reported_like_a_data_error(tmp_path):
    path = tmp_path / "s.json"
    path.write_text('{"fee": 5, "participation": "most"}')
    done = finance("run", *FILES, "--scenario", str(path))
    assert done.returncode == 1
    assert done.stderr.strip().splitlines() == [
        "s.json: unknown parameter 'fee' (known: activity_change_pct, excluded_practices, federation_cost_change_pct, income_change_pct, inhouse_cost_change_pct, management_fee_pct, membership, opt_out_tolerance_gbp, overhead_change_pct, participation, service_fee_pct, service_fee_per_unit_gbp, service_route, subscription_basis, subscription_gbp_per_patient)",
        's.json: participation must be "all" or "rational", not "most"',
    ]


def test_missing_file_is_one_sentence():
    done = finance("validate", "no-such-file.xlsx")
    assert done.returncode == 1
    assert "no-such-file.xlsx: there is no such file." in done.stderr
    assert "Traceback" not in done.stderr


@pytest.mark.parametrize("scenario", [{}, {"participation": "rational"}])
def test_run_writes_the_values_json_dump_writes(tmp_path, scenario):
    """The streamed document is the contract: the same JSON values, keys in the same order, nulls and all."""
    from finance.ingest.load import load_files
    from finance.model.engine import run_model
    from finance.model.scenario import Scenario
    from tests.conftest import sample_files

    files = [str(p) for p in sample_files()]
    path = tmp_path / "scenario.json"
    path.write_text(json.dumps(scenario))
    done = finance("run", *files, "--scenario", str(path))
    assert done.returncode == 0, done.stderr
    results = run_model(load_files(files).dataset, Scenario(**scenario))
    expected = json.loads(json.dumps(results.to_json_dict(), allow_nan=False))
    written = json.loads(done.stdout)
    assert written == expected
    assert [list(r) for r in written["rows"]] == [list(r) for r in expected["rows"]]
    assert [list(p) for p in written["practices"]] == [list(p) for p in expected["practices"]]
    assert list(written) == ["rows", "practices", "federation"]
    assert any(r["breakeven_fee_pct"] is None for r in written["rows"])


def test_every_field_is_written_whatever_it_holds():
    """Fields another part of the engine adds (ints, nullable ints, text with quotes, booleans, None) come out as json.dumps writes them."""
    import io

    import pandas as pd

    from finance.cli.json_out import write_records

    frame = pd.DataFrame(
        {
            "code": ["A81001", 'say "hi" \u00a3', None],
            "whole": [1, 2, 3],
            "maybe": pd.array([1, None, 3], dtype="Int64"),
            "flag": [True, False, True],
            "amount": [0.1, float("nan"), 1e-05],
            "mixed": [None, 2.5, "x"],
        }
    )
    out = io.StringIO()
    write_records(frame, list(frame.columns), out, "rows")
    expected = [
        {"code": "A81001", "whole": 1, "maybe": 1, "flag": True, "amount": 0.1, "mixed": None},
        {"code": 'say "hi" \u00a3', "whole": 2, "maybe": None, "flag": False, "amount": None, "mixed": 2.5},
        {"code": None, "whole": 3, "maybe": 3, "flag": True, "amount": 1e-05, "mixed": "x"},
    ]
    assert out.getvalue() == json.dumps(expected)  # a column of mixed values: written by Python, the same text
    plain = frame[["code", "whole", "maybe", "flag", "amount"]]
    out = io.StringIO()
    write_records(plain, list(plain.columns), out, "rows")  # numbers, booleans and text: written by DuckDB
    assert json.loads(out.getvalue()) == [{k: v for k, v in row.items() if k != "mixed"} for row in expected]


@pytest.mark.parametrize("stream", ["text only", "text over bytes"])
def test_many_rows_written_by_duckdb_come_out_whole_and_in_order(stream):
    """Rows come back from DuckDB in batches of text; a stream with a byte buffer (stdout) takes them as bytes."""
    import io

    import numpy as np
    import pandas as pd

    from finance.cli.json_out import _ROWS_PER_WRITE, write_records

    count = 2 * _ROWS_PER_WRITE + 7
    frame = pd.DataFrame(
        {"code": [f"A{i:05d} \u00a3" for i in range(count)], "amount": np.arange(count) / 3, "flag": np.arange(count) % 2 == 0}
    )
    raw = io.BytesIO()
    out = io.StringIO() if stream == "text only" else io.TextIOWrapper(raw, encoding="utf-8")
    out.write('{"rows": ')
    write_records(frame, list(frame.columns), out, "rows")
    out.write("}")
    out.flush()
    text = out.getvalue() if stream == "text only" else raw.getvalue().decode("utf-8")
    assert json.loads(text) == {
        "rows": [{"code": c, "amount": a, "flag": f} for c, a, f in zip(frame["code"], frame["amount"], frame["flag"], strict=True)]
    }


def test_a_result_that_is_not_finite_is_one_sentence_not_broken_json():
    import io

    import pandas as pd

    from finance.cli.json_out import NotFinite, write_records

    with pytest.raises(NotFinite, match="the result amount of rows is not a finite number"):
        write_records(pd.DataFrame({"amount": [1.0, float("inf")]}), ["amount"], io.StringIO(), "rows")
