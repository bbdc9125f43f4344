"""The FOIA tracker on the site: requests, events, reminders and calendar (login, password and
members: `vendorwatch.web.foia_accounts`; the letters as files: `vendorwatch.web.foia_downloads`).

Private to an organisation's members: every page goes through `vendorwatch.foia.tracker.Tracker`
(organisation scoping and roles live there), with the session and CSRF checks of
`vendorwatch.web.sessions`. Handlers only read the form, call the library and render; all but
the reading of a form run on the site's worker pool (`vendorwatch.web.pool`), never on the
event loop, and a form's change is a write there (`vendorwatch.web.guard.member_post`).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from starlette.datastructures import FormData

from vendorwatch.analysis import award_history
from vendorwatch.errors import VendorwatchError
from vendorwatch.foia.directory import (
    find_office,
    office_for_agency_name,
    office_name,
    offices,
)
from vendorwatch.foia.letters import (
    FeeCategory,
    RecordType,
    Requester,
    RequestSpec,
    awards_by_id,
    compose_request,
)
from vendorwatch.foia.standing import standing
from vendorwatch.foia.tracker import (
    EVENT_KINDS,
    next_deadline,
)
from vendorwatch.web import foia_downloads
from vendorwatch.web.guard import (
    Member,
    member,
    member_post,
    refuse,
    text,
    to_login,
    whole_number,
)
from vendorwatch.web.pages import parse_date, site
from vendorwatch.web.pool import offloop
from vendorwatch.web.released import records_of
from vendorwatch.web.templating import templates

router = APIRouter(include_in_schema=False)

RECORD_TYPE_LABELS = {
    RecordType.CONTRACT: "The contract and every modification",
    RecordType.SOW: "Statements of work / performance work statements",
    RecordType.JA: "Justification for other than full and open competition (J&A)",
    RecordType.DELIVERABLES: "Deliverables, reports and invoices",
    RecordType.USAGE_LOGS: "Usage reports, query and audit logs",
    RecordType.COMMUNICATIONS: "Communications with the vendor",
}


# --- the tracker's pages -----------------------------------------------------------------


@router.get("/foia", response_class=HTMLResponse)
@offloop
def request_list(request: Request) -> Response:
    today = date.today()
    with member(request) as m:
        if m is None:
            return to_login(request)
        rows = []
        for r in m.tracker.requests():
            sched = m.tracker.schedule(r, today)
            rows.append(
                {
                    "request": r,
                    "next": next_deadline(sched),
                    "standing": standing(r.status, sched),
                    "office": office_name(r.office_id),
                }
            )
        return templates.TemplateResponse(
            request, "foia_list.html", m.context(rows=rows, today=today)
        )


@router.get("/foia/calendar.ics")
@offloop
def calendar(request: Request) -> Response:
    with member(request) as m:
        if m is None:
            return to_login(request)
        # icalendar (~2 MB, 80 modules) is imported by the first calendar asked for, not by
        # `serve` (tests/web/test_serve_memory.py)
        from vendorwatch.foia.ical import calendar_ics  # noqa: PLC0415

        ics = calendar_ics(m.tracker.upcoming(date.today()))
        slug = m.tracker.org.slug
    return Response(
        ics,
        media_type="text/calendar; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="foia-{slug}.ics"'},
    )


def _draft_defaults(request: Request, m: Member, award_ids: list[str]) -> dict[str, Any]:
    """The form's first values: from the award (title, agency) and from the user."""
    awards = []
    office = None
    for key in award_ids:
        history = award_history(site(request).con(), key)
        awards.append(history)
        office = office or office_for_agency_name(history.sub_agency)
    title = ""
    if awards:
        first = awards[0]
        title = f"Records of {first.piid}" + (f" ({first.recipient})" if first.recipient else "")
    return {
        "title": title,
        "awards": "\n".join(a.award_key for a in awards),
        "office": office.id if office else "",
        "name": m.user.name,
        "email": m.user.email,
        "organisation": m.tracker.org.name,
        "fee_category": FeeCategory.OTHER.value,
        "fee_limit": "25",
        "fee_waiver": True,
        "record_types": [t.value for t in RecordType],
        "history": awards,
    }


def _draft_page(
    request: Request, m: Member, values: dict[str, Any], message: str | None, status: int
) -> Response:
    return templates.TemplateResponse(
        request,
        "foia_new.html",
        m.context(
            values=values,
            message=message,
            offices=offices(),
            fee_categories=list(FeeCategory),
            record_types=RECORD_TYPE_LABELS,
        ),
        status_code=status,
    )


@router.get("/foia/new", response_class=HTMLResponse)
@offloop
def draft_form(request: Request) -> Response:
    with member(request) as m:
        if m is None:
            return to_login(request)
        if not m.can_write:
            return refuse(request, f"As a {m.role} of {m.tracker.org.name} you can read requests.")
        award_ids = [a for a in request.query_params.getlist("award") if a.strip()]
        return _draft_page(request, m, _draft_defaults(request, m, award_ids), None, 200)


def _spec(request: Request, form: FormData) -> tuple[str, RequestSpec]:
    """The title and the letter's contents from the drafting form."""
    try:
        category = FeeCategory(text(form, "fee_category") or "other")
    except ValueError:
        raise VendorwatchError("choose a fee category from the list") from None
    try:
        limit = Decimal(text(form, "fee_limit") or "25")
    except InvalidOperation:
        raise VendorwatchError(f"fee limit {text(form, 'fee_limit')!r} is not an amount") from None
    name = text(form, "name")
    if not name:
        raise VendorwatchError("the requester's name is needed for the letter")
    requester = Requester(
        name,
        text(form, "organisation") or None,
        text(form, "email") or None,
        text(form, "phone") or None,
        text(form, "address") or None,
        category,
        limit,
    )
    ids = list(dict.fromkeys(text(form, "awards").split()))
    awards = awards_by_id(site(request).con(), ids) if ids else []
    try:
        types = [RecordType(str(t)) for t in form.getlist("record_type")]
    except ValueError:
        raise VendorwatchError("choose record types from the list") from None
    office_id = text(form, "office")
    if not office_id:
        raise VendorwatchError("choose the agency component the request goes to")
    spec = RequestSpec(
        office=find_office(office_id),
        requester=requester,
        awards=list({a.award_key: a for a in awards}.values()),
        vendors=[v.strip() for v in text(form, "vendors").splitlines() if v.strip()],
        start=parse_date(text(form, "date_from")),
        end=parse_date(text(form, "date_to")),
        record_types=types,
        fee_waiver=form.get("fee_waiver") is not None,
        purpose=text(form, "purpose") or None,
        dissemination=text(form, "dissemination") or None,
        expedite=form.get("expedite") is not None,
        expedite_reason=text(form, "expedite_reason") or None,
    )
    if text(form, "format"):
        spec.format = text(form, "format")
    return text(form, "title"), spec


@router.post("/foia/new", response_class=HTMLResponse)
async def draft_save(request: Request) -> Response:
    def change(m: Member, form: FormData) -> str | Response:
        if not m.can_write:
            return refuse(request, f"As a {m.role} of {m.tracker.org.name} you can read requests.")
        try:
            title, spec = _spec(request, form)
            letter = compose_request(spec)
            saved = m.tracker.create(
                title,
                spec.office.id,
                spec.requester,
                awards=spec.awards,
                letter_text=letter.text,
                expedite=spec.expedite,
            )
        except VendorwatchError as exc:  # AccessDenied too: the form again, as before
            values: dict[str, Any] = {k: text(form, k) for k in form}
            values["record_types"] = [str(t) for t in form.getlist("record_type")]
            values["fee_waiver"] = form.get("fee_waiver") is not None
            values["expedite"] = form.get("expedite") is not None
            return _draft_page(request, m, values, exc.message, 400)
        return f"/foia/{saved.id}"

    return await member_post(request, change)


@router.get("/foia/{request_id:int}", response_class=HTMLResponse)
@offloop
def request_page(request: Request, request_id: int) -> Response:
    today = date.today()
    with member(request) as m:
        if m is None:
            return to_login(request)
        return request_page_response(request, m, request_id, today=today)


def request_page_response(
    request: Request,
    m: Member,
    request_id: int,
    *,
    today: date | None = None,
    status_code: int = 200,
    **extra: Any,
) -> Response:
    """One request's page for a member: its status as one standing, deadlines, letter, events
    and released records (``extra``: e.g. the upload form's error)."""
    today = today or date.today()
    found = m.tracker.get(request_id)
    sched = m.tracker.schedule(found, today)
    return templates.TemplateResponse(
        request,
        "foia_request.html",
        m.context(
            r=found,
            office=find_office(found.office_id),
            schedule=sched,
            standing=standing(found.status, sched),
            kinds=EVENT_KINDS,
            today=today,
            records=records_of(request, m.tracker),
            **extra,
        ),
        status_code=status_code,
    )


async def _change_request(
    request: Request, request_id: int, anchor: str, change: Callable[[Member, FormData], object]
) -> Response:
    """A checked form applied to one request by a logged-in member, then back to its page."""

    def apply(m: Member, form: FormData) -> str:
        change(m, form)
        return f"/foia/{request_id}#{anchor}"

    return await member_post(request, apply)


def _required_date(form: FormData, what: str) -> date:
    on = parse_date(text(form, "on"))
    if on is None:
        raise VendorwatchError(f"{what} needs its date")
    return on


@router.post("/foia/{request_id:int}/events")
async def record_event(request: Request, request_id: int) -> Response:
    def change(m: Member, form: FormData) -> object:
        return m.tracker.add_event(
            request_id,
            text(form, "kind"),
            _required_date(form, "an event"),
            summary=text(form, "summary") or None,
            award=text(form, "award") or None,
            tracking_number=text(form, "tracking_number") or None,
            pages=whole_number(form, "pages"),
            days=whole_number(form, "days"),
            estimate=parse_date(text(form, "estimate")),
        )

    return await _change_request(request, request_id, "events", change)


@router.post("/foia/{request_id:int}/reminders")
async def add_reminder(request: Request, request_id: int) -> Response:
    def change(m: Member, form: FormData) -> object:
        return m.tracker.remind(request_id, _required_date(form, "a reminder"), text(form, "text"))

    return await _change_request(request, request_id, "reminders", change)


@router.post("/foia/{request_id:int}/reminders/{reminder_id:int}/done")
async def reminder_done(request: Request, request_id: int, reminder_id: int) -> Response:
    def change(m: Member, _form: FormData) -> object:
        return m.tracker.complete_reminder(request_id, reminder_id)

    return await _change_request(request, request_id, "reminders", change)


router.include_router(foia_downloads.router)  # its letters as files
