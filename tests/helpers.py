"""Builders for test uploads: workbooks and CSV files from plain rows, and a small valid set."""

from __future__ import annotations

import copy
import io
from collections.abc import Mapping

import openpyxl

from finance.ingest.read import Upload

# A small valid federation: three practices, two services, every table of DATA.md.
VALID_SHEETS: dict[str, list[list[object]]] = {
    "practices": [
        ["practice_code", "practice_name", "pcn", "list_size", "weighted_list_size", "partners_fte", "federation_member"],
        ["A81001", "Riverside Surgery", "North PCN", 10000, 10500.5, 4, "yes"],
        ["A81002", "Hillview Practice", "North PCN", 5000, None, 2, "y"],
        ["A81003", "Old Mill Practice", "South PCN", 5000, 5100, None, "no"],
    ],
    "income": [
        ["practice_code", "stream", "line", "service", "amount_gbp"],
        ["A81001", "GMS", "Global Sum", None, 1_000_000],
        ["A81001", "contract", "Phlebotomy LES", "Phlebotomy", 20_000],
        ["A81002", "contract", "Global Sum", None, 500_000],
        ["A81002", "PCN DES", "Enhanced Access", "Enhanced Access", 40_000],
        ["A81003", "federation", "Phlebotomy LES", "Phlebotomy", 10_000],
    ],
    "services": [
        [
            "service",
            "unit",
            "units_per_1000_patients",
            "inhouse_cost_per_unit",
            "inhouse_fixed_cost",
            "federation_cost_per_unit",
            "federation_fixed_cost",
            "management_fee_pct",
        ],
        ["Phlebotomy", "blood test", 200, 6.0, 1000, 4.5, 6000, 10],
        ["Enhanced Access", "appointment", 300, 30.0, 2000, 27.0, 20000, 8],
    ],
    "activity": [
        ["practice_code", "service", "units"],
        ["A81001", "Phlebotomy", 2000],
        ["A81002", "Phlebotomy", 1000],
    ],
    "federation_costs": [
        ["item", "amount_gbp"],
        ["Chief officer", 3000],
    ],
    "practice_costs": [
        ["practice_code", "item", "amount_gbp"],
        ["A81001", "Staff", 600_000],
        ["A81001", "Premises", 100_000],
    ],
}


def valid_sheets() -> dict[str, list[list[object]]]:
    return copy.deepcopy(VALID_SHEETS)


def workbook_bytes(sheets: Mapping[str, list[list[object]]]) -> bytes:
    """An .xlsx with one sheet per entry, rows written from A1."""
    workbook = openpyxl.Workbook()
    workbook.remove(workbook.active)
    for name, rows in sheets.items():
        sheet = workbook.create_sheet(name)
        for row in rows:
            sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def csv_bytes(rows: list[list[object]], *, sep: str = ",", encoding: str = "utf-8") -> bytes:
    def cell(value: object) -> str:
        text = "" if value is None else str(value)
        return f'"{text}"' if (sep in text or '"' in text) else text

    return ("\n".join(sep.join(cell(v) for v in row) for row in rows) + "\n").encode(encoding)


def set_cell(sheets: dict[str, list[list[object]]], sheet: str, cell: str, value: object) -> None:
    """Put a value at an A1 reference (column letters A-Z), growing rows as needed."""
    column = ord(cell[0].upper()) - ord("A")
    row = int(cell[1:]) - 1
    rows = sheets[sheet]
    while len(rows) <= row:
        rows.append([None] * len(rows[0]))
    while len(rows[row]) <= column:
        rows[row].append(None)
    rows[row][column] = value


def workbook_upload(sheets: Mapping[str, list[list[object]]], name: str = "federation.xlsx") -> Upload:
    return Upload(name, workbook_bytes(sheets))
