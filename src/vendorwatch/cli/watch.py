"""``vendorwatch watch …``: watchlists and their alerts; thin over `vendorwatch.alerts`.

The command line works as the machine's own user, admin of a local organisation (``--org``).
``watch run`` is safe from cron: a second run while one is going does nothing.
"""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal, InvalidOperation
from typing import Annotated, Any

import typer

from vendorwatch.cli.options import (
    AppDbOption,
    JsonOption,
    WarehouseOption,
    current_warehouse,
    get_settings,
)
from vendorwatch.cli.output import console, errors, print_json
from vendorwatch.errors import VendorwatchError

watch_app = typer.Typer(
    name="watch",
    help="Watchlists: alerts on new awards and modifications by Atom feed, email or webhook.",
    no_args_is_help=True,
)

OrgOption = Annotated[str, typer.Option("--org", help="The organisation the watchlists are for.")]


def _engine(url: str | None) -> Any:
    from vendorwatch.appdb import open_app_database

    return open_app_database(url or get_settings().app_database_url)


def _amount(text: str | None) -> Decimal | None:
    if text is None:
        return None
    try:
        value = Decimal(text.replace(",", "").lstrip("$"))
    except InvalidOperation:
        raise VendorwatchError(f"--min-amount {text!r} is not an amount of dollars") from None
    if not value.is_finite():
        raise VendorwatchError(f"--min-amount {text!r} is not an amount of dollars")
    return value


def _since(text: str | None) -> datetime | None:
    if text is None:
        return None
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise VendorwatchError(f"--since {text!r} is not a date (YYYY-MM-DD)") from None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _document(w: Any, secret: bool = False) -> dict[str, Any]:
    from vendorwatch.alerts import feed_path

    out = {
        "id": w.id,
        "name": w.name,
        "match": {"kind": w.match_kind, "value": w.match_value},
        "agencies": list(w.agencies),
        "min_amount": f"{w.min_amount:.2f}" if w.min_amount is not None else None,
        "change_kinds": list(w.change_kinds),
        "since": (w.since if w.since.tzinfo else w.since.replace(tzinfo=UTC)).isoformat(),
        "feed": feed_path(w),
        "email": w.email_to,
        "webhook": w.webhook_url,
        "active": w.active,
    }
    if secret:
        out["webhook_secret"] = w.webhook_secret
    return out


@watch_app.command("add")
def add_command(
    name: Annotated[str, typer.Argument(help="A name for the watchlist.")],
    family: Annotated[str | None, typer.Option(help="A company family (registry id).")] = None,
    company: Annotated[
        str | None, typer.Option(help="A company (registry organisation id) and all it owns.")
    ] = None,
    product_class: Annotated[
        str | None,
        typer.Option("--product-class", help="What the award buys, e.g. investigative_data."),
    ] = None,
    keyword: Annotated[
        str | None, typer.Option(help="Whole words in the award's texts or recipient.")
    ] = None,
    agencies: Annotated[
        list[str] | None, typer.Option("--agency", help="ice, cbp, uscis or dhs; repeatable.")
    ] = None,
    min_amount: Annotated[
        str | None, typer.Option("--min-amount", help="Only changes of at least this many $.")
    ] = None,
    kinds: Annotated[
        list[str] | None,
        typer.Option(
            "--kind",
            help="new_award, new_modification, obligation, deobligation, end_date_changed; "
            "repeatable (default: all).",
        ),
    ] = None,
    email: Annotated[str | None, typer.Option(help="Send alerts to this address.")] = None,
    webhook: Annotated[str | None, typer.Option(help="POST signed alerts to this URL.")] = None,
    since: Annotated[
        str | None,
        typer.Option(help="Alert on changes recorded from this date (default: from now)."),
    ] = None,
    org: OrgOption = "local",
    app_db: AppDbOption = None,
    as_json: JsonOption = False,
) -> None:
    """Create a watchlist; prints its feed path and, with --webhook, the signing secret."""
    from vendorwatch.alerts import add_watchlist
    from vendorwatch.appdb import transaction
    from vendorwatch.appdb.accounts import local_member
    from vendorwatch.registry import shipped_registry

    given = {
        k: v
        for k, v in {
            "family": family,
            "company": company,
            "product_class": product_class,
            "keyword": keyword,
        }.items()
        if v is not None
    }
    if len(given) != 1:
        raise VendorwatchError(
            "give exactly one of --family, --company, --product-class, --keyword"
        )
    ((kind, value),) = given.items()
    engine = _engine(app_db)
    try:
        with transaction(engine) as s:
            user, organisation = local_member(s, org)
            w = add_watchlist(
                s,
                user,
                organisation,
                shipped_registry(),
                name=name,
                match_kind=kind,
                match_value=value,
                agencies=agencies or (),
                min_amount=_amount(min_amount),
                change_kinds=kinds or (),
                email_to=email,
                webhook_url=webhook,
                since=_since(since),
            )
            document = _document(w, secret=True)
    finally:
        engine.dispose()
    if as_json:
        print_json(document)
        return
    console.print(f"Watchlist {document['id']} {name!r}", highlight=False)
    console.print(f"Feed: {document['feed']} (on the site; the URL is its key)", highlight=False)
    if document.get("webhook_secret"):
        console.print(
            f"Webhook secret (HMAC-SHA256 key of X-Vendorwatch-Signature): "
            f"{document['webhook_secret']}",
            highlight=False,
        )


@watch_app.command("list")
def list_command(
    removed: Annotated[bool, typer.Option("--removed", help="Show removed ones too.")] = False,
    org: OrgOption = "local",
    app_db: AppDbOption = None,
    as_json: JsonOption = False,
) -> None:
    """The organisation's watchlists, their feeds and channels."""
    from rich.table import Table

    from vendorwatch.alerts import watchlists
    from vendorwatch.appdb import transaction
    from vendorwatch.appdb.accounts import local_member

    engine = _engine(app_db)
    try:
        with transaction(engine) as s:
            user, organisation = local_member(s, org)
            found = [
                _document(w) | {"alerts": len(w.alerts)}
                for w in watchlists(s, user, organisation, include_removed=removed)
            ]
    finally:
        engine.dispose()
    if as_json:
        print_json(found)
        return
    table = Table()
    for column in ("id", "name", "watches", "agencies", "min $", "alerts", "feed", "sends to"):
        table.add_column(column)
    for w in found:
        table.add_row(
            str(w["id"]) + ("" if w["active"] else " (removed)"),
            w["name"],
            f"{w['match']['kind']} {w['match']['value']}",
            ", ".join(w["agencies"]) or "any",
            w["min_amount"] or "",
            str(w["alerts"]),
            w["feed"],
            ", ".join(x for x in (w["email"], w["webhook"]) if x),
        )
    console.print(table)


@watch_app.command("remove")
def remove_command(
    watchlist_id: Annotated[int, typer.Argument(help="The watchlist's id (see watch list).")],
    org: OrgOption = "local",
    app_db: AppDbOption = None,
    as_json: JsonOption = False,
) -> None:
    """Stop a watchlist (its alerts are kept; its feed goes away)."""
    from vendorwatch.alerts import remove_watchlist
    from vendorwatch.appdb import transaction
    from vendorwatch.appdb.accounts import local_member

    engine = _engine(app_db)
    try:
        with transaction(engine) as s:
            user, organisation = local_member(s, org)
            document = _document(remove_watchlist(s, user, organisation, watchlist_id))
    finally:
        engine.dispose()
    if as_json:
        print_json(document)
    else:
        console.print(f"Removed watchlist {watchlist_id} {document['name']!r}", highlight=False)


@watch_app.command("run")
def run_command(
    warehouse: WarehouseOption = None,
    app_db: AppDbOption = None,
    as_json: JsonOption = False,
) -> None:
    """Record what the last syncs changed for each watchlist and send it (safe from cron).

    Email goes through VENDORWATCH_SMTP_HOST / _PORT / _SENDER / _USERNAME / _PASSWORD /
    _STARTTLS / _SSL. Failed deliveries are retried on the next run; exit status 1 if any failed.
    """
    from vendorwatch.alerts import run_watchlists

    engine = _engine(app_db)
    try:
        report = run_watchlists(engine, current_warehouse(warehouse))
    finally:
        engine.dispose()
    if as_json:
        print_json(report.as_dict())
    elif report.locked_out:
        console.print("another watch run is in progress; nothing done", highlight=False)
    else:
        recorded = sum(report.recorded.values())
        console.print(
            f"{report.changes_read} change(s) read, {recorded} new alert(s) in "
            f"{len(report.recorded)} watchlist(s)",
            highlight=False,
        )
        for d in report.deliveries:
            if d.ok:
                console.print(
                    f"sent {d.alerts} alert(s) of watchlist {d.watchlist_id} by {d.channel}",
                    highlight=False,
                )
    for d in report.failures:
        errors.print(
            f"[red]not sent[/] watchlist {d.watchlist_id} by {d.channel} ({d.alerts} alert(s), "
            f"retried next run): {d.error}",
            highlight=False,
        )
    if report.failures:
        raise typer.Exit(1)
