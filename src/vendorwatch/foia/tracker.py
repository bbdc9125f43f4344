"""The tracker: a member's view of their organisation's FOIA requests, and nothing else.

Every query goes through a `Tracker` built for one user in one organisation; each filters by
that organisation, and a request of another organisation is reported exactly as a request
that does not exist. Viewers read; editors and admins also write.

A request's status and its clock both follow from the dated event log, so recording an event
late (a letter found in the post a week on) puts everything right.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from vendorwatch.appdb.scoped import OrgScoped
from vendorwatch.errors import VendorwatchError
from vendorwatch.foia.clock import Deadline, Event, EventKind, Schedule, schedule
from vendorwatch.foia.directory import find_office
from vendorwatch.foia.letters import (
    AwardRef,
    FeeCategory,
    Letter,
    Requester,
    RequestRecord,
)
from vendorwatch.foia.models import (
    FoiaRequest,
    Reminder,
    RequestAward,
    RequestEvent,
    Status,
    TrackingNumber,
)
from vendorwatch.formatting import day


@dataclass(frozen=True)
class Kind:
    """What an event kind means: its effect on the clock and on the status, and in words."""

    clock: EventKind | None
    status: Status | None
    words: str


K = EventKind
S = Status
EVENT_KINDS: dict[str, Kind] = {
    "submitted": Kind(
        None,
        S.SUBMITTED,
        "you sent the request (the clock counts from here "
        "unless a 'received' event says otherwise)",
    ),
    "received": Kind(None, S.AWAITING_RESPONSE, "the agency received it"),
    "acknowledged": Kind(None, S.ACKNOWLEDGED, "the agency acknowledged it"),
    "routed": Kind(K.ROUTED, None, "the right component received it after a referral"),
    "info-requested": Kind(K.INFO_REQUESTED, S.CLARIFICATION_NEEDED, "agency asked you to clarify"),
    "info-answered": Kind(K.INFO_ANSWERED, S.AWAITING_RESPONSE, "you answered"),
    "fee-requested": Kind(K.FEE_REQUESTED, S.FEE_PENDING, "agency raised a fee question"),
    "fee-answered": Kind(K.FEE_ANSWERED, S.AWAITING_RESPONSE, "you answered the fee question"),
    "extended": Kind(K.EXTENDED, S.EXTENDED, "notice of unusual circumstances"),
    "expedite-requested": Kind(K.EXPEDITE_REQUESTED, None, "you asked for expedited processing"),
    "expedite-decided": Kind(K.EXPEDITE_DECIDED, None, "agency decided on expedited processing"),
    "estimate": Kind(None, None, "agency gave an estimated completion date"),
    "records-released": Kind(None, S.PARTIAL_RELEASE, "records released (interim)"),
    "determination": Kind(K.DETERMINATION, None, "the agency's final response"),
    "completed": Kind(K.DETERMINATION, S.COMPLETED, "final response: records released in full"),
    "partial-grant": Kind(K.DETERMINATION, S.PARTIAL_RELEASE, "final response, some withheld"),
    "no-records": Kind(K.DETERMINATION, S.NO_RECORDS, "final response: no records found"),
    "denied": Kind(K.DETERMINATION, S.DENIED, "final response: denied"),
    "appeal-drafting": Kind(None, S.APPEAL_DRAFTING, "you are drafting an appeal"),
    "appealed": Kind(K.APPEALED, S.APPEALED, "the appeal was received"),
    "appeal-extended": Kind(K.APPEAL_EXTENDED, None, "notice of unusual circumstances (appeal)"),
    "appeal-decided": Kind(K.APPEAL_DECIDED, S.APPEAL_DECIDED, "the appeal was decided"),
    "litigation": Kind(None, S.LITIGATION, "a lawsuit was filed"),
    "withdrawn": Kind(None, S.WITHDRAWN, "you withdrew the request"),
    "letter-sent": Kind(None, None, "you sent a letter"),
    "letter-received": Kind(None, None, "you received a letter"),
    "note": Kind(None, None, "a note"),
}


def event_kind(name: str) -> Kind:
    kind = EVENT_KINDS.get(name.strip().lower())
    if kind is None:
        raise VendorwatchError(f"unknown event kind {name!r}; use one of: {', '.join(EVENT_KINDS)}")
    return kind


def derive_status(events: Sequence[RequestEvent]) -> Status:
    """The status set by the latest status-changing event (by date, then entry order)."""
    status = Status.DRAFT
    for event in sorted(events, key=lambda e: (e.happened_on, e.id or 0)):
        kind = EVENT_KINDS.get(event.kind)
        if kind is not None and kind.status is not None:
            status = kind.status
    return status


def clock_inputs(events: Sequence[RequestEvent]) -> tuple[date | None, list[Event], str | None]:
    """The receipt date, the clock's events and, if receipt was assumed, a note saying so."""
    received = next((e.happened_on for e in events if e.kind == "received"), None)
    note = None
    if received is None:
        received = min((e.happened_on for e in events if e.kind == "submitted"), default=None)
        if received is not None:
            note = f"no receipt date recorded: counted from the day it was sent, {day(received)}"
    clock = [
        Event(e.happened_on, kind.clock, e.days)
        for e in events
        if (kind := EVENT_KINDS.get(e.kind)) is not None and kind.clock is not None
    ]
    return received, clock, note


def _requester_json(requester: Requester) -> dict[str, str]:
    data = {
        "name": requester.name,
        "organisation": requester.organisation,
        "email": requester.email,
        "phone": requester.phone,
        "address": requester.address,
        "fee_category": str(requester.fee_category),
        "fee_limit": str(requester.fee_limit),
    }
    return {k: v for k, v in data.items() if v is not None}


def requester_of(request: FoiaRequest) -> Requester:
    data: dict[str, Any] = dict(request.requester)
    return Requester(
        name=data.get("name", ""),
        organisation=data.get("organisation"),
        email=data.get("email"),
        phone=data.get("phone"),
        address=data.get("address"),
        fee_category=FeeCategory(data.get("fee_category", "other")),
        fee_limit=Decimal(data.get("fee_limit", "25")),
    )


@dataclass(frozen=True)
class Upcoming:
    """A date to put in a calendar: a statutory deadline or a reminder the user set."""

    request_id: int
    title: str
    on: date
    what: str
    description: str
    uid: str


class Tracker(OrgScoped):
    """One member's access to one organisation's requests."""

    # -- reading ------------------------------------------------------------------------

    def requests(self, status: Status | None = None) -> list[FoiaRequest]:
        query = (
            select(FoiaRequest)
            .where(FoiaRequest.organisation_id == self.org.id)
            .options(
                selectinload(FoiaRequest.events),
                selectinload(FoiaRequest.tracking_numbers),
                selectinload(FoiaRequest.awards),
            )
            .order_by(FoiaRequest.id)
        )
        if status is not None:
            query = query.where(FoiaRequest.status == status.value)
        return list(self.session.scalars(query))

    def get(self, request_id: int) -> FoiaRequest:
        return self._one(FoiaRequest, request_id, "FOIA request")

    def schedule(self, request: FoiaRequest, today: date | None = None) -> Schedule | None:
        """The request's deadlines, or None while it has not been sent."""
        received, events, note = clock_inputs(request.events)
        if received is None:
            return None
        office = find_office(request.office_id)
        result = schedule(received, events, today=today, appeal=office.appeal)
        if note:
            result.notes.insert(0, note)
        return result

    def record(self, request: FoiaRequest, today: date | None = None) -> RequestRecord:
        """What the follow-up and appeal letters need to know about ``request``."""
        events = request.events
        sent = min((e.happened_on for e in events if e.kind == "submitted"), default=None)
        estimates = [e.estimate for e in events if e.estimate is not None]
        decided = [
            e.happened_on
            for e in events
            if (k := EVENT_KINDS.get(e.kind)) is not None and k.clock is K.DETERMINATION
        ]
        return RequestRecord(
            office=find_office(request.office_id),
            requester=requester_of(request),
            subject=request.title,
            sent_on=sent,
            tracking_numbers=[t.number for t in request.tracking_numbers],
            piids=[a.piid for a in request.awards],
            schedule=self.schedule(request, today),
            estimate=estimates[-1] if estimates else None,
            determination_on=decided[0] if decided else None,
        )

    def upcoming(self, today: date | None = None) -> list[Upcoming]:
        """Open deadlines and reminders from ``today`` on, across the organisation."""
        today = today or date.today()
        found: list[Upcoming] = []
        for request in self.requests():
            sched = self.schedule(request, today)
            for d in sched.deadlines if sched else []:
                if d.due is None or d.done_on is not None or d.due < today:
                    continue
                found.append(
                    Upcoming(
                        request.id,
                        request.title,
                        d.due,
                        d.title,
                        d.text,
                        f"foia-{self.org.slug}-{request.id}-{d.kind}@vendorwatch",
                    )
                )
            for r in request.reminders:
                if not r.done and r.due_on >= today:
                    found.append(
                        Upcoming(
                            request.id,
                            request.title,
                            r.due_on,
                            "Reminder",
                            r.text,
                            f"foia-{self.org.slug}-{request.id}-reminder-{r.id}@vendorwatch",
                        )
                    )
        return sorted(found, key=lambda u: (u.on, u.request_id, u.what))

    # -- writing ------------------------------------------------------------------------

    def create(
        self,
        title: str,
        office_id: str,
        requester: Requester,
        *,
        awards: Sequence[AwardRef] = (),
        letter_text: str | None = None,
        expedite: bool = False,
    ) -> FoiaRequest:
        self._write()
        if not title.strip():
            raise VendorwatchError("a request needs a title")
        office = find_office(office_id)
        request = FoiaRequest(
            organisation_id=self.org.id,
            created_by_id=self.user.id,
            title=title.strip(),
            office_id=office.id,
            status=Status.DRAFT.value,
            requester=_requester_json(requester),
            expedite=expedite,
            letter_text=letter_text,
        )
        self.session.add(request)
        self.session.flush()
        for award in awards:
            self.session.add(
                RequestAward(
                    request_id=request.id,
                    award_key=award.award_key,
                    piid=award.piid,
                    recipient=award.recipient,
                )
            )
        self.session.flush()
        self.session.refresh(request)
        return request

    def _award_key(self, request: FoiaRequest, award: str | None) -> str | None:
        if award is None:
            return None
        for a in request.awards:
            if award in (a.award_key, a.piid):
                return a.award_key
        known = ", ".join(a.piid for a in request.awards) or "none"
        raise VendorwatchError(
            f"award {award!r} is not one request #{request.id} concerns (its awards: {known})"
        )

    def add_event(
        self,
        request_id: int,
        kind: str,
        on: date,
        *,
        summary: str | None = None,
        award: str | None = None,
        tracking_number: str | None = None,
        pages: int | None = None,
        days: int | None = None,
        estimate: date | None = None,
    ) -> RequestEvent:
        """Record what happened; the status and the clock follow from the whole log."""
        self._write()
        spec = event_kind(kind)
        request = self.get(request_id)
        if days is not None and spec.clock not in (K.EXTENDED, K.APPEAL_EXTENDED):
            raise VendorwatchError("--days applies only to an extension")
        if estimate is not None and kind != "estimate":
            raise VendorwatchError("an estimated completion date goes with an 'estimate' event")
        if kind == "estimate" and estimate is None:
            raise VendorwatchError("an 'estimate' event needs the estimated date (--estimate)")
        event = RequestEvent(
            request_id=request.id,
            happened_on=on,
            kind=kind.strip().lower(),
            summary=summary,
            award_key=self._award_key(request, award),
            tracking_number=tracking_number,
            pages=pages,
            days=days,
            estimate=estimate,
            created_by_id=self.user.id,
        )
        self.session.add(event)
        if tracking_number and tracking_number not in {t.number for t in request.tracking_numbers}:
            self.session.add(TrackingNumber(request_id=request.id, number=tracking_number))
        self.session.flush()
        self.session.refresh(request)
        received, clock, _ = clock_inputs(request.events)
        if received is not None:
            schedule(received, clock, today=on)  # refuses an event dated before receipt
        request.status = derive_status(request.events).value
        self.session.flush()
        return event

    def add_tracking_number(
        self, request_id: int, number: str, issued_by: str | None = None
    ) -> TrackingNumber:
        self._write()
        request = self.get(request_id)
        if number in {t.number for t in request.tracking_numbers}:
            raise VendorwatchError(f"request #{request.id} already has tracking number {number}")
        row = TrackingNumber(request_id=request.id, number=number, issued_by=issued_by)
        self.session.add(row)
        self.session.flush()
        return row

    def remind(self, request_id: int, on: date, text: str) -> Reminder:
        self._write()
        request = self.get(request_id)
        if not text.strip():
            raise VendorwatchError("a reminder needs some words")
        reminder = Reminder(
            request_id=request.id, due_on=on, text=text.strip(), created_by_id=self.user.id
        )
        self.session.add(reminder)
        self.session.flush()
        return reminder

    def complete_reminder(self, request_id: int, reminder_id: int) -> Reminder:
        """Mark a reminder done: it leaves the calendar and stays in the request's history."""
        self._write()
        request = self.get(request_id)
        found = next((r for r in request.reminders if r.id == reminder_id), None)
        if found is None:
            raise VendorwatchError(f"request #{request.id} has no reminder #{reminder_id}")
        found.done = True
        self.session.flush()
        return found


def request_summary(tracker: Tracker, request: FoiaRequest, today: date) -> dict[str, Any]:
    """One request as JSON: numbers, awards, events, reminders and deadlines explained."""
    sched = tracker.schedule(request, today)
    return {
        "id": request.id,
        "title": request.title,
        "office": request.office_id,
        "status": request.status,
        "tracking_numbers": [t.number for t in request.tracking_numbers],
        "awards": [{"piid": a.piid, "award_key": a.award_key} for a in request.awards],
        "events": [
            {
                "on": e.happened_on.isoformat(),
                "kind": e.kind,
                "summary": e.summary,
                "award_key": e.award_key,
                "tracking_number": e.tracking_number,
                "pages": e.pages,
                "days": e.days,
                "estimate": e.estimate.isoformat() if e.estimate else None,
            }
            for e in request.events
        ],
        "reminders": [
            {"id": r.id, "on": r.due_on.isoformat(), "text": r.text, "done": r.done}
            for r in request.reminders
        ],
        "schedule": sched.as_dict() if sched else None,
    }


def next_deadline(sched: Schedule | None) -> Deadline | None:
    """The first deadline still open (not met), or None."""
    open_ = [d for d in (sched.deadlines if sched else []) if d.done_on is None]
    return open_[0] if open_ else None


def stored_letter(request: FoiaRequest) -> Letter:
    """The request letter saved with ``request``, ready to download as text, DOCX or PDF."""
    if not request.letter_text:
        raise VendorwatchError(f"request #{request.id} has no saved letter")
    subject = "Freedom of Information Act Request" + (
        " - Expedited Processing Requested" if request.expedite else ""
    )
    return Letter("request", subject, request.letter_text)
