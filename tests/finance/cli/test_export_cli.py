"""``python -m finance export``: the board pack from the command line, and its problems reported like ``run``'s."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys

import openpyxl
import pytest

from finance.cli.main import main
from tests.conftest import ROOT, WORKED_EXAMPLE

FILES = [str(p) for p in sorted(WORKED_EXAMPLE.glob("*.csv"))]


@pytest.fixture
def scenario_files(tmp_path):
    fee = tmp_path / "fee_5pct.json"
    fee.write_text(json.dumps({"management_fee_pct": 5}))
    rational = tmp_path / "rational.json"
    rational.write_text(json.dumps({"participation": "rational"}))
    return [str(fee), str(rational)]


def summary_surplus(path) -> dict[str, float]:
    sheet = openpyxl.load_workbook(path)["Summary"]
    return {
        row[0].value: row[2].value for row in sheet.iter_rows(min_row=6, max_row=sheet.max_row) if row[0].value and row[2].value is not None
    }


def test_end_to_end_with_two_scenario_files(tmp_path, scenario_files):
    out, out_csv, out_html = tmp_path / "pack.xlsx", tmp_path / "rows.csv", tmp_path / "report.html"
    fee, rational = scenario_files
    command = ["export", *FILES, "--scenario", fee, "--scenario", rational, "--base", "rational"]
    done = subprocess.run(
        [sys.executable, "-m", "finance", *command, "--out", str(out), "--csv", str(out_csv), "--html", str(out_html)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines() == [
        f"Wrote {out}",
        f"Wrote {out_csv}",
        f"Wrote {out_html}",
        "2 options against rational:",
        "  fee_5pct: the federation makes a loss of £1,000 with 2 of 3 practices better off (£2,000 more than rational).",
        "  rational: the federation makes a loss of £3,000 with 0 of 3 practices better off.",
    ]
    workbook = openpyxl.load_workbook(out)
    assert workbook.sheetnames == ["Summary", "fee_5pct", "rational", "Practices", "Assumptions"]
    surplus = summary_surplus(out)
    assert surplus["fee_5pct"] == pytest.approx(-1_000) and surplus["rational"] == pytest.approx(-3_000)
    rows = list(csv.DictReader(io.StringIO(out_csv.read_text(encoding="utf-8-sig"))))
    assert {r["option"] for r in rows} == {"fee_5pct", "rational"} and len(rows) == 6
    assert "Plotly.newPlot" in out_html.read_text(encoding="utf-8")


def test_without_scenarios_one_option_of_the_data_as_it_is(tmp_path, capsys):
    out = tmp_path / "pack.xlsx"
    assert main(["export", *FILES, "--out", str(out)]) == 0
    assert "Current data: the federation makes a surplus of £1,000 with 0 of 3 practices better off." in capsys.readouterr().out
    assert summary_surplus(out) == {"Current data": pytest.approx(1_000)}


def test_scenario_problems_one_a_line(tmp_path, capsys):
    bad = tmp_path / "bad.json"
    bad.write_text('{"fee": 5, "participation": "most"}')
    assert main(["export", *FILES, "--scenario", str(bad), "--out", str(tmp_path / "pack.xlsx")]) == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert err[0].startswith("bad.json: unknown parameter 'fee'")
    assert err[1] == 'bad.json: participation must be "all" or "rational", not "most"'
    assert not (tmp_path / "pack.xlsx").exists()


def test_data_problems_one_a_line(tmp_path, capsys):
    practices = tmp_path / "practices.csv"
    practices.write_text("practice_code,practice_name,list_size\nA0001,Practice A,lots\n")
    others = [f for f in FILES if not f.endswith("practices.csv")]
    assert main(["export", str(practices), *others, "--out", str(tmp_path / "pack.xlsx")]) == 1
    err = capsys.readouterr().err
    assert "practices.csv, row 2 (practice_code): 'A0001' is not an ODS practice code (one letter, five digits)" in err
    assert "Traceback" not in err


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (["--base", "nonesuch"], "the base option 'nonesuch' is not one of the options (fee_5pct, rational)"),
        (["--scenario", "SAME"], "two options are named 'fee_5pct': give each option its own name"),
    ],
)
def test_option_problems(tmp_path, capsys, scenario_files, extra, message):
    if "SAME" in extra:
        twin = tmp_path / "twin"
        twin.mkdir()
        (twin / "fee_5pct.json").write_text("{}")
        extra = ["--scenario", str(twin / "fee_5pct.json")]
    args = ["export", *FILES, "--scenario", scenario_files[0], "--scenario", scenario_files[1], *extra, "--out", str(tmp_path / "p.xlsx")]
    assert main(args) == 1
    assert message in capsys.readouterr().err


def test_an_output_that_cannot_be_written(tmp_path, capsys):
    assert main(["export", *FILES, "--out", str(tmp_path / "no" / "such" / "pack.xlsx")]) == 1
    assert "pack.xlsx could not be written (No such file or directory)." in capsys.readouterr().err
