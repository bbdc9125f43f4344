"""Options every command shares, defined once so they read and behave the same everywhere."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path
from typing import Annotated

import typer

from vendorwatch.errors import VendorwatchError
from vendorwatch.settings import get_settings

JsonOption = Annotated[bool, typer.Option("--json", help="Print one JSON document.")]
WarehouseOption = Annotated[
    Path | None,
    typer.Option(
        "--warehouse",
        envvar="VENDORWATCH_WAREHOUSE",
        help="The DuckDB warehouse file.",
        show_default="under the user data directory",
    ),
]

AppDbOption = Annotated[
    str | None,
    typer.Option(
        "--app-db",
        envvar="VENDORWATCH_APP_DATABASE_URL",
        help="The app database URL (sqlite:///… or postgresql+psycopg://…).",
        show_default="a SQLite file beside the warehouse",
    ),
]


def warehouse_path(path: Path | None) -> Path:
    """The ``--warehouse`` given, else the setting's default."""
    return path or get_settings().warehouse


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
