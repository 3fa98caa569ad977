"""What partners take home: the board pack (xlsx), the appraisal (PDF and HTML), the result rows (CSV), an HTML report, chart images.

    board_pack_xlsx(model, options, base=None, dataset=None, federation="") -> bytes   # xlsx.py
    appraisal_files(comparison, dataset, federation="") -> (pdf bytes, html str)       # appraisal*.py
    report_html(model, options, base=None, dataset=None, federation="") -> str         # html.py
    results_csv(results) -> bytes, options_csv(comparison) -> bytes                    # here
    chart_images(figures, fmt="png") -> dict[str, bytes]; images_available() -> bool   # images.py
    chart_images_by_format(figures, ("png", "pdf")) -> {fmt: {name: bytes}}            # one browser for all

``options`` are as for ``finance.analysis.compare.compare``: (name, scenario) or (name, scenario,
description) tuples, Options or SavedScenarios; ``base`` names the option the others are measured
against (default the first). The *_from_comparison forms take a Comparison the caller already has.
Text from uploads is neutralised everywhere (finance/report/safe_text.py).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

import pandas as pd

from finance.analysis.compare import Comparison, OptionLike, compare
from finance.ingest.dataset import Dataset
from finance.model.engine import ROW_FIELDS, Model, Results
from finance.report.appraisal import Appraisal, appraise
from finance.report.appraisal_html import appraisal_html
from finance.report.appraisal_pdf import appraisal_pdf
from finance.report.html import comparison_html
from finance.report.images import chart_images, chart_images_by_format, images_available
from finance.report.safe_text import neutralise_frame
from finance.report.xlsx import ExtraSheet, comparison_workbook

__all__ = [
    "Appraisal",
    "ExtraSheet",
    "appraisal_files",
    "appraisal_html",
    "appraisal_pdf",
    "appraise",
    "board_pack_xlsx",
    "chart_images",
    "chart_images_by_format",
    "comparison_html",
    "comparison_workbook",
    "images_available",
    "options_csv",
    "report_html",
    "results_csv",
]

CSV_ENCODING = "utf-8-sig"  # with a byte-order mark, so that Excel reads £ and accented names correctly


def board_pack_xlsx(
    model: Model,
    options: Sequence[OptionLike],
    base: str | None = None,
    dataset: Dataset | None = None,
    *,
    federation: str = "",
    extra_sheets: Sequence[ExtraSheet] = (),
) -> bytes:
    """The board pack workbook: contents, summary, a sheet per option, practices side by side, charts, assumptions, catalogue."""
    comparison = compare(model, options, base)
    return comparison_workbook(comparison, dataset or model.dataset, federation=federation, extra_sheets=extra_sheets)


def report_html(
    model: Model, options: Sequence[OptionLike], base: str | None = None, dataset: Dataset | None = None, *, federation: str = ""
) -> str:
    """A standalone HTML report with interactive charts; opens offline (plotly.js is inside it)."""
    return comparison_html(compare(model, options, base), dataset or model.dataset, federation=federation)


def appraisal_files(
    comparison: Comparison, dataset: Dataset, *, federation: str = "", generated_at: datetime | None = None
) -> tuple[bytes, str]:
    """The one-page options appraisal as a PDF and as printable HTML (the same content)."""
    appraisal = appraise(comparison, dataset, federation=federation, generated_at=generated_at)
    return appraisal_pdf(appraisal), appraisal_html(appraisal)


def results_csv(results: Results) -> bytes:
    """One scenario's rows (practice x service) with practice names, as CSV bytes for Excel."""
    return _csv(_result_rows(results))


def options_csv(comparison: Comparison) -> bytes:
    """Every option's rows, stacked, with the option's name in the first column."""
    frames = []
    for option, results in zip(comparison.options, comparison.results, strict=True):
        frame = _result_rows(results)
        frame.insert(0, "option", option.name)
        frames.append(frame)
    return _csv(pd.concat(frames, ignore_index=True))


def _result_rows(results: Results) -> pd.DataFrame:
    names = results.practices[["practice_code", "practice_name", "pcn"]]
    # The practice's PCN comes with its name; the row's own pcn (the deliverer on the PCN route) is the same PCN there.
    fields = [c for c in ROW_FIELDS if c != "pcn"]
    rows = results.rows[[*fields, "fee_pct"]].merge(names, on="practice_code", how="left")
    order = ["practice_code", "practice_name", "pcn", *[c for c in fields if c != "practice_code"], "fee_pct"]
    rows = rows[order].copy()
    for column in rows.columns:
        if column.endswith("_gbp") or column == "units":
            rows[column] = rows[column].round(2)
        elif column.endswith("_pct"):
            rows[column] = rows[column].round(4)
    return rows


def _csv(frame: pd.DataFrame) -> bytes:
    return neutralise_frame(frame).to_csv(index=False, lineterminator="\r\n").encode(CSV_ENCODING)
