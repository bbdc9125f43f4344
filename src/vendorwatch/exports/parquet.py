"""Parquet, written by DuckDB: money stays ``DECIMAL(38,2)``, so it reads back exact.

The rows go into an in-memory DuckDB table of the declared types (bound as parameters, never
pasted into SQL), then ``COPY … (FORMAT parquet)`` writes the file with the table's metadata as
Parquet key-value metadata, where Arrow readers find it in the schema's metadata.
"""

from __future__ import annotations

from pathlib import Path

import duckdb

from vendorwatch.exports.typed import Table

_CHUNK = 500  # rows per INSERT statement


def _identifier(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def write_parquet(table: Table, path: Path) -> int:
    """Write ``table`` to ``path`` (zstd); returns the number of rows. Its metadata (the
    coverage, `vendorwatch.exports.metadata`) is kept in the file."""
    con = duckdb.connect()
    try:
        columns = ", ".join(f"{_identifier(n)} {t}" for n, t in table.schema)
        con.execute(f"CREATE TABLE export ({columns})")
        row = "(" + ", ".join("?" for _ in table.schema) + ")"
        for start in range(0, table.num_rows, _CHUNK):
            chunk = table.rows[start : start + _CHUNK]
            values = [v for r in chunk for v in r]
            con.execute(f"INSERT INTO export VALUES {', '.join([row] * len(chunk))}", values)
        options = ["FORMAT parquet", "COMPRESSION zstd"]
        if table.metadata:
            pairs = ", ".join(f"{_literal(k)}: {_literal(v)}" for k, v in table.metadata.items())
            options.append(f"KV_METADATA {{{pairs}}}")
        con.execute(f"COPY export TO {_literal(str(path))} ({', '.join(options)})")
    finally:
        con.close()
    return table.num_rows
