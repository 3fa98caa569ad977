"""CSV files read by Arrow (finance/ingest/text_rows.py) give exactly what csv.reader gives: the same
rows for any text Arrow takes, and the same problems and Dataset for a whole upload set."""

from __future__ import annotations

import csv
import io

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from finance.ingest import read
from finance.ingest.limits import Limits
from finance.ingest.load import load_inline
from finance.ingest.read import Upload
from finance.ingest.text_rows import LONGEST_CELL, MOST_COLUMNS, TextRows, read_text_rows
from tests.conftest import WORKED_EXAMPLE

PIECES = ["a", "Riverside, Surgery", ",", ",", ";", "\t", '"', '"', "\n", "\r\n", "\r", " ", "1", "£1,200.50", "\u200b", "é", "#N/A"]


def csv_rows(text: str, separator: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text, newline=""), delimiter=separator))


@settings(max_examples=400, deadline=None)
@given(st.lists(st.sampled_from(PIECES), max_size=40).map("".join), st.sampled_from([",", ";", "\t"]))
def test_any_text_arrow_takes_reads_as_csv_reader_reads_it(text, separator):
    rows = read_text_rows(text, separator)
    if rows is None:
        return
    assert list(rows) == csv_rows(text, separator)
    assert [rows[i] for i in range(len(rows))] == csv_rows(text, separator)
    assert len(rows) * rows.width == sum(map(len, csv_rows(text, separator)))  # the same cells for the cell limit


def test_quoted_commas_and_line_breaks_are_read_by_arrow():
    text = 'practice_code,practice_name\r\nA81001,"Riverside, Surgery"\r\nA81002,"Hill\nView"\r\n'
    rows = read_text_rows(text, ",")
    assert isinstance(rows, TextRows)
    assert list(rows) == [["practice_code", "practice_name"], ["A81001", "Riverside, Surgery"], ["A81002", "Hill\nView"]]
    assert list(rows[1:]) == list(rows)[1:] and rows.column(1).to_pylist() == ["practice_name", "Riverside, Surgery", "Hill\nView"]


@pytest.mark.parametrize(
    "text",
    [
        "code,amount\n\nA81001,12\n",  # an empty line: csv.reader gives an empty row
        "code,amount\r\n\r\nA81001,12\r\n",
        "code,amount\rA81001,12\r\rA81002,3\r",
        "\ncode,amount\nA81001,12\n",
        "code,amount\nA81001,103,694.00\n",  # a row of another width
        "code\nA81001\n",  # one column
        "code" + ",x" * MOST_COLUMNS + "\n" + "A81001" + ",1" * MOST_COLUMNS + "\n",  # wider than any table: Arrow is slow there
        "code,amount\nA81\x001,12\n",  # a NUL character
        f'code,amount\nA81001,"{"x" * (LONGEST_CELL + 1)}"\n',  # longer than csv.reader allows: its message
    ],
)
def test_what_only_csv_reader_reads_right_is_left_to_it(text):
    assert read_text_rows(text, ",") is None


def _broken_set() -> list[Upload]:
    """The worked example with problems in several files, a quoted name with a comma and a note file."""
    uploads = []
    for path in sorted(WORKED_EXAMPLE.glob("*.csv")):
        text = path.read_text()
        if path.name == "contract_income.csv":
            text += 'Z99999,Phlebotomy LES,Phlebotomy,100\nA00001,Phlebotomy LES,Phlebotomy,TBC\nA00001,"Total, all lines",,"£1,000"\n'
        if path.name == "practices.csv":
            text += text.splitlines()[1] + "\n"
        uploads.append(Upload(path.name, text.encode()))
    uploads.append(Upload("notes.csv", b"what,why\nnothing,here\n"))
    uploads.append(Upload("federation_costs extra.csv", b"item,amount_gbp,,\nRent,1200,,\nAudit,300,,\n"))
    return uploads


@pytest.mark.parametrize("case", ["worked example", "with problems"])
def test_a_set_read_by_arrow_gives_the_problems_and_dataset_of_csv_reader(case, monkeypatch):
    uploads = [Upload.from_path(p) for p in sorted(WORKED_EXAMPLE.glob("*.csv"))] if case == "worked example" else _broken_set()
    calls = []
    real = read.read_text_rows
    monkeypatch.setattr(read, "read_text_rows", lambda text, sep: calls.append(1) or real(text, sep))
    by_arrow = load_inline(uploads, limits=Limits())
    assert calls and any(real(u.content.decode("utf-8-sig"), ",") for u in uploads)  # Arrow did read files of this set
    monkeypatch.setattr(read, "read_text_rows", lambda text, sep: None)
    by_csv = load_inline(uploads, limits=Limits())
    assert [str(p) for p in by_arrow.problems] == [str(p) for p in by_csv.problems]
    assert by_arrow.problems == by_csv.problems and by_arrow.sheets_read == by_csv.sheets_read
    if case == "worked example":
        assert by_arrow.ok and by_csv.ok
        for name in ("practices", "income", "services", "activity", "federation_costs", "practice_costs"):
            pd.testing.assert_frame_equal(getattr(by_arrow.dataset, name), getattr(by_csv.dataset, name))
    else:
        assert not by_arrow.ok and any("TBC" in str(p) for p in by_arrow.problems) and any("Total" in str(p) for p in by_arrow.problems)
