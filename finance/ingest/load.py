"""Files in, a validated Dataset (or every problem) out: the one entry point for uploads."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from finance.errors import UploadError
from finance.ingest.dataset import Dataset, SourceFile
from finance.ingest.locate import locate
from finance.ingest.read import DEFAULT_MAX_FILE_MB, Upload, read_uploads
from finance.ingest.validate import validate
from finance.problems import Problem, error


@dataclass(frozen=True)
class LoadResult:
    """The Dataset when the set has no errors (else None), and every problem, errors first."""

    dataset: Dataset | None
    problems: list[Problem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.dataset is not None

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.is_error]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if not p.is_error]


def load_uploads(uploads: Iterable[Upload], *, max_file_mb: float = DEFAULT_MAX_FILE_MB) -> LoadResult:
    """Read, locate and validate a set of uploaded files together."""
    uploads = list(uploads)
    if not uploads:
        return LoadResult(None, [error("No files were given: upload the practices, income and services tables.")])
    names = [u.name for u in uploads]
    doubled = sorted({n for n in names if names.count(n) > 1})
    sheets, problems = read_uploads(uploads, max_file_mb=max_file_mb)
    for name in doubled:
        problems.append(error(f"{name} was given more than once: upload each file once.", file=name))
    parts = []
    for sheet in sheets:
        part, found = locate(sheet)
        problems += found
        if part is not None:
            parts.append(part)
    sources = [SourceFile(u.name, len(u.content), hashlib.sha256(u.content).hexdigest()) for u in uploads]
    read_failed = any(p.is_error for p in problems)
    dataset, found = validate(parts, sources, files_unread=read_failed)
    problems += found
    if read_failed:
        dataset = None
    problems.sort(key=lambda p: not p.is_error)
    return LoadResult(dataset, problems)


def load_files(paths: Sequence[str | Path], *, max_file_mb: float = DEFAULT_MAX_FILE_MB) -> LoadResult:
    """Load files from disk (the command line, tests, the sample data)."""
    uploads, problems = [], []
    for path in paths:
        try:
            uploads.append(Upload.from_path(path))
        except UploadError as exc:
            problems.append(error(str(exc), file=Path(path).name))
    result = load_uploads(uploads, max_file_mb=max_file_mb) if uploads else LoadResult(None, [])
    if problems:
        return LoadResult(None, problems + result.problems)
    return result
