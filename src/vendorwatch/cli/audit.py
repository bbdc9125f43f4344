"""``vendorwatch audit FILE... -o report.html|pdf|csv|json``: a thin call into the library."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from vendorwatch.cli.options import current_warehouse, warehouse_path
from vendorwatch.cli.output import console, errors, money, print_json
from vendorwatch.errors import VendorwatchError


def _columns(pairs: list[str] | None) -> dict[str, str] | None:
    if not pairs:
        return None
    mapping = {}
    for pair in pairs:
        role, sep, column = pair.partition("=")
        if not sep or not role.strip() or not column.strip():
            raise VendorwatchError(f"--column {pair!r}: write ROLE=HEADER, e.g. name=Resource")
        mapping[role.strip()] = column.strip()
    return mapping


def audit_command(
    files: Annotated[list[Path], typer.Argument(help="KBART, COUNTER, CSV or XLSX files.")],
    output: Annotated[
        Path | None,
        typer.Option("-o", "--output", help="Write FILE.html, FILE.pdf, FILE.csv or FILE.json."),
    ] = None,
    library: Annotated[
        str | None, typer.Option(help="The library's name, for the letters.")
    ] = None,
    kind: Annotated[
        str, typer.Option(help="auto (from the content), kbart, counter or table.")
    ] = "auto",
    column: Annotated[
        list[str] | None,
        typer.Option(
            "--column",
            help="Column for a role in a CSV/XLSX list: name=, vendor=, platform=, "
            "url=, identifier= (repeatable).",
        ),
    ] = None,
    encoding: Annotated[
        str | None, typer.Option(help="The files' encoding when it is not UTF-8.")
    ] = None,
    warehouse: Annotated[
        Path | None,
        typer.Option("--warehouse", help="The DuckDB warehouse."),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON document.")] = False,
    raw: Annotated[
        bool,
        typer.Option(
            "--raw",
            help="CSV report: write every cell verbatim, for programs (otherwise text starting "
            "=, +, -, @, tab or CR gets a leading ' so a spreadsheet shows it, never runs it).",
        ),
    ] = False,
) -> None:
    """Which holdings come from companies with ICE/CBP/DHS contracts; evidence, alternatives."""
    from rich.table import Table

    from vendorwatch.audit import audit_paths, write_audit
    from vendorwatch.warehouse import snapshots

    if kind not in ("auto", "kbart", "counter", "table"):
        raise VendorwatchError(f"--kind {kind!r}: use auto, kbart, counter or table")
    path = warehouse_path(warehouse)
    con = None
    if snapshots.version_id(path) is not None:
        from vendorwatch.analysis import connect

        con = connect(current_warehouse(path))
    elif warehouse is not None:
        raise VendorwatchError(f"{path}: no such warehouse")
    else:
        errors.print(
            f"[yellow]note:[/] no warehouse at {path}: the report has no DHS obligations "
            "(run `vendorwatch serve` or `vendorwatch load` first)",
            highlight=False,
        )
    report = audit_paths(
        files,
        con=con,
        library=library,
        kind=kind,
        encoding=encoding,
        columns=_columns(column),
    )
    if output is not None:
        fmt = write_audit(report, output, raw=raw)
        if not as_json:
            console.print(f"wrote {output} ({fmt})", highlight=False)
    if as_json:
        print_json(report.data)
        return
    data = report.data
    s = data["summary"]
    console.print(
        f"{s['holdings']:,} holdings, {s['usage_rows']:,} usage rows; {s['matched']:,} from "
        f"{s['families']} famil{'ies' if s['families'] != 1 else 'y'} in the registry; "
        f"{s['unmatched']:,} with no known enforcement contracts",
        highlight=False,
    )
    table = Table(title="Families", title_justify="left")
    for name in ("family", "products", "titles", "DHS obligations", "of which enforcement data"):
        table.add_column(name, justify="left" if name in {"family", "products"} else "right")
    for f in data["families"]:
        table.add_row(
            f["name"],
            ", ".join(p["name"] for p in f["products"]),
            f"{f['titles']:,}",
            money(f["obligations"]) if f["obligations"] else "—",
            money(f["enforcement_obligations"]) if f["enforcement_obligations"] else "—",
        )
    console.print(table)
    if data["databases"]:
        dbs = Table(title="Databases named in the files", title_justify="left")
        for name in ("database", "publisher", "platform", "family", "DHS obligations", "where"):
            dbs.add_column(name, justify="right" if name == "DHS obligations" else "left")
        for d in data["databases"]:
            dbs.add_row(
                d["database"],
                d["publisher"] or "(none given)",
                d["platform"],
                d["family_name"] or "no known enforcement contracts",
                money(d["obligations"]) if d["obligations"] else "—",
                f"{d['file']}:{d['line']}",
            )
        console.print(dbs)
    for u in data["usage_by_platform"]:
        metrics = ", ".join(f"{k} {v:,}" for k, v in u["metrics"].items())
        console.print(
            f"usage {u['platform']} ({u['family_name'] or 'no known enforcement contracts'}): "
            f"{metrics}",
            highlight=False,
        )
    if data["warehouse"]:
        console.print(data["warehouse"]["sentence"], highlight=False)
