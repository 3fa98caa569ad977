"""One problem found in an upload: where it is (file, sheet, cell), what was there, which rule it breaks."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Literal

Severity = Literal["error", "warning"]


@dataclass(frozen=True)
class Problem:
    """A line of the validation report.

    >>> str(Problem("error", "'TBC' is not an amount", file="contract_income.xlsx",
    ...             sheet="income", cell="E14", row=14, column="amount_gbp", value="TBC"))
    "contract_income.xlsx, sheet income, cell E14 (amount_gbp): 'TBC' is not an amount"
    """

    severity: Severity
    message: str
    file: str | None = None
    sheet: str | None = None
    cell: str | None = None
    row: int | None = None
    column: str | None = None
    value: str | None = None
    left_out_gbp: float | None = None  # money in what a warning says was not read (a hidden sheet, an ignored column)

    @property
    def is_error(self) -> bool:
        return self.severity == "error"

    @property
    def location(self) -> str:
        parts = []
        if self.file:
            parts.append(self.file)
        if self.sheet:
            parts.append(f"sheet {self.sheet}")
        if self.cell:
            parts.append(f"cell {self.cell}")
        elif self.row is not None:
            parts.append(f"row {self.row}")
        where = ", ".join(parts)
        if self.column:
            where = f"{where} ({self.column})" if where else f"({self.column})"
        return where

    def __str__(self) -> str:
        if self.file and self.message.startswith(self.file) and not (self.sheet or self.row or self.column):
            return self.message  # a whole-file sentence already names its file
        where = self.location
        return f"{where}: {self.message}" if where else self.message

    def as_dict(self) -> dict[str, object]:
        return asdict(self)


def error(message: str, **where: object) -> Problem:
    return Problem("error", message, **where)  # type: ignore[arg-type]


def warning(message: str, **where: object) -> Problem:
    return Problem("warning", message, **where)  # type: ignore[arg-type]
