"""``vendorwatch sanctuary [ID]``: where the money was performed, against each "sanctuary" list.

A thin shell over `vendorwatch.analysis.sanctuary` (imported inside the command: Ibis takes
most of a second that ``--help`` should not pay).
"""

from __future__ import annotations

from typing import Annotated, Any

import typer

from vendorwatch.cli.options import JsonOption, WarehouseOption, current_warehouse
from vendorwatch.cli.output import console, money, print_json, titled_table


def sanctuary_command(
    organisation: Annotated[
        str | None, typer.Argument(help="A family or company id (default: every recipient).")
    ] = None,
    jurisdictions: Annotated[
        str | None,
        typer.Option("--list", help="One jurisdiction list by id (default: every list)."),
    ] = None,
    warehouse: WarehouseOption = None,
    as_json: JsonOption = False,
) -> None:
    """Money by place of performance, and how much of it falls in the jurisdictions on each
    registry list of "sanctuary" places (each named with its publisher and date)."""
    from vendorwatch.analysis import connect
    from vendorwatch.analysis.dossier import require_family, scope
    from vendorwatch.analysis.sanctuary import sanctuary_places
    from vendorwatch.registry import shipped_registry

    registry = shipped_registry()
    con = connect(current_warehouse(warehouse))
    family, orgs = None, []
    if organisation is not None:
        ref = require_family(con, registry, organisation)
        family = ref.family
        orgs = [] if ref.is_family else scope(registry, ref)[0]
    answer = sanctuary_places(con, registry, family=family, orgs=orgs, list_id=jurisdictions)
    if as_json:
        print_json(answer)
        return
    _print(answer)


def _print(answer: dict[str, Any]) -> None:
    from vendorwatch.formatting import day

    for missing in answer["without_place"]:
        console.print(
            f"The {missing['source']} ({money(missing['total'])}) carry no place of performance.",
            highlight=False,
        )
    for shown in answer["lists"]:
        entry = shown["list"]
        flag = "" if entry["verified"] else " (unverified)"
        console.print(
            f"\n[bold]{entry['publisher']}[/]'s list as of {day(entry['published'])}{flag}",
            highlight=False,
        )
        if entry["not_matched"]:
            console.print(
                f"  {len(entry['not_matched'])} city entries without a state not matched: "
                + ", ".join(entry["not_matched"]),
                highlight=False,
            )
        if not shown["measures"]:
            console.print("  no loaded record of this says where the work was performed")
        for m in shown["measures"]:
            console.print(
                f"  {m['source']}: {money(m['in_listed_places'])} of {money(m['total'])} in "
                f"listed places ({money(m['without_place'])} with no place)",
                highlight=False,
            )
            table = titled_table(
                "  by state", ["state", "awards", "total", "in listed places"],
                right={"awards", "total", "in listed places"},
            )  # fmt: skip
            for row in m["by_state"]:
                table.add_row(
                    row["state"], f"{row['count']:,}", money(row["amount"]), money(row["listed"])
                )
            console.print(table)
