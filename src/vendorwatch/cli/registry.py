"""``vendorwatch registry …`` and ``vendorwatch resolve``: thin shells over the library."""

from __future__ import annotations

import sys
from datetime import date
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from vendorwatch.cli.options import (
    JsonOption,
    WarehouseOption,
    current_warehouse,
    get_settings,
    warehouse_path,
)
from vendorwatch.cli.output import console, errors, money, print_json, titled_table
from vendorwatch.errors import VendorwatchError

if TYPE_CHECKING:
    from vendorwatch.resolve import Decision
    from vendorwatch.resolve.warehouse import ResolveSummary

registry_app = typer.Typer(
    name="registry",
    help="The curated registry: organisations, ownership, products, FOIA offices, lists.",
    no_args_is_help=True,
)

RegistryOption = Annotated[
    Path | None,
    typer.Option(
        "--registry",
        help="A registry folder to use instead of the one shipped with vendorwatch.",
        show_default="the shipped registry",
    ),
]


@registry_app.command("check")
def check_command(registry: RegistryOption = None, as_json: JsonOption = False) -> None:
    """Validate every registry file; list each problem with its file and line."""
    from vendorwatch.registry import check_registry

    reg, problems = check_registry(registry)
    counts = {
        "organisations": len(reg.organisations),
        "ownership": len(reg.ownership),
        "products": len(reg.products),
        "sources": len(reg.sources),
        "foia_offices": len(reg.foia_offices),
        "jurisdiction_lists": len(reg.jurisdiction_lists),
        "claims": len(reg.claims),
        "events": len(reg.events),
        "overrides": len(reg.overrides),
        "classification_rules": len(reg.classification_rules),
    }
    if as_json:
        print_json(
            {"ok": not problems, "counts": counts, "problems": [p.as_dict() for p in problems]}
        )
    else:
        for problem in problems:
            errors.print(str(problem), highlight=False, markup=False, soft_wrap=True)
        if problems:
            errors.print(f"[red]{len(problems)} problem(s)[/] in the registry", highlight=False)
        else:
            summary = ", ".join(f"{n:,} {k.replace('_', ' ')}" for k, n in counts.items())
            console.print(f"[green]registry OK[/]: {summary}", highlight=False)
    if problems:
        raise typer.Exit(1)


def _parse_date(text: str | None) -> date | None:
    if text is None:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise typer.BadParameter(f"{text!r} is not a date (YYYY-MM-DD)") from None


MinAmountOption = Annotated[
    str,
    typer.Option("--min-amount", help="Report recipients whose ICE/CBP obligations exceed this."),
]


def _min_amount(text: str) -> Decimal:
    try:
        return Decimal(text.replace(",", "").lstrip("$"))
    except InvalidOperation:
        raise typer.BadParameter(f"{text!r} is not an amount") from None


@registry_app.command("draft-recipients")
def draft_recipients_command(
    min_amount: MinAmountOption = "1000000",
    warehouse: WarehouseOption = None,
    registry: RegistryOption = None,
) -> None:
    """Print YAML registering each unresolved large recipient as its own organisation."""
    from vendorwatch.registry import load_registry
    from vendorwatch.resolve import Resolver
    from vendorwatch.resolve.warehouse import draft_recipient_lists
    from vendorwatch.warehouse import open_warehouse

    resolver = Resolver(load_registry(registry))
    con = open_warehouse(current_warehouse(warehouse), read_only=True)
    try:
        sys.stdout.write(draft_recipient_lists(con, resolver, _min_amount(min_amount)))
    finally:
        con.close()


def _print_decisions(decisions: list[Decision]) -> None:
    from rich.table import Table

    table = Table()
    for column in ("name", "organisation", "family", "method", "score", "reason"):
        table.add_column(column, overflow="fold")
    for d in decisions:
        table.add_row(
            d.name,
            d.organisation or "[dim]none[/]",
            d.family or "[dim]none[/]",
            d.method,
            "" if d.score is None else f"{d.score:g}",
            d.reason
            + ("" if d.verified or "unverified" in d.reason else " (unverified)")
            + (f". Family: {d.family_reason}" if d.family_reason else ""),
        )
    console.print(table)


def _print_report(
    summary: ResolveSummary, report: list[dict[str, Any]], min_amount: Decimal
) -> None:
    from rich.table import Table

    methods = ", ".join(f"{k} {v:,}" for k, v in summary.by_method.items())
    console.print(
        f"Resolved {summary.identities:,} recipient identities ({methods}) "
        f"in {summary.seconds:.2f}s; wrote recipient_resolutions and organisation_families.",
        highlight=False,
    )
    if not report:
        console.print(
            f"[green]Every recipient with ICE/CBP obligations over {money(str(min_amount))} "
            "is resolved or registered.[/]",
            highlight=False,
        )
        return
    table = Table(
        title=f"Unresolved recipients over {money(str(min_amount))}", title_justify="left"
    )
    for column in ("recipient", "table", "obligations", "method", "reason"):
        table.add_column(
            column, overflow="fold", justify="right" if column == "obligations" else "left"
        )
    for r in report:
        table.add_row(
            r["name"], r["source_table"], money(str(r["amount"])), r["method"], r["reason"]
        )
    console.print(table)


def _review(warehouse: Path | None, *, as_json: bool) -> None:
    from vendorwatch.resolve.warehouse import review_queue
    from vendorwatch.warehouse import open_warehouse

    con = open_warehouse(current_warehouse(warehouse), read_only=True)
    try:
        queue = review_queue(con)
    finally:
        con.close()
    if as_json:
        print_json([{**r, "amount": str(r["amount"])} for r in queue])
        return
    if not queue:
        console.print("[green]No recipient is waiting for review.[/]", highlight=False)
        return
    columns = ["recipient", "obligations", "candidate", "score", "reason"]
    table = titled_table("Waiting for a curator", columns, right={"obligations", "score"})
    for r in queue:
        table.add_row(
            r["name"], money(str(r["amount"])), r["candidate"] or "",
            "" if r["score"] is None else f"{r['score']:g}", r["reason"],
        )  # fmt: skip
    console.print(table)
    console.print(
        "Settle each with an alias on the right organisation or an override "
        "(src/vendorwatch/registry/data/overrides.yaml), then `vendorwatch resolve --all`.",
        highlight=False,
    )


def resolve_command(
    names: Annotated[list[str] | None, typer.Argument(help="Recipient names to resolve.")] = None,
    uei: Annotated[str | None, typer.Option(help="The recipient's UEI.")] = None,
    duns: Annotated[str | None, typer.Option(help="The recipient's DUNS.")] = None,
    parent_uei: Annotated[str | None, typer.Option(help="SAM's parent UEI.")] = None,
    as_of: Annotated[
        str | None, typer.Option("--as-of", help="Family as of this date (YYYY-MM-DD).")
    ] = None,
    all_recipients: Annotated[
        bool,
        typer.Option("--all", help="Resolve every recipient in the warehouse and report gaps."),
    ] = False,
    review: Annotated[
        bool,
        typer.Option("--review", help="List the names waiting for a curator (close matches)."),
    ] = False,
    min_amount: MinAmountOption = "1000000",
    warehouse: WarehouseOption = None,
    registry: RegistryOption = None,
    as_json: JsonOption = False,
) -> None:
    """Which organisation and company family a recipient belongs to, and why."""
    from vendorwatch.registry import load_registry
    from vendorwatch.resolve import Resolver
    from vendorwatch.resolve.warehouse import unresolved_report
    from vendorwatch.warehouse import open_warehouse

    if review:
        _review(warehouse, as_json=as_json)
        return
    if not names and not all_recipients:
        raise typer.BadParameter("give one or more NAMES, --all or --review")
    on = _parse_date(as_of)
    resolver = Resolver(load_registry(registry))
    if names:
        decisions = [
            resolver.resolve(n, uei=uei, duns=duns, parent_uei=parent_uei, on=on) for n in names
        ]
        if as_json and not all_recipients:
            print_json([d.as_dict() for d in decisions])
        elif not as_json:
            _print_decisions(decisions)
    if all_recipients:
        threshold = _min_amount(min_amount)
        from vendorwatch.build import writing

        path = warehouse_path(warehouse)
        if registry is not None:  # the registry the new version's families are derived from
            get_settings().registry = registry
        with writing(path) as writer:
            writer.changed = True  # re-derive even if nothing else changed
        summary = writer.derived[0] if isinstance(writer.derived, tuple) else None
        if summary is None:
            raise VendorwatchError(f"{path}: the new version was not derived")  # never: changed
        con = open_warehouse(path, read_only=True)
        try:
            report = unresolved_report(con, threshold)
        finally:
            con.close()
        if as_json:
            print_json(
                {
                    "summary": summary.as_dict(),
                    "min_amount": str(threshold),
                    "unresolved": [{**r, "amount": str(r["amount"])} for r in report],
                }
            )
        else:
            _print_report(summary, report, threshold)
