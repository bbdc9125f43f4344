"""Per loaded file, where each table column came from: a header of another name (mapped),
SQL over other columns (derived, e.g. the unique keys an old layout lacks) or nowhere (missing).

Kept beside ``source_files`` (not in it: its rows are written positionally by the loader and
by sync) so that `vendorwatch status` can say how an old or foreign layout was read.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import duckdb

FILE_COLUMNS_SQL = """
    CREATE TABLE IF NOT EXISTS source_file_columns (
        sha256 VARCHAR NOT NULL,  -- the file's source_files key
        column_name VARCHAR NOT NULL,  -- the warehouse column
        how VARCHAR NOT NULL,  -- mapped | derived | missing
        source VARCHAR  -- mapped: the file's header; derived: what it was derived from
    )
"""


def record_file_columns(
    con: duckdb.DuckDBPyConnection,
    sha256: str,
    *,
    mapped: Mapping[str, str],
    derived: Mapping[str, str],
    missing: Sequence[str],
) -> None:
    """Inside the load's transaction; ``mapped`` and ``derived`` map column -> source."""
    rows = [
        *((sha256, c, "mapped", h) for c, h in mapped.items()),
        *((sha256, c, "derived", s) for c, s in derived.items()),
        *((sha256, c, "missing", None) for c in missing),
    ]
    if rows:
        con.executemany("INSERT INTO source_file_columns VALUES (?, ?, ?, ?)", rows)


def file_columns(con: duckdb.DuckDBPyConnection) -> dict[str, dict[str, dict[str, str | None]]]:
    """sha256 -> {"mapped": {column: header}, "derived": {column: from}} of every file."""
    out: dict[str, dict[str, dict[str, str | None]]] = {}
    tables = {n for (n,) in con.execute("SELECT table_name FROM duckdb_tables()").fetchall()}
    if "source_file_columns" not in tables:  # a layout-2 warehouse opened read-only
        return out
    rows = con.execute(
        "SELECT sha256, column_name, how, source FROM source_file_columns "
        "WHERE how <> 'missing' ORDER BY sha256, how, column_name"
    ).fetchall()
    for sha, column, how, source in rows:
        out.setdefault(sha, {"mapped": {}, "derived": {}})[how][column] = source
    return out
