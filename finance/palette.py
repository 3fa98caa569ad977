"""The colours every chart uses, so a colour means one thing on every page and in every export.

Two jobs, two sets that never mix:
- meaning: GAIN (better off, surplus, better than the base) is NHS blue and LOSS (worse off, loss,
  worse than the base) is Okabe-Ito vermilion, never red against green; NEUTRAL is neither;
- telling things apart (options, series, categories): CATEGORIES, colour-blind safe (Okabe-Ito and
  NHS slate) and without NHS blue, vermilion or orange, so a category never reads as a gain or a loss.
A direction that is not a gain or a loss (an assumption moved down or up) is shown by a pattern or
a label, never by the gain and loss colours.
"""

from __future__ import annotations

GAIN = "#005EB8"  # NHS blue
LOSS = "#D55E00"  # Okabe-Ito vermilion
NEUTRAL = "#768692"  # NHS mid grey
INK = "#212B32"  # NHS text colour
AXIS = "#425563"  # NHS dark grey: zero lines, reference lines
GRID = "#E8EDEE"
# Okabe-Ito bluish green and reddish purple, NHS slate, yellow (outlined bars), black: no blue (a gain), no
# vermilion or orange (a loss).
CATEGORIES = ("#009E73", "#CC79A7", "#4C6272", "#F0E442", "#000000")
DIVERGING = ((0.0, LOSS), (0.5, "#F7F7F7"), (1.0, GAIN))


def category(position: int) -> str:
    """The colour of the n-th option, series or category (wrapping round)."""
    return CATEGORIES[position % len(CATEGORIES)]


def gain_or_loss(value: float, *, penny: float = 0.005) -> str:
    """GAIN above a penny, LOSS below minus a penny, NEUTRAL between.

    >>> gain_or_loss(12.0) == GAIN, gain_or_loss(-0.5) == LOSS, gain_or_loss(0.001) == NEUTRAL
    (True, True, True)
    """
    if value > penny:
        return GAIN
    if value < -penny:
        return LOSS
    return NEUTRAL
