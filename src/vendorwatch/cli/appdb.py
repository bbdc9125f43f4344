"""``vendorwatch backup`` and ``vendorwatch restore``: the app database to one file and back.

Thin over `vendorwatch.appdb.backup`; see docs/appdb.md for the file and what restore refuses.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from vendorwatch.cli.options import AppDbOption, JsonOption, get_settings
from vendorwatch.cli.output import console, print_json


def _report(verb: str, summary: dict[str, object], as_json: bool) -> None:
    if as_json:
        print_json(summary)
        return
    tables = summary["tables"]
    assert isinstance(tables, dict)
    held = ", ".join(f"{n} {t}" for t, n in tables.items() if n) or "no rows"
    if summary.get("files"):
        held += f"; {summary['files']} record files"
    console.print(
        f"{verb} {summary['rows']} rows (schema revision {summary['revision']}): {held}",
        highlight=False,
        soft_wrap=True,
    )


def backup_command(
    output: Annotated[
        Path, typer.Option("-o", "--output", help="The backup file to write (a .zip).")
    ],
    app_db: AppDbOption = None,
    as_json: JsonOption = False,
) -> None:
    """Write every row of the app database (accounts, FOIA requests, watchlists) to one file."""
    from vendorwatch.appdb.backup import backup

    summary = backup(app_db or get_settings().app_database_url, output)
    _report(f"wrote {output}:", summary.as_dict(), as_json)


def restore_command(
    backup_file: Annotated[Path, typer.Argument(help="A file written by `vendorwatch backup`.")],
    app_db: AppDbOption = None,
    replace: Annotated[
        bool,
        typer.Option("--replace", help="Replace the rows of a database that is not empty."),
    ] = False,
    as_json: JsonOption = False,
) -> None:
    """Load a backup into an empty app database (all or nothing; --replace to overwrite)."""
    from vendorwatch.appdb.backup import restore

    summary = restore(app_db or get_settings().app_database_url, backup_file, replace=replace)
    _report("restored", summary.as_dict(), as_json)
