"""CLI commands over `vendorwatch.analysis`: ``award`` and ``rollup``.

`vendorwatch.analysis` (and Ibis) is imported inside the commands: it takes most of a second,
which every other command, and ``--help``, should not pay.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Annotated, Any

import typer

from vendorwatch.cli.options import (
    JsonOption,
    WarehouseOption,
    analysis_connection,
    optional_day,
    read_connection,
)
from vendorwatch.cli.output import console, errors, money, print_json, show, titled_table
from vendorwatch.errors import VendorwatchError

# Kept in step with vendorwatch.analysis.rollups.DIMENSIONS by a test.
DIMENSION_NAMES = [
    "agency",
    "sub_agency",
    "office",
    "fiscal_year",
    "family",
    "organisation",
    "recipient",
    "recipient_uei",
    "psc",
    "naics",
    "state",
    "county",
    "city",
    "funding_agency",
    "funding_sub_agency",
    "competition",
    "classification",
    "role",
    "agreement",
]


TABLE_ROWS = 50  # a table longer than a screen or two is read with --json or `export`


def _date(text: str | None) -> date | None:
    return optional_day(text, "--as-of")


def award(
    award_id: Annotated[str, typer.Argument(help="PIID or generated award id (CONT_AWD_…).")],
    as_of: Annotated[
        str | None, typer.Option("--as-of", help="Obligations as of this date (YYYY-MM-DD).")
    ] = None,
    warehouse: WarehouseOption = None,
    as_json: JsonOption = False,
) -> None:
    """One award's transactions and cumulative obligations as of a date, and its competition."""
    from vendorwatch.analysis import award_history
    from vendorwatch.analysis.corrections import corrections_of

    con = analysis_connection(warehouse)
    history = award_history(con, award_id, _date(as_of))
    corrections = corrections_of(con, history.award_key)
    if as_json:
        print_json({**history.as_dict(), "corrections": [c.as_dict() for c in corrections]})
        return
    console.print(
        f"[bold]{history.piid}[/]  {history.recipient or 'recipient not named'}\n"
        f"{history.sub_agency or history.agency or ''}  ·  award {history.award_key}",
        highlight=False,
    )
    obligated = money(f"{history.obligated:.2f}") if history.obligated is not None else "unknown"
    part = " in the loaded transactions" if history.record_differs else ""
    console.print(f"Obligated as of {history.as_of.isoformat()}{part}: [bold]{obligated}[/]")
    if history.record_differs:
        console.print(f"[bold]Part of this award only:[/] {history.record_differs.sentence}")
    c = history.competition
    console.print(f"Competition: [bold]{c.status.value}[/] ({c.rule})", highlight=False)
    if (p := history.performance) is not None:
        period = f"{p.start or '?'} to {p.current_end or '?'}" if p.current_end else "no dates"
        potential = f", may run to {p.potential_end}" if p.potential_end else ""
        console.print(
            f"Performance: [bold]{p.status}[/] ({period}{potential}; from the {p.basis})",
            highlight=False,
        )
    columns = ["date", "mod", "obligation", "cumulative", "counted", "source"]
    table = titled_table("Transactions", columns, right={"obligation", "cumulative"})
    for a in history.transactions:
        table.add_row(
            a.action_date.isoformat(),
            a.modification_number or "",
            money(f"{a.obligation:.2f}"),
            money(f"{a.cumulative:.2f}"),
            "yes" if a.counted else "after",
            f"{a.source_file}:{a.source_row}",
        )
    show(table)
    if corrections:
        console.print("[bold]Corrections and deletions[/]", highlight=False)
    for correction in corrections:
        console.print(f"  {correction.sentence}", highlight=False)
    for note in history.notes:
        if history.record_differs is None or note != history.record_differs.sentence:
            console.print(f"[yellow]note:[/] {note}", highlight=False)


ByOption = Annotated[
    list[str] | None,
    typer.Option("--by", help=f"Group by (repeatable): {', '.join(DIMENSION_NAMES)}."),
]
WhereOption = Annotated[
    list[str] | None,
    typer.Option(
        "--where",
        help="Keep rows where DIMENSION=VALUE (repeatable); VALUE as shown by --by, or by "
        'name or id: family=relx-plc, family="RELX PLC", sub_agency=ICE.',
    ),
]
# `export awards` said --filter where `rollup` said --where: both are accepted for a release.
FilterAlias = Annotated[list[str] | None, typer.Option("--filter", hidden=True)]
LimitOption = Annotated[int | None, typer.Option(help="At most this many rows.")]
TableLimitOption = Annotated[
    int | None,
    typer.Option(
        help="At most this many rows (0: all).",
        show_default=f"{TABLE_ROWS} in a table, all with --json",
    ),
]
SummariesOption = Annotated[
    bool,
    typer.Option(
        "--summaries",
        help="Award-summary values instead: current and potential value, awards running.",
    ),
]
SummariesAsOfOption = Annotated[
    str | None,
    typer.Option("--as-of", help="With --summaries: count awards running on this day."),
]


def where_filters(con: Any, where: list[str] | None, alias: list[str] | None) -> dict[str, str]:
    """``--where`` (and ``--filter``) as a rollup's filters: one stored value per dimension."""
    from vendorwatch.analysis.filters import parse_filters, resolve_filters, single_values

    filters = [*parse_filters(where or []), *parse_filters(alias or [], option="--filter")]
    return single_values(resolve_filters(con, filters)) if filters else {}


def summaries_day(summaries: bool, as_of: str | None) -> date | None:
    """The day ``--summaries`` counts running awards on; ``--as-of`` alone is a mistake."""
    if as_of is not None and not summaries:
        raise VendorwatchError("--as-of goes with --summaries (transactions: `family --as-of`)")
    return _date(as_of)


def rollup_command(
    by: ByOption = None,
    where: WhereOption = None,
    limit: TableLimitOption = None,
    summaries: SummariesOption = False,
    as_of: SummariesAsOfOption = None,
    warehouse: WarehouseOption = None,
    as_json: JsonOption = False,
    filter_alias: FilterAlias = None,
) -> None:
    """Obligations, transactions and awards grouped by agency, fiscal year, recipient …"""
    from vendorwatch.analysis import rollup
    from vendorwatch.analysis.rollups import award_values

    day = summaries_day(summaries, as_of)
    con = analysis_connection(warehouse)
    filters = where_filters(con, where, filter_alias)
    dims = by or []
    if limit is not None and limit < 0:
        raise VendorwatchError(f"--limit {limit}: give a number of rows, or 0 for all")
    asked = limit or None  # 0: all
    fetch = asked if as_json else None  # a table counts the rows it leaves out
    if summaries:
        rows = award_values(con, dims, as_of=day, where=filters, limit=fetch)
        money_columns = ["obligated", "current_value", "potential_value"]
        count_columns = ["awards", "running", "ended", "not_started", "no_period"]
    else:
        rows = rollup(con, dims, where=filters, limit=fetch)
        money_columns, count_columns = ["obligations"], ["transactions", "awards"]
    if as_json:
        print_json(rows)
        return
    shown = rows if limit == 0 else rows[: asked or TABLE_ROWS]
    figures = [*money_columns, *count_columns]
    table = titled_table("", [*dims, *figures], right=set(figures))
    for row in shown:
        table.add_row(
            *(str(row[d]) if row[d] is not None else "—" for d in dims),
            *(money(row[c] or "0") for c in money_columns),
            *(f"{row[c]:,}" for c in count_columns),
        )
    show(table)
    if len(rows) > len(shown):
        more = len(rows) - len(shown)
        errors.print(
            f"{more:,} more row{'s' if more != 1 else ''} (use --limit 0 for all)", highlight=False
        )


def heading(data: dict[str, Any]) -> str:
    """Whose figures these are: the family, or a company named with its family."""
    name = str(data["subject"]["name"])
    if data["subject"]["id"] == data["family"]["id"]:
        return name
    return f"{name} (in the {data['family']['name']} family)"


def family(
    family_id: Annotated[
        str,
        typer.Argument(help="Family or company id, e.g. relx-plc, lexisnexis-risk-solutions."),
    ],
    warehouse: WarehouseOption = None,
    as_of: Annotated[
        str | None,
        typer.Option("--as-of", help="Only the obligations dated on or before this (YYYY-MM-DD)."),
    ] = None,
    as_json: JsonOption = False,
) -> None:
    """A family's rollup: companies, obligations by agency and fiscal year, awards, flags; for a
    company id, that company's figures within its family."""
    from vendorwatch.analysis.dossier import family_dossier
    from vendorwatch.registry import shipped_registry

    con = analysis_connection(warehouse)
    if as_of is not None:
        _family_as_of(con, family_id, _date(as_of), as_json=as_json)
        return
    # The summary below shows no claims; --json gives the whole dossier.
    dossier = family_dossier(con, shipped_registry(), family_id, claims=as_json, extras=as_json)
    if as_json:
        print_json(dossier)
        return
    totals = dossier["totals"] or {"obligations": "0", "transactions": 0, "awards": 0}
    console.print(
        f"[bold]{heading(dossier)}[/]  {money(totals['obligations'] or '0')} in "
        f"{totals['transactions']:,} transactions on {totals['awards']:,} awards",
        highlight=False,
    )
    if (v := dossier["award_summaries"]) is not None:
        console.print(
            f"Award summaries for {v['awards']:,} awards: current value "
            f"{money(v['current_value'] or '0')}, potential {money(v['potential_value'] or '0')}; "
            f"{v['running']:,} running today, {v['ended']:,} ended",
            highlight=False,
        )
    if (trend := dossier.get("competition_trend")) and trend["years"]:
        console.print(f"Competition: {trend['reading']}", highlight=False)
        if trend["trend"]:
            console.print(trend["trend"]["note"], highlight=False)
    if not totals["transactions"]:
        console.print(
            f"no transaction in the loaded data is resolved to {dossier['subject']['name']}",
            highlight=False,
        )
        for note in dossier["limits"][:1]:
            console.print(f"[yellow]note:[/] {note}", highlight=False)
        return
    sections = [
        ("Companies", dossier["by_organisation"], ["organisation"]),
        (
            "By fiscal year and sub-agency",
            dossier["by_year_and_agency"],
            ["fiscal_year", "sub_agency"],
        ),
        ("Competition", dossier["competition"], ["fiscal_year", "competition"]),
        ("What the awards buy", dossier["classification"], ["label"]),
    ]
    for title, rows, keys in sections:
        figures = ["obligations", "awards"]
        table = titled_table(title, [*keys, *figures], right=set(figures))
        for row in rows:
            table.add_row(
                *(str(row[k]) for k in keys), money(row["obligations"] or "0"), str(row["awards"])
            )
        show(table)
    columns = ["piid", "recipient", "class", "from", "to", "obligations"]
    top = titled_table("Largest awards", columns, right={"obligations"})
    for award in dossier["top_awards"]:
        top.add_row(
            award["piid"], award["recipient"], award["classification"] or "",
            award["first_action"], award["last_action"], money(award["obligations"]),
        )  # fmt: skip
    show(top)
    if dossier.get("coverage"):
        console.print(f"[yellow]covers:[/] {dossier['coverage']['scope']}", highlight=False)
    for limit in dossier["limits"]:
        console.print(f"[yellow]limit:[/] {limit}", highlight=False)


def _family_as_of(con: Any, family_id: str, day: date | None, *, as_json: bool) -> None:
    from vendorwatch.analysis.as_of import family_as_of
    from vendorwatch.registry import shipped_registry

    assert day is not None
    data = family_as_of(con, shipped_registry(), family_id, day)
    if as_json:
        print_json(data)
        return
    console.print(
        f"[bold]{heading(data)}[/] as of {data['as_of']}: "
        f"[bold]{money(data['obligated'])}[/] in {data['transactions']:,} transactions on "
        f"{data['awards']:,} awards (after that day: {money(data['after']['obligations'])}; "
        f"in the data now: {money(data['total_in_data'])})",
        highlight=False,
    )
    figures = ["obligations", "transactions", "awards"]
    table = titled_table("Companies", ["organisation", *figures], right=set(figures))
    for row in data["by_organisation"]:
        table.add_row(
            row["name"] or "—", money(row["obligations"] or "0"),
            f"{row['transactions']:,}", f"{row['awards']:,}",
        )  # fmt: skip
    show(table)
    columns = ["date", "piid", "recipient", "mod", "obligation", "source"]
    latest = titled_table("Last transactions on or before the day", columns, right={"obligation"})
    for r in data["latest"]:
        latest.add_row(
            r["action_date"], r["piid"] or "", r["recipient"] or "", r["modification_number"] or "",
            money(r["obligation"] or "0"), f"{r['source']['file']}:{r['source']['row']}",
        )  # fmt: skip
    show(latest)
    for note in data["notes"]:
        console.print(f"[yellow]note:[/] {note}", highlight=False)


def dossier(
    family_id: Annotated[
        str, typer.Argument(help="Family or company id, e.g. relx-plc, west-publishing.")
    ],
    output: Annotated[
        Path, typer.Option("-o", "--output", help="FILE.html, FILE.pdf or FILE.json.")
    ],
    warehouse: WarehouseOption = None,
) -> None:
    """Write a family dossier: ownership, products, obligations with charts, awards, claims."""
    from vendorwatch.analysis.dossier import family_dossier
    from vendorwatch.registry import shipped_registry
    from vendorwatch.reports.render import write_dossier

    data = family_dossier(read_connection(warehouse), shipped_registry(), family_id)
    kind = write_dossier(data, output)
    console.print(f"wrote {output} ({kind})", highlight=False)
