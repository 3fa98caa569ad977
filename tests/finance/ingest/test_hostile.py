"""Hostile files and Excel habits, each built here: the message a user reads, or the figures that load.

For a file that loads, the figures are the valid set's worked by hand (income £1,570,000, fees 10%
and 8%, overheads £3,000) plus or minus what the case changes: nothing lost or doubled.
"""

from __future__ import annotations

import io
import zipfile

import openpyxl
import pytest

from finance.ingest.limits import Limits
from finance.ingest.load import load_uploads, result_line
from finance.ingest.read import Upload
from tests.finance.ingest.hostile import Err, Formula, Pct, bomb, ods_workbook, raw_workbook
from tests.helpers import csv_bytes, valid_sheets, workbook_bytes

INCOME = 1_570_000.0


def sheets_with(**changes) -> dict[str, list[list[object]]]:
    """The valid set with whole sheets replaced or added (a value of None removes the sheet)."""
    sheets = valid_sheets()
    for name, rows in changes.items():
        if rows is None:
            sheets.pop(name)
        else:
            sheets[name] = rows
    return sheets


def put(sheets, sheet: str, ref: str, value) -> dict:
    column, row = ord(ref[0]) - 65, int(ref[1:]) - 1
    rows = sheets[sheet]
    while len(rows) <= row:
        rows.append([None] * len(rows[0]))
    rows[row][column] = value
    return sheets


def xlsx(sheets, name: str = "federation.xlsx", **options) -> list[Upload]:
    return [Upload(name, raw_workbook(sheets, **options))]


def lines(result) -> list[str]:
    return [str(p) for p in result.problems]


def one_line_containing(result, text: str) -> str:
    found = [line for line in lines(result) if text in line]
    assert found, "\n".join(lines(result))
    return found[0]


def openpyxl_with_far_cell() -> bytes:
    workbook = openpyxl.load_workbook(io.BytesIO(workbook_bytes(valid_sheets())))
    workbook["practices"]["XFD1048576"] = "checked by JS"
    notes = workbook.create_sheet("notes")
    notes["XFD1048576"] = 42
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def month_sheets() -> dict[str, list[list[object]]]:
    head = ["practice_code", "stream", "line", "service", "amount_gbp"]
    sheets = sheets_with(income=None)
    sheets["Jan"] = [head, ["A81001", "GMS", "Global Sum", None, 500_000], ["A81002", "contract", "Global Sum", None, 250_000]]
    sheets["Feb"] = [
        head,
        ["A81001", "GMS", "Global Sum", None, 500_000.5],
        ["A81003", "federation", "Phlebotomy LES", "Phlebotomy", 10_000],
    ]
    return sheets


INCOME_HEAD = ["practice_code", "stream", "line", "service", "amount_gbp"]

# id, uploads, the line the user reads (a part of it), or None when the set loads
REFUSED = [
    (
        "zip bomb of whitespace",
        [bomb("practices.xlsx", 20)],
        "practices.xlsx could not be read: its part xl/worksheets/sheet1.xml unpacks to 21.0 MB from",
    ),
    (
        "total row with SUM in federation_costs",
        xlsx(
            sheets_with(
                federation_costs=[
                    ["item", "amount_gbp"],
                    ["Chief officer", 3000],
                    ["Finance", 2000],
                    ["Total", Formula("SUM(B2:B3)", 5000)],
                ]
            )
        ),
        "federation.xlsx, sheet federation_costs, cell B4 (amount_gbp): this looks like a total row (item says 'Total'): "
        "a total in the table would count its money twice. Delete the row",
    ),
    (
        "unlabelled SUM formula",
        xlsx(
            sheets_with(
                federation_costs=[["item", "amount_gbp"], ["Chief officer", 3000], ["Finance", 2000], ["Misc", Formula("SUM(B2:B3)", 5000)]]
            )
        ),
        "cell B4 (amount_gbp): this looks like a total row (amount_gbp is the formula =SUM(B2:B3))",
    ),
    (
        "a row equal to the sum of the rows above",
        xlsx(sheets_with(federation_costs=[["item", "amount_gbp"], ["Chief officer", 3000.25], ["Finance", 2000], ["Central", 5000.25]])),
        "cell B4 (amount_gbp): this looks like a total row (amount_gbp (B4) equals the sum of the rows above it): a total in the table "
        "would count its money twice. Delete the row (every figure is added up for you); if it is a real amount, not a total, "
        "move it above the rows it equals",
    ),
    (
        "a per-practice Total line in income",
        xlsx(
            sheets_with(
                income=[
                    INCOME_HEAD,
                    ["A81001", "GMS", "Global Sum", None, 1_000_000],
                    ["A81001", "contract", "Phlebotomy LES", "Phlebotomy", 20_000],
                    ["A81001", "contract", "Total A81001", None, 1_020_000],
                    ["A81002", "contract", "Global Sum", None, 500_000],
                ]
            )
        ),
        "sheet income, cell E4 (amount_gbp): this looks like a total row (line says 'Total A81001')",
    ),
    (
        "a blank-code subtotal equal to the practice's rows above",
        xlsx(
            sheets_with(
                income=[
                    INCOME_HEAD,
                    ["A81001", "GMS", "Global Sum", None, 1_000_000],
                    ["A81001", "contract", "Phlebotomy LES", "Phlebotomy", 20_000],
                    [None, None, None, None, 1_020_000],
                    ["A81002", "contract", "Global Sum", None, 500_000],
                ]
            )
        ),
        "sheet income, cell E4 (amount_gbp): this looks like a total row (amount_gbp (E4) equals the sum of the rows above it)",
    ),
    (
        "Grand total in a CSV",
        [
            Upload("federation_costs.csv", b"item,amount_gbp\nChief officer,3000\nGrand total,3000\n"),
            *xlsx(sheets_with(federation_costs=None)),
        ],
        "federation_costs.csv, row 3 (amount_gbp): this looks like a total row (item says 'Grand total')",
    ),
    (
        "formula with no saved value in a required cell",
        xlsx(put(valid_sheets(), "income", "E3", Formula("1000*20"))),
        "sheet income, cell E3 (amount_gbp): the cell holds the formula =1000*20 but no saved result",
    ),
    (
        "formula with no saved value in an optional cell",
        xlsx(put(valid_sheets(), "services", "E2", Formula("B2*3"))),
        "sheet services, cell E2 (inhouse_fixed_cost): the cell holds the formula =B2*3 but no saved result (the file was written by a "
        "program that does not calculate formulas): open the file in Excel or LibreOffice and save it, or type the value instead",
    ),
    (
        "openpyxl formula (no cached value)",
        [Upload("federation.xlsx", workbook_bytes(put(valid_sheets(), "federation_costs", "B2", "=1000+2000")))],
        "cell B2 (amount_gbp): the cell holds the formula =1000+2000 but no saved result",
    ),
    ("#N/A", xlsx(put(valid_sheets(), "income", "E3", Err("#N/A"))), "cell E3 (amount_gbp): the cell shows the error #N/A"),
    (
        "#REF! in a name",
        xlsx(put(valid_sheets(), "practices", "B3", Err("#REF!"))),
        "cell B3 (practice_name): the cell shows the error #REF!",
    ),
    (
        "#DIV/0! in a CSV",
        [Upload("federation_costs.csv", b"item,amount_gbp\nChief officer,#DIV/0!\n"), *xlsx(sheets_with(federation_costs=None))],
        "federation_costs.csv, row 2 (amount_gbp): the cell shows the error #DIV/0!",
    ),
    (
        "#VALUE! as a percentage",
        xlsx(put(valid_sheets(), "services", "H2", Err("#VALUE!"))),
        "cell H2 (management_fee_pct): the cell shows the error #VALUE!",
    ),
    (
        "same content twice under another name",
        [Upload("income.csv", csv_bytes(valid_sheets()["income"])), Upload("income (1).csv", csv_bytes(valid_sheets()["income"]))],
        "income (1).csv has exactly the same content as income.csv: the same file uploaded twice would count its money twice",
    ),
    (
        "1e308 overflows",
        xlsx(put(put(valid_sheets(), "income", "E2", 1e308), "income", "E3", 1e308)),
        "cell E2 (amount_gbp): '1e+308' is too large",
    ),
    (
        "inf typed in a CSV",
        [Upload("federation_costs.csv", b"item,amount_gbp\nChief officer,inf\n"), *xlsx(sheets_with(federation_costs=None))],
        "federation_costs.csv, row 2 (amount_gbp): 'inf' is too large",
    ),
    (
        "semicolon CSV whose marks read two ways",
        [
            Upload("federation_costs.csv", b"item;amount_gbp\nChief officer;103.694\nFinance;2000\n"),
            *xlsx(sheets_with(federation_costs=None)),
        ],
        "federation_costs.csv, row 2 (amount_gbp): '103.694' reads two ways: 103694 or 103.694",
    ),
    (
        "unquoted thousands comma splits a row",
        [
            Upload("federation_costs.csv", b"item,amount_gbp\nChief officer,103,694.00\nFinance,2000\n"),
            *xlsx(sheets_with(federation_costs=None)),
        ],
        "federation_costs.csv, row 2: this row has 3 values but there are 2 headings",
    ),
    (
        "headings below the search window",
        xlsx(sheets_with(federation_costs=[[f"note {i}"] for i in range(31)] + [["item", "amount_gbp"], ["Chief officer", 3000]])),
        "federation.xlsx, sheet federation_costs: the headings of federation_costs seem to be in row 32, but only the first 30 rows",
    ),
]

LOADS = [
    (
        "a real amount equal to the rows after it, put first (the fix the total-row message gives)",
        xlsx(sheets_with(federation_costs=[["item", "amount_gbp"], ["Central", 3000], ["Chief officer", 1000], ["Finance", 2000]])),
        {"overheads": 6000.0},
    ),
    ("percent-formatted fee", xlsx(put(valid_sheets(), "services", "H2", Pct(0.1))), {"fees": [10.0, 8.0]}),
    (
        "percent-formatted fee in an .ods",
        [Upload("federation.ods", ods_workbook(put(valid_sheets(), "services", "H3", Pct(0.08))))],
        {"fees": [10.0, 8.0]},
    ),
    ("stray far cells (openpyxl)", [Upload("federation.xlsx", openpyxl_with_far_cell())], {}),
    ("a sheet per month", xlsx(month_sheets()), {"income": 1_260_000.5}),
    (
        "European semicolon CSV",
        [
            Upload("federation_costs.csv", b"item;amount_gbp\nChief officer;103.694\nFinance;2.000,50\n"),
            *xlsx(sheets_with(federation_costs=None)),
        ],
        {"overheads": 105_694.5},
    ),
    (
        "invisible characters in codes and names",
        xlsx(put(put(valid_sheets(), "income", "A3", "A81001\u200b"), "income", "D3", "Phlebotomy\u00a0")),
        {},
    ),
    ("hidden stale sheet", xlsx(sheets_with(**{"income 2023": valid_sheets()["income"]}), hidden=("income 2023",)), {}),
    (
        "hidden sheet in an .ods",
        [Upload("federation.ods", ods_workbook(sheets_with(**{"old income": valid_sheets()["income"]}), hidden=("old income",)))],
        {},
    ),
]

WARNED = {
    "stray far cells (openpyxl)": [
        "federation.xlsx, sheet practices, cell XFD1048576: cell XFD1048576 holds 'checked by JS' far outside the table: it was not read",
        "federation.xlsx, sheet notes: ignored: the sheet name 'notes' is not a table name",
    ],
    "a sheet per month": [
        "federation.xlsx, sheet Jan: sheet 'Jan' read as income (its headings are that table's columns): 2 rows, £750,000 in its 'amount_gbp' column",
        "federation.xlsx, sheet Feb: sheet 'Feb' read as income (its headings are that table's columns): 2 rows, £510,000 in its 'amount_gbp' column",
    ],
    "European semicolon CSV": [
        "federation_costs.csv: read with the comma as decimal mark and the dot between thousands (as '2.000,50' shows)"
    ],
    "hidden stale sheet": [
        "federation.xlsx, sheet income 2023: hidden sheet 'income 2023' not read: 5 rows, £1,570,000 in its 'amount_gbp' column. Unhide it"
    ],
    "hidden sheet in an .ods": ["federation.ods, sheet old income: hidden sheet 'old income' not read: 5 rows, £1,570,000"],
}


@pytest.mark.parametrize(("uploads", "expected"), [c[1:] for c in REFUSED], ids=[c[0] for c in REFUSED])
def test_refused_with_the_line_that_says_why(uploads, expected):
    result = load_uploads(uploads)
    assert result.dataset is None
    assert any(expected in line for line in lines(result)), "\n".join(lines(result))
    assert all("Traceback" not in line for line in lines(result))


@pytest.mark.parametrize(("uploads", "figures"), [c[1:] for c in LOADS], ids=[c[0] for c in LOADS])
def test_loads_with_the_figures_a_careful_person_gets(request, uploads, figures):
    result = load_uploads(uploads)
    assert result.errors == [], "\n".join(lines(result))
    dataset = result.dataset
    assert dataset.income["amount_gbp"].sum() == pytest.approx(figures.get("income", INCOME), abs=0.001)
    assert dataset.services["management_fee_pct"].tolist() == figures.get("fees", [10.0, 8.0])
    assert dataset.federation_costs["amount_gbp"].sum() == pytest.approx(figures.get("overheads", 3000.0), abs=0.001)
    assert sorted(dataset.practices["practice_code"]) == ["A81001", "A81002", "A81003"]
    assert set(dataset.income["service"].dropna()) <= {"Phlebotomy", "Enhanced Access"}
    for expected in WARNED.get(request.node.callspec.id, []):
        one_line_containing(result, expected)


def test_a_fee_of_one_or_less_among_larger_ones_is_a_warning_naming_the_cell():
    result = load_uploads(xlsx(put(valid_sheets(), "services", "H3", 0.08)))
    assert result.ok
    assert (
        "federation.xlsx, sheet services, cell H3 (management_fee_pct): '0.08' is read as 0.08%, while the other rows' "
        "management_fee_pct are 10: if you meant 8%, type 8"
    ) in lines(result)


def test_all_formula_results_zero_with_recalculate_on_open_is_a_warning():
    sheets = put(valid_sheets(), "practice_costs", "C3", Formula("C2*0", 0))
    result = load_uploads(xlsx(sheets, recalc=True))
    one_line_containing(
        result, "federation.xlsx: all 1 formula results in this workbook are saved as 0 and it is set to recalculate when opened"
    )


def test_an_ignored_sheet_says_how_much_money_it_holds():
    sheets = sheets_with(Notes=[["Who", "Amount"], ["Locum", 120.5], ["Rent", "£1,000"]])
    result = load_uploads(xlsx(sheets))
    assert result.ok
    one_line_containing(result, "sheet Notes: ignored: the sheet name 'Notes' is not a table name")
    one_line_containing(result, "it holds 2 rows, £1,120 in its 'Amount' column")
    assert result_line(result) == (
        "Read 6 sheets or files: 5 income lines worth £1,570,000, overheads £3,000, 3 practices, 2 services. "
        "Not read: £1,120 in 1 sheet or column (see the warnings)."
    )


def test_the_summary_line_of_a_set_that_leaves_nothing_out():
    result = load_uploads(xlsx(valid_sheets()))
    assert result_line(result).endswith("overheads £3,000, 3 practices, 2 services. No sheet or amount column was left out.")


def test_an_ods_formula_with_no_saved_value_is_an_error():
    sheets = put(valid_sheets(), "income", "E3", Formula("1000*20"))
    result = load_uploads([Upload("federation.ods", ods_workbook(sheets))])
    one_line_containing(
        result, "federation.ods, sheet income, cell E3 (amount_gbp): the cell holds the formula =1000*20 but no saved result"
    )


def test_a_password_flag_on_a_zip_part_is_one_sentence():
    content = bytearray(raw_workbook(valid_sheets()))
    # Set the "encrypted" bit of every central-directory entry.
    at = content.find(b"PK\x01\x02")
    while at != -1:
        content[at + 8] |= 1
        at = content.find(b"PK\x01\x02", at + 4)
    result = load_uploads([Upload("federation.xlsx", bytes(content))])
    assert lines(result) == ["federation.xlsx is password-protected: remove the password and save it again, then upload it."]


# ---- each limit just under and just over -------------------------------------------------------


def workbook_sizes(content: bytes) -> tuple[int, int, int, float]:
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        parts = archive.infolist()
    return len(parts), max(p.file_size for p in parts), sum(p.file_size for p in parts), 0.0


VALID = raw_workbook(valid_sheets())
PARTS, LARGEST, UNPACKED, _ = workbook_sizes(VALID)
CELLS = sum(1 for rows in valid_sheets().values() for row in rows for value in row if value not in (None, ""))


@pytest.mark.parametrize(
    ("limit", "under", "over", "message"),
    [
        ("max_file_mb", len(VALID) / 1e6 + 1e-6, len(VALID) / 1e6 - 1e-6, "over the"),
        ("max_parts", PARTS, PARTS - 1, f"has {PARTS} parts inside it, over the limit of {PARTS - 1}"),
        ("max_part_mb", LARGEST / 1e6, (LARGEST - 1) / 1e6, "over the"),
        ("max_unpacked_mb", UNPACKED / 1e6, (UNPACKED - 1) / 1e6, f"it unpacks to {UNPACKED / 1000:,.0f} KB, over the"),
        ("max_cells", CELLS, CELLS - 1, f"holds more than {CELLS - 1:,} filled cells"),
        ("max_sheets", len(valid_sheets()), len(valid_sheets()) - 1, f"has {len(valid_sheets())} sheets, over the limit"),
    ],
)
def test_each_limit_just_under_and_just_over(limit, under, over, message):
    upload = Upload("federation.xlsx", VALID)
    assert load_uploads([upload], limits=Limits(**{limit: under})).ok
    refused = load_uploads([upload], limits=Limits(**{limit: over}))
    assert refused.dataset is None
    assert len(refused.problems) == 1 and message in str(refused.problems[0]), lines(refused)
    assert str(refused.problems[0]).startswith("federation.xlsx ")


def test_the_ratio_limit_just_under_and_just_over():
    upload = bomb("practices.xlsx", 2)
    with zipfile.ZipFile(io.BytesIO(upload.content)) as archive:
        part = archive.getinfo("xl/worksheets/sheet1.xml")
    ratio = part.file_size / part.compress_size
    passed = load_uploads([upload], limits=Limits(max_ratio=ratio + 1))
    assert "times" not in " ".join(lines(passed))  # past the ratio check: refused later, as damaged XML
    refused = load_uploads([upload], limits=Limits(max_ratio=ratio - 1))
    assert f"({ratio:,.0f} times), which no real workbook does" in lines(refused)[0]


def test_a_reader_over_its_memory_is_one_sentence_and_the_next_read_works():
    rows = [["item", "amount_gbp"]] + [[f"Cost {i}", 1000 + i] for i in range(1, 60_000)]
    upload = Upload("federation.xlsx", raw_workbook(sheets_with(federation_costs=rows)))
    refused = load_uploads([upload], limits=Limits(memory_mb=1))
    assert lines(refused) == [
        "federation.xlsx could not be read: it needs more memory than the 1 MB allowed for reading an upload. "
        "Remove unused sheets, rows and columns, or split the file."
    ]
    assert load_uploads([upload]).ok


def test_a_reader_over_its_time_is_stopped_and_the_culprit_named():
    uploads = [Upload("federation.xlsx", VALID), Upload("notes.csv", b"a,b\n1,2\n")]
    refused = load_uploads(uploads, limits=Limits(timeout_s=0.0001))
    assert all("took longer than the 0 seconds allowed" in line for line in lines(refused)), lines(refused)
    assert load_uploads(uploads).ok


def test_a_csv_with_more_cells_than_allowed_is_refused_before_it_is_split():
    content = b"practice_code,amount_gbp\n" + b"," * 99 + b"\n"  # 100 separators; 2 + 100 = 102 cells
    upload = Upload("practice_costs.csv", content)
    assert "over the limit" not in " ".join(lines(load_uploads([upload], limits=Limits(max_cells=102))))
    assert "more than 101 cells" in " ".join(lines(load_uploads([upload], limits=Limits(max_cells=101))))
    refused = load_uploads([upload], limits=Limits(max_cells=99))  # refused before the text is split
    assert lines(refused) == ["practice_costs.csv holds more than 99 cells, over the limit for one upload: split it."]


def test_a_csv_cell_longer_than_the_csv_module_allows_is_one_sentence():
    content = b"item;amount_gbp\n" + b"x" * 200_000 + b";5\n"
    result = load_uploads([Upload("federation_costs.csv", content), *xlsx(sheets_with(federation_costs=None))])
    assert lines(result)[0].startswith(
        "federation_costs.csv could not be read as CSV (a quoted value is never closed, or one cell holds over 131,072"
    )
