"""How much an upload may claim before it is read: sizes, zip parts, cells, memory and time.

Every limit has a default sized for an England-scale upload (about 6,500 practices and 260,000
income lines: an 8 MB workbook whose sheets unpack to about 80 MB), can be set with an environment
variable (``FINANCE_UPLOAD_<NAME>``, e.g. ``FINANCE_UPLOAD_MAX_UNPACKED_MB=400``) and can be passed
to ``load_uploads(limits=...)``. A file over a limit is refused in one sentence before its cells
are parsed.

How the reading limits are shared when two readers read one set at once (a CSV set of 1 MB or
more read by the command line: finance/ingest/split.py): each reader may add half of
``memory_mb`` to its address space, so the two together may take what one reader may; each may use
``cpu_s`` of CPU time (each is stopped alone when it goes over, with the same sentence); both are
stopped at the one wall-clock deadline, ``timeout_s`` after they start. If either fails for any
reason but CPU or wall-clock time (most likely half the memory was not enough), the set is read
again by one reader under the whole of every limit, so the answer is the one reader's.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, fields, replace

ENV_PREFIX = "FINANCE_UPLOAD_"


@dataclass(frozen=True)
class Limits:
    """The most one upload set may hold; a file over any of them is refused, not read."""

    max_file_mb: float = 50.0  # one file as uploaded
    max_parts: int = 2_000  # members of one workbook's zip
    max_part_mb: float = 400.0  # one member, unpacked
    max_unpacked_mb: float = 600.0  # all members of one workbook, unpacked
    max_ratio: float = 200.0  # unpacked / packed size of a member larger than 1 MB unpacked
    max_cells: int = 12_000_000  # cells holding something, all sheets of all files together
    max_sheets: int = 500  # sheets in one workbook
    memory_mb: int = 2_500  # address space the reading process may add (RLIMIT_AS); half each when two read at once
    cpu_s: int = 120  # CPU seconds the reading process may use (RLIMIT_CPU)
    timeout_s: float = 180.0  # wall-clock seconds before the reading process is stopped

    @classmethod
    def from_env(cls, **overrides: object) -> Limits:
        """The defaults, then FINANCE_UPLOAD_* environment variables, then the keyword arguments."""
        values: dict[str, object] = {}
        for field in fields(cls):
            raw = os.environ.get(ENV_PREFIX + field.name.upper())
            if raw is None or not raw.strip():
                continue
            kind = int if field.type in ("int", int) else float
            try:
                values[field.name] = kind(float(raw)) if kind is int else kind(raw)
            except ValueError:
                raise ValueError(f"{ENV_PREFIX}{field.name.upper()}={raw!r} is not a number") from None
        values.update({k: v for k, v in overrides.items() if v is not None})
        return replace(cls(), **values)


def megabytes(size: float) -> str:
    """1234567 -> '1.2 MB' (a size as a user reads it)."""
    mb = size / 1_000_000
    if mb >= 1000:
        return f"{mb / 1000:,.1f} GB"
    return f"{mb:,.1f} MB" if mb >= 0.1 else f"{size / 1000:,.0f} KB"
