"""The options report as one standalone HTML file that opens offline, charts and all, and prints on A4.

plotly.js is written into the page itself (about 4.6 MB), never fetched from a CDN, so the report
works from an email attachment on a machine with no internet. Every piece of text that came from
an upload or a user (practice, service and option names, descriptions, file names) is escaped.
Printed, it is A4 landscape (``@page``); each chart is drawn 1,000 px wide so that it fits the page,
the practice chart comes in pieces of a page each, and no chart or table row is split by a break.
"""

from __future__ import annotations

from datetime import UTC, datetime

import pandas as pd

from finance.analysis.compare import Comparison
from finance.format import gbp, gbp_per_unit, pct
from finance.ingest.dataset import Dataset
from finance.report.charts import practice_pages, surplus_by_option
from finance.report.content import DISCLAIMER, parameter_rows
from finance.report.safe_text import html_text
from finance.report.sheets import MONEY, PENCE

CHART_WIDTH_PX = 1000  # A4 landscape less 10 mm margins is 1,047 px at 96 px an inch
STYLE = """
@page { size: A4 landscape; margin: 10mm; }
body { font-family: Arial, Helvetica, sans-serif; color: #212B32; margin: 2rem auto; max-width: 1047px; padding: 0 1rem; }
.chart { break-inside: avoid; page-break-inside: avoid; margin: 0 0 1rem; }
.chart + .chart { break-before: page; page-break-before: always; }
h2 { break-after: avoid; page-break-after: avoid; }
tr { break-inside: avoid; page-break-inside: avoid; }
thead { display: table-header-group; }
@media print { body { margin: 0; max-width: none; padding: 0; font-size: 9pt; } .pagebreak { break-before: page; page-break-before: always; } }
h1, h2, h3 { color: #005EB8; }
table { border-collapse: collapse; margin: 0.5rem 0 1.5rem; font-size: 0.9rem; }
th { background: #005EB8; color: #fff; text-align: left; padding: 0.35rem 0.6rem; vertical-align: top; }
td { border-bottom: 1px solid #D8DDE0; padding: 0.3rem 0.6rem; }
td.n { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
.note { background: #FFF9C4; border-left: 6px solid #FFB81C; padding: 0.6rem 1rem; }
.small { color: #4C6272; font-size: 0.85rem; }
"""


def comparison_html(comparison: Comparison, dataset: Dataset, *, federation: str = "", generated_at: datetime | None = None) -> str:
    """The report for a comparison already run (see pack.report_html)."""
    generated_at = generated_at or datetime.now(UTC)
    figures = {"surplus_by_option": surplus_by_option(comparison)}
    figures |= {f"practice_difference_by_option_{n}": f for n, f in enumerate(practice_pages(comparison), start=1)}
    charts = []
    for position, (name, figure) in enumerate(figures.items()):
        figure.update_layout(width=CHART_WIDTH_PX)
        html = figure.to_html(full_html=False, include_plotlyjs=(position == 0), include_mathjax=False, div_id=f"chart-{name}")
        charts.append(f'<div class="chart">{html}</div>')
    federation = federation.strip() or "GP federation"
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>Options for the board: {html_text(federation)}</title>",
        f"<style>{STYLE}</style></head><body>",
        f"<h1>Options for the board: {html_text(federation)}</h1>",
        f'<p class="small">{len(comparison.options)} options compared against {html_text(comparison.base)}. '
        f"Generated {generated_at:%d %B %Y %H:%M} UTC. Data: {html_text(dataset.summary_line())}.</p>",
        f'<p class="note">{html_text(DISCLAIMER)}</p>',
        "<h2>Summary</h2>",
        "<ul>" + "".join(f"<li>{html_text(s)}</li>" for s in comparison.sentences()) + "</ul>",
        _headline_table(comparison),
        charts[0],
        '<h2 class="pagebreak">Each practice</h2>',
        *charts[1:],
        _practices_table(comparison),
        "<h2>Assumptions</h2>",
        _assumptions_table(comparison),
        "<h3>Data</h3>",
        _table(
            ["File", "Bytes", "SHA-256"],
            [[html_text(s.name), _n(f"{s.size_bytes:,}"), html_text(s.sha256)] for s in dataset.sources],
        ),
        f'<p class="small">Fingerprint of the files: {html_text(dataset.fingerprint)}</p>',
        "</body></html>",
    ]
    return "\n".join(parts)


def _headline_table(comparison: Comparison) -> str:
    rows = []
    for r in comparison.headline.itertuples(index=False):
        vs_pct = None if r.surplus_vs_base_pct is pd.NA else float(r.surplus_vs_base_pct)
        rows.append(
            [
                html_text(r.option),
                html_text(r.description),
                _n(gbp(r.surplus_gbp)),
                _n(gbp(r.surplus_vs_base_gbp, signed=True)),
                _n(pct(vs_pct)),
                _n(gbp(r.fee_income_gbp)),
                _n(gbp(r.overheads_gbp)),
                _n(f"{r.practices_better_off} of {r.practices}"),
                _n(str(r.rounds)),
            ]
        )
    headers = ["Option", "Description", "Surplus", f"vs {comparison.base}", "%", "Fee income", "Overheads", "Better off", "Rounds"]
    return _table([html_text(h) for h in headers], rows)


def _practices_table(comparison: Comparison) -> str:
    wide = comparison.practices_wide()
    headers = ["Practice", "PCN", *(f"{name}: with the federation" for name in comparison.names)]
    rows = [
        [html_text(f"{r['practice_name']} ({r['practice_code']})"), html_text(r["pcn"] or "")]
        + [_n(gbp(r[name])) for name in comparison.names]
        for r in wide.to_dict(orient="records")
    ]
    return _table([html_text(h) for h in headers], rows)


def _assumptions_table(comparison: Comparison) -> str:
    rows = []
    for parameter in parameter_rows(comparison.options):
        cells = []
        for value in parameter.values:
            if isinstance(value, (int, float)) and not isinstance(value, bool) and parameter.kind == MONEY:
                cells.append(_n(gbp(value)))
            elif isinstance(value, (int, float)) and not isinstance(value, bool) and parameter.kind == PENCE:
                cells.append(_n(gbp_per_unit(value)))
            elif isinstance(value, (int, float)) and not isinstance(value, bool):
                cells.append(_n(pct(value, decimals=2)))
            else:
                cells.append(html_text("" if value is None else value))
        rows.append([html_text(parameter.name), *cells, html_text(parameter.source)])
    return _table([html_text(h) for h in ["Parameter", *comparison.names, "Source"]], rows)


def _table(headers: list[str], rows: list[list[str]]) -> str:
    """Headers and cells arrive escaped (or built by _n from numbers)."""
    head = "".join(f"<th>{h}</th>" for h in headers)
    body = "".join("<tr>" + "".join(c if c.startswith("<td") else f"<td>{c}</td>" for c in row) + "</tr>" for row in rows)
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def _n(text: str) -> str:
    return f'<td class="n">{html_text(text)}</td>'
