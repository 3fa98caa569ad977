"""Files in, a validated Dataset (or every problem) out: the one entry point for uploads.

``load_uploads`` reads the set in a child process under limits (finance.ingest.isolate), so a
hostile file costs one plain sentence, never the server; ``load_inline`` is the same read in this
process (the child runs it; so can a tool that is itself a throwaway process).
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from finance.errors import UploadError
from finance.ingest.dataset import Dataset, SourceFile
from finance.ingest.limits import Limits
from finance.ingest.locate import Part, locate
from finance.ingest.read import DEFAULT_MAX_FILE_MB, Upload, read_and_choose
from finance.ingest.validate import check_across, clean_part
from finance.ingest.xlsx import cell_budget
from finance.problems import Problem, error, warning


@dataclass(frozen=True)
class LoadResult:
    """The Dataset when the set has no errors (else None), and every problem, errors first."""

    dataset: Dataset | None
    problems: list[Problem] = field(default_factory=list)
    sheets_read: tuple[str, ...] = ()  # "file, sheet (table): N rows" for each sheet read, for the summary

    @property
    def ok(self) -> bool:
        return self.dataset is not None

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.is_error]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if not p.is_error]


def isolation_enabled() -> bool:
    """FINANCE_UPLOAD_ISOLATION=0 reads in this process (only for a process that is itself disposable)."""
    return os.environ.get("FINANCE_UPLOAD_ISOLATION", "1").strip().lower() not in ("0", "no", "false", "off")


def load_uploads(
    uploads: Iterable[Upload],
    *,
    max_file_mb: float | None = None,
    limits: Limits | None = None,
    isolate: bool | None = None,
) -> LoadResult:
    """Read, locate and validate a set of uploaded files together, in a child process under limits."""
    uploads = list(uploads)
    limits = limits or Limits.from_env(max_file_mb=max_file_mb)
    if not uploads:
        return LoadResult(None, [error("No files were given: upload the practices, income and services tables.")])
    if not (isolation_enabled() if isolate is None else isolate):
        return load_inline(uploads, limits=limits)
    from finance.ingest.isolate import ReadFailed, read_in_child

    try:
        return read_in_child(uploads, limits)[0]
    except ReadFailed as failed:
        return LoadResult(None, _which_failed(uploads, limits, failed.reason))


def _which_failed(uploads: list[Upload], limits: Limits, reason: str) -> list[Problem]:
    """Read each file alone to name the one that could not be read; the others' problems are not repeated."""
    from finance.ingest.isolate import ReadFailed, read_in_child

    if len(uploads) == 1:
        return [_unreadable(uploads[0].name, reason)]
    failed = []
    for upload in uploads:
        try:
            read_in_child([upload], limits)
        except ReadFailed as alone:
            failed.append(_unreadable(upload.name, alone.reason))
    if failed:
        return failed
    names = ", ".join(u.name for u in uploads)
    return [error(f"The files {names} could not be read together: {reason}. Upload fewer files at once, or smaller ones.")]


def _unreadable(name: str, reason: str) -> Problem:
    return error(f"{name} could not be read: {reason}. Remove unused sheets, rows and columns, or split the file.", file=name)


def load_inline(uploads: Sequence[Upload], *, limits: Limits | None = None, max_file_mb: float | None = None) -> LoadResult:
    """The read, locate and validate steps in this process (no child, no memory or time limit)."""
    limits = limits or Limits.from_env(max_file_mb=max_file_mb)
    uploads = list(uploads)
    if not uploads:
        return LoadResult(None, [error("No files were given: upload the practices, income and services tables.")])
    kept, _ = once_each(uploads)
    return assemble(uploads, read_files(kept, limits))


@dataclass
class SheetRead:
    """One sheet (or CSV file) located and cleaned: its problems, and the part without its cells (``Part.placed``)."""

    located: list[Problem]
    part: Part | None
    rows: int = 0
    cleaned: tuple[pd.DataFrame, list[Problem]] | None = None


@dataclass
class FileRead:
    """One upload read, located and cleaned: all of a set's work that needs no other file."""

    problems: list[Problem]
    sheets: list[SheetRead]


def read_files(uploads: Sequence[Upload], limits: Limits) -> list[FileRead]:
    """Read, locate and clean each file (already once each), the cell limit counted over all of them."""
    budget = cell_budget(limits.max_cells)
    files = []
    for upload in uploads:
        sheets, problems = read_and_choose(upload, limits=limits, budget=budget)
        done = []
        for sheet in sheets:
            part, located = locate(sheet)
            if part is None:
                done.append(SheetRead(located, None))
            else:
                done.append(SheetRead(located, part.placed(), len(part.frame), clean_part(part)))
        files.append(FileRead(problems, done))
    return files


def assemble(uploads: Sequence[Upload], files: Sequence[FileRead]) -> LoadResult:
    """The set's LoadResult from each kept file's ``read_files`` answer (in upload order): the checks across tables, then the Dataset.

    The problems come in the order of a read of the whole set at once: files given twice, then
    each file's reading problems, then each sheet's locating problems, then each part's own, then
    those across tables; errors first.
    """
    kept, doubled = once_each(list(uploads))
    sheets = [sheet for file in files for sheet in file.sheets]
    problems = [*doubled, *(p for file in files for p in file.problems), *(p for sheet in sheets for p in sheet.located)]
    done = [sheet for sheet in sheets if sheet.part is not None]
    parts = [sheet.part for sheet in done]
    sources = [SourceFile(u.name, len(u.content), u.sha256) for u in kept]
    read_failed = any(p.is_error for p in problems)
    dataset, found = check_across(parts, [sheet.cleaned for sheet in done], sources, files_unread=read_failed)
    problems += found
    if read_failed or any(p.is_error for p in problems):
        dataset = None
    problems.sort(key=lambda p: not p.is_error)
    read = tuple(
        f"{s.part.source.file}{f', sheet {s.part.source.sheet}' if s.part.source.sheet else ''} ({s.part.table.name}): {s.rows:,} rows"
        for s in done
    )
    return LoadResult(dataset, problems, read)


def result_line(result: LoadResult) -> str:
    """One line: what loaded (rows, £ of income and overheads, from which sheets) and what was left out, in £."""
    left = [p for p in result.warnings if p.left_out_gbp is not None]
    left_gbp = sum(p.left_out_gbp or 0.0 for p in left)
    places = (
        f"{len(result.sheets_read)} sheet{'s' if len(result.sheets_read) != 1 else ''} or file{'s' if len(result.sheets_read) != 1 else ''}"
    )
    if result.dataset is not None:
        summary = result.dataset.summary()
        income = sum(summary["income_by_stream_gbp"].values())
        text = (
            f"Read {places}: {summary['income_lines']:,} income lines worth £{income:,.0f}, "
            f"overheads £{summary['overheads_gbp']:,.0f}, {summary['practices']:,} practices, {summary['services']:,} services."
        )
    else:
        text = f"Nothing loaded: {len(result.errors):,} problem{'s' if len(result.errors) != 1 else ''} to fix in {places} read."
    if left:
        text += f" Not read: £{left_gbp:,.0f} in {len(left)} sheet{'s' if len(left) != 1 else ''} or column{'s' if len(left) != 1 else ''} (see the warnings)."
    else:
        text += " No sheet or amount column was left out."
    return text


def once_each(uploads: list[Upload]) -> tuple[list[Upload], list[Problem]]:
    """The same name or the same content twice (income.csv and 'income (1).csv') would count its money twice: an error."""
    problems: list[Problem] = []
    seen_names: dict[str, Upload] = {}
    seen_content: dict[int, list[Upload]] = {}  # by size: only files of the same size are compared
    kept: list[Upload] = []
    for upload in uploads:
        if upload.name in seen_names:
            if seen_names[upload.name].content != upload.content or upload.name not in {p.file for p in problems}:
                problems.append(error(f"{upload.name} was given more than once: upload each file once.", file=upload.name))
            continue
        seen_names[upload.name] = upload
        first = next((seen for seen in seen_content.get(len(upload.content), ()) if seen.content == upload.content), None)
        if first is not None:
            problems.append(
                error(
                    f"{upload.name} has exactly the same content as {first.name}: the same file uploaded twice would count its money "
                    f"twice. Remove one of them",
                    file=upload.name,
                )
            )
            continue
        seen_content.setdefault(len(upload.content), []).append(upload)
        kept.append(upload)
    return kept, problems


def load_files(paths: Sequence[str | Path], *, max_file_mb: float | None = None, limits: Limits | None = None) -> LoadResult:
    """Load files from disk (the command line, tests, the sample data)."""
    uploads, problems = [], []
    for path in paths:
        try:
            uploads.append(Upload.from_path(path))
        except UploadError as exc:
            problems.append(error(str(exc), file=Path(path).name))
    result = load_uploads(uploads, max_file_mb=max_file_mb, limits=limits) if uploads else LoadResult(None, [])
    if problems:
        return LoadResult(None, problems + result.problems)
    return result


__all__ = ["DEFAULT_MAX_FILE_MB", "LoadResult", "load_files", "load_inline", "load_uploads", "warning"]
