"""The options appraisal as one printable HTML page: the same content as the PDF, with a print stylesheet.

Printed from a browser it fills one A4 landscape page (``@page``), nothing split across a page
break; on screen it reads as a web page. No script and no external file: the chart is inline SVG.
Every text from an upload or a user is escaped. Blue and vermilion mean a gain and a loss only;
options are marked in their own categorical colours.
"""

from __future__ import annotations

from finance.format import gbp
from finance.report.appraisal import MAX_PRACTICE_LINES, RULE, Appraisal, PracticeLine
from finance.report.charts import LOSS, NHS_BLUE
from finance.report.content import DISCLAIMER
from finance.report.safe_text import html_text as h

STYLE = f"""
@page {{ size: A4 landscape; margin: 8mm 9mm; }}
* {{ box-sizing: border-box; }}
body {{ font-family: Arial, Helvetica, sans-serif; color: #212B32; font-size: 8.5pt; line-height: 1.15; margin: 0 auto; max-width: 279mm; }}
h1 {{ color: {NHS_BLUE}; font-size: 15pt; margin: 0 0 1mm; }}
h2 {{ font-size: 10pt; margin: 2mm 0 0.8mm; }}
.sub, .note {{ color: #4C6272; font-size: 8pt; margin: 0 0 1mm; }}
.page {{ display: grid; grid-template-columns: 128mm 1fr; column-gap: 6mm; }}
table {{ border-collapse: collapse; width: 100%; }}
th, td {{ padding: 0.4mm 1mm; vertical-align: top; text-align: left; }}
td.n, th.n {{ text-align: right; white-space: nowrap; font-variant-numeric: tabular-nums; }}
.options td, .options th {{ border-top: 1px solid #D8DDE0; }}
.options th.option, .practices th.option {{ border-top: 2mm solid var(--c); padding-top: 0.8mm; }}
.practices td {{ font-size: 8pt; padding: 0.1mm 0.8mm; }}
.practices th.option {{ white-space: normal; text-align: center; }}
.practices tbody tr:nth-child(odd) {{ background: #F4F6F7; }}
.loss {{ color: {LOSS}; }}
.label {{ color: #4C6272; }}
.verdict {{ background: #E8EDEE; font-weight: bold; padding: 1.5mm 2mm; margin: 0 0 1mm; }}
ul {{ margin: 0; padding-left: 4mm; }}
li {{ margin-bottom: 0.6mm; }}
figure {{ margin: 0; break-inside: avoid; page-break-inside: avoid; }}
table, .verdict, li {{ break-inside: avoid; page-break-inside: avoid; }}
.options {{ table-layout: fixed; }}
.options col.label {{ width: 27mm; }}
.practices {{ table-layout: fixed; }}
.practices col.name {{ width: 46mm; }}
footer {{ border-top: 1px solid #D8DDE0; color: #4C6272; font-size: 8pt; margin-top: 2mm; padding-top: 1mm; }}
@media screen {{ body {{ padding: 6mm; }} }}
@media print {{ body {{ max-width: none; }} a {{ color: inherit; text-decoration: none; }} }}
"""


def appraisal_html(appraisal: Appraisal) -> str:
    """The page: options, chart and verdict on the left; each practice and the risks on the right."""
    a = appraisal
    # Four options' names wrap in the practice table's header: room for fewer rows.
    lines, note = a.practice_lines(MAX_PRACTICE_LINES if len(a.options) <= 3 else MAX_PRACTICE_LINES - 4)
    return "\n".join(
        [
            "<!DOCTYPE html>",
            '<html lang="en"><head><meta charset="utf-8">',
            '<meta name="viewport" content="width=device-width, initial-scale=1">',
            f"<title>Options appraisal: {h(a.federation)}</title>",
            f"<style>{STYLE}</style></head><body>",
            f"<h1>Options appraisal: {h(a.federation)}</h1>",
            f'<p class="sub">For the board, {h(a.date)}. {len(a.options)} options, each measured against {h(a.base)}. '
            f"Data: {h(a.data_line)}; fingerprint {h(a.fingerprint[:16])}. Pounds a year.</p>",
            '<div class="page"><div>',
            "<section><h2>The options side by side</h2>",
            _options_table(a),
            "</section>",
            "<figure><h2>Federation surplus by option (blue: surplus; vermilion: loss)</h2>",
            _surplus_svg(a),
            "</figure>",
            "<section><h2>The federation's verdict</h2>",
            f'<p class="verdict">{h(a.verdict)}</p><p class="note">{h(RULE)}</p></section>',
            "</div><div><section>",
            "<h2>What each option means for each practice</h2>",
            f'<p class="note">With the federation minus all in-house, £ a year and £ a partner. {h(note)}</p>',
            _practices_table(a, lines),
            f"</section><section><h2>Its risks ({h(a.chosen)})</h2>",
            "<ul>" + "".join(f"<li>{h(r)}</li>" for r in a.risks) + "</ul></section>",
            "</div></div>",
            f"<footer>{h(DISCLAIMER)}</footer>",
            "</body></html>",
        ]
    )


def _options_table(a: Appraisal) -> str:
    head = "<th></th>" + "".join(f'<th class="option" style="--c:{o.colour}">{h(o.name)}</th>' for o in a.options)
    rows = [
        ("What it is", [h(o.description) for o in a.options], False),
        ("Fee income", [gbp(o.fee_income_gbp) for o in a.options], True),
        ("Overheads", [gbp(o.overheads_gbp) for o in a.options], True),
        ("Surplus", [gbp(o.surplus_gbp) for o in a.options], True),
        (f"vs {a.base}", [gbp(o.surplus_vs_base_gbp, signed=True) for o in a.options], True),
        ("Practices better off", [f"{o.practices_better_off} of {o.practices}" for o in a.options], True),
        ("Rounds of leaving", [str(o.rounds) for o in a.options], True),
        ("Covers its overheads", ["yes" if o.viable else "no" for o in a.options], True),
    ]
    body = []
    for label, values, number in rows:
        cells = []
        for value in values:
            classes = " ".join(c for c in ("n" if number else "", "loss" if value.startswith("-£") else "") if c)
            cells.append(f'<td class="{classes}">{h(value) if number else value}</td>')
        strong = label == "Surplus"
        label_html = f"<strong>{h(label)}</strong>" if strong else h(label)
        body.append(f'<tr><td class="label">{label_html}</td>{"".join(cells)}</tr>')
    columns = '<colgroup><col class="label">' + "<col>" * len(a.options) + "</colgroup>"
    return f'<table class="options">{columns}<thead><tr>{head}</tr></thead><tbody>{"".join(body)}</tbody></table>'


def _practices_table(a: Appraisal, lines: list[PracticeLine]) -> str:
    top = "<th></th>" + "".join(f'<th class="option n" colspan="2" style="--c:{o.colour}">{h(o.name)}</th>' for o in a.options)
    sub = '<th class="label">Practice</th>' + '<th class="n label">a year</th><th class="n label">a partner</th>' * len(a.options)
    rows = []
    for line in lines:
        cells = []
        for difference, per_partner in zip(line.difference_gbp, line.per_partner_gbp, strict=True):
            loss = ' class="n loss"' if round(difference) < 0 else ' class="n"'
            cells.append(f"<td{loss}>{h(gbp(difference, signed=True))}</td><td{loss}>{h(gbp(per_partner, signed=True))}</td>")
        rows.append(f'<tr><td title="{h(line.name)}">{h(line.name)}</td>{"".join(cells)}</tr>')
    columns = '<colgroup><col class="name">' + "<col>" * (2 * len(a.options)) + "</colgroup>"
    return f'<table class="practices">{columns}<thead><tr>{top}</tr><tr>{sub}</tr></thead><tbody>{"".join(rows)}</tbody></table>'


def _surplus_svg(a: Appraisal, width: float = 480.0, height: float = 112.0) -> str:
    """Bars in SVG units (the figure scales to the column): blue a surplus, vermilion a loss, the option's colour under its name."""
    values = [o.surplus_gbp for o in a.options]
    high, low = max(max(values), 0.0), min(min(values), 0.0)
    span = (high - low) or 1.0
    top, bottom = 16.0, height - 30.0
    zero = top + high / span * (bottom - top)
    slot = width / len(values)
    parts = [
        f'<svg viewBox="0 0 {width:.0f} {height:.0f}" width="100%" role="img" aria-label="Federation surplus by option" '
        'font-family="Arial, Helvetica, sans-serif" font-size="11">'
    ]
    for i, (option, value) in enumerate(zip(a.options, values, strict=True)):
        bar_h = abs(value) / span * (bottom - top)
        bar_y = zero - bar_h if value > 0 else zero
        x = i * slot + slot * 0.25
        colour = NHS_BLUE if value >= 0 else LOSS
        parts.append(f'<rect x="{x:.1f}" y="{bar_y:.1f}" width="{slot * 0.5:.1f}" height="{max(bar_h, 0.6):.1f}" fill="{colour}"/>')
        inside = value < 0 and bar_h > 16
        label_y = bar_y - 4 if value >= 0 else (zero + 13 if inside else bar_y + bar_h + 12)
        fill = "#FFFFFF" if inside else "#212B32"
        parts.append(
            f'<text x="{i * slot + slot / 2:.1f}" y="{label_y:.1f}" text-anchor="middle" font-weight="bold" fill="{fill}">{h(gbp(value))}</text>'
        )
        parts.append(f'<rect x="{x:.1f}" y="{bottom + 6:.1f}" width="{slot * 0.5:.1f}" height="4" fill="{option.colour}"/>')
        parts.append(f'<text x="{i * slot + slot / 2:.1f}" y="{bottom + 22:.1f}" text-anchor="middle">{h(option.name)}</text>')
    parts.append(f'<line x1="0" x2="{width:.0f}" y1="{zero:.1f}" y2="{zero:.1f}" stroke="#425563" stroke-width="1"/>')
    parts.append("</svg>")
    return "".join(parts)
