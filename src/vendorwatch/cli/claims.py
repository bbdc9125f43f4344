"""``vendorwatch claim check``: is a stated figure what the data says on that day?

A thin shell over `vendorwatch.analysis.claims` (imported inside the command: Ibis takes
most of a second that ``--help`` should not pay).
"""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated

import typer

from vendorwatch.cli.options import (
    JsonOption,
    WarehouseOption,
    analysis_connection,
    optional_day,
)
from vendorwatch.cli.output import console, money, print_json, titled_table
from vendorwatch.errors import VendorwatchError

claim_app = typer.Typer(
    help="Check a reported figure against the same figure in the data.", no_args_is_help=True
)


class Measure(StrEnum):
    obligated = "obligated"
    current = "current"
    potential = "potential"


_SHOWN = {"consistent": "[green]consistent[/]", "inconsistent": "[red]inconsistent[/]"}


@claim_app.command("check")
def check_command(
    subject: Annotated[
        str, typer.Argument(help="A family or company id, a PIID or a generated award id.")
    ],
    amount: Annotated[str, typer.Argument(help="The stated amount: 8.3M, '$16.8 million' …")],
    on: Annotated[str, typer.Option("--on", help="The day it was stated (YYYY-MM-DD).")],
    measure: Annotated[
        Measure, typer.Option(help="What the amount is: obligated to date, current or potential.")
    ] = Measure.obligated,
    warehouse: WarehouseOption = None,
    as_json: JsonOption = False,
) -> None:
    """The verdict on AMOUNT as SUBJECT's MEASURE on the day: consistent, inconsistent or
    cannot_check, with the reason and the rows behind the data's figure."""
    from vendorwatch.analysis.claims import check_claim, parse_amount
    from vendorwatch.registry import shipped_registry

    stated = parse_amount(amount)
    day = optional_day(on, "--on")
    if day is None:  # typer makes --on required; kept for the type checker
        raise VendorwatchError("--on DATE is required")
    con = analysis_connection(warehouse)
    result = check_claim(
        con,
        shipped_registry(),
        subject,
        stated.amount,
        day,
        measure=measure.value,
        tolerance=stated.tolerance,
    ).as_dict()
    if as_json:
        print_json(result)
        return
    name = result["subject_name"] or subject
    console.print(
        f"[bold]{name}[/], {result['measure_label']} on {result['on']}: "
        f"claimed {money(result['amount'])}",
        highlight=False,
    )
    if result["data_figure"] is not None:
        console.print(f"Data: [bold]{money(result['data_figure'])}[/]", highlight=False)
    verdict = _SHOWN.get(result["verdict"], "[yellow]cannot check[/]")
    console.print(f"{verdict}: {result['reason']}", highlight=False)
    for note in result["notes"]:
        console.print(f"[dim]note: {note}[/]", highlight=False)
    if result["sources"]:
        table = titled_table(
            "Rows behind the figure", ["date", "mod", "amount", "file", "row"], right={"amount"}
        )
        for s in result["sources"]:
            table.add_row(
                s["action_date"] or "",
                s["modification_number"] or "",
                money(s["amount"]) if s["amount"] is not None else "",
                s["file"],
                str(s["row"]),
            )
        console.print(table)


@claim_app.command("list")
def list_command(
    subject: Annotated[
        str | None, typer.Option(help="Only claims filed under this organisation id.")
    ] = None,
    warehouse: WarehouseOption = None,
    as_json: JsonOption = False,
) -> None:
    """The registry's claims, each with the verdict the dossier shows (the same check)."""
    from vendorwatch.analysis.claims import check_registry_claim
    from vendorwatch.analysis.prepared import Prepared
    from vendorwatch.registry import shipped_registry

    registry = shipped_registry()
    if subject is not None and subject not in registry.organisations:
        raise VendorwatchError(f"no organisation {subject!r} in the registry")
    con = analysis_connection(warehouse)
    questions = Prepared(con)
    found = [
        (entry.value, check_registry_claim(con, registry, entry.value, questions).as_dict())
        for entry in registry.claims.values()
        if subject is None or entry.value.subject == subject
    ]
    if as_json:
        print_json([{"id": claim.id, "statement": claim.statement, **r} for claim, r in found])
        return
    table = titled_table(
        "Registry claims", ["claim", "stated", "measure", "claimed", "data", "verdict"],
        right={"claimed", "data"},
    )  # fmt: skip
    for claim, r in found:
        stated = claim.stated_on.isoformat()
        if claim.stated_by:
            stated += f" to {claim.stated_by.isoformat()}"
        claimed = "" if claim.amount is None else money(r["amount"])
        if claim.kind == "count" and claim.amount is not None:
            claimed = f"{claim.amount:,} {claim.unit or ''}".strip()  # a count, not dollars
        elif claim.kind == "date" and claim.since is not None:
            claimed = f"since {claim.since.year if claim.precision == 'year' else claim.since}"
        elif claim.kind == "yes_no":
            claimed = "yes" if claim.holds else "no"
        shown = money(r["data_figure"]) if r["data_figure"] is not None else (r["data_date"] or "")
        table.add_row(
            claim.id,
            stated,
            claim.measure or claim.kind,
            claimed,
            shown,
            _SHOWN.get(r["verdict"], "[yellow]cannot check[/]"),
        )
    console.print(table)
