"""Options every command shares, defined once so they read and behave the same everywhere."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from vendorwatch.errors import VendorwatchError

if TYPE_CHECKING:
    from vendorwatch.settings import Settings

JsonOption = Annotated[bool, typer.Option("--json", help="Print one JSON document.")]
WarehouseOption = Annotated[
    Path | None,
    typer.Option(
        "--warehouse",
        help="The DuckDB warehouse file.",
        show_default="under the user data directory",
    ),
]

AppDbOption = Annotated[
    str | None,
    typer.Option(
        "--app-db",
        help="The app database URL (sqlite:///… or postgresql+psycopg://…).",
        show_default="a SQLite file beside the warehouse",
    ),
]


WaitOption = Annotated[
    float | None,
    typer.Option(
        "--wait",
        help="Seconds to wait if another load or sync is writing the warehouse.",
        show_default="the write_wait setting (0: refuse at once)",
    ),
]


def get_settings() -> Settings:
    """`vendorwatch.settings.get_settings`, imported when a command runs: pydantic-settings
    takes a good part of the time ``vendorwatch --help`` may spend."""
    from vendorwatch.settings import get_settings as settings

    return settings()


def read_settings() -> Any:
    """The settings as a command that only reads needs them (`vendorwatch.lightsettings`: the
    same values as `get_settings`, without importing pydantic-settings)."""
    from vendorwatch.lightsettings import read_settings as settings

    return settings()


def warehouse_path(path: Path | None) -> Path:
    """The ``--warehouse`` given, else the setting's default."""
    return path or Path(read_settings().warehouse)


def current_warehouse(path: Path | None) -> Path:
    """`warehouse_path`, with its families and facts brought up to date first if the registry,
    the code or the files changed since they were built (said on stderr while it happens)."""
    from vendorwatch.build import ensure_current
    from vendorwatch.cli.output import errors

    where = warehouse_path(path)
    ensure_current(where, notify=lambda why: errors.print(f"note: {why}…", soft_wrap=True))
    return where


def read_connection(path: Path | None) -> Any:
    """`vendorwatch.analysis.connect` to `current_warehouse`: one connection both checks that
    the derived data is current (`ensure_current`) and reads; a new one after a rebuild."""
    from vendorwatch.analysis.readcon import connect
    from vendorwatch.build import ensure_current
    from vendorwatch.cli.output import errors
    from vendorwatch.warehouse.snapshots import version_id

    where = warehouse_path(path)
    if version_id(where) is None:  # nothing published: connect says so
        return connect(where)
    con = connect(where)
    notify = lambda why: errors.print(f"note: {why}…", soft_wrap=True)  # noqa: E731
    if ensure_current(where, notify=notify, reader=con):
        con.con.close()  # it reads the version before the rebuild
        con = connect(where)
    return con


def analysis_connection(path: Path | None) -> Any:
    """`current_warehouse`, read by the engine the settings name (``--engine``): the DuckDB
    file (`read_connection`), or Spark over the version's Parquet dataset (built now if
    missing or stale)."""
    settings = read_settings()
    if settings.engine == "duckdb":  # what open_engine opens for it, with one connection
        return read_connection(path)
    from vendorwatch.analysis.spark import open_engine

    return open_engine(settings, current_warehouse(path))


def optional_day(text: str | None, option: str) -> date | None:
    """``YYYY-MM-DD`` (None if not given), or a one-line error naming the option and value."""
    if text is None:
        return None
    try:
        if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", text.strip()):
            raise ValueError
        return date.fromisoformat(text.strip())
    except ValueError:
        raise VendorwatchError(f"{option} {text!r} is not a date in the form YYYY-MM-DD") from None
