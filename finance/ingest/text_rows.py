"""A CSV file's rows as Arrow text columns: the cells are parsed in C++ and a Python string is made
only for what is looked at (the headings, each column's distinct values), not for every cell.

``read_text_rows`` gives the rows exactly as ``csv.reader`` does (same quoting, same values, same
row numbers) or None, and the file is then read by ``csv.reader`` as before. It gives None unless
every row has the same number of cells (two to MOST_COLUMNS) and no line is empty: Arrow reads an empty
line as a row of empty cells where ``csv.reader`` gives an empty row, and a row of another width
(a value such as 103,694.00 split in two) is reported from the csv module's rows. It also gives
None for a NUL character or a cell longer than the csv module's limit, whose messages come from
that module too. tests/finance/ingest/test_text_rows.py reads random files both ways.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator, Sequence
from typing import overload

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pa_csv

# csv.reader refuses a longer cell (its field_size_limit): such a file is left to it.
LONGEST_CELL = csv.field_size_limit()
# Arrow's cost grows with the columns (100,000 columns: 2.4 s, csv.reader a fraction of it): a file
# wider than any table is left to csv.reader.
MOST_COLUMNS = 1_000


class TextRows(Sequence):
    """Rows of text cells held by column, every row ``width`` cells wide; ``rows[i]`` is a list of str."""

    __slots__ = ("columns", "width")

    def __init__(self, columns: list[pa.Array]):
        self.columns = columns
        self.width = len(columns)

    def __len__(self) -> int:
        return len(self.columns[0]) if self.columns else 0

    @overload
    def __getitem__(self, index: int) -> list[str]: ...
    @overload
    def __getitem__(self, index: slice) -> TextRows: ...
    def __getitem__(self, index):
        if isinstance(index, slice):
            start, stop, step = index.indices(len(self))
            if step != 1:
                raise ValueError("TextRows slices have a step of 1")
            return TextRows([column.slice(start, max(stop - start, 0)) for column in self.columns])
        if index < 0:
            index += len(self)
        if not 0 <= index < len(self):
            raise IndexError(index)
        return [column[index].as_py() for column in self.columns]

    def __iter__(self) -> Iterator[list[str]]:
        return map(list, zip(*(column.to_pylist() for column in self.columns), strict=True))

    def column(self, position: int) -> pa.Array:
        """The cells at ``position`` of every row, as Arrow text."""
        return self.columns[position]


def _has_empty_line(text: str) -> bool:
    """Two line ends in a row (LF, CR LF or CR files), in a quoted value or not."""
    return "\n\n" in text or ("\r" in text and ("\r\r" in text or "\n\r" in text))


def read_text_rows(text: str, separator: str) -> TextRows | None:
    """The file's rows read by Arrow, or None where only csv.reader's rows are right (see the module's docstring)."""
    if "\x00" in text or text.startswith(("\n", "\r")) or _has_empty_line(text):
        return None
    try:
        first = next(csv.reader(io.StringIO(text, newline=""), delimiter=separator), [])
    except csv.Error:
        return None
    width = len(first)
    if not 2 <= width <= MOST_COLUMNS:
        return None
    try:
        table = pa_csv.read_csv(
            io.BytesIO(text.encode("utf-8")),
            read_options=pa_csv.ReadOptions(autogenerate_column_names=True, use_threads=False),
            parse_options=pa_csv.ParseOptions(delimiter=separator, newlines_in_values=True, ignore_empty_lines=False),
            convert_options=pa_csv.ConvertOptions(
                column_types={f"f{i}": pa.string() for i in range(width)}, strings_can_be_null=False, quoted_strings_can_be_null=False
            ),
        )
    except (pa.ArrowException, UnicodeError):
        return None
    if table.num_columns != width:
        return None
    columns = [table.column(i).combine_chunks() for i in range(width)]
    for column in columns:
        if len(column) and pc.max(pc.utf8_length(column)).as_py() > LONGEST_CELL:
            return None
    return TextRows(columns)
