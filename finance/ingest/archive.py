"""A workbook's zip checked against the limits before any part is unpacked (zip bombs, huge parts).

The sizes come from the zip's directory, which a hostile file can misstate; Python's zipfile
never returns more bytes than the directory declares for a part (and fails its CRC check if the
data is longer), so what is checked here is also the most that can be unpacked later.
"""

from __future__ import annotations

import io
import zipfile

from finance.errors import UploadError
from finance.ingest.limits import Limits, megabytes

_BIG_PART = 1_000_000  # the ratio limit applies to parts that unpack to more than this


def open_checked(name: str, content: bytes, limits: Limits) -> zipfile.ZipFile:
    """The workbook's zip, or UploadError in one sentence when it claims more than the limits allow."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(content))
        parts = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, EOFError):
        raise UploadError(f"{name} is damaged: it could not be opened as an Excel workbook. Save it again from Excel as .xlsx.") from None
    if len(parts) > limits.max_parts:
        raise UploadError(
            f"{name} has {len(parts):,} parts inside it, over the limit of {limits.max_parts:,}: it is not a workbook we can read. "
            "Save it again from Excel as .xlsx."
        )
    if any(p.flag_bits & 0x1 for p in parts):
        raise UploadError(f"{name} is password-protected: remove the password and save it again, then upload it.")
    total = 0
    for part in parts:
        size = part.file_size
        if size > limits.max_part_mb * 1_000_000:
            raise UploadError(
                f"{name} could not be read: its part {part.filename} unpacks to {megabytes(size)}, over the "
                f"{limits.max_part_mb:,.0f} MB limit for one sheet. Remove unused rows and columns, or split the workbook."
            )
        if size > _BIG_PART and size > limits.max_ratio * max(part.compress_size, 1):
            raise UploadError(
                f"{name} could not be read: its part {part.filename} unpacks to {megabytes(size)} from "
                f"{megabytes(part.compress_size)} ({size / max(part.compress_size, 1):,.0f} times), which no real workbook does. "
                "Save it again from Excel as .xlsx."
            )
        total += size
    if total > limits.max_unpacked_mb * 1_000_000:
        raise UploadError(
            f"{name} could not be read: it unpacks to {megabytes(total)}, over the {limits.max_unpacked_mb:,.0f} MB limit for one workbook. "
            "Remove unused sheets, rows and columns, or split it."
        )
    return archive
