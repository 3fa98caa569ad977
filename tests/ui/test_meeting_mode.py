"""Meeting mode (ui/meeting_mode.py): no real practice name, code or PCN name on any page, chart or download,
the same figures, and the sidebar's choices kept when it is switched off again."""

from __future__ import annotations

import io

import openpyxl
import pytest

from finance.model.scenario import Scenario
from finance.store.scenarios import ScenarioStore
from tests.helpers import valid_sheets, workbook_bytes
from tests.ui.apptest import (
    PAGE_FILES,
    assert_ok,
    button,
    capture_downloads,
    data_uploader_key,
    downloaded,
    expected_headline,
    go,
    headline,
    metrics,
    open_app,
    shown_table,
    upload,
    valid_workbook,
)
from ui.meeting_mode import aliases_for, anonymise, letters


@pytest.fixture(autouse=True)
def store(tmp_path, monkeypatch) -> ScenarioStore:
    path = tmp_path / "scenarios.duckdb"
    monkeypatch.setenv("FINANCE_SCENARIO_STORE", str(path))
    return ScenarioStore(path)


def real_words(dataset) -> set[str]:
    practices = dataset.practices
    return set(practices["practice_name"]) | set(practices["practice_code"]) | set(practices["pcn"].dropna())


def everything_shown(at) -> str:
    """Every element's message on the page and in the sidebar, as text (tables' Arrow bytes and charts' JSON included)."""
    texts = []

    def walk(node):
        proto = getattr(node, "proto", None)
        if proto is not None:
            texts.append(str(proto))
            texts.append(bytes(proto.SerializeToString()).decode("utf-8", "replace"))
        for child in getattr(node, "children", {}).values():
            walk(child)

    walk(at._tree)
    return "\n".join(texts)


def test_letters_go_on_after_z():
    assert [letters(i) for i in (0, 1, 25, 26, 27, 51, 52, 701, 702)] == ["A", "B", "Z", "AA", "AB", "AZ", "BA", "ZZ", "AAA"]


def test_aliases_follow_the_practice_codes_and_keep_the_figures(sample_dataset):
    aliases = aliases_for(sample_dataset)
    codes = sorted(sample_dataset.practices["practice_code"])
    assert [aliases.codes[c] for c in codes] == [letters(i) for i in range(len(codes))]
    shown = anonymise(sample_dataset, aliases)
    assert not real_words(sample_dataset) & (real_words(shown) | set(shown.income["practice_code"]) | set(shown.activity["practice_code"]))
    assert set(shown.practices["pcn"].dropna()) == {f"PCN {i}" for i in range(1, 7)}
    assert shown.fingerprint == sample_dataset.fingerprint  # the same files: saved options still match
    assert shown.income["amount_gbp"].sum() == sample_dataset.income["amount_gbp"].sum()


def test_no_real_practice_on_any_page_and_the_same_figures(store, sample_dataset, sample_model):
    store.save("Without one practice", Scenario(excluded_practices=("F81004",)), "", sample_dataset)
    store.save("Overheads up", Scenario(overhead_change_pct=10.0), "", sample_dataset)
    at = open_app("Overview")
    at.multiselect(key="excluded_practices").set_value(["F81004"]).run()
    before = headline(at)
    at.toggle(key="meeting_mode").set_value(True).run()
    assert_ok(at)
    assert headline(at) == before == expected_headline(sample_model, Scenario(excluded_practices=("F81004",)))
    assert at.multiselect(key="excluded_practices").value == ["F81004"]  # the control keeps the real code
    words = real_words(sample_dataset)
    for title in PAGE_FILES:
        go(at, title)
        shown = everything_shown(at)
        found = sorted(w for w in words if w in shown)
        assert not found, f"{title} shows {found}"
        if title in ("Overview", "Practices", "Sensitivity"):
            assert "Practice A" in shown and "Practice AD" in shown, title  # 30 practices: A to AD
    go(at, "Practices")
    assert at.selectbox(key="practice").value == "A"
    at.toggle(key="meeting_mode").set_value(False).run()
    assert at.selectbox(key="practice").value == sorted(sample_dataset.practices["practice_code"])[0]
    assert any(w in everything_shown(at) for w in sample_dataset.practices["practice_name"])


def test_the_label_of_an_nhs_import_names_no_pcn(sample_dataset):
    from ui.meeting_mode import hide_in_text

    aliases = aliases_for(sample_dataset)
    label = "NHS payments import (payments.csv): North Uttlesford PCN (PCN, U16446); The Eden Surgeries (F81004)"
    shown = hide_in_text(label, aliases)
    assert not [w for w in real_words(sample_dataset) if w in shown]
    assert shown.startswith("NHS payments import (payments.csv): PCN ") and "(PCN, U16446)" in shown


def test_the_board_pack_in_meeting_mode_names_no_practice(store, sample_dataset, monkeypatch):
    served = capture_downloads(monkeypatch)
    store.save("Option A", Scenario(overhead_change_pct=10.0, excluded_practices=("F81004",)), "", sample_dataset)
    store.save("Option B", Scenario(overhead_change_pct=-10.0), "", sample_dataset)
    at = open_app("Options")
    at.toggle(key="meeting_mode").set_value(True).run()
    at.multiselect(key="compare_options").set_value(["Option A", "Option B"]).run()
    button(at, "Prepare the board pack").click().run()
    assert_ok(at)
    words = real_words(sample_dataset)
    csv = downloaded(at, served, "Result rows (.csv)").decode("utf-8-sig")
    html = downloaded(at, served, "Report with charts (.html)").decode("utf-8")
    workbook = openpyxl.load_workbook(io.BytesIO(downloaded(at, served, "Board pack (.xlsx)")), read_only=True)
    cells = "\n".join(str(v) for sheet in workbook for row in sheet.iter_rows(values_only=True) for v in row if v is not None)
    for name, text in (("csv", csv), ("html", html), ("xlsx", cells)):
        assert "Practice A" in text, name
        assert not sorted(w for w in words if w in text), name


# Files named after their practices, and options typed by users who name practices as they speak of them.
OWN_FILES = ("Riverside Surgery figures.xlsx", "Hillview and Old Mill A81003.xlsx")
TYPED = (
    ("Riverside and Hillview out", "Old Mill stays; A81003 keeps phlebotomy", ("A81001", "A81002")),
    ("Old Mill's own fee", "What North PCN's practices pay Riverside", ()),
)


def own_files() -> list[tuple[str, bytes]]:
    """The small valid set as two workbooks named after practices, with a sheet that is not read (so a warning naming a file)."""
    sheets = valid_sheets()
    first = {name: sheets[name] for name in ("practices", "income")}
    second = {name: sheets[name] for name in sheets if name not in first} | {"Riverside notes": [["note"], ["Hillview rent"]]}
    return [(OWN_FILES[0], workbook_bytes(first)), (OWN_FILES[1], workbook_bytes(second))]


def hidden_words(dataset) -> set[str]:
    """What must not show: the real names, codes and PCNs, the files' names, and the parts of names users type."""
    return real_words(dataset) | set(OWN_FILES) | {"Riverside", "Hillview", "Old Mill"}


def found_in(text: str, words: set[str]) -> list[str]:
    lower = text.lower()
    return sorted(w for w in words if w.lower() in lower)


def with_own_files_and_options(store, monkeypatch=None):
    """A session on the Data page with the two files loaded, and the typed options saved on them."""
    at = open_app("Data")
    upload(at, own_files())
    dataset = state_dataset(at)
    assert set(dataset.file_names) == set(OWN_FILES)
    for name, description, excluded in TYPED:
        store.save(name, Scenario(excluded_practices=excluded), description, dataset)
    store.save("Riverside on last year's files", Scenario(), "Saved on the sample", sample_only())
    return at, dataset


def state_dataset(at):
    return at.session_state["loaded"].dataset


def sample_only():
    from finance.ingest.load import load_files
    from tests.conftest import sample_files

    return load_files(sample_files()).dataset


def test_uploaded_files_and_typed_option_names_show_on_no_page(store):
    at, dataset = with_own_files_and_options(store)
    words = hidden_words(dataset)
    assert found_in(everything_shown(at), set(OWN_FILES)) == sorted(OWN_FILES)  # out of meeting mode the Data page names them
    at.toggle(key="meeting_mode").set_value(True).run()
    assert_ok(at)
    for title in PAGE_FILES:
        go(at, title)
        if title == "Options":
            at.multiselect(key="compare_options").set_value([n for n, _, _ in TYPED])
            at.selectbox(key="manage_option").set_value("Riverside on last year's files").run()
            assert_ok(at)
        shown = everything_shown(at)
        assert not found_in(shown, words), f"{title} shows {found_in(shown, words)}"
        if title == "Data":
            assert "File 1" in shown and "File 2" in shown
        if title == "Options":
            assert "Practice A and Practice B out" in shown and "Practice C stays; C keeps phlebotomy" in shown
            assert "saved on other data" in shown
    at.toggle(key="meeting_mode").set_value(False).run()
    go(at, "Options")
    assert "Riverside and Hillview out" in everything_shown(at)  # the names themselves are kept as typed


def test_a_set_that_does_not_load_in_meeting_mode_names_no_file(store):
    at = open_app("Data")
    at.toggle(key="meeting_mode").set_value(True).run()
    sheets = valid_sheets()
    sheets["practices"][1][3] = "lots"  # Riverside's list size: the set does not load
    upload(at, [("Riverside Surgery.xlsx", workbook_bytes(sheets))])
    shown = everything_shown(at)
    assert "nothing was loaded" in shown and "listed when it is switched off" in shown
    assert not found_in(shown, {"Riverside Surgery.xlsx", "Riverside", "A81001"})
    at.toggle(key="meeting_mode").set_value(False).run()
    assert "Riverside Surgery.xlsx" in everything_shown(at)  # the problems, with their file, once it is off


def test_in_meeting_mode_the_uploader_is_emptied_once_its_files_are_handled(store):
    """The browser lists the files chosen in the uploader by name: meeting mode hides that list and
    empties the uploader once the files are loaded or refused, so no name stays on the page."""
    at = open_app("Data")
    upload(at, [("Riverside Surgery.xlsx", valid_workbook())])
    assert data_uploader_key(at) == "uploader" and at.file_uploader(key="uploader").value  # out of meeting mode the files stay in it
    assert not any("stFileChipName" in h.proto.body for h in at.get("html"))
    at.toggle(key="meeting_mode").set_value(True).run()
    assert any("stFileChipName" in h.proto.body for h in at.get("html"))  # the names in the uploader's list are not drawn
    assert data_uploader_key(at) != "uploader" and not at.file_uploader(key=data_uploader_key(at)).value  # loaded before: emptied
    assert at.session_state["loaded"].uploads[0].name == "Riverside Surgery.xlsx"  # still loaded
    upload(at, [("Hillview Medical Centre.xlsx", valid_workbook())])  # the sample is not loaded: add or replace is asked
    waiting = data_uploader_key(at)
    assert at.file_uploader(key=waiting).value  # the question is still open: the files wait in the uploader
    at.button(key="upload_replace").click().run()
    assert_ok(at)
    assert data_uploader_key(at) != waiting and not at.file_uploader(key=data_uploader_key(at)).value
    shown = everything_shown(at)
    assert "File 1" in shown and not found_in(shown, {"Hillview Medical Centre.xlsx", "Riverside Surgery.xlsx"})
    assert at.session_state["loaded"].uploads[0].name == "Hillview Medical Centre.xlsx"  # loaded; only its name is hidden
    sheets = valid_sheets()
    sheets["practices"][1][3] = "lots"
    upload(at, [("Riverside Surgery.xlsx", workbook_bytes(sheets))])
    at.button(key="upload_replace").click().run()
    assert "nothing was loaded" in everything_shown(at)  # refused: the report stays, the uploader is emptied again
    assert not at.file_uploader(key=data_uploader_key(at)).value


def pdf_text(content: bytes) -> str:
    import pdfplumber

    with pdfplumber.open(io.BytesIO(content)) as document:
        return "\n".join(page.extract_text() or "" for page in document.pages)


def xlsx_text(content: bytes) -> str:
    """Every part of the workbook as text: cells, sheet names, headers and footers, charts."""
    import zipfile

    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        return "\n".join(archive.read(name).decode("utf-8", "replace") for name in archive.namelist())


def test_the_board_pack_in_meeting_mode_names_no_file_and_no_typed_practice(store, monkeypatch):
    served = capture_downloads(monkeypatch)
    at, dataset = with_own_files_and_options(store)
    at.toggle(key="meeting_mode").set_value(True).run()
    go(at, "Options")
    at.multiselect(key="compare_options").set_value([n for n, _, _ in TYPED])
    at.text_input(key="pack_federation").set_value("Riverside and Hillview Federation").run()
    button(at, "Prepare the board pack").click().run()
    assert_ok(at)
    files = {
        "xlsx": xlsx_text(downloaded(at, served, "Board pack (.xlsx)")),
        "pdf": pdf_text(downloaded(at, served, "Options appraisal (.pdf)")),
        "appraisal": downloaded(at, served, "Options appraisal (.html)").decode("utf-8"),
        "csv": downloaded(at, served, "Result rows (.csv)").decode("utf-8-sig"),
        "html": downloaded(at, served, "Report with charts (.html)").decode("utf-8"),
    }
    words = hidden_words(dataset)
    for name, text in files.items():
        assert not found_in(text, words), f"{name}: {found_in(text, words)}"
        assert "Practice A and Practice B out" in text, name
    assert "File 1" in files["xlsx"]  # the Assumptions sheet lists the files


def test_the_analyses_keep_the_excluded_practices_in_meeting_mode_and_save_them_by_their_real_codes(store, sample_dataset):
    at = open_app()
    at.multiselect(key="excluded_practices").set_value(["F81004"]).run()
    shown = {}
    for meeting in (False, True):
        at.toggle(key="meeting_mode").set_value(meeting).run()
        go(at, "Fee designer")
        designer = metrics(at)
        go(at, "Three-year plan")
        shown[meeting] = (designer, shown_table(at.dataframe[-1]).to_dict())
    assert shown[True] == shown[False]
    go(at, "Fee designer")
    at.text_input(key="designer_option_name").set_value("Designed in the meeting").run()
    button(at, "Save").click().run()
    assert_ok(at)
    saved = store.load("Designed in the meeting")
    assert saved.scenario.excluded_practices == ("F81004",)
    assert saved.matches(sample_dataset) and saved.file_names == tuple(sample_dataset.file_names)


def test_loading_an_option_in_meeting_mode_says_so_by_its_shown_name(store, sample_dataset):
    store.save("Eden out", Scenario(excluded_practices=("F81004",)), "The Eden Surgeries leaves", sample_dataset)
    at = open_app("Options")
    at.toggle(key="meeting_mode").set_value(True).run()
    button(at, "Load into the sidebar").click().run()
    assert_ok(at)
    assert at.multiselect(key="excluded_practices").value == ["F81004"]
    shown = everything_shown(at)
    assert "'Practice A out' is loaded into the sidebar." in shown
    assert not found_in(shown, real_words(sample_dataset) | {"Eden"})
