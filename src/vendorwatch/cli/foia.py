"""``vendorwatch foia …``: deadlines, letters and the request tracker; thin over `vendorwatch.foia`.

The command line works as the machine's own user, admin of a local organisation (``--org``);
logins, sessions and CSRF belong to the web site.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Annotated, Any

import typer

from vendorwatch.cli.options import (
    AppDbOption,
    JsonOption,
    WarehouseOption,
    current_warehouse,
    get_settings,
    optional_day,
)
from vendorwatch.cli.output import console, print_json
from vendorwatch.errors import VendorwatchError

foia_app = typer.Typer(
    name="foia",
    help="Draft FOIA requests from award records, track them, and compute their deadlines.",
    no_args_is_help=True,
)

TodayOption = Annotated[
    str | None, typer.Option("--today", help="Judge overdue as of this date (YYYY-MM-DD).")
]
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


@contextmanager
def _tracker(app_db: str | None, org: str) -> Iterator[Any]:
    """A tracker for the local user in ``org``, inside one transaction."""
    from vendorwatch.appdb import open_app_database, transaction
    from vendorwatch.appdb.accounts import local_member
    from vendorwatch.foia.tracker import Tracker

    engine = open_app_database(app_db or get_settings().app_database_url)
    try:
        with transaction(engine) as session:
            user, organisation = local_member(session, org)
            yield Tracker(session, user, organisation)
    finally:
        engine.dispose()


@foia_app.command("new")
def new_command(
    title: Annotated[str, typer.Option("--title", help="A title you will recognise.")],
    agency: Annotated[str, typer.Option("--agency", help="Agency or FOIA office id.")],
    award: Annotated[
        list[str] | None, typer.Option("--award", help="PIID or generated award id.")
    ] = None,
    letter: Annotated[
        Path | None, typer.Option("--letter", help="The letter's text file, if sent already.")
    ] = None,
    name: NameOption = None,
    organisation: OrgNameOption = None,
    email: EmailOption = None,
    phone: PhoneOption = None,
    address: AddressOption = None,
    fee_category: FeeCategoryOption = "other",
    fee_limit: FeeLimitOption = "25",
    warehouse: WarehouseOption = None,
    app_db: AppDbOption = None,
    org: OrgOption = "local",
    as_json: JsonOption = False,
) -> None:
    """Track a request (drafted here or filed elsewhere)."""
    requester = _requester(
        name=name or "(requester)",
        organisation=organisation,
        email=email,
        phone=phone,
        address=address,
        fee_category=fee_category,
        fee_limit=fee_limit,
    )
    awards = _awards(award, None, None, None, warehouse)
    text = None
    if letter is not None:
        if not letter.is_file():
            raise VendorwatchError(f"--letter: no file {letter}")
        text = letter.read_text(encoding="utf-8")
    with _tracker(app_db, org) as tracker:
        request = tracker.create(title, agency, requester, awards=awards, letter_text=text)
        result = {"id": request.id, "title": request.title, "status": request.status}
    if as_json:
        print_json(result)
    else:
        console.print(f"request #{result['id']} ({result['status']})", highlight=False)


@foia_app.command("list")
def list_command(
    status: Annotated[str | None, typer.Option("--status", help="Only this status.")] = None,
    today: TodayOption = None,
    app_db: AppDbOption = None,
    org: OrgOption = "local",
    as_json: JsonOption = False,
) -> None:
    """The organisation's requests with their next deadline."""
    from rich.table import Table

    from vendorwatch.foia.models import Status

    wanted = None
    if status is not None:
        try:
            wanted = Status(status)
        except ValueError:
            known = ", ".join(s.value for s in Status)
            raise VendorwatchError(f"--status {status!r}: use one of {known}") from None
    day = _today(today)
    rows = []
    with _tracker(app_db, org) as tracker:
        for request in tracker.requests(wanted):
            sched = tracker.schedule(request, day)
            open_ = [d for d in (sched.deadlines if sched else []) if d.done_on is None]
            nxt = open_[0] if open_ else None
            rows.append(
                {
                    "id": request.id,
                    "title": request.title,
                    "office": request.office_id,
                    "status": request.status,
                    "tracking_numbers": [t.number for t in request.tracking_numbers],
                    "next": nxt.as_dict() if nxt else None,
                }
            )
    if as_json:
        print_json(rows)
        return
    table = Table()
    for column in ("#", "title", "office", "status", "numbers", "next deadline"):
        table.add_column(column)
    for r in rows:
        nxt = r["next"]
        table.add_row(
            str(r["id"]),
            r["title"],
            r["office"],
            r["status"],
            ", ".join(r["tracking_numbers"]),
            f"{nxt['title']}: {nxt['due'] or 'paused'} ({nxt['status']})" if nxt else "",
        )
    console.print(table)


def _request_id(text: str) -> int:
    if not text.lstrip("#").isdigit():
        raise VendorwatchError(f"{text!r} is not a request number")
    return int(text.lstrip("#"))


@foia_app.command("show")
def show_command(
    request_id: Annotated[str, typer.Argument(help="The request's number.")],
    today: TodayOption = None,
    app_db: AppDbOption = None,
    org: OrgOption = "local",
    as_json: JsonOption = False,
) -> None:
    """One request: numbers, awards, events, reminders and each deadline explained."""
    from vendorwatch.foia.clock import Schedule
    from vendorwatch.foia.tracker import request_summary

    with _tracker(app_db, org) as tracker:
        request = tracker.get(_request_id(request_id))
        summary = request_summary(tracker, request, _today(today))
        sched = tracker.schedule(request, _today(today))
    if as_json:
        print_json(summary)
        return
    console.print(
        f"[bold]#{summary['id']} {summary['title']}[/] ({summary['office']}) "
        f"status: {summary['status']}",
        highlight=False,
    )
    if summary["tracking_numbers"]:
        console.print(f"tracking numbers: {', '.join(summary['tracking_numbers'])}")
    for a in summary["awards"]:
        console.print(f"award {a['piid']} ({a['award_key']})", highlight=False)
    for e in summary["events"]:
        extra = f" - {e['summary']}" if e["summary"] else ""
        console.print(f"  {e['on']} {e['kind']}{extra}", highlight=False)
    for r in summary["reminders"]:
        done = " (done)" if r["done"] else ""
        console.print(f"  reminder #{r['id']} {r['on']}: {r['text']}{done}", highlight=False)
    if isinstance(sched, Schedule):
        _print_schedule(sched)


@foia_app.command("event")
def event_command(
    request_id: Annotated[str, typer.Argument(help="The request's number.")],
    kind: Annotated[str, typer.Argument(help="What happened (submitted, acknowledged, …).")],
    on: Annotated[str, typer.Argument(help="When (YYYY-MM-DD).")],
    summary: Annotated[str | None, typer.Option("--summary", help="In your words.")] = None,
    award: Annotated[str | None, typer.Option("--award", help="The award it concerns.")] = None,
    tracking_number: Annotated[
        str | None, typer.Option("--tracking-number", help="A number the agency gave.")
    ] = None,
    pages: Annotated[int | None, typer.Option("--pages", help="Pages released.")] = None,
    days: Annotated[int | None, typer.Option("--days", help="An extension's length.")] = None,
    estimate: Annotated[
        str | None, typer.Option("--estimate", help="Estimated completion date given.")
    ] = None,
    app_db: AppDbOption = None,
    org: OrgOption = "local",
    as_json: JsonOption = False,
) -> None:
    """Record a dated event; the status and the deadlines follow from the whole log."""
    with _tracker(app_db, org) as tracker:
        rid = _request_id(request_id)
        tracker.add_event(
            rid,
            kind,
            parse_date(on, "date"),
            summary=summary,
            award=award,
            tracking_number=tracking_number,
            pages=pages,
            days=days,
            estimate=parse_date(estimate, "--estimate") if estimate else None,
        )
        request = tracker.get(rid)
        result = {"id": request.id, "status": request.status}
    if as_json:
        print_json(result)
    else:
        console.print(f"request #{result['id']}: {result['status']}", highlight=False)


@foia_app.command("remind")
def remind_command(
    request_id: Annotated[str, typer.Argument(help="The request's number.")],
    on: Annotated[str, typer.Argument(help="When (YYYY-MM-DD).")],
    text: Annotated[str, typer.Argument(help="What to do then.")],
    app_db: AppDbOption = None,
    org: OrgOption = "local",
) -> None:
    """Set a reminder on a request (it appears in `foia calendar`)."""
    with _tracker(app_db, org) as tracker:
        reminder_id = tracker.remind(_request_id(request_id), parse_date(on, "date"), text).id
    console.print(f"reminder #{reminder_id} set", highlight=False)


@foia_app.command("done")
def done_command(
    request_id: Annotated[str, typer.Argument(help="The request's number.")],
    reminder_id: Annotated[int, typer.Argument(help="The reminder's number (`foia show`).")],
    app_db: AppDbOption = None,
    org: OrgOption = "local",
) -> None:
    """Mark a reminder done: it leaves the calendar and stays in the request's history."""
    with _tracker(app_db, org) as tracker:
        tracker.complete_reminder(_request_id(request_id), reminder_id)
    console.print(f"reminder #{reminder_id} done", highlight=False)


@foia_app.command("calendar")
def calendar_command(
    output: Annotated[Path, typer.Option("-o", "--output", help="The .ics file to write.")],
    today: TodayOption = None,
    app_db: AppDbOption = None,
    org: OrgOption = "local",
) -> None:
    """Upcoming deadlines and reminders as an iCalendar file."""
    from vendorwatch.foia.ical import calendar_ics

    if output.suffix.lower() != ".ics":
        raise VendorwatchError(f"{output}: the calendar is written as .ics")
    with _tracker(app_db, org) as tracker:
        items = tracker.upcoming(_today(today))
    output.write_bytes(calendar_ics(items))
    console.print(f"wrote {len(items)} date(s) to {output}", highlight=False)


@foia_app.command("followup")
def followup_command(
    request_id: Annotated[str, typer.Argument(help="The request's number.")],
    output: OutputOption = None,
    today: TodayOption = None,
    app_db: AppDbOption = None,
    org: OrgOption = "local",
) -> None:
    """A status inquiry citing the request, its tracking numbers and its due date."""
    from vendorwatch.foia.letters import compose_followup

    day = _today(today)
    with _tracker(app_db, org) as tracker:
        record = tracker.record(tracker.get(_request_id(request_id)), day)
    _emit(compose_followup(record, on=day), output)


@foia_app.command("appeal")
def appeal_command(
    request_id: Annotated[str, typer.Argument(help="The request's number.")],
    ground: Annotated[
        list[str],
        typer.Option(
            "--ground",
            help="denial, exemptions, search, incomplete, fees, fee-waiver, expedite, no-response.",
        ),
    ],
    reasons: Annotated[str, typer.Option("--reasons", help="Why the determination is wrong.")],
    output: OutputOption = None,
    today: TodayOption = None,
    app_db: AppDbOption = None,
    org: OrgOption = "local",
) -> None:
    """An administrative appeal from the request's record, within its appeal window."""
    from vendorwatch.foia.letters import AppealGround, compose_appeal

    try:
        grounds = [AppealGround(g) for g in ground]
    except ValueError as exc:
        known = ", ".join(g.value for g in AppealGround)
        raise VendorwatchError(f"--ground: {exc}; use {known}") from None
    day = _today(today)
    with _tracker(app_db, org) as tracker:
        record = tracker.record(tracker.get(_request_id(request_id)), day)
    _emit(compose_appeal(record, grounds, reasons, on=day), output)


# --- accounts for the web site ---------------------------------------------------------------

user_app = typer.Typer(
    name="user", help="Accounts that log in to the FOIA tracker on the site.", no_args_is_help=True
)
foia_app.add_typer(user_app)


@user_app.command("add")
def user_add_command(
    email: Annotated[str, typer.Argument(help="The user's email (their login).")],
    org: Annotated[
        str, typer.Option("--org", help="The organisation's id (created if it does not exist).")
    ],
    role: Annotated[str, typer.Option("--role", help="viewer, editor or admin.")] = "editor",
    name: Annotated[str | None, typer.Option("--name", help="The user's name.")] = None,
    org_name: Annotated[
        str | None, typer.Option("--org-name", help="A new organisation's display name.")
    ] = None,
    password_stdin: Annotated[
        bool, typer.Option("--password-stdin", help="Read the password from standard input.")
    ] = False,
    reset_password: Annotated[
        bool,
        typer.Option(
            "--reset-password",
            help="Give an existing user a new password (their sessions everywhere end).",
        ),
    ] = False,
    app_db: AppDbOption = None,
) -> None:
    """Create a login (or add an existing one to an organisation) with a role.

    A new user's password is asked for twice without echo, or read from standard input. An
    existing user keeps their password and is not asked for one; only --reset-password
    replaces it.
    """
    import sys

    from vendorwatch.appdb import open_app_database, transaction
    from vendorwatch.appdb.accounts import Role, add_account, role_in, user_by_email

    try:
        wanted = Role(role)
    except ValueError:
        raise VendorwatchError(f"--role {role!r}: use viewer, editor or admin") from None
    engine = open_app_database(app_db or get_settings().app_database_url)
    try:
        with transaction(engine) as session:
            exists = user_by_email(session, email) is not None
        password: str | None = None
        if reset_password or not exists:
            if password_stdin:
                password = sys.stdin.readline().rstrip("\r\n")
            else:
                password = typer.prompt("Password", hide_input=True, confirmation_prompt=True)
        with transaction(engine) as session:
            user, organisation = add_account(
                session,
                email,
                name=name or email.split("@")[0],
                password=password or None,
                org_slug=org,
                role=wanted,
                org_name=org_name,
                reset_password=reset_password and exists,
            )
            actual = role_in(session, user, organisation) or wanted
            article = "a" if actual is Role.VIEWER else "an"
            done = f"{user.email} is now {article} {actual} of {organisation.slug!r}"
            if exists:
                done += (
                    "; password replaced, their sessions ended"
                    if reset_password
                    else "; password unchanged (--reset-password sets a new one)"
                )
    finally:
        engine.dispose()
    console.print(done, highlight=False)


@user_app.command("list")
def user_list_command(
    org: Annotated[str, typer.Option("--org", help="The organisation's id.")],
    app_db: AppDbOption = None,
    as_json: JsonOption = False,
) -> None:
    """The organisation's members and their roles (as the site's members page)."""
    from vendorwatch.appdb import open_app_database, transaction
    from vendorwatch.appdb.accounts import members_of, organisation

    engine = open_app_database(app_db or get_settings().app_database_url)
    try:
        with transaction(engine) as session:
            people = [
                {"email": u.email, "name": u.name, "role": str(r)}
                for u, r in members_of(session, organisation(session, org))
            ]
    finally:
        engine.dispose()
    if as_json:
        print_json(people)
        return
    for person in people:
        console.print(f"{person['role']:<7} {person['email']}  {person['name']}", highlight=False)


from vendorwatch.cli import foia_records as _foia_records  # noqa: E402, F401  attach, records, publish
