"""What a workbook cell says beyond its value: shown as a percentage, or a formula never calculated.

The readers put these in a sheet's rows instead of plain floats and strings, so that the
validator can read a cell the way the user sees it (``8%`` is 8) and name a formula that has no
saved value, without a second table of flags beside every cell.
"""

from __future__ import annotations

# Excel's error values, as it shows them in a cell (and writes them in a CSV); LibreOffice's own
# are "Err:502" and the like.
ERROR_VALUES = frozenset(
    {"#N/A", "#REF!", "#DIV/0!", "#VALUE!", "#NAME?", "#NUM!", "#NULL!", "#SPILL!", "#CALC!", "#GETTING_DATA", "#FIELD!"}
)


class PercentCell(float):
    """A number in a cell formatted as a percentage: Excel stores 0.08 and shows 8%."""

    __slots__ = ()

    @property
    def shown(self) -> float:
        return float(self) * 100


class Uncalculated(str):
    """A formula with no saved result (written by a script, or never calculated): its text is '=FORMULA'."""

    __slots__ = ()


def is_error_value(text: str) -> bool:
    """'#N/A', '#REF!', 'Err:502': what a spreadsheet shows when a formula failed."""
    return text in ERROR_VALUES or (text.startswith("Err:") and text[4:].isdigit())
