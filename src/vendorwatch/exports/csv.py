"""CSV: a header row, then one row per rollup group or award; UTF-8, ``\\n`` line ends.

Money is written as exact decimal text with two places (``1234.50``, ``-12.00``), never through a
float; dates ISO 8601; an empty field is NULL (an unresolved family, an unknown state).
"""

from __future__ import annotations

import csv
from decimal import Decimal
from pathlib import Path
from typing import Any

import pyarrow as pa  # type: ignore[import-untyped]

from vendorwatch.exports.metadata import write_sidecar


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return f"{value:.2f}"
    if hasattr(value, "isoformat"):
        return str(value.isoformat())
    return str(value)


def write_csv(table: pa.Table, path: Path) -> int:
    """Write ``table`` to ``path`` (and, if it carries coverage, ``FILE.csv-metadata.json``
    beside it); returns the number of data rows."""
    with Path(path).open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(table.column_names)
        for batch in table.to_batches(max_chunksize=10_000):
            columns = [column.to_pylist() for column in batch.columns]
            writer.writerows([_cell(v) for v in row] for row in zip(*columns, strict=True))
    write_sidecar(table, Path(path))
    return int(table.num_rows)
