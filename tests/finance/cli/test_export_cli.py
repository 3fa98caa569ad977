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
from tests.finance.report.workbook_reading import row_of, summary_surplus

FILES = [str(p) for p in sorted(WORKED_EXAMPLE.glob("*.csv"))]


@pytest.fixture
def scenario_files(tmp_path):
    fee = tmp_path / "fee_5pct.json"
    fee.write_text(json.dumps({"management_fee_pct": 5}))
    rational = tmp_path / "rational.json"
    rational.write_text(json.dumps({"participation": "rational"}))
    return [str(fee), str(rational)]


def test_end_to_end_with_two_scenario_files(tmp_path, scenario_files):
    out, out_csv, out_html = tmp_path / "pack.xlsx", tmp_path / "rows.csv", tmp_path / "report.html"
    out_pdf, out_page = tmp_path / "appraisal.pdf", tmp_path / "appraisal.html"
    fee, rational = scenario_files
    command = ["export", *FILES, "--scenario", fee, "--scenario", rational, "--base", "rational", "--federation", "Example Federation"]
    outputs = ["--out", str(out), "--csv", str(out_csv), "--html", str(out_html), "--pdf", str(out_pdf), "--appraisal-html", str(out_page)]
    done = subprocess.run(
        [sys.executable, "-m", "finance", *command, *outputs],
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
        f"Wrote {out_pdf}",
        f"Wrote {out_page}",
        "2 options against rational:",
        "  fee_5pct: the federation makes a loss of £1,000 with 2 of 3 practices better off (£2,000 more than rational).",
        "  rational: the federation makes a loss of £3,000 with 0 of 3 practices better off.",
    ]
    workbook = openpyxl.load_workbook(out)
    assert workbook.sheetnames == ["Contents", "Summary", "fee_5pct", "rational", "Practices", "Charts", "Assumptions", "Catalogue"]
    assert workbook["Summary"]["A1"].value == "Options for the board: Example Federation"
    assert workbook["fee_5pct"].oddHeader.left.text == "Example Federation"
    surplus = summary_surplus(out)
    assert surplus["fee_5pct"] == pytest.approx(-1_000) and surplus["rational"] == pytest.approx(-3_000)
    rows = list(csv.DictReader(io.StringIO(out_csv.read_text(encoding="utf-8-sig"))))
    assert {r["option"] for r in rows} == {"fee_5pct", "rational"} and len(rows) == 6
    assert "Plotly.newPlot" in out_html.read_text(encoding="utf-8")
    assert out_pdf.read_bytes().startswith(b"%PDF")
    page = out_page.read_text(encoding="utf-8")
    assert "Options appraisal: Example Federation" in page
    assert "No option covers the federation&#x27;s overheads. fee_5pct comes closest: £1,000 a year short" in page


def test_names_and_descriptions_from_the_command_line_or_the_scenario_file(tmp_path):
    inside = tmp_path / "b.json"
    inside.write_text(
        json.dumps({"name": "B: practices choose", "description": "Each practice keeps what pays", "participation": "rational"})
    )
    plain = tmp_path / "a.json"
    plain.write_text(json.dumps({"management_fee_pct": 5}))
    out = tmp_path / "pack.xlsx"
    args = ["export", *FILES, "--scenario", str(plain), "--name", "A: one fee of 5%", "--description", "One fee for all"]
    assert main([*args, "--scenario", str(inside), "--out", str(out)]) == 0
    summary = openpyxl.load_workbook(out)["Summary"]
    header = row_of(summary, "Option")
    shown = [(summary.cell(row=r, column=1).value, summary.cell(row=r, column=2).value) for r in (header + 1, header + 2)]
    assert shown == [("A: one fee of 5%", "One fee for all"), ("B: practices choose", "Each practice keeps what pays")]
    assert summary_surplus(out) == {"A: one fee of 5%": pytest.approx(-1_000), "B: practices choose": pytest.approx(-3_000)}


def test_labels_that_are_not_text_or_too_many_names(tmp_path, capsys):
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({"name": 5, "participation": "rational"}))
    assert main(["export", *FILES, "--scenario", str(bad), "--out", str(tmp_path / "p.xlsx")]) == 1
    assert capsys.readouterr().err.strip() == "bad.json: name must be text, not 5"
    good = tmp_path / "good.json"
    good.write_text("{}")
    assert main(["export", *FILES, "--scenario", str(good), "--name", "A", "--name", "B", "--out", str(tmp_path / "p.xlsx")]) == 1
    assert "2 --name for 1 --scenario: give one --name for each scenario, in the same order" in capsys.readouterr().err


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
