"""Which files of an upload set two limited readers can share, so that a large CSV set is read on two cores.

Each file is read, located and cleaned on its own (finance.ingest.load.read_files); only the cell
limit (``max_cells``) and the checks across tables look at the whole set. Two readers may
therefore take half the files each, the command line's process then running the checks across
tables on what both cleaned (finance.ingest.worker.read_split), when:

- every file is a text file (.csv, .txt, .tsv that is not a zip or an old Excel file), and
- the set cannot hold more cells than the limit: a CSV file has at most one cell per separator
  (comma, semicolon, tab) and per line break, plus one, counted on its bytes before it is decoded
  (in UTF-16 each of these characters still holds its byte), so the limit, counted by each reader
  for its own half, is never what stops the read, as it is not when one reader reads the set;
- the set is large enough (``MIN_BYTES``) for a second reader to gain more than a fork costs.

The files are shared by how much reading each takes (mostly per row and per cell), the
largest first, each to the reader with less so far.

Workbooks are always read by one reader: how many cells a zip unpacks to is known only by
reading it. How the limits are shared between the two readers: finance/ingest/limits.py.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path

from finance.ingest.limits import Limits
from finance.ingest.load import once_each
from finance.ingest.read import _OLE_MAGIC, _TEXT_EXTENSIONS, _ZIP_MAGIC, Upload

MIN_BYTES = 1_000_000


def halves(uploads: Sequence[Upload], limits: Limits) -> tuple[tuple[int, ...], tuple[int, ...]] | None:
    """The positions, among the files kept once each (load.once_each), of what each reader reads; None: one reader reads all."""
    kept, _ = once_each(list(uploads))
    if len(kept) < 2 or not all(_plain_text(upload) for upload in kept):
        return None
    total = sum(len(upload.content) for upload in kept)
    if total < MIN_BYTES:
        return None
    cells = [_most_cells(upload.content) for upload in kept]
    if sum(cells) > limits.max_cells:
        return None
    first: list[int] = []
    second: list[int] = []
    loads = [0, 0]
    work = [4 * upload.content.count(b"\n") + most for upload, most in zip(kept, cells, strict=True)]  # mostly per row and per cell
    for index in sorted(range(len(kept)), key=lambda i: -work[i]):
        lighter = 0 if loads[0] <= loads[1] else 1
        (first if lighter == 0 else second).append(index)
        loads[lighter] += work[index]
    if not first or not second:
        return None
    return tuple(sorted(first)), tuple(sorted(second))


def halved(limits: Limits) -> Limits:
    """The limits of each of two readers: half the memory each, so that the two together may take what one may."""
    return replace(limits, memory_mb=max(1, limits.memory_mb // 2))


def _plain_text(upload: Upload) -> bool:
    return Path(upload.name).suffix.lower() in _TEXT_EXTENSIONS and not upload.content.startswith((_ZIP_MAGIC, _OLE_MAGIC))


def _most_cells(content: bytes) -> int:
    return len(content) - len(content.translate(None, b",;\t\n\r")) + 1  # separators and line breaks, in one pass
