"""``vendorwatch foia …``: deadlines, letters and the request tracker; thin over `vendorwatch.foia`.

The command line works as the machine's own user, admin of a local organisation (``--org``);
logins, sessions and CSRF belong to the web site.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager
from datetime import date
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Annotated, Any

import typer

from vendorwatch.cli.local import TodayOption, local_scope, number
from vendorwatch.cli.options import (
    AppDbOption,
    JsonOption,
    WarehouseOption,
    current_warehouse,
    optional_day,
)
from vendorwatch.cli.output import console, print_json
from vendorwatch.errors import VendorwatchError

foia_app = typer.Typer(
    name="foia",
    help="Draft FOIA requests from award records, track them, and compute their deadlines.",
    no_args_is_help=True,
)

OrgOption = Annotated[str, typer.Option("--org", help="The organisation whose requests these are.")]


def parse_date(text: str, what: str) -> date:
    """``YYYY-MM-DD`` or a one-line error naming the option and the value."""
    day = optional_day(text, what)
    assert day is not None
    return day


def _today(text: str | None) -> date:
    return parse_date(text, "--today") if text else date.today()


def _clock_event(text: str) -> Any:
    from vendorwatch.foia.clock import Event
    from vendorwatch.foia.tracker import event_kind

    parts = text.split(":")
    if len(parts) not in (2, 3):
        raise VendorwatchError(f"--event {text!r}: write KIND:DATE or KIND:DATE:DAYS")
    kind = event_kind(parts[0])
    if kind.clock is None:
        raise VendorwatchError(f"--event {text!r}: a {parts[0]!r} event does not move the clock")
    days = None
    if len(parts) == 3:
        if not parts[2].isdigit() or int(parts[2]) == 0:
            raise VendorwatchError(f"--event {text!r}: DAYS must be a whole number above 0")
        days = int(parts[2])
    return Event(parse_date(parts[1], f"--event {text!r}"), kind.clock, days)


def _event_shape(values: list[str] | None) -> list[str] | None:
    """``--event`` values in the accepted form, checked before Typer sees a stray date (with a
    space for the colon, ``info-requested 2026-06-18`` would be "an unexpected argument")."""
    for value in values or []:
        if ":" not in value:
            raise typer.BadParameter(
                f"{value!r} has no date; write KIND:DATE or KIND:DATE:DAYS with colons, "
                f"e.g. --event {value or 'info-requested'}:2026-06-18",
                param_hint="--event",
            )
    return values


def _print_schedule(sched: Any) -> None:
    for d in sched.deadlines:
        due = d.due.isoformat() if d.due else "no date"
        colour = {"overdue": "red", "long-overdue": "bold red", "paused": "yellow"}.get(
            d.status, "green"
        )
        console.print(f"[bold]{d.title}[/]: {due} [{colour}]{d.status}[/]", highlight=False)
        console.print(f"  {d.text}", highlight=False)
        console.print(f"  [dim]{d.rule}[/]", highlight=False)
    for note in sched.notes:
        console.print(f"[dim]note: {note}[/]", highlight=False)


@foia_app.command("deadline")
def deadline_command(
    received: Annotated[str, typer.Option("--received", help="Date the agency received it.")],
    agency: Annotated[
        str | None, typer.Option("--agency", help="Agency or FOIA office id (its appeal rule).")
    ] = None,
    event: Annotated[
        list[str] | None,
        typer.Option(
            "--event",
            help="KIND:DATE[:DAYS], e.g. info-requested:2026-06-18, extended:2026-07-10.",
            callback=_event_shape,
        ),
    ] = None,
    closures: Annotated[
        bool, typer.Option("--closures", help="Count executive-order closures as holidays.")
    ] = False,
    today: TodayOption = None,
    as_json: JsonOption = False,
) -> None:
    """Every due date that follows from the receipt date and events, each explained."""
    from vendorwatch.foia.clock import STATUTORY_APPEAL, FederalCalendar, schedule
    from vendorwatch.foia.directory import find_office

    start = parse_date(received, "--received")
    events = [_clock_event(e) for e in event or []]
    appeal = find_office(agency).appeal if agency else STATUTORY_APPEAL
    sched = schedule(
        start,
        events,
        today=_today(today),
        appeal=appeal,
        calendar=FederalCalendar(closures=closures),
    )
    if as_json:
        print_json({"agency": agency, **sched.as_dict()})
    else:
        _print_schedule(sched)


@foia_app.command("offices")
def offices_command(as_json: JsonOption = False) -> None:
    """The FOIA offices in the registry: routes, appeal window and office, sources."""
    from rich.table import Table

    from vendorwatch.foia.directory import offices

    found = [o.as_dict() for o in offices()]
    if as_json:
        print_json(found)
        return
    table = Table()
    for column in ("id", "office", "request routes", "appeal"):
        table.add_column(column)
    for o in found:
        routes = "\n".join(
            f"{r['kind']}: {r['value']}{'' if r['verified'] else ' (unverified)'}"
            for r in o["routes"]
            if r["purpose"] == "request"
        )
        a = o["appeal"]
        table.add_row(o["id"], o["name"], routes, f"{a['days']} {a['unit']} ({a['rule']})")
    console.print(table)


# --- letters ---------------------------------------------------------------------------------


def _requester(
    *,
    name: str | None,
    organisation: str | None,
    email: str | None,
    phone: str | None,
    address: str | None,
    fee_category: str,
    fee_limit: str,
) -> Any:
    from vendorwatch.foia.letters import FeeCategory, Requester

    if not name:
        raise VendorwatchError("--name: the requester's name is needed for the letter")
    try:
        category = FeeCategory(fee_category)
    except ValueError:
        known = ", ".join(c.value for c in FeeCategory)
        raise VendorwatchError(f"--fee-category {fee_category!r}: use one of {known}") from None
    try:
        limit = Decimal(fee_limit)
    except InvalidOperation:
        raise VendorwatchError(f"--fee-limit {fee_limit!r} is not an amount") from None
    return Requester(name, organisation, email, phone, address, category, limit)


NameOption = Annotated[str | None, typer.Option("--name", help="Requester's name.")]
OrgNameOption = Annotated[
    str | None, typer.Option("--organisation", help="Requester's organisation.")
]
EmailOption = Annotated[str | None, typer.Option("--email", help="Requester's email.")]
PhoneOption = Annotated[str | None, typer.Option("--phone", help="Requester's phone.")]
AddressOption = Annotated[str | None, typer.Option("--address", help="Requester's address.")]
FeeCategoryOption = Annotated[
    str,
    typer.Option(
        "--fee-category", help="commercial, educational, scientific, news-media or other."
    ),
]
FeeLimitOption = Annotated[
    str, typer.Option("--fee-limit", help="Fees you agree to pay without being asked.")
]
OutputOption = Annotated[
    Path | None, typer.Option("-o", "--output", help="Write .txt, .docx or .pdf (by suffix).")
]


def _emit(letter: Any, output: Path | None) -> None:
    from vendorwatch.foia.letters import write_letter

    if output is None:
        typer.echo(letter.text, nl=False)
        return
    write_letter(letter, output)
    console.print(f"wrote {output}", highlight=False)


@contextmanager
def _warehouse(path: Path | None) -> Iterator[Any]:
    from vendorwatch.analysis import connect

    con = connect(current_warehouse(path))
    try:
        yield con
    finally:
        con.disconnect()


def _awards(
    award: list[str] | None,
    recipient: str | None,
    date_from: str | None,
    date_to: str | None,
    warehouse: Path | None,
) -> list[Any]:
    from vendorwatch.foia.letters import awards_by_id, awards_of_recipient

    if not award and not recipient:
        return []
    with _warehouse(warehouse) as con:
        found = awards_by_id(con, award) if award else []
        if recipient:
            if not (date_from and date_to):
                raise VendorwatchError("--recipient needs --from and --to dates")
            found += awards_of_recipient(
                con, recipient, parse_date(date_from, "--from"), parse_date(date_to, "--to")
            )
    unique = {a.award_key: a for a in found}
    return list(unique.values())


def _tracker(app_db: str | None, org: str) -> AbstractContextManager[Any]:
    """A tracker for the local user in ``org``, inside one transaction."""
    from vendorwatch.foia.tracker import Tracker

    return local_scope(app_db, org, Tracker)


def _request_id(text: str) -> int:
    return number(text, "request")


@foia_app.command("draft")
def draft_command(
    agency: Annotated[str, typer.Option("--agency", help="Agency or FOIA office id.")],
    award: Annotated[
        list[str] | None, typer.Option("--award", help="PIID or generated award id.")
    ] = None,
    recipient: Annotated[
        str | None, typer.Option("--recipient", help="Recipient name as USAspending spells it.")
    ] = None,
    vendor: Annotated[
        list[str] | None, typer.Option("--vendor", help="A vendor named without awards.")
    ] = None,
    date_from: Annotated[str | None, typer.Option("--from", help="Records from this date.")] = None,
    date_to: Annotated[str | None, typer.Option("--to", help="Records up to this date.")] = None,
    record_type: Annotated[
        list[str] | None,
        typer.Option(
            "--record-type",
            help="contract, sow, ja, deliverables, usage-logs, communications (default all).",
        ),
    ] = None,
    name: NameOption = None,
    organisation: OrgNameOption = None,
    email: EmailOption = None,
    phone: PhoneOption = None,
    address: AddressOption = None,
    fee_category: FeeCategoryOption = "other",
    fee_limit: FeeLimitOption = "25",
    no_fee_waiver: Annotated[
        bool, typer.Option("--no-fee-waiver", help="Do not ask for a fee waiver.")
    ] = False,
    purpose: Annotated[
        str | None, typer.Option("--purpose", help="Why disclosure matters (fee waiver).")
    ] = None,
    dissemination: Annotated[
        str | None, typer.Option("--dissemination", help="How you will publish (fee waiver).")
    ] = None,
    expedite_reason: Annotated[
        str | None,
        typer.Option("--expedite-reason", help="Ask for expedited processing, for this need."),
    ] = None,
    preferred_format: Annotated[
        str | None, typer.Option("--format", help="The format you want the records in.")
    ] = None,
    save: Annotated[
        str | None, typer.Option("--save", help="Also save as a tracked draft with this title.")
    ] = None,
    output: OutputOption = None,
    warehouse: WarehouseOption = None,
    app_db: AppDbOption = None,
    org: OrgOption = "local",
) -> None:
    """A request letter from award records (or a recipient and dates) for one agency."""
    from vendorwatch.foia.directory import find_office
    from vendorwatch.foia.letters import RecordType, RequestSpec, compose_request

    office = find_office(agency)
    requester = _requester(
        name=name,
        organisation=organisation,
        email=email,
        phone=phone,
        address=address,
        fee_category=fee_category,
        fee_limit=fee_limit,
    )
    try:
        types = [RecordType(t) for t in record_type] if record_type else list(RecordType)
    except ValueError as exc:
        known = ", ".join(t.value for t in RecordType)
        raise VendorwatchError(f"--record-type: {exc}; use {known}") from None
    awards = _awards(award, recipient, date_from, date_to, warehouse)
    spec = RequestSpec(
        office=office,
        requester=requester,
        awards=awards,
        vendors=list(vendor or []),
        start=parse_date(date_from, "--from") if date_from else None,
        end=parse_date(date_to, "--to") if date_to else None,
        record_types=types,
        fee_waiver=not no_fee_waiver,
        purpose=purpose,
        dissemination=dissemination,
        expedite=expedite_reason is not None,
        expedite_reason=expedite_reason,
    )
    if preferred_format:
        spec.format = preferred_format
    letter = compose_request(spec)
    _emit(letter, output)
    if save:
        with _tracker(app_db, org) as tracker:
            request = tracker.create(
                save,
                office.id,
                requester,
                awards=awards,
                letter_text=letter.text,
                expedite=spec.expedite,
            )
            console.print(f"saved as request #{request.id} (draft)", highlight=False)


# --- tracker ---------------------------------------------------------------------------------


from vendorwatch.cli import foia_tracker as _foia_tracker  # noqa: E402, F401  new, list, show, event, …
from vendorwatch.cli import foia_users as _foia_users  # noqa: E402, F401  user add, user list
