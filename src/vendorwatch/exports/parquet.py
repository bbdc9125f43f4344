"""Parquet: the typed table as is; money stays ``decimal128(38, 2)``, so it reads back exact."""

from __future__ import annotations

from pathlib import Path

import pyarrow as pa  # type: ignore[import-untyped]
import pyarrow.parquet as pq  # type: ignore[import-untyped]


def write_parquet(table: pa.Table, path: Path) -> int:
    """Write ``table`` to ``path`` (zstd); returns the number of rows. Its schema metadata (the
    coverage, `vendorwatch.exports.metadata`) is kept in the file."""
    pq.write_table(table, str(path), compression="zstd")
    return int(table.num_rows)
