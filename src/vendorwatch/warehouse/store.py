"""Opening the warehouse file."""

from __future__ import annotations

from pathlib import Path

import duckdb

from vendorwatch.errors import VendorwatchError
from vendorwatch.warehouse.schema import check_schema_version, migrate
from vendorwatch.warehouse.snapshots import reader_path


def open_warehouse(path: Path, *, read_only: bool = False) -> duckdb.DuckDBPyConnection:
    """Connect to the published version (read-only), or to a plain warehouse file in place
    (read-write, creating it and its tables on first use: tests and single-user scripts).

    Commands that change a warehouse others may be reading write a new version instead
    (`vendorwatch.build.writing`); a versioned warehouse is never written in place.
    """
    path = Path(path).expanduser()
    if read_only:
        target = reader_path(path)
    elif path.is_symlink():
        raise VendorwatchError(
            f"{path} is published in versions; write it with vendorwatch.build.writing "
            "(`vendorwatch load`), not in place"
        )
    else:
        target = path
        path.parent.mkdir(parents=True, exist_ok=True)
    try:
        con = duckdb.connect(str(target), read_only=read_only)
    except duckdb.IOException as exc:
        raise VendorwatchError(f"cannot open the warehouse {path}: {exc}") from None
    # DuckDB draws its own progress bar on stdout for long queries; ours goes to stderr.
    con.execute("SET enable_progress_bar = false")
    check_schema_version(con, path)
    if not read_only:
        migrate(con)
    return con
