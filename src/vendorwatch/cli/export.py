"""``vendorwatch export``: rollups and award lists as CSV or Parquet, awards as OCDS JSON.

Thin over `vendorwatch.exports`; the format is told by ``--format`` or the output's suffix
(``.csv``, ``.parquet``, ``.json`` for OCDS).
"""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from vendorwatch.cli.analysis import (
    ByOption,
    FilterAlias,
    LimitOption,
    SummariesAsOfOption,
    SummariesOption,
    WhereOption,
    summaries_day,
    where_filters,
)
from vendorwatch.cli.options import current_warehouse, get_settings
from vendorwatch.cli.output import console, print_json
from vendorwatch.errors import VendorwatchError

# kept in step with vendorwatch.analysis.browse.FACETS
FACET_NAMES = ("sub_agency", "family", "fiscal_year", "competition", "classification", "state",
               "agency", "role")  # fmt: skip

export_app = typer.Typer(
    help="Export rollups and award lists (CSV, Parquet) and awards as OCDS 1.1 release packages.",
    no_args_is_help=True,
)


class Format(StrEnum):
    CSV = "csv"
    PARQUET = "parquet"
    OCDS = "ocds"


_SUFFIXES = {".csv": Format.CSV, ".parquet": Format.PARQUET, ".json": Format.OCDS}

OutputOption = Annotated[
    Path, typer.Option("-o", "--output", help="FILE.csv, FILE.parquet or (awards) FILE.json.")
]
FormatOption = Annotated[
    Format | None, typer.Option("--format", help="Overrides the output's suffix.")
]
WarehouseOption = Annotated[
    Path | None,
    typer.Option("--warehouse", help="The DuckDB warehouse file."),
]
JsonOption = Annotated[
    bool, typer.Option("--json", help="Print what was written as one JSON document.")
]
RawOption = Annotated[
    bool,
    typer.Option(
        "--raw",
        help="CSV: write every cell verbatim, for programs. Without it, text a spreadsheet "
        "would run as a formula (starting =, +, -, @, tab or CR) gets a leading '.",
    ),
]


def _format(output: Path, chosen: Format | None, allowed: tuple[Format, ...]) -> Format:
    fmt = chosen or _SUFFIXES.get(output.suffix.lower())
    if fmt is None:
        raise VendorwatchError(
            f"cannot tell the format of {output}: use a .csv, .parquet or .json suffix or --format"
        )
    if fmt not in allowed:
        raise VendorwatchError(
            f"{fmt.value} is not available here; choose from {', '.join(f.value for f in allowed)}"
        )
    return fmt


def _done(output: Path, fmt: Format, rows: int, what: str, as_json: bool) -> None:
    if as_json:
        print_json({"output": str(output), "format": fmt.value, what: rows})
    else:
        console.print(f"wrote {output} ({fmt.value}, {rows:,} {what})", highlight=False)


@export_app.command("rollup")
def rollup_command(
    output: OutputOption,
    by: ByOption = None,
    where: WhereOption = None,
    limit: LimitOption = None,
    summaries: SummariesOption = False,
    as_of: SummariesAsOfOption = None,
    fmt: FormatOption = None,
    warehouse: WarehouseOption = None,
    as_json: JsonOption = False,
    raw: RawOption = False,
    filter_alias: FilterAlias = None,
) -> None:
    """A rollup (obligations, transactions, awards by any dimensions) as CSV or Parquet."""
    from vendorwatch.analysis import connect
    from vendorwatch.exports import rollup_table, write_csv, write_parquet
    from vendorwatch.exports.tables import award_values_table

    chosen = _format(output, fmt, (Format.CSV, Format.PARQUET))
    day = summaries_day(summaries, as_of)
    con = connect(current_warehouse(warehouse))
    filters = where_filters(con, where, filter_alias)
    if summaries:
        table = award_values_table(con, by or [], as_of=day, where=filters, limit=limit)
    else:
        table = rollup_table(con, by or [], where=filters, limit=limit)
    rows = (
        write_csv(table, output, raw=raw) if chosen is Format.CSV else write_parquet(table, output)
    )
    _done(output, chosen, rows, "rows", as_json)


@export_app.command("awards")
def awards_command(
    output: OutputOption,
    where: Annotated[
        list[str] | None,
        typer.Option(
            "--where",
            help="Keep awards where DIMENSION=VALUE (repeatable; a dimension given twice keeps "
            f"either value), as for `rollup`: {', '.join(FACET_NAMES)}.",
        ),
    ] = None,
    q: Annotated[str | None, typer.Option("--q", help="Words in recipient, PIID or text.")] = None,
    sort: Annotated[str, typer.Option(help="obligations, last_action, first_action …")] = (
        "obligations"
    ),
    ascending: Annotated[bool, typer.Option("--asc", help="Smallest first.")] = False,
    limit: Annotated[int | None, typer.Option(help="At most this many awards.")] = None,
    ocid_prefix: Annotated[
        str | None,
        typer.Option(
            "--ocid-prefix",
            help="OCDS: your registered OCID prefix (ocds-xxxxxx).",
            show_default="ocds-unregistered-vendorwatch",
        ),
    ] = None,
    fmt: FormatOption = None,
    warehouse: WarehouseOption = None,
    as_json: JsonOption = False,
    raw: RawOption = False,
    filter_alias: FilterAlias = None,
) -> None:
    """The award list (as on /browse) as CSV or Parquet, or as an OCDS 1.1 release package."""
    from vendorwatch.analysis import connect
    from vendorwatch.analysis.filters import parse_filters, resolve_filters
    from vendorwatch.exports import (
        DEFAULT_OCID_PREFIX,
        award_table,
        release_package,
        write_csv,
        write_ocds,
        write_parquet,
    )

    chosen = _format(output, fmt, (Format.CSV, Format.PARQUET, Format.OCDS))
    asked = [
        *parse_filters(where or [], allowed=FACET_NAMES),
        *parse_filters(filter_alias or [], option="--filter", allowed=FACET_NAMES),
    ]
    con = connect(current_warehouse(warehouse))
    filters = resolve_filters(con, asked)
    if q and q.strip():
        filters["q"] = [q.strip()]
    if chosen is Format.OCDS:
        package = release_package(
            con,
            filters,
            prefix=ocid_prefix or get_settings().ocid_prefix or DEFAULT_OCID_PREFIX,
            sort=sort,
            descending=not ascending,
            limit=limit,
        )
        _done(output, chosen, write_ocds(package, output), "releases", as_json)
        return
    table = award_table(con, filters, sort=sort, descending=not ascending, limit=limit)
    rows = (
        write_csv(table, output, raw=raw) if chosen is Format.CSV else write_parquet(table, output)
    )
    _done(output, chosen, rows, "awards", as_json)
