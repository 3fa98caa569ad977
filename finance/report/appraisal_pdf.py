"""The options appraisal as a one-page A4 PDF, drawn with fpdf2 (pure Python: no browser, no office suite).

Left: the options side by side, the surplus chart (blue a surplus, vermilion a loss; each option
marked in its own colour), the verdict and the risks. Right: what each option means for each
practice, in £ a year and £ a partner. Every text is at least 8 pt. fpdf2's built-in Helvetica
holds Latin-1 only, so other characters an upload may carry are printed as their nearest Latin
letter, or '?' (``latin1``); the workbook keeps every name exactly as uploaded.
"""

from __future__ import annotations

import unicodedata

from fpdf import FPDF

from finance.format import gbp
from finance.report.appraisal import MAX_PRACTICE_LINES, RULE, Appraisal
from finance.report.charts import LOSS, NHS_BLUE
from finance.report.content import DISCLAIMER

PAGE_W, PAGE_H, MARGIN = 297.0, 210.0, 10.0
FOOTER_Y = PAGE_H - MARGIN - 7
LEFT_W, GAP = 128.0, 6.0
RIGHT_X = MARGIN + LEFT_W + GAP
RIGHT_W = PAGE_W - MARGIN - RIGHT_X
TEXT_PT, SMALL_PT = 8.5, 8.0
PAIR_LEAST_W = 26.0  # two figures such as -£12,345 at 8 pt
ROW_LEAST_MM = 3.4  # a row of 8 pt figures
CHART_LEAST_MM, CHART_MOST_MM = 24.0, 48.0
LINE = 3.6  # mm a line of 8 to 8.5 pt text
INK, GREY, RULE_GREY = (33, 43, 50), (76, 98, 114), (216, 221, 224)
PUNCTUATION = {"–": "-", "—": "-", "‘": "'", "’": "'", "“": '"', "”": '"', "…": "...", "−": "-", "\u00a0": " "}


def latin1(text: object) -> str:
    """Text Helvetica can print: Latin-1 kept, accents outside it dropped to the base letter, anything else '?'.

    >>> latin1("Łódź – Café “A”")
    'Lódz - Café "A"'
    """
    out = []
    for ch in str(text):
        ch = PUNCTUATION.get(ch, ch)
        if all(ord(c) < 256 for c in ch):
            out.append(ch)
            continue
        base = "".join(c for c in unicodedata.normalize("NFKD", ch) if not unicodedata.combining(c))
        out.append(base if base and all(ord(c) < 256 for c in base) else {"Ł": "L", "ł": "l", "Ø": "O", "ø": "o"}.get(ch, "?"))
    return "".join(out)


def appraisal_pdf(appraisal: Appraisal) -> bytes:
    """One A4 landscape page.

    The left column holds the options, the chart, the verdict and the risks; when they do not fit
    (four options with long descriptions) the risks move under the practices, and the practices
    listed are as many as the right column then holds (see Appraisal.practice_lines).
    """
    a = appraisal
    pdf = FPDF(orientation="landscape", unit="mm", format="A4")
    pdf.set_auto_page_break(False)
    pdf.set_margins(MARGIN, MARGIN, MARGIN)
    pdf.set_title(latin1(f"Options appraisal: {a.federation}"))
    pdf.set_author("GP federation finance")
    pdf.add_page()
    _heading(pdf, a)
    top = pdf.get_y() + 2
    y = _options_table(pdf, a, MARGIN, top)
    bottom = FOOTER_Y - 2
    risks_right = y + 6 + CHART_LEAST_MM + _verdict_height(pdf) + _risks_height(pdf, a, LEFT_W) > bottom
    left_after_chart = _verdict_height(pdf) + (0.0 if risks_right else _risks_height(pdf, a, LEFT_W))
    chart_h = max(CHART_LEAST_MM, min(CHART_MOST_MM, bottom - y - 6 - left_after_chart))
    _surplus_chart(pdf, a, MARGIN, y + 3, height=chart_h)
    y = _verdict(pdf, a, MARGIN, y + 3 + chart_h + 3)
    if not risks_right:
        _risks(pdf, a, MARGIN, y, LEFT_W)
    right_bottom = bottom - (_risks_height(pdf, a, RIGHT_W) + 2 if risks_right else 0.0)
    y = _practices_table(pdf, a, RIGHT_X, top, right_bottom)
    if risks_right:
        _risks(pdf, a, RIGHT_X, y + 2, RIGHT_W)
    _footer(pdf)
    return bytes(pdf.output())


def _font(pdf: FPDF, size: float = TEXT_PT, style: str = "", colour: tuple[int, int, int] = INK) -> None:
    pdf.set_font("helvetica", style, size)
    pdf.set_text_color(*colour)


def _heading(pdf: FPDF, a: Appraisal) -> None:
    _font(pdf, 15, "B", (0, 94, 184))
    pdf.set_xy(MARGIN, MARGIN)
    pdf.cell(PAGE_W - 2 * MARGIN, 7, latin1(f"Options appraisal: {a.federation}"))
    pdf.ln(7)
    _font(pdf, SMALL_PT, colour=GREY)
    text = (
        f"For the board, {a.date}. {len(a.options)} options, each measured against {a.base}. "
        f"Data: {a.data_line}; fingerprint {a.fingerprint[:16]}. Pounds a year."
    )
    pdf.multi_cell(PAGE_W - 2 * MARGIN, LINE, latin1(text), align="L")


def _options_table(pdf: FPDF, a: Appraisal, x: float, y: float) -> float:
    _font(pdf, 10, "B")
    pdf.set_xy(x, y)
    pdf.cell(LEFT_W, 5, "The options side by side")
    y += 6
    label_w = 30.0
    column_w = (LEFT_W - label_w) / len(a.options)
    # Option names, each over a bar of its colour.
    name_lines = max(_lines(pdf, o.name, column_w - 1, "B") for o in a.options)
    for i, option in enumerate(a.options):
        cx = x + label_w + i * column_w
        pdf.set_fill_color(*_rgb(option.colour))
        pdf.rect(cx + 0.5, y, column_w - 1, 1.6, style="F")
        _font(pdf, TEXT_PT, "B")
        pdf.set_xy(cx, y + 2)
        pdf.multi_cell(column_w - 1, LINE, latin1(option.name), align="L")
    y += 2 + name_lines * LINE + 1
    rows: list[tuple[str, list[str], str]] = [
        ("What it is", [o.description for o in a.options], ""),
        ("Fee income", [gbp(o.fee_income_gbp) for o in a.options], "R"),
        ("Overheads", [gbp(o.overheads_gbp) for o in a.options], "R"),
        ("Surplus", [gbp(o.surplus_gbp) for o in a.options], "RB"),
        (f"vs {a.base}", [gbp(o.surplus_vs_base_gbp, signed=True) for o in a.options], "R"),
        ("Practices better off", [f"{o.practices_better_off} of {o.practices}" for o in a.options], "R"),
        ("Rounds of leaving", [str(o.rounds) for o in a.options], "R"),
        ("Covers its overheads", ["yes" if o.viable else "no" for o in a.options], "R"),
    ]
    for label, values, style in rows:
        bold = "B" if "B" in style else ""
        lines = max([_lines(pdf, v, column_w - 1.5, bold) for v in values] + [_lines(pdf, label, label_w - 1)])
        height = lines * LINE
        pdf.set_draw_color(*RULE_GREY)
        pdf.line(x, y, x + LEFT_W, y)
        _font(pdf, TEXT_PT, "B" if bold else "", GREY if not bold else INK)
        pdf.set_xy(x, y + 0.4)
        pdf.multi_cell(label_w - 1, LINE, latin1(label), align="L")
        for i, value in enumerate(values):
            loss = value.startswith("-£") and label in ("Surplus", f"vs {a.base}")
            _font(pdf, TEXT_PT, bold, _rgb(LOSS) if loss else INK)
            pdf.set_xy(x + label_w + i * column_w, y + 0.4)
            pdf.multi_cell(column_w - 1.5, LINE, latin1(value), align="R" if "R" in style else "L")
        y += height + 0.8
    pdf.line(x, y, x + LEFT_W, y)
    return y


def _surplus_chart(pdf: FPDF, a: Appraisal, x: float, y: float, *, height: float) -> float:
    """Bars of the federation's surplus (blue a surplus, vermilion a loss); under each, the option's colour, name and figure."""
    _font(pdf, 10, "B")
    pdf.set_xy(x, y)
    pdf.cell(LEFT_W, 5, "Federation surplus by option (blue: surplus; vermilion: loss)")
    top, bottom = y + 6.5, y + height - 9.5
    values = [o.surplus_gbp for o in a.options]
    high, low = max(max(values), 0.0), min(min(values), 0.0)
    span = (high - low) or 1.0
    zero = top + (high / span) * (bottom - top)
    slot = LEFT_W / len(values)
    for i, (option, value) in enumerate(zip(a.options, values, strict=True)):
        bar_top = zero - (value / span) * (bottom - top) if value > 0 else zero
        bar_h = abs(value) / span * (bottom - top)
        pdf.set_fill_color(*_rgb(NHS_BLUE if value >= 0 else LOSS))
        pdf.rect(x + i * slot + slot * 0.25, bar_top, slot * 0.5, max(bar_h, 0.3), style="F")
        pdf.set_fill_color(*_rgb(option.colour))
        pdf.rect(x + i * slot + slot * 0.25, bottom + 1, slot * 0.5, 1.2, style="F")
        _font(pdf, SMALL_PT)
        pdf.set_xy(x + i * slot, bottom + 2.4)
        pdf.cell(slot, 3.4, latin1(_fit(pdf, option.name, slot - 1)), align="C")
        _font(pdf, SMALL_PT, "B", _rgb(LOSS) if round(value) < 0 else INK)
        pdf.set_xy(x + i * slot, bottom + 5.8)
        pdf.cell(slot, 3.4, latin1(gbp(value)), align="C")
    pdf.set_draw_color(66, 85, 99)
    pdf.line(x, zero, x + LEFT_W, zero)
    return y + height


def _verdict_height(pdf: FPDF) -> float:
    """The verdict block: its heading, at most three lines of verdict, the rule."""
    return 5.5 + 3 * LINE + 3 + 2 * LINE + 1.5


def _risks_height(pdf: FPDF, a: Appraisal, width: float) -> float:
    return 5.5 + sum(_lines(pdf, risk, width - 3) * LINE + 0.6 for risk in a.risks)


def _verdict(pdf: FPDF, a: Appraisal, x: float, y: float) -> float:
    _font(pdf, 10, "B")
    pdf.set_xy(x, y)
    pdf.cell(LEFT_W, 5, "The federation's verdict")
    y += 5.5
    pdf.set_fill_color(232, 237, 238)
    lines = _lines(pdf, a.verdict, LEFT_W - 4, "B")
    pdf.rect(x, y, LEFT_W, lines * LINE + 2.5, style="F")
    _font(pdf, TEXT_PT, "B")
    pdf.set_xy(x + 2, y + 1.2)
    pdf.multi_cell(LEFT_W - 4, LINE, latin1(a.verdict), align="L")
    y += lines * LINE + 3
    _font(pdf, SMALL_PT, colour=GREY)
    pdf.set_xy(x, y)
    pdf.multi_cell(LEFT_W, LINE, latin1(RULE), align="L")
    return pdf.get_y() + 1.5


def _risks(pdf: FPDF, a: Appraisal, x: float, y: float, width: float) -> float:
    _font(pdf, 10, "B")
    pdf.set_xy(x, y)
    pdf.cell(width, 5, f"Its risks ({latin1(_fit(pdf, a.chosen, width - 20))})")
    y += 5.5
    _font(pdf, TEXT_PT)
    for risk in a.risks:
        pdf.set_xy(x, y)
        pdf.cell(3, LINE, "-")
        pdf.set_xy(x + 3, y)
        pdf.multi_cell(width - 3, LINE, latin1(risk), align="L")
        y = pdf.get_y() + 0.6
    return y


def _practices_table(pdf: FPDF, a: Appraisal, x: float, y: float, bottom: float) -> float:
    """The practices, as many as fit above ``bottom``; returns where the table ends."""
    _font(pdf, SMALL_PT)
    longest = max((pdf.get_string_width(latin1(line.name)) for line in a.practices), default=20.0) + 1.5
    name_w = max(30.0, min(longest, RIGHT_W - PAIR_LEAST_W * len(a.options)))  # names whole where the figures leave room
    pair_w = (RIGHT_W - name_w) / len(a.options)
    header_lines = max(_lines(pdf, o.name, pair_w - 1, "B") for o in a.options)
    intro = "With the federation minus all in-house, £ a year and £ a partner."
    longest_note = a.practice_lines(1)[1]  # the longer wording, to size the header before choosing
    header_h = 5 + _lines(pdf, f"{intro} {longest_note}", RIGHT_W, size=SMALL_PT) * LINE + 1 + 1.8 + header_lines * LINE + LINE + 0.5
    room = bottom - y - header_h
    lines, note = a.practice_lines(min(MAX_PRACTICE_LINES, max(3, int(room / ROW_LEAST_MM))))
    _font(pdf, 10, "B")
    pdf.set_xy(x, y)
    pdf.cell(RIGHT_W, 5, "What each option means for each practice")
    _font(pdf, SMALL_PT, colour=GREY)
    pdf.set_xy(x, y + 5)
    pdf.multi_cell(RIGHT_W, LINE, latin1(f"{intro} {note}"), align="L")
    y = pdf.get_y() + 1
    for i, option in enumerate(a.options):
        cx = x + name_w + i * pair_w
        pdf.set_fill_color(*_rgb(option.colour))
        pdf.rect(cx + 0.5, y, pair_w - 1, 1.4, style="F")
        _font(pdf, SMALL_PT, "B")
        pdf.set_xy(cx, y + 1.8)
        pdf.multi_cell(pair_w - 1, LINE, latin1(option.name), align="C")
    y += 1.8 + header_lines * LINE
    _font(pdf, SMALL_PT, "B", GREY)
    pdf.set_xy(x, y)
    pdf.cell(name_w, LINE, "Practice")
    for i in range(len(a.options)):
        pdf.set_xy(x + name_w + i * pair_w, y)
        pdf.cell(pair_w / 2, LINE, "a year", align="R")
        pdf.cell(pair_w / 2, LINE, "a partner", align="R")
    y += LINE + 0.5
    row_h = max(ROW_LEAST_MM, min(LINE + 0.3, (bottom - y) / max(len(lines), 1)))
    for n, line in enumerate(lines):
        if n % 2 == 0:
            pdf.set_fill_color(244, 246, 247)
            pdf.rect(x, y, RIGHT_W, row_h, style="F")
        _font(pdf, SMALL_PT)
        pdf.set_xy(x, y)
        pdf.cell(name_w, row_h, latin1(_fit(pdf, line.name, name_w - 1)))
        for i, (difference, per_partner) in enumerate(zip(line.difference_gbp, line.per_partner_gbp, strict=True)):
            _font(pdf, SMALL_PT, colour=_rgb(LOSS) if round(difference) < 0 else INK)
            pdf.set_xy(x + name_w + i * pair_w, y)
            pdf.cell(pair_w / 2, row_h, latin1(gbp(difference, signed=True)), align="R")
            pdf.cell(pair_w / 2, row_h, latin1(gbp(per_partner, signed=True)), align="R")
        y += row_h
    return y


def _footer(pdf: FPDF) -> None:
    _font(pdf, SMALL_PT, colour=GREY)
    pdf.set_draw_color(*RULE_GREY)
    pdf.line(MARGIN, FOOTER_Y - 1, PAGE_W - MARGIN, FOOTER_Y - 1)
    pdf.set_xy(MARGIN, FOOTER_Y)
    pdf.multi_cell(PAGE_W - 2 * MARGIN - 20, LINE, latin1(DISCLAIMER), align="L")
    pdf.set_xy(PAGE_W - MARGIN - 20, FOOTER_Y)
    pdf.cell(20, LINE, "Page 1 of 1", align="R")


def _lines(pdf: FPDF, text: str, width: float, style: str = "", *, size: float = TEXT_PT) -> int:
    _font(pdf, size, style)
    return len(pdf.multi_cell(width, LINE, latin1(text), dry_run=True, output="LINES", align="L"))


def _fit(pdf: FPDF, text: str, width: float) -> str:
    """Text cut to fit ``width`` with '...' (names only; the figures are never cut)."""
    text = latin1(text)
    if pdf.get_string_width(text) <= width:
        return text
    while text and pdf.get_string_width(text + "...") > width:
        text = text[:-1]
    return text.rstrip() + "..."


def _rgb(colour: str) -> tuple[int, int, int]:
    colour = colour.lstrip("#")
    return int(colour[0:2], 16), int(colour[2:4], 16), int(colour[4:6], 16)
