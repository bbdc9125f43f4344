"""Opening the warehouse file."""

from __future__ import annotations

from pathlib import Path

import duckdb

from vendorwatch.errors import VendorwatchError
from vendorwatch.warehouse.schema import create_schema


def open_warehouse(path: Path, *, read_only: bool = False) -> duckdb.DuckDBPyConnection:
    """Connect, creating the file and its tables on first use."""
    path = Path(path).expanduser()
    if read_only and not path.exists():
        raise VendorwatchError(f"no warehouse at {path}; run `vendorwatch load` first")
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        con = duckdb.connect(str(path), read_only=read_only)
    except duckdb.IOException as exc:
        raise VendorwatchError(f"cannot open the warehouse {path}: {exc}") from None
    # DuckDB draws its own progress bar on stdout for long queries; ours goes to stderr.
    con.execute("SET enable_progress_bar = false")
    if not read_only:
        create_schema(con)
    return con
