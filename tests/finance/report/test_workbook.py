"""The board pack workbook: it prints on A4 legibly, its formulas recalculate to the engine's figures, and uploads cannot inject."""

from __future__ import annotations

import io
import re
from datetime import UTC, datetime

import openpyxl
import pytest
from openpyxl.formula.tokenizer import Token, Tokenizer

from finance.analysis.compare import compare
from finance.format import MONEY_EXCEL_FORMAT
from finance.model.scenario import Scenario
from finance.report.pack import board_pack_xlsx
from finance.report.printing import LEAST_FONT_PT, printed_font_pt
from finance.report.sheets import FORMATS, PCT_FORMAT, PENCE
from finance.report.xlsx import ExtraSheet, comparison_workbook
from tests.finance.report.workbook_reading import Recalculated, headers, row_of, table_rows

OPTIONS = [
    ("A: the federation runs everything", Scenario(), "All members at catalogue fees"),
    ("B: practices choose", Scenario(participation="rational", opt_out_tolerance_gbp=500)),
    ("C: hybrid at 6%", Scenario(management_fee_pct=6, service_fee_pct={"Enhanced Access": 4}, participation="rational")),
]
TITLES = ["A the federation runs everythin", "B practices choose", "C hybrid at 6%"]
FEDERATION = "Smith & Jones GP Federation"
WHEN = datetime(2026, 12, 1, 9, 30, tzinfo=UTC)
SHEETS = ["Contents", "Summary", *TITLES, "Practices", "Charts", "Assumptions", "Catalogue"]
FUNCTIONS = {"SUM", "IF", "ABS", "COUNTIF", "N"}  # every function the pack's formulas may use


@pytest.fixture(scope="module")
def comparison(sample):
    return compare(sample, OPTIONS)


@pytest.fixture(scope="module")
def pack_path(comparison, sample, tmp_path_factory):
    path = tmp_path_factory.mktemp("pack") / "pack.xlsx"
    path.write_bytes(comparison_workbook(comparison, sample.dataset, federation=FEDERATION, generated_at=WHEN))
    return path


@pytest.fixture(scope="module")
def pack(pack_path):
    return openpyxl.load_workbook(pack_path)


@pytest.fixture(scope="module")
def recalculated(pack_path):
    return Recalculated(pack_path)


def test_the_sheets_in_order(pack):
    assert pack.sheetnames == SHEETS


def test_every_sheet_prints_on_a4_one_page_wide_at_8_pt_or_more(pack, sample):
    pack_fingerprint = sample.dataset.fingerprint
    for sheet in pack:
        setup = sheet.page_setup
        assert int(setup.paperSize) == 9, sheet.title  # A4
        assert sheet.sheet_properties.pageSetUpPr.fitToPage is True, sheet.title
        assert (setup.fitToWidth, setup.fitToHeight) == (1, 0), sheet.title
        landscape = setup.orientation == "landscape"
        assert landscape == (sheet.title != "Charts"), sheet.title
        assert printed_font_pt(sheet, landscape) >= LEAST_FONT_PT, f"{sheet.title} prints at {printed_font_pt(sheet, landscape):.1f} pt"
        assert sheet.oddHeader.left.text == "Smith && Jones GP Federation"  # '&' is a code in headers: doubled
        assert sheet.oddHeader.right.text == "01 December 2026"
        assert sheet.oddFooter.right.text == "Page &P of &N"
        assert sheet.oddFooter.left.text.startswith(f"Data {pack_fingerprint[:12]}: ")
    for title in [*TITLES, "Practices", "Assumptions", "Catalogue"]:
        sheet = pack[title]
        header = row_of(sheet, "Practice" if title in (*TITLES, "Practices") else sheet.cell(row=4, column=1).value)
        assert sheet.print_title_rows == f"${header}:${header}", title
    assert pack[TITLES[0]].oddHeader.center.text == "A: the federation runs everything"


def test_charts_below_tables_and_every_practice_labelled(pack):
    summary = pack["Summary"]
    assert len(summary._charts) == 1
    assert summary._charts[0].anchor._from.col == 0  # in column A, under the tables: printed, not off to the right
    charts = pack["Charts"]._charts
    assert len(charts) == len(OPTIONS)  # 30 practices: one page-sized chart an option
    for chart in charts:
        assert chart.x_axis.tickLblSkip == 1
        assert chart.anchor._from.col == 0
        categories = chart.series[0].cat.strRef.f  # 'Option'!$A$first:$A$last: all 30 practices, by name
        first, last = (int(part.rsplit("$", 1)[1]) for part in categories.split("!")[1].split(":"))
        assert last - first + 1 == 30
    rows = sorted(c.anchor._from.row for c in charts)
    assert [b.id for b in pack["Charts"].row_breaks.brk] == [r - 1 for r in rows[1:]]  # each chart after the first starts a page


def test_summary_names_the_federation_the_options_and_the_data(pack, sample):
    sheet = pack["Summary"]
    text = "\n".join(str(c.value) for row in sheet.iter_rows(max_row=6) for c in row if c.value)
    assert sheet["A1"].value == f"Options for the board: {FEDERATION}"
    assert sample.dataset.fingerprint in text
    header = row_of(sheet, "Option")
    names = [sheet.cell(row=r, column=1).value for r in range(header + 1, header + 4)]
    descriptions = [sheet.cell(row=r, column=2).value for r in range(header + 1, header + 4)]
    assert names == [name for name, *_ in OPTIONS]
    assert descriptions == [
        "All members at catalogue fees",
        "rational participation (stay within £500)",
        "one fee of 6% for every service; Enhanced Access fee 4%; rational participation",
    ]
    assert "Current (sidebar)" not in text


def test_summary_formulas_recalculate_to_the_engine(pack, recalculated, sample):
    sheet = pack["Summary"]
    header = row_of(sheet, "Option")
    columns = headers(sheet, header)
    base = sample.run(OPTIONS[0][1]).federation.surplus_gbp
    for offset, (_, scenario, *_) in enumerate(OPTIONS):
        row = header + 1 + offset
        alone = sample.run(scenario)

        def value(name, row=row):
            return recalculated.value("Summary", row, columns[name])

        assert sheet.cell(row=row, column=columns["Federation surplus"]).data_type == "f"
        assert value("Fee income") == pytest.approx(alone.federation.fee_income_gbp, abs=1e-6)
        assert value("Overheads") == pytest.approx(alone.federation.overheads_gbp, abs=1e-6)
        assert value("Federation surplus") == pytest.approx(alone.federation.surplus_gbp, abs=1e-6)
        assert value("Surplus vs base (£)") == pytest.approx(alone.federation.surplus_gbp - base, abs=1e-6)
        # A real percentage: the fraction of the base's size, shown with a % format (-1829.4% is -18.294).
        assert value("Surplus vs base (%)") == pytest.approx((alone.federation.surplus_gbp - base) / abs(base), rel=1e-9)
        assert value("Practices better off") == alone.practices_better_off
        assert value("Viable") == ("yes" if alone.federation.viable else "no")
        assert sheet.cell(row=row, column=columns["Surplus vs base (%)"]).number_format == PCT_FORMAT
        assert sheet.cell(row=row, column=columns["Fee income"]).number_format == MONEY_EXCEL_FORMAT


def test_each_option_sheet_recalculates_to_the_engine(pack, recalculated, sample):
    for (name, scenario, *_), title in zip(OPTIONS, TITLES, strict=True):
        sheet = pack[title]
        engine = sample.run(scenario)
        practices = engine.practices.set_index("practice_code")
        header = row_of(sheet, "Practice")
        columns = headers(sheet, header)
        rows = table_rows(sheet, header)
        assert len(rows) == len(practices) == 30
        difference = columns["Difference (with the federation minus all in-house)"]
        for row in rows:
            expected = practices.loc[sheet.cell(row=row, column=columns["Code"]).value]
            assert sheet.cell(row=row, column=columns["Practice"]).value == expected["practice_name"]
            assert sheet.cell(row=row, column=difference).value.startswith("=")
            assert recalculated.value(title, row, difference) == pytest.approx(expected["difference_gbp"], abs=1e-6)
            assert recalculated.value(title, row, columns["Difference per partner"]) == pytest.approx(
                expected["difference_gbp"] / expected["partners_fte"], abs=1e-6
            )
        total = rows.stop
        assert sheet.cell(row=total, column=1).value == "All practices"
        assert recalculated.value(title, total, difference) == pytest.approx(engine.practices["difference_gbp"].sum(), abs=1e-5)
        assert recalculated.value(title, total, columns["Result with the federation"]) == pytest.approx(
            engine.practices["result_with_federation_gbp"].sum(), abs=1e-4
        )
        figures = {label: recalculated.value(title, row_of(sheet, label), 7) for label in ("Fee income", "Overheads")}
        assert figures["Fee income"] == pytest.approx(engine.federation.fee_income_gbp, abs=1e-6)
        surplus = recalculated.value(title, row_of(sheet, "Surplus (fee income minus overheads)"), 7)
        assert surplus == pytest.approx(engine.federation.surplus_gbp, abs=1e-6)
        better = recalculated.value(title, row_of(sheet, "Practices better off with the federation"), 7)
        assert better == engine.practices_better_off
        if title != TITLES[0]:
            base = sample.run(OPTIONS[0][1]).practices.set_index("practice_code")["result_with_federation_gbp"]
            vs = columns[f"vs {OPTIONS[0][0]} (£)"]
            for row in rows:
                code = sheet.cell(row=row, column=columns["Code"]).value
                assert recalculated.value(title, row, vs) == pytest.approx(
                    practices.loc[code, "result_with_federation_gbp"] - base[code], abs=1e-6
                )
        assert sheet["A1"].value == name


def test_the_practices_sheet_points_at_the_option_sheets(pack, recalculated, comparison):
    sheet = pack["Practices"]
    header = row_of(sheet, "Practice")
    columns = headers(sheet, header)
    wide = comparison.practices_wide().set_index("practice_code")
    change = comparison.practices_wide("vs_base_gbp").set_index("practice_code")
    rows = table_rows(sheet, header)
    for row in rows:
        code = sheet.cell(row=row, column=columns["Code"]).value
        for name in comparison.names:
            assert recalculated.value("Practices", row, columns[name]) == pytest.approx(wide.loc[code, name], abs=1e-6)
        other = comparison.names[2]
        assert recalculated.value("Practices", row, columns[f"{other} vs {comparison.base}"]) == pytest.approx(
            change.loc[code, other], abs=1e-6
        )
    assert recalculated.value("Practices", rows.stop, columns[comparison.names[1]]) == pytest.approx(
        wide[comparison.names[1]].sum(), abs=1e-4
    )


def test_a_changed_figure_flows_to_every_total(pack, recalculated, sample):
    """The finance lead types a new management fee for one service: the option's fee income, surplus and the Summary follow."""
    title = TITLES[0]
    sheet = pack[title]
    service_header = row_of(sheet, "Service")
    fees = headers(sheet, service_header)["Management fees"]
    first = service_header + 1
    before = recalculated.value("Summary", row_of(pack["Summary"], "Option") + 1, 5)
    old = sheet.cell(row=first, column=fees).value
    recalculated.set(title, first, fees, old + 1_000)
    summary_row = row_of(pack["Summary"], "Option") + 1
    assert recalculated.value("Summary", summary_row, 5) == pytest.approx(before + 1_000, abs=1e-6)
    assert recalculated.value("Summary", summary_row + 1, 6) == pytest.approx(
        sample.run(OPTIONS[1][1]).federation.surplus_gbp - (before + 1_000), abs=1e-6
    )
    recalculated.set(title, first, fees, old)


def test_percentages_are_fractions_and_unit_costs_show_pence(pack, sample):
    assumptions = pack["Assumptions"]
    values = {row[0].value: row for row in assumptions.iter_rows(min_row=5) if row[0].value}
    fee = values["Management fee, one for every service"]
    assert [c.value for c in fee[2:5]] == ["catalogue fees", "catalogue fees", 0.06]
    assert fee[4].number_format == PCT_FORMAT
    assert values["Fee for Enhanced Access"][4].value == 0.04
    catalogue = pack["Catalogue"]
    columns = headers(catalogue, 4)
    services = sample.services.set_index("service")  # unit costs as the model uses them (from staff time in the sample)
    for row in table_rows(catalogue, 4):
        service = catalogue.cell(row=row, column=1).value
        cost = catalogue.cell(row=row, column=columns["In-house cost per unit"])
        assert cost.value == pytest.approx(services.loc[service, "inhouse_cost_per_unit"])
        assert cost.number_format == FORMATS[PENCE] == '"£"#,##0.00;-"£"#,##0.00'
        fee_cell = catalogue.cell(row=row, column=columns["Management fee"])
        assert fee_cell.value == pytest.approx(services.loc[service, "management_fee_pct"] / 100)
        assert fee_cell.number_format == PCT_FORMAT


def test_assumptions_name_every_parameter_its_value_and_source(pack, sample):
    sheet = pack["Assumptions"]
    assert sheet.cell(row=4, column=2).value == "Source"
    rows = {row[0].value: [c.value for c in row[1:5]] for row in sheet.iter_rows(min_row=5) if row[0].value}
    leave = "practices leave services that pay them less"
    assert rows["Participation"][1:] == ["all members use every service", leave, leave]
    assert rows["Participation"][0] == "The user: set in the option's scenario"
    assert rows["Opt-out tolerance"] == ["The user: set in the option's scenario", 0, 500, 0]
    assert rows["Activity change"] == ["Model default (MODEL.md): no change to the data", 0, 0, 0]
    assert (
        rows["Management fee, one for every service"][0].startswith("The user")
        and "DOMAIN.md section 3" in rows["Management fee, one for every service"][0]
    )
    for label in (
        "Contract income change",
        "PCN DES income change",
        "Federation income change",
        "Federation overheads change",
        "Practices excluded",
    ):
        assert label in rows
    assert rows["Fingerprint of the files (SHA-256)"][0] == sample.dataset.fingerprint
    assert set(sample.dataset.file_names) <= set(rows)
    assert sheet["A2"].value.startswith("Indicative only.")


def test_the_contents_link_to_every_sheet(pack):
    sheet = pack["Contents"]
    links = {}
    for row in sheet.iter_rows(min_row=6):
        cell = row[0]
        if cell.hyperlink is not None:
            links[cell.value] = cell.hyperlink.location
            assert cell.hyperlink.target in (None, "")  # inside the workbook, never an address
    assert list(links) == SHEETS[1:]
    assert links["Summary"] == "'Summary'!A1"
    assert links["C hybrid at 6%"] == "'C hybrid at 6%'!A1"


def test_extra_sheets_join_the_workbook_and_the_contents(comparison, sample):
    def write(sheet):
        sheet["A1"] = "Fee designer"

    extra = ExtraSheet("Fee designer", "Per-service fees that cover the overheads", write)
    workbook = openpyxl.load_workbook(io.BytesIO(comparison_workbook(comparison, sample.dataset, extra_sheets=[extra])))
    assert workbook.sheetnames.index("Fee designer") == workbook.sheetnames.index("Practices") + 1
    assert int(workbook["Fee designer"].page_setup.paperSize) == 9  # A4
    contents = {row[0].value: row[1].value for row in workbook["Contents"].iter_rows(min_row=6) if row[0].value}
    assert contents["Fee designer"] == "Per-service fees that cover the overheads"


def formula_references(formula: str) -> list[str]:
    return [t.value for t in Tokenizer(formula).items if t.type == Token.OPERAND and t.subtype == Token.RANGE]


def test_text_from_uploads_is_never_a_formula(hostile):
    options = [("=cmd|' /C calc'!A0", Scenario(), "@SUM(1+1)"), ("+B", Scenario(management_fee_pct=5)), ("O'Brien: x!A1", Scenario())]
    workbook = openpyxl.load_workbook(io.BytesIO(board_pack_xlsx(hostile, options, federation='=HYPERLINK("http://x")')))
    titles = {t.casefold() for t in workbook.sheetnames}
    seen, formulas = set(), 0
    for sheet in workbook:
        for row in sheet.iter_rows():
            for cell in row:
                if cell.data_type == "f":
                    formulas += 1
                    tokens = Tokenizer(cell.value).items
                    used = {t.value.rstrip("(").upper() for t in tokens if t.type == Token.FUNC and t.subtype == Token.OPEN}
                    assert used <= FUNCTIONS, f"{sheet.title}!{cell.coordinate}: {cell.value}"
                    for reference in formula_references(cell.value):
                        if "!" in reference:
                            target = reference.rsplit("!", 1)[0]
                            assert target.startswith("'") and target.endswith("'"), reference
                            assert target[1:-1].replace("''", "'").casefold() in titles, reference
                        assert "[" not in reference, reference  # never another workbook
                    own = re.sub(r"'(?:[^']|'')*'!", "", cell.value)  # the formula less its (quoted) sheet names
                    assert "HYPERLINK" not in own.upper() and "cmd" not in own and "SUM(1" not in own
                elif isinstance(cell.value, str):
                    assert not cell.value.startswith(("=", "+", "-", "@")), f"{sheet.title}!{cell.coordinate}: {cell.value}"
                    seen.add(cell.value)
    assert formulas > 100
    assert '\'=HYPERLINK("http://x","y")' in seen  # the practice named =HYPERLINK(...) stays text
    assert "'-North PCN" in seen and "'=evil.xlsx" in seen and "'@SUM(1+1)" in seen
    assert workbook["Summary"]["A1"].value == 'Options for the board: =HYPERLINK("http://x")'  # text, and not at the start


def test_a_subscription_the_model_may_add_is_shown_and_summed(sample, tmp_path):
    """Issue 11 adds each practice's subscription_gbp: the option sheets show it and total it, and the difference still follows."""
    comparison = compare(sample, OPTIONS[:2])
    for results in comparison.results:
        results.practices["subscription_gbp"] = results.practices["list_size"] * 0.5  # £0.50 a patient
    path = tmp_path / "pack.xlsx"
    path.write_bytes(comparison_workbook(comparison, sample.dataset))
    recalculated = Recalculated(path)
    sheet = recalculated.workbook[TITLES[0]]
    header = row_of(sheet, "Practice")
    columns = headers(sheet, header)
    assert columns["Subscription"] == columns["Result all in-house"] + 1
    total = table_rows(sheet, header).stop
    assert recalculated.value(TITLES[0], total, columns["Subscription"]) == pytest.approx(0.5 * sample.dataset.practices["list_size"].sum())
    assert printed_font_pt(sheet, True) >= LEAST_FONT_PT
