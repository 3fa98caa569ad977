"""ui/name_hider.py and the files' aliases of ui/meeting_mode.py: real names found in free text, whole words only."""

from __future__ import annotations

import pytest

from finance.ingest.load import load_uploads
from tests.helpers import valid_sheets, workbook_upload
from ui.meeting_mode import aliases_for, anonymise, hide_in_text
from ui.name_hider import HIDDEN, NameHider, distinctive_parts

PRACTICES = {"Practice A": ["The Eden Surgeries"], "Practice B": ["The Loughton Surgery"], "Practice C": ["Loughton Health Centre"]}
PCNS = {"PCN 1": ["North Uttlesford PCN"], "PCN 2": ["South Uttlesford PCN"]}
WHOLE = {
    "The Eden Surgeries": "Practice A",
    "The Loughton Surgery": "Practice B",
    "Loughton Health Centre": "Practice C",
    "North Uttlesford PCN": "PCN 1",
    "South Uttlesford PCN": "PCN 2",
    "F81004": "A",
    "Eden figures.xlsx": "File 1",
}


@pytest.fixture(scope="module")
def hider() -> NameHider:
    return NameHider.build(WHOLE, PRACTICES | PCNS)


@pytest.mark.parametrize(
    ("typed", "shown"),
    [
        ("Eden out", "Practice A out"),  # a part of the name, as people say it
        ("eden OUT", "Practice A OUT"),  # any case
        ("The Eden Surgeries and North Uttlesford PCN", "Practice A and PCN 1"),
        ("F81004 leaves", "A leaves"),
        ("From Eden figures.xlsx", "From File 1"),  # the whole file name, before the practice's part in it
        ("Loughton leaves", f"{HIDDEN} leaves"),  # two practices share it: it names neither
        ("Uttlesford PCNs", f"{HIDDEN} PCNs"),
        ("Edenbridge and F810040 stay", "Edenbridge and F810040 stay"),  # whole words only
        ("High fee, more costs", "High fee, more costs"),  # everyday words are not names
        ("", ""),
    ],
)
def test_names_in_typed_text(hider, typed, shown):
    assert hider.hide(typed) == shown


def test_a_replacement_is_not_searched_again():
    hider = NameHider.build({"Alpha": "Beta", "Beta": "Gamma"}, {})
    assert hider.hide("Alpha Beta") == "Beta Gamma"


@pytest.mark.parametrize(
    ("name", "parts"),
    [
        ("The Eden Surgeries", {"Eden"}),
        ("Penistone Group Practice", {"Penistone"}),
        ("Hill Brow Surgery", {"Hill Brow", "Brow"}),  # "Hill" alone is an everyday word; with "Brow" it names the practice
        ("Kings Medical Centre", set()),  # one everyday word alone does not
        ("North Uttlesford PCN", {"North Uttlesford", "Uttlesford"}),
    ],
)
def test_distinctive_parts(name, parts):
    assert distinctive_parts(name) == parts


def test_files_are_file_1_2_in_the_order_loaded_and_keep_the_fingerprint():
    sheets = valid_sheets()
    first = {n: sheets[n] for n in ("practices", "income")}
    second = {n: sheets[n] for n in sheets if n not in first}
    result = load_uploads((workbook_upload(first, "Riverside Surgery.xlsx"), workbook_upload(second, "Costs A81002.xlsx")))
    assert result.ok, result.errors
    dataset = result.dataset
    aliases = aliases_for(dataset)
    assert aliases.files == {"Riverside Surgery.xlsx": "File 1", "Costs A81002.xlsx": "File 2"}
    shown = anonymise(dataset, aliases)
    assert shown.file_names == ["File 1", "File 2"]
    assert set(shown.files_holding("income")) == {"File 1"}
    assert shown.fingerprint == dataset.fingerprint
    label = "Your files: Riverside Surgery.xlsx, Costs A81002.xlsx"
    assert hide_in_text(label, aliases) == "Your files: File 1, File 2"
    assert hide_in_text("Riverside and Hillview out", aliases) == "Practice A and Practice B out"
