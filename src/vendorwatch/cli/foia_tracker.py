"""``vendorwatch foia new|list|show|event|remind|done|calendar|followup|appeal``: the request
tracker in the app database, working as the machine's own user (admin of ``--org``)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from vendorwatch.cli.foia import (
    AddressOption,
    EmailOption,
    FeeCategoryOption,
    FeeLimitOption,
    NameOption,
    OrgNameOption,
    OrgOption,
    OutputOption,
    PhoneOption,
    _awards,
    _emit,
    _print_schedule,
    _request_id,
    _requester,
    _today,
    _tracker,
    foia_app,
    parse_date,
)
from vendorwatch.cli.local import TodayOption
from vendorwatch.cli.options import (
    AppDbOption,
    JsonOption,
    WarehouseOption,
)
from vendorwatch.cli.output import console, print_json
from vendorwatch.errors import VendorwatchError


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


from vendorwatch.cli import foia_records as _foia_records  # noqa: E402, F401  attach, records, publish
