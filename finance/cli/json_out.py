"""The ``run`` command's JSON document, written a column at a time instead of a dict per row.

The document is the contract of MODEL.md: ``{"rows": [...], "practices": [...], "federation": {...}}``
with unrounded numbers and null for none: the same JSON values, in the same order, that
``json.dump(results.to_json_dict())`` writes. Columns of numbers, booleans and text are written by
DuckDB (without spaces after the commas inside a row); any other column by Python, as the json
module writes it (floats by ``repr``, each distinct string escaped once). Every field of
engine.ROW_FIELDS and PRACTICE_FIELDS is written. A number that is not finite (which validation
keeps out) stops the output with one sentence rather than writing invalid JSON.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable, Sequence
from typing import IO, Any

import duckdb
import numpy as np
import pandas as pd
import pyarrow as pa

from finance.errors import FinanceError

_ROWS_PER_WRITE = 20_000


class NotFinite(FinanceError):
    """A result is infinite or not a number: the JSON would be invalid."""


def write_results(results: Any, out: IO[str], row_fields: Sequence[str], practice_fields: Sequence[str]) -> None:
    """``json.dump(results.to_json_dict(), out)``, fast: the rows, the practices, the federation."""
    out.write('{"rows": ')
    write_records(results.rows, row_fields, out, "rows")
    out.write(', "practices": ')
    write_records(results.practices, practice_fields, out, "practices")
    out.write(', "federation": ')
    out.write(json.dumps(results.federation.to_dict(), allow_nan=False))
    out.write("}")


def write_records(frame: pd.DataFrame, fields: Sequence[str], out: IO[str], what: str) -> None:
    """A JSON array of one object per row of ``frame`` with ``fields`` in that order.

    Columns of numbers, booleans and text are turned into JSON by DuckDB (its to_json, on the
    frame in place); a column holding anything else goes through the Python writer below.
    """
    if len(frame) == 0:
        out.write("[]")
        return
    _check_finite(frame, fields, what)
    if all(_plain_column(frame[name]) for name in fields):
        _write_with_duckdb(frame[list(fields)], out)
        return
    write_records_python(frame, fields, out, what)


def _check_finite(frame: pd.DataFrame, fields: Sequence[str], what: str) -> None:
    for name in fields:
        column = frame[name]
        if column.dtype.kind == "f":
            values = column.to_numpy(dtype=float, na_value=np.nan)
            if np.isinf(values).any():
                raise NotFinite(
                    f"the result {name} of {what} is not a finite number, so no JSON was written: check the inputs for huge values"
                )


def _plain_column(column: pd.Series) -> bool:
    """Numbers, booleans or text (with gaps): what DuckDB writes as the json module would."""
    return column.dtype.kind in "biuf" or (pd.api.types.is_string_dtype(column.dtype) and column.dtype != object)


def _write_with_duckdb(frame: pd.DataFrame, out: IO[str]) -> None:
    connection = duckdb.connect(":memory:")
    try:
        connection.execute("SET threads TO 2")
        connection.register("result_frame", frame)
        # Each row's JSON with ", " after it, fetched as Arrow: a batch's text is one buffer, written in one go
        # (as bytes to a stream that has them, sys.stdout's buffer: no decoding, no Python string per row).
        batches = connection.sql("SELECT to_json(r) || ', ' AS row FROM result_frame r").to_arrow_reader(_ROWS_PER_WRITE)
        raw = getattr(out, "buffer", None)
        if raw is not None:
            out.flush()
        write = raw.write if raw is not None else (lambda data: out.write(bytes(data).decode("utf-8")))
        write(b"[")
        pending = b""
        for batch in batches:
            column = batch.column(0)
            if not len(column):
                continue
            offsets = np.frombuffer(column.buffers()[1], dtype=np.int64 if pa.types.is_large_string(column.type) else np.int32)
            start, end = int(offsets[column.offset]), int(offsets[column.offset + len(column)])
            write(pending)
            pending = memoryview(column.buffers()[2])[start:end]
        write(bytes(pending[:-2]) + b"]")
        if raw is not None:
            raw.flush()
    finally:
        connection.close()


def write_records_python(frame: pd.DataFrame, fields: Sequence[str], out: IO[str], what: str) -> None:
    """The same array written by Python, a column at a time: for columns DuckDB would not write as json does."""
    if len(frame) == 0:
        out.write("[]")
        return
    columns = [_encoded(frame[name], name, what) for name in fields]
    # One %-template per row: '{"practice_code": %s, "service": %s, ...}' (keys escaped once, % doubled).
    template = "{" + ", ".join(f"{json.dumps(name).replace('%', '%%')}: %s" for name in fields) + "}"
    out.write("[")
    for start, chunk in enumerate(_chunks(zip(*columns, strict=True), _ROWS_PER_WRITE)):
        out.write((", " if start else "") + ", ".join([template % row for row in chunk]))
    out.write("]")


def _chunks(rows: Iterable[tuple[str, ...]], size: int) -> Iterable[list[tuple[str, ...]]]:
    chunk: list[tuple[str, ...]] = []
    for row in rows:
        chunk.append(row)
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def _encoded(series: pd.Series, name: str, what: str) -> list[str]:
    """Each value of a column as JSON text; null where missing."""
    missing = series.isna().to_numpy()
    kind = series.dtype.kind
    if kind == "b" and not missing.any():
        return ["true" if v else "false" for v in series.to_numpy(dtype=bool).tolist()]
    if kind in "iu" and not missing.any():
        return [str(v) for v in series.to_numpy(dtype=np.int64).tolist()]
    if kind == "f":
        values = series.to_numpy(dtype=float, na_value=np.nan)
        finite = np.isfinite(values) | missing
        if not finite.all():
            raise NotFinite(f"the result {name} of {what} is not a finite number, so no JSON was written: check the inputs for huge values")
        text = [repr(v) for v in values.tolist()]
        if missing.any():
            for i in np.flatnonzero(missing):
                text[i] = "null"
        return text
    return _encoded_objects(series, missing, name, what)


def _encoded_objects(series: pd.Series, missing: np.ndarray, name: str, what: str) -> list[str]:
    """Strings, booleans, numbers or None in an object (or string) column: each distinct value encoded once."""
    codes, distinct = pd.factorize(series.astype(object), use_na_sentinel=True)
    encoded = [_json_value(v, name, what) for v in distinct]
    lookup = np.array([*encoded, "null"], dtype=object)
    return lookup[codes].tolist()  # code -1 (missing) is the last entry: null


def _json_value(value: Any, name: str, what: str) -> str:
    if value is None or value is pd.NA:
        return "null"
    if hasattr(value, "item"):
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        raise NotFinite(f"the result {name} of {what} is not a finite number, so no JSON was written: check the inputs for huge values")
    return json.dumps(value)
