"""An upload set with hostile names (formula-like and markup text), shared by the board pack tests."""

from __future__ import annotations

import io

import openpyxl
import pytest

from finance.ingest.load import load_uploads
from finance.ingest.read import Upload
from finance.model.engine import Model
from tests.helpers import valid_sheets, workbook_bytes

HOSTILE = {
    ("practices", "B2"): '=HYPERLINK("http://x","y")',
    ("practices", "C3"): "-North PCN",
    ("practices", "B4"): "<script>alert(1)</script>",
}


@pytest.fixture(scope="module")
def hostile():
    """The small valid set with formula-like and markup names typed in as text, loaded like an upload."""
    workbook = openpyxl.load_workbook(io.BytesIO(workbook_bytes(valid_sheets())))
    for (sheet, ref), value in HOSTILE.items():
        cell = workbook[sheet][ref]
        cell.value, cell.data_type = value, "s"  # typed as text, as a user's Excel would store it
    buffer = io.BytesIO()
    workbook.save(buffer)
    result = load_uploads([Upload("=evil.xlsx", buffer.getvalue())])
    assert result.ok, [str(p) for p in result.problems]
    assert '=HYPERLINK("http://x","y")' in set(result.dataset.practices["practice_name"])
    model = Model(result.dataset)
    yield model
    model.close()
