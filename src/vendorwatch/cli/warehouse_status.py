"""What `load` did and what the warehouse holds, as people read it: the shared output of
`vendorwatch load`, `status` and `serve`."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from vendorwatch.cli.output import console, errors, money

if TYPE_CHECKING:
    from vendorwatch.warehouse import LoadResult


def print_results(results: list[LoadResult], verbose: bool) -> None:
    """One line per file `load` read: loaded, already loaded, skipped (folded) or failed."""
    skipped = [r for r in results if r.status == "skipped"]
    for r in results:
        if r.status == "loaded":
            console.print(
                f"[green]loaded[/] {r.path} [dim]({r.layout}, {r.rows:,} rows, "
                f"dates {r.date_convention}, {r.seconds:.2f}s)[/]",
                highlight=False,
            )
        elif r.status == "already loaded":
            console.print(
                f"[cyan]already loaded[/] {r.path} [dim](same content as {r.already_loaded_as})[/]",
                highlight=False,
            )
        elif r.status == "skipped" and (verbose or len(skipped) == 1):
            console.print(f"[yellow]skipped[/] {r.error}", highlight=False, soft_wrap=True)
        elif r.status == "error":
            errors.print(f"[red]error[/] {r.error}", highlight=False, soft_wrap=True)
    if len(skipped) > 1 and not verbose:
        console.print(
            f"[yellow]skipped[/] {len(skipped)} file(s) that are not contract data "
            "[dim](--verbose lists them)[/]",
            highlight=False,
        )


def _shorten(text: str, width: int) -> str:
    """Keep both ends of a long file name: its start and its date or suffix both matter."""
    if len(text) <= width:
        return text
    half = (width - 1) // 2
    return f"{text[:half]}…{text[-(width - 1 - half) :]}"


def print_status(summary: dict[str, Any]) -> None:
    """`read_status` as two tables: the source files, then the tables' totals."""
    from rich.table import Table

    from vendorwatch.warehouse.layouts import LAYOUTS_BY_NAME

    console.print(f"Warehouse: {summary['warehouse']}", highlight=False)
    files = Table(title="Source files", title_justify="left")
    for column in ("file", "layout", "rows", "from", "to", "total"):
        files.add_column(
            column,
            justify="right" if column in ("rows", "total") else "left",
            no_wrap=True,
        )
    for f in summary["files"]:
        files.add_row(
            _shorten(f["file_name"], 34),
            LAYOUTS_BY_NAME[f["layout"]].short,
            f"{f['rows']:,}",
            f["date_min"] or "",
            f["date_max"] or "",
            money(f["amount_total"]),
        )
    console.print(files)
    for f in summary["files"]:  # how an older or foreign layout was read
        derived, missing = f.get("derived_columns") or {}, f["missing_columns"]
        if derived or (missing and LAYOUTS_BY_NAME[f["layout"]].derive):
            mapped = f.get("mapped_columns") or {}
            console.print(
                f"{f['file_name']}: {len(mapped)} columns mapped from other names; derived "
                + (", ".join(f"{c} (from {s})" for c, s in derived.items()) or "nothing")
                + f"; missing {', '.join(missing) or 'nothing'}",
                highlight=False,
            )
    tables = Table(title="Tables", title_justify="left")
    for column in ("table", "rows", "files", "from", "to", "total of", "total"):
        tables.add_column(
            column, justify="right" if column in ("rows", "files", "total") else "left"
        )
    for name, t in summary["tables"].items():
        tables.add_row(
            name,
            f"{t['rows']:,}",
            str(t["files"]),
            t["date_min"] or "",
            t["date_max"] or "",
            t["amount_column"],
            money(t["amount_total"]),
        )
    console.print(tables)


def read_status(path: Path) -> dict[str, Any]:
    """What the warehouse at ``path`` holds (`vendorwatch.warehouse.status`), read-only."""
    from vendorwatch.warehouse import open_warehouse, status

    con = open_warehouse(path, read_only=True)
    try:
        return {"warehouse": str(path), **status(con)}
    finally:
        con.close()
