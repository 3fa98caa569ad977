"""Files that cannot be read: one clear sentence each, never a traceback; and the CSV dialects we accept."""

from __future__ import annotations

import io
import zipfile

import msoffcrypto.format.ooxml
import pytest

from finance.ingest.load import load_uploads
from finance.ingest.read import Upload, read_upload
from tests.helpers import csv_bytes, valid_sheets, workbook_bytes, workbook_upload


def only_line(uploads, **kwargs) -> str:
    result = load_uploads(uploads, **kwargs)
    assert result.dataset is None
    file_errors = [str(p) for p in result.errors if p.file and not p.row]
    assert len(file_errors) == 1, [str(p) for p in result.errors]
    return file_errors[0]


def entity_workbook() -> bytes:
    """A workbook whose sheet XML defines entities (the 'billion laughs' trick)."""
    original = workbook_bytes({"practices": valid_sheets()["practices"]})
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(original)) as source, zipfile.ZipFile(out, "w") as target:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                text = data.decode()
                bomb = '<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]>'
                text = text.replace("?>", "?>" + bomb, 1).replace("Riverside Surgery", "&lol2;")
                data = text.encode()
            target.writestr(item, data)
    return out.getvalue()


def password_workbook() -> bytes:
    plain = io.BytesIO(workbook_bytes(valid_sheets()))
    encrypted = io.BytesIO()
    msoffcrypto.format.ooxml.OOXMLFile(plain).encrypt("secret", encrypted)
    return encrypted.getvalue()


FILE_CASES = [
    (
        "not a spreadsheet",
        Upload("minutes.pdf", b"%PDF-1.7 board minutes"),
        "minutes.pdf is not a spreadsheet: upload Excel workbooks (.xlsx) or CSV files (.csv).",
    ),
    ("empty", Upload("practices.csv", b""), "practices.csv is empty."),
    ("only whitespace", Upload("practices.csv", b"  \n\n "), "practices.csv is empty."),
    (
        "old xls",
        Upload("practices.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600),
        "practices.xls is an old Excel 97-2003 (.xls) workbook: open it in Excel and save it as .xlsx",
    ),
    ("corrupt xlsx", Upload("practices.xlsx", workbook_bytes(valid_sheets())[:900]), "practices.xlsx is damaged"),
    (
        "wrong extension: text named xlsx",
        Upload("practices.xlsx", b"practice_code,practice_name\nA81001,X\n"),
        "practices.xlsx is not a valid Excel workbook",
    ),
    ("word document", Upload("practices.docx", _docx := b"PK\x03\x04" + b"\0" * 40), "practices.docx is damaged"),
    ("binary named csv", Upload("practices.csv", b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR" + b"\0" * 50), "practices.csv is not a text CSV file"),
]


@pytest.mark.parametrize(("upload", "expected"), [c[1:] for c in FILE_CASES], ids=[c[0] for c in FILE_CASES])
def test_unreadable_files_get_one_sentence(upload, expected):
    assert only_line([upload]).startswith(expected)


def test_password_protected_workbook():
    line = only_line([Upload("practices.xlsx", password_workbook())])
    assert line.startswith("practices.xlsx is password-protected")


def test_xml_entity_workbook_is_refused():
    line = only_line([Upload("practices.xlsx", entity_workbook())])
    assert "XML that is not allowed" in line


def test_a_zip_that_is_not_a_workbook():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("word/document.xml", "<w/>")
    assert (
        only_line([Upload("letter.docx", buffer.getvalue())])
        == "letter.docx is not an Excel workbook (it looks like another kind of document): upload .xlsx or .csv files."
    )


def test_size_limit_is_configurable():
    upload = workbook_upload(valid_sheets())
    line = only_line([upload], max_file_mb=0.001)
    assert "over the 0.001 MB limit for one file" in line
    assert load_uploads([upload], max_file_mb=50).ok


def test_one_bad_file_blocks_the_set_but_is_one_line():
    uploads = [workbook_upload(valid_sheets()), Upload("extra.pdf", b"%PDF")]
    result = load_uploads(uploads)
    assert result.dataset is None
    assert [str(p) for p in result.errors] == ["extra.pdf is not a spreadsheet: upload Excel workbooks (.xlsx) or CSV files (.csv)."]


@pytest.mark.parametrize(
    ("sep", "encoding", "bom"),
    [(",", "utf-8", False), (";", "utf-8", False), (",", "utf-8", True), (";", "utf-8", True), ("\t", "utf-8", False)],
)
def test_csv_dialects(sep, encoding, bom):
    rows = [["practice_code", "line", "amount_gbp"], ["A81001", "Global Sum", "£1,000.50"], ["A81002", "Deduction", "(200.00)"]]
    content = csv_bytes(rows, sep=sep, encoding=encoding)
    if bom:
        content = b"\xef\xbb\xbf" + content
    sheets, problems = read_upload(Upload("contract_income.csv", content))
    assert problems == []
    assert sheets[0].rows[1] == ["A81001", "Global Sum", "£1,000.50"]
    assert sheets[0].table == "contract_income"


def test_windows_1252_csv_is_read_with_a_warning():
    content = csv_bytes([["practice_code", "line", "amount_gbp"], ["A81001", "Global Sum", "£1,000"]], encoding="cp1252")
    sheets, problems = read_upload(Upload("contract_income.csv", content))
    assert sheets[0].rows[1][2] == "£1,000"
    assert "Windows-1252" in str(problems[0])


def test_csv_named_after_no_table_is_ignored_and_reported():
    result = load_uploads([workbook_upload(valid_sheets()), Upload("notes.csv", b"a,b\n1,2\n")])
    assert result.ok
    assert any(str(p).startswith("notes.csv: ignored: the file name 'notes.csv' does not name a table") for p in result.warnings)


def test_same_file_twice_is_an_error():
    upload = workbook_upload(valid_sheets())
    result = load_uploads([upload, upload])
    assert any("was given more than once" in str(p) for p in result.errors)
