"""One option's sheet of the board pack: the federation's figures, each service, each practice, and a chart.

Everything that is worked from other cells is a formula over them: the difference (with the
federation minus all in-house), per-partner figures, the variance against the base option's sheet,
the totals, fee income (the services' management fees) and the surplus (fee income minus
overheads). ``OptionCells`` says where the figures are, for the Summary and Practices sheets.
Fields the model may add (a practice's subscription, a service's VAT) are shown when present.
"""

from __future__ import annotations

from dataclasses import dataclass

from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from finance.analysis.compare import Comparison, Option
from finance.report.printing import PrintInfo, set_up_page
from finance.report.sheets import (
    BOLD,
    INT,
    LINE_HEIGHT_PT,
    MONEY,
    NUM,
    PCT,
    TEXT,
    WRAP,
    Column,
    fit_rows,
    local,
    money_width,
    put,
    put_formula,
    ref,
    span,
    style_total,
    text_width,
    variance_formula,
    want_width,
    wrapped_lines,
    write_header,
    write_table,
    write_title,
)

FIGURES_COLUMN = 7  # the key figures sit in the first money column, below its header
FIRST_ROW = 5
NOTE_COLUMNS = FIGURES_COLUMN + 3
OPTIONAL_PRACTICE_MONEY = (("subscription_gbp", "Subscription"),)
OPTIONAL_SERVICE_MONEY = (("vat_gbp", "VAT"), ("subscription_gbp", "Subscriptions"))
OPTIONAL_FEDERATION = (
    ("subscription_income_gbp", "Subscriptions", MONEY),
    ("pcn_fee_income_gbp", "PCN fees (not federation income)", MONEY),
    ("members", "Members at the end", INT),
)


@dataclass(frozen=True)
class OptionCells:
    """Where an option sheet keeps its figures (row numbers of the sheet; columns in ``columns``)."""

    title: str
    fee_income_row: int
    overheads_row: int
    surplus_row: int
    better_off_row: int
    first_practice_row: int
    last_practice_row: int
    columns: dict[str, int]


def practice_order(comparison: Comparison) -> list[str]:
    """Practice codes in the order every sheet lists them: by name, then code."""
    first = comparison.results[0].practices
    return first.sort_values(["practice_name", "practice_code"], key=lambda s: s.astype(str).str.casefold())["practice_code"].tolist()


def write_option_sheet(
    sheet: Worksheet, comparison: Comparison, option: Option, info: PrintInfo, *, base: OptionCells | None, order: list[str]
) -> OptionCells:
    """The option's sheet; ``base`` is the base option's cells (None on the base's own sheet)."""
    results = comparison.result(option.name)
    headline = comparison.headline.set_index("option").loc[option.name]
    write_title(sheet, option.name)
    description = option.description or option.scenario.describe()
    _note(sheet, 2, f"{description.rstrip('.')}.")
    _note(sheet, 3, comparison.sentence(option.name))

    practices = results.practices.set_index("practice_code").loc[order].reset_index()
    practices["member"] = practices["federation_member"].map({True: "yes", False: "no"})
    money_extra = [(key, label) for key, label in OPTIONAL_PRACTICE_MONEY if key in practices.columns]

    def money(key: str) -> float:
        values = practices[key].tolist()
        return money_width([*values, sum(v for v in values if v == v)])

    columns: list[Column] = [
        Column("Practice", "practice_name", TEXT, text_width(practices["practice_name"], least=16, most=24), wrap=True),
        Column("Code", "practice_code", TEXT, 8),
        Column("PCN", "pcn", TEXT, text_width(practices["pcn"], least=10, most=16), wrap=True),
        Column("List size", "list_size", INT, money_width([practices["list_size"].sum()], least=8) - 1),
        Column("Partners (FTE)", "partners_fte", NUM, 8),
        Column("Member", "member", TEXT, 7),
        Column("Result all in-house", "result_all_inhouse_gbp", MONEY, money("result_all_inhouse_gbp")),
        *(Column(label, key, MONEY, money(key)) for key, label in money_extra),
        Column("Result with the federation", "result_with_federation_gbp", MONEY, money("result_with_federation_gbp")),
    ]
    place = {c.key: i for i, c in enumerate(columns, start=1)}
    formulas = ["difference_gbp", "difference_per_partner_gbp"] + (["vs_base_gbp", "vs_base_pct"] if base else [])
    for key in formulas:
        place[key] = len(place) + 1
    vs_base = comparison.practices[comparison.practices["option"] == option.name]["vs_base_gbp"].tolist()
    formula_widths = {
        "difference_gbp": money("difference_gbp"),
        "difference_per_partner_gbp": money_width((practices["difference_gbp"] / practices["partners_fte"]).tolist()),
        "vs_base_gbp": money_width([*vs_base, sum(vs_base)]),
        "vs_base_pct": 8.0,
    }

    services = results.services
    service_money = [("income_gbp", "Service income"), ("fee_income_gbp", "Management fees")]
    service_money += [
        ("federation_delivery_cost_gbp", "Federation delivery cost"),
        ("participants_advantage_gbp", "Advantage to its users"),
    ]
    service_money += [(key, label) for key, label in OPTIONAL_SERVICE_MONEY if key in services.columns]
    federation = results.federation
    extra_figures = [(key, label, kind) for key, label, kind in OPTIONAL_FEDERATION if hasattr(federation, key)]

    # The federation's figures first, services next, then the long table of practices (its header repeats on every page).
    row = FIRST_ROW
    sheet.cell(row=row, column=1, value="The federation under this option (£ per year)").font = BOLD
    figures_row = row + 1
    service_header = figures_row + 7 + len(extra_figures) + 1
    services_first, services_last = service_header + 1, service_header + len(services)
    fee_column = FIGURES_COLUMN + 3  # the services' management fees: after the two units columns and income
    rows = {}
    r = figures_row
    rows["management"] = r
    _figure(sheet, r, "Management fees (total of the services below)", f"=SUM({span(fee_column, services_first, services_last)})")
    for key, label, kind in extra_figures:
        r += 1
        rows[key] = r
        put(sheet, r, 1, label)
        put(sheet, r, FIGURES_COLUMN, getattr(federation, key), kind)
    r += 1
    rows["fee"] = r
    parts = [local(rows["management"], FIGURES_COLUMN)] + (
        [local(rows["subscription_income_gbp"], FIGURES_COLUMN)] if "subscription_income_gbp" in rows else []
    )
    _figure(sheet, r, "Fee income", "=" + "+".join(parts))
    r += 1
    rows["overheads"] = r
    put(sheet, r, 1, "Overheads")
    put(sheet, r, FIGURES_COLUMN, federation.overheads_gbp, MONEY)
    r += 1
    rows["surplus"] = r
    _figure(
        sheet,
        r,
        "Surplus (fee income minus overheads)",
        f"={local(rows['fee'], FIGURES_COLUMN)}-{local(rows['overheads'], FIGURES_COLUMN)}",
    )
    sheet.cell(row=r, column=1).font = sheet.cell(row=r, column=FIGURES_COLUMN).font = BOLD
    practice_header = services_last + 3
    first, last = practice_header + 1, practice_header + len(practices)
    r += 1
    rows["better_off"] = r
    _figure(sheet, r, "Practices better off with the federation", f'=COUNTIF({span(place["difference_gbp"], first, last)},">0.005")', INT)
    r += 1
    put(sheet, r, 1, "Practices")
    put(sheet, r, FIGURES_COLUMN, int(headline["practices"]), INT)
    r += 1
    put(sheet, r, 1, "Rounds of leaving")
    put(sheet, r, FIGURES_COLUMN, int(headline["rounds"]), INT)

    service_columns = [
        Column("Service", "service", TEXT, wrap=True),
        Column("Practices using the federation", "participants", INT),
        Column("With the service", "practices", INT),
        Column("Federation units", "federation_units", INT, money_width(services["federation_units"])),
        Column("Units", "units", INT, money_width(services["units"])),
        *(Column(label, key, MONEY, money_width([*services[key], services[key].sum()])) for key, label in service_money),
    ]
    # Under the practice table's grid: counts under its narrow columns, the rest under its money columns.
    service_places = [1, 3, 4, *range(FIGURES_COLUMN, FIGURES_COLUMN + len(service_columns) - 3)]
    assert service_places[6] == fee_column, "the management fees column moved: the fee income formula must follow it"
    key_figures = [federation.fee_income_gbp, federation.overheads_gbp, federation.surplus_gbp]
    want_width(sheet, FIGURES_COLUMN, money_width(key_figures))
    write_table(sheet, service_header, services, service_columns, at=service_places)
    total_row = services_last + 1
    put(sheet, total_row, 1, "All services")
    for column in service_places[5:]:  # the money columns
        put_formula(sheet, total_row, column, f"=SUM({span(column, services_first, services_last)})")
    style_total(sheet, total_row, 1, max(service_places))

    write_table(sheet, practice_header, practices, columns)
    with_federation, inhouse = place["result_with_federation_gbp"], place["result_all_inhouse_gbp"]
    partners = place["partners_fte"]
    headers = {
        "difference_gbp": "Difference (with the federation minus all in-house)",
        "difference_per_partner_gbp": "Difference per partner",
        "vs_base_gbp": f"vs {comparison.base} (£)",
        "vs_base_pct": f"vs {comparison.base} (%)",
    }
    for key in formulas:
        write_header(sheet, practice_header, place[key], headers[key])
        want_width(sheet, place[key], formula_widths[key])
    for r in range(first, last + 1):
        put_formula(sheet, r, place["difference_gbp"], f"={local(r, with_federation)}-{local(r, inhouse)}")
        p = local(r, partners)
        put_formula(sheet, r, place["difference_per_partner_gbp"], f'=IF(N({p})>0,{local(r, place["difference_gbp"])}/{p},"")')
        if base:
            against = ref(base.title, base.first_practice_row + r - first, base.columns["result_with_federation_gbp"])
            put_formula(sheet, r, place["vs_base_gbp"], f"={local(r, with_federation)}-{against}")
            put_formula(sheet, r, place["vs_base_pct"], variance_formula(local(r, with_federation), against), PCT)
    total = last + 1
    put(sheet, total, 1, "All practices")
    summed = ["list_size", "partners_fte", "result_all_inhouse_gbp", *(k for k, _ in money_extra), "result_with_federation_gbp"]
    summed += ["difference_gbp"] + (["vs_base_gbp"] if base else [])
    for key in summed:
        kind = {"list_size": INT, "partners_fte": NUM}.get(key, MONEY)
        put_formula(sheet, total, place[key], f"=SUM({span(place[key], first, last)})", kind)
    style_total(sheet, total, 1, len(place))
    fit_rows(sheet, 1, total)
    for row_number in (2, 3):
        _fit_note(sheet, row_number)

    put(sheet, total + 2, 1, "The chart of each practice's difference is on the Charts sheet, on pages of its own.")
    set_up_page(sheet, info, landscape=True, title_rows=(practice_header, practice_header), title=option.name)
    return OptionCells(
        title=sheet.title,
        fee_income_row=rows["fee"],
        overheads_row=rows["overheads"],
        surplus_row=rows["surplus"],
        better_off_row=rows["better_off"],
        first_practice_row=first,
        last_practice_row=last,
        columns=place,
    )


def _figure(sheet: Worksheet, row: int, label: str, formula: str, kind: str = MONEY) -> None:
    put(sheet, row, 1, label)
    put_formula(sheet, row, FIGURES_COLUMN, formula, kind)


def _note(sheet: Worksheet, row: int, text: str) -> None:
    """A line of text across the practice table's width, wrapped (merged so that it prints whole)."""
    put(sheet, row, 1, text)
    sheet.cell(row=row, column=1).alignment = WRAP
    sheet.merge_cells(start_row=row, start_column=1, end_row=row, end_column=NOTE_COLUMNS)


def _fit_note(sheet: Worksheet, row: int) -> None:
    width = sum(sheet.column_dimensions[get_column_letter(c)].width or 8.43 for c in range(1, NOTE_COLUMNS + 1))
    sheet.row_dimensions[row].height = LINE_HEIGHT_PT * wrapped_lines(str(sheet.cell(row=row, column=1).value or ""), width)
