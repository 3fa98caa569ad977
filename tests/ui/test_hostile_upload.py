"""A hostile upload in one session leaves every other session working (the app's reading runs in a limited child process)."""

from __future__ import annotations

from finance.ingest.load import load_uploads
from finance.ingest.read import Upload
from finance.model.engine import Model
from finance.model.scenario import Scenario
from tests.finance.ingest.hostile import bomb, raw_workbook
from tests.helpers import valid_sheets
from tests.ui.apptest import expected_headline, go, headline, open_app, upload, valid_workbook


def big_workbook() -> bytes:
    """A valid set with 60,000 overhead lines: reading it needs some tens of MB."""
    sheets = valid_sheets()
    sheets["federation_costs"] = [["item", "amount_gbp"]] + [[f"Cost {i}", 1000 + i] for i in range(1, 60_000)]
    return raw_workbook(sheets)


def test_a_hostile_upload_in_one_session_leaves_another_working(monkeypatch):
    mine, theirs = open_app("Data"), open_app("Data")

    # A zip bomb: refused in one sentence before it is unpacked.
    hostile = bomb("federation.xlsx", 20)
    upload(mine, [(hostile.name, hostile.content)])
    assert "nothing was loaded" in mine.error[0].value
    assert "unpacks to 21.0 MB" in mine.table[0].value["Problem"].iloc[0]

    # A file whose reading runs out of the memory allowed: the reader stops, the server does not.
    monkeypatch.setenv("FINANCE_UPLOAD_MEMORY_MB", "1")
    upload(mine, [("federation.xlsx", big_workbook())])
    assert mine.table[0].value["Problem"].tolist() == [
        "federation.xlsx could not be read: it needs more memory than the 1 MB allowed for reading an upload. "
        "Remove unused sheets, rows and columns, or split the file."
    ]
    monkeypatch.delenv("FINANCE_UPLOAD_MEMORY_MB")

    # The other session, on the same server, loads its files and sees its own figures.
    upload(theirs, [("federation.xlsx", valid_workbook())])
    assert theirs.success and not theirs.error
    assert any(
        m.value.startswith("Read 6 sheets or files: 5 income lines worth £1,570,000, overheads £3,000, 3 practices, 2 services.")
        for m in theirs.markdown
    )
    assert any("federation.xlsx, sheet income (income): 5 rows" in c.value for c in theirs.caption)
    valid = Model(load_uploads([Upload("federation.xlsx", valid_workbook())]).dataset)
    go(theirs, "Overview")
    assert headline(theirs) == expected_headline(valid, Scenario())

    # And the session that sent the hostile files still works.
    upload(mine, [("federation.xlsx", valid_workbook())])
    assert mine.success
