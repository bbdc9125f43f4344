"""A read-only warehouse connection that becomes an Ibis backend only when one is needed.

A command whose questions are all in the SQL cache (`vendorwatch.analysis.prepared`) runs them
on ``.con``, DuckDB's own connection, and never imports Ibis (most of a second). Anything else
asked of the connection (``.table()``, compiling) makes the Ibis backend over the same DuckDB
connection on first use and is answered by it, so callers keep treating it as the Ibis backend.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import duckdb

from vendorwatch.warehouse.schema import SCHEMA_VERSION, check_schema_version
from vendorwatch.warehouse.snapshots import reader_path

# What Ibis's DuckDB backend sets on connecting (``_post_connect``), set here as well so that a
# query run before or without Ibis answers exactly as one run through it.
SETTINGS = (
    "SET enable_progress_bar = false",
    "SET TimeZone = 'UTC'",
    "SET python_enable_replacements = false",
)

# What every reading command asks first, in one statement: the layout version (refused if newer)
# and every table's columns and types (the SQL cache's key, `vendorwatch.analysis.sql_cache`).
# A file without a schema_version table (not a vendorwatch warehouse yet) fails it, and is asked
# the old way.
STATE = (
    "SELECT (SELECT max(version) FROM schema_version), "
    "(SELECT list([table_name, column_name, data_type] ORDER BY table_name, ordinal_position) "
    "FROM information_schema.columns WHERE table_schema = 'main')"
)


class ReadConnection:
    """DuckDB's connection as ``.con``; every other attribute is the Ibis backend's."""

    def __init__(
        self,
        raw: duckdb.DuckDBPyConnection,
        *,
        version: int | None = None,
        columns: list[tuple[str, str, str]] | None = None,
        file: Path | None = None,
    ) -> None:
        self.con = raw
        self.version = version  # the layout version, when `connect` read it
        self.columns = columns  # (table, column, type) of every table, when `connect` read them
        self.file = file  # the database file opened (`answer_cache` names its data by it)
        self._ibis: Any = None

    @property
    def backend(self) -> Any:
        """The Ibis backend over ``.con`` (Ibis imported now, the first time)."""
        if self._ibis is None:
            from vendorwatch.analysis import engine  # noqa: PLC0415 - Ibis only when needed

            self._ibis = engine.from_connection(self.con)
        return self._ibis

    def __getattr__(self, name: str) -> Any:
        return getattr(self.backend, name)


def connect(warehouse: Path) -> Any:
    """A read-only connection to the warehouse's published version (see `ReadConnection`)."""
    file = reader_path(warehouse).absolute()
    raw = duckdb.connect(str(file), read_only=True)
    for setting in SETTINGS:
        raw.execute(setting)
    try:
        version, columns = raw.execute(STATE).fetchall()[0]
    except duckdb.CatalogException:  # no schema_version table: check_schema_version says so
        return ReadConnection(raw, version=check_schema_version(raw, warehouse), file=file)
    if version is None or version > SCHEMA_VERSION:
        version = check_schema_version(raw, warehouse)  # its answer, or its error
    columns = [tuple(c) for c in columns or []]
    return ReadConnection(raw, version=version, columns=columns, file=file)
