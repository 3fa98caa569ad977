"""How figures are shown: whole pounds with thousands separators, a minus sign for losses.

One helper for pounds and one for percent, used by every page, chart and export. Where a total
is shown beside its parts, ``whole_pounds_adding_up`` rounds the parts so they add up to the
rounded total (as an accountant would adjust a rounded table).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence

import numpy as np

MONEY_EXCEL_FORMAT = '"£"#,##0;-"£"#,##0'
PERCENT_EXCEL_FORMAT = '0.0"%"'


def gbp(value: float | None, *, signed: bool = False) -> str:
    """Whole pounds: 1234.5 -> '£1,235'; -1234.4 -> '-£1,234'; None -> '-'.

    >>> gbp(1234.5), gbp(-1234.4), gbp(0.4), gbp(12, signed=True)
    ('£1,235', '-£1,234', '£0', '+£12')
    """
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    pounds = round_half_up(value)
    if pounds == 0:
        return "£0"
    sign = "-" if pounds < 0 else ("+" if signed else "")
    return f"{sign}£{abs(pounds):,}"


def gbp_per_unit(value: float | None) -> str:
    """A cost per unit, in pounds and pence: 4.5 -> '£4.50' (unit costs are the one money figure
    not rounded to whole pounds: £4 and £5 a blood test are a different service).

    >>> gbp_per_unit(4.5), gbp_per_unit(-0.125), gbp_per_unit(None)
    ('£4.50', '-£0.13', '–')
    """
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    pence = round_half_up(value * 100)
    sign = "-" if pence < 0 else ""
    return f"{sign}£{abs(pence) / 100:,.2f}"


def pct(value: float | None, *, decimals: int = 1) -> str:
    """Percent (5.0 means 5%): 5 -> '5.0%'; None -> '-'.

    >>> pct(5), pct(12.345, decimals=2), pct(None)
    ('5.0%', '12.35%', '–')
    """
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    return f"{value:,.{decimals}f}%"


def round_half_up(value: float) -> int:
    """Round to whole pounds the way Excel does (half away from zero), not Python's banker's rounding.

    >>> round_half_up(2.5), round_half_up(-2.5), round_half_up(3.49)
    (3, -3, 3)
    """
    return math.floor(abs(value) + 0.5) * (1 if value >= 0 else -1)


def whole_pounds_adding_up(parts: Sequence[float], total: int | None = None) -> list[int]:
    """Round parts to whole pounds so that they add up to their rounded total (largest remainders),
    or to ``total`` when the total shown is fixed elsewhere.

    >>> whole_pounds_adding_up([0.4, 0.4, 0.4])
    [1, 0, 0]
    >>> sum(whole_pounds_adding_up([1.5, 2.5, -0.6])) == round_half_up(1.5 + 2.5 - 0.6)
    True
    >>> whole_pounds_adding_up([10.4, 20.4], total=31)
    [11, 20]
    """
    values = np.asarray(parts, dtype=float)
    if values.size == 0:
        return []
    target = round_half_up(float(values.sum())) if total is None else int(total)
    floors = np.floor(values)
    shortfall = int(target - floors.sum())
    order = np.argsort(-(values - floors), kind="stable")
    rounded = floors.astype(int)
    if shortfall >= 0:
        rounded[order[:shortfall]] += 1
    else:
        rounded[order[::-1][:-shortfall]] -= 1
    return [int(v) for v in rounded]


def money_ticks(values: Iterable[float], *, count: int = 6) -> dict[str, list]:
    """Chart ticks on round steps covering the values and zero, labelled like every other figure
    (-£10,000, not plotly's £−10,000): plotly's tickvals and ticktext.

    >>> money_ticks([-172_478, 9_973])["ticktext"][:2]
    ['-£200,000', '-£150,000']
    """
    finite = [float(v) for v in values if v is not None and not math.isnan(float(v))] + [0.0]
    low, high = min(finite), max(finite)
    raw = (high - low) / count or max(abs(high), 1.0)
    magnitude = 10 ** math.floor(math.log10(raw))
    step = next(m * magnitude for m in (1, 2, 2.5, 5, 10) if m * magnitude >= raw)
    ticks = [k * step for k in range(math.floor(low / step), math.ceil(high / step) + 1)]
    return {"tickvals": ticks, "ticktext": [gbp(t) for t in ticks]}
