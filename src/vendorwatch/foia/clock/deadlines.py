"""The deadline arithmetic: each due date that follows from a request's events, with the
steps of how it was computed.

The rules (5 U.S.C. 552 as amended in 2016; DHS rules at 6 CFR Part 5):

* determination within 20 working days after receipt, "excepting Saturdays, Sundays, and legal
  public holidays" (552(a)(6)(A)(i)); days are counted from the day after receipt;
* the clock starts when the right component receives the request, but no later than 10 working
  days after a designated FOIA component first received it (552(a)(6)(A)(ii), last sentence);
* it stops while the agency waits for the requester: once for information, and for fee
  questions (552(a)(6)(A)(ii)(I) and (II)); the requester's reply restarts it;
* written notice of unusual circumstances adds 10 working days (552(a)(6)(B)(i));
* a request for expedited processing is decided within 10 calendar days (552(a)(6)(E)(ii)(I));
* an appeal may be filed within the agency's window after the adverse determination (at least
  90 days by statute; DHS 90 working days, 6 CFR 5.8(a)(1));
* an appeal is decided within 20 working days after its receipt (552(a)(6)(A)(ii)).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date, timedelta

from vendorwatch.errors import VendorwatchError
from vendorwatch.foia.clock.explain import day_text, holiday_phrase, pause_phrase
from vendorwatch.foia.clock.model import (
    STATUTORY_APPEAL,
    AppealRule,
    Deadline,
    Event,
    EventKind,
    Schedule,
    Status,
)
from vendorwatch.foia.clock.workdays import DEFAULT_CALENDAR, FederalCalendar

DETERMINATION_DAYS = 20
ROUTING_CAP_DAYS = 10
EXTENSION_DAYS = 10
EXPEDITE_DECISION_CALENDAR_DAYS = 10
APPEAL_DECISION_DAYS = 20
# Past the due date by as many working days again as the statute allowed: "long overdue"
# (Alaveteli shows "long overdue" at twice the statutory period, too).
LONG_OVERDUE_AFTER_DAYS = 20


def _status(
    due: date, done: date | None, today: date, cal: FederalCalendar
) -> tuple[Status, int | None]:
    if done is not None:
        return ("met" if done <= due else "late"), None
    if today < due:
        return "upcoming", cal.working_days_between(today, due)
    if today == due:
        return "due-today", 0
    late = cal.working_days_between(due, today)
    return ("long-overdue" if late > LONG_OVERDUE_AFTER_DAYS else "overdue"), -late


def _first(events: Iterable[Event], *kinds: EventKind) -> Event | None:
    return next((e for e in sorted(events, key=Event.sort_key) if e.kind in kinds), None)


def _pauses(events: Sequence[Event], notes: list[str]) -> list[tuple[EventKind, date, date | None]]:
    """Tolling periods as (kind, start, reply): info once only, fee questions any number."""
    periods: list[tuple[EventKind, date, date | None]] = []
    open_: dict[EventKind, date] = {}
    info_used = False
    pairs = {
        EventKind.INFO_REQUESTED: EventKind.INFO_ANSWERED,
        EventKind.FEE_REQUESTED: EventKind.FEE_ANSWERED,
    }
    for event in sorted(events, key=Event.sort_key):
        if event.kind in pairs:
            if event.kind in open_:
                continue  # a reminder of a question already open changes nothing
            if event.kind is EventKind.INFO_REQUESTED:
                if info_used:
                    notes.append(
                        f"the request for information of {day_text(event.on)} does not stop "
                        "the clock: the statute allows that only once "
                        "(5 U.S.C. 552(a)(6)(A)(ii)(I))"
                    )
                    continue
                info_used = True
            open_[event.kind] = event.on
        elif event.kind in pairs.values():
            asked = next(k for k, v in pairs.items() if v is event.kind)
            if asked in open_:
                periods.append((asked, open_.pop(asked), event.on))
    periods.extend((kind, start, None) for kind, start in open_.items())
    return sorted(periods, key=lambda p: p[1])


def _count_with_pauses(
    start: date,
    days: int,
    pauses: Sequence[tuple[EventKind, date, date | None]],
    cal: FederalCalendar,
) -> tuple[date | None, list[tuple[EventKind, date, date | None, int]]]:
    """The ``days``-th counted working day after ``start``, skipping paused spans.

    A pause runs from the day after the agency's question up to and including the requester's
    reply; the clock runs again the working day after the reply. Returns the due date (None
    while a pause is still open before the count is reached) and the pauses that mattered,
    each with the working days it held the clock.
    """
    used: list[tuple[EventKind, date, date | None, int]] = []
    day, left = start, days
    pending = sorted((p for p in pauses if p[2] is None or p[2] > start), key=lambda p: p[1])
    while left:
        while pending and pending[0][1] <= day:
            kind, begin, reply = pending.pop(0)
            if reply is None:
                used.append((kind, begin, None, 0))
                return None, used
            if reply > day:
                held = cal.working_days_between(day, reply)
                used.append((kind, begin, reply, held))
                day = reply
        day += timedelta(days=1)
        if cal.is_working_day(day):
            left -= 1
    return day, used


def _determination(
    received: date, events: Sequence[Event], today: date, cal: FederalCalendar, notes: list[str]
) -> Deadline:
    rule = "5 U.S.C. 552(a)(6)(A)(i)"
    lines = [f"received {day_text(received)}"]
    start = received
    routed = _first(events, EventKind.ROUTED)
    if routed is not None:
        cap = cal.add_working_days(received, ROUTING_CAP_DAYS)
        if routed.on <= cap:
            start = routed.on
            lines.append(
                f"reached the right component on {day_text(routed.on)}, so the count starts there"
            )
        else:
            start = cap
            lines.append(
                f"reached the right component only on {day_text(routed.on)}; the count starts "
                f"no later than 10 working days after the first receipt, {day_text(cap)} "
                "(5 U.S.C. 552(a)(6)(A)(ii))"
            )
    pauses = _pauses(events, notes)
    due, used = _count_with_pauses(start, DETERMINATION_DAYS, pauses, cal)
    for kind, begin, reply, held in used:
        lines.append(pause_phrase(kind, begin, reply, held))
    extension = _first(events, EventKind.EXTENDED)
    done_event = _first(events, EventKind.DETERMINATION)
    done = done_event.on if done_event else None
    if due is None:
        end = today if today > start else start
        phrase = holiday_phrase(cal.holidays_between(start, end))
        if phrase:
            lines.append(phrase)
        lines.append("no due date while the clock is stopped")
        return Deadline("determination", "Agency's determination", rule, None, lines, "paused")
    counted_to = due
    if extension is not None:
        extra = extension.days if extension.days is not None else EXTENSION_DAYS
        ext_due = cal.add_working_days(due, extra)
        counted_to = ext_due
    phrase = holiday_phrase(cal.holidays_between(start, counted_to))
    if phrase:
        lines.append(phrase)
    lines.append(
        f"20 working days (not counting weekends and federal holidays) end {day_text(due)}"
    )
    if extension is not None:
        extra = extension.days if extension.days is not None else EXTENSION_DAYS
        rule += ", (6)(B)(i)"
        lines.append(
            f"the agency gave notice of unusual circumstances on {day_text(extension.on)}: "
            f"+{extra} working days to {day_text(counted_to)}"
        )
        if extra > EXTENSION_DAYS:
            lines.append(
                "an extension beyond 10 working days requires the agency to offer you the "
                "chance to narrow the request or agree another time frame "
                "(5 U.S.C. 552(a)(6)(B)(ii))"
            )
        if extension.on > due:
            lines.append(f"the notice is dated after the original due date {day_text(due)}")
        due = counted_to
    status, left = _status(due, done, today, cal)
    if done is not None:
        lines.append(
            f"the agency responded on {day_text(done)}"
            + (" (in time)" if status == "met" else " (late)")
        )
    elif status in ("overdue", "long-overdue"):
        late = -(left or 0)
        lines.append(
            f"{late} working day{'s' if late != 1 else ''} overdue on {day_text(today)}"
            + (
                "; you may treat administrative remedies as exhausted (5 U.S.C. 552(a)(6)(C)(i))"
                if late
                else ""
            )
        )
    return Deadline(
        "determination",
        "Agency's determination",
        rule,
        due,
        lines,
        status,
        done,
        left if done is None else None,
    )


def _expedite(events: Sequence[Event], today: date, cal: FederalCalendar) -> Deadline | None:
    asked = _first(events, EventKind.EXPEDITE_REQUESTED)
    if asked is None:
        return None
    due = asked.on + timedelta(days=EXPEDITE_DECISION_CALENDAR_DAYS)
    decided = _first(events, EventKind.EXPEDITE_DECIDED)
    done = decided.on if decided else None
    lines = [
        f"expedited processing asked for on {day_text(asked.on)}",
        f"the agency decides within 10 calendar days (weekends and holidays count): "
        f"{day_text(due)}",
    ]
    status, left = _status(due, done, today, cal)
    if done is None and today <= due:
        left = (due - today).days
    return Deadline(
        "expedite-decision",
        "Decision on expedited processing",
        "5 U.S.C. 552(a)(6)(E)(ii)(I)",
        due,
        lines,
        status,
        done,
        left if done is None else None,
    )


def _appeal_window(
    events: Sequence[Event], today: date, cal: FederalCalendar, appeal: AppealRule
) -> Deadline | None:
    response = _first(events, EventKind.DETERMINATION)
    if response is None:
        return None
    lines = [f"the component responded on {day_text(response.on)}"]
    if appeal.unit == "working-days":
        due = cal.add_working_days(response.on, appeal.days)
        phrase = holiday_phrase(cal.holidays_between(response.on, due))
        if phrase:
            lines.append(phrase)
        lines.append(
            f"an appeal is timely within {appeal.days} working days ({appeal.rule}): "
            f"{day_text(due)}"
        )
    else:
        due = response.on + timedelta(days=appeal.days)
        lines.append(
            f"an appeal is timely within {appeal.days} calendar days ({appeal.rule}): "
            f"{day_text(due)}"
        )
    appealed = _first(events, EventKind.APPEALED)
    done = appealed.on if appealed else None
    status, left = _status(due, done, today, cal)
    if done is None and status in ("overdue", "long-overdue"):
        lines.append("the window to appeal has closed")
    if done is not None:
        lines.append(
            f"appealed on {day_text(done)}" + (" (in time)" if status == "met" else " (late)")
        )
    return Deadline(
        "appeal-window",
        "Last day to appeal",
        appeal.rule,
        due,
        lines,
        status,
        done,
        left if done is None else None,
    )


def _appeal_decision(events: Sequence[Event], today: date, cal: FederalCalendar) -> Deadline | None:
    appealed = _first(events, EventKind.APPEALED)
    if appealed is None:
        return None
    due = cal.add_working_days(appealed.on, APPEAL_DECISION_DAYS)
    rule = "5 U.S.C. 552(a)(6)(A)(ii)"
    lines = [f"appeal received {day_text(appealed.on)}"]
    extension = _first(events, EventKind.APPEAL_EXTENDED)
    end = due
    if extension is not None:
        extra = extension.days if extension.days is not None else EXTENSION_DAYS
        end = cal.add_working_days(due, extra)
    phrase = holiday_phrase(cal.holidays_between(appealed.on, end))
    if phrase:
        lines.append(phrase)
    lines.append(f"20 working days end {day_text(due)}")
    if extension is not None:
        rule += ", (6)(B)(i)"
        lines.append(
            f"notice of unusual circumstances on {day_text(extension.on)}: "
            f"+{extra} working days to {day_text(end)}"
        )
        due = end
    decided = _first(events, EventKind.APPEAL_DECIDED)
    done = decided.on if decided else None
    status, left = _status(due, done, today, cal)
    if done is not None:
        lines.append(
            f"decided on {day_text(done)}" + (" (in time)" if status == "met" else " (late)")
        )
    return Deadline(
        "appeal-decision",
        "Decision on the appeal",
        rule,
        due,
        lines,
        status,
        done,
        left if done is None else None,
    )


def schedule(
    received: date,
    events: Sequence[Event] = (),
    *,
    today: date | None = None,
    appeal: AppealRule = STATUTORY_APPEAL,
    calendar: FederalCalendar = DEFAULT_CALENDAR,
) -> Schedule:
    """Every deadline that follows from receipt on ``received`` and the events so far."""
    today = today or date.today()
    for event in events:
        if event.on < received:
            raise VendorwatchError(
                f"the {event.kind.value} event on {event.on.isoformat()} is before the "
                f"request was received ({received.isoformat()})"
            )
        if event.days is not None and event.days <= 0:
            raise VendorwatchError(f"an extension of {event.days} days is not an extension")
    notes: list[str] = []
    if not calendar.is_working_day(received):
        notes.append(
            f"{day_text(received)} is not a working day; the count starts the working day after"
        )
    found = [
        _determination(received, events, today, calendar, notes),
        _expedite(events, today, calendar),
        _appeal_window(events, today, calendar, appeal),
        _appeal_decision(events, today, calendar),
    ]
    if calendar.closures:
        notes.append("executive-order closures (e.g. Christmas Eve) counted as holidays")
    return Schedule(received, today, [d for d in found if d is not None], notes)


def determination_due(
    received: date, events: Sequence[Event] = (), calendar: FederalCalendar = DEFAULT_CALENDAR
) -> date | None:
    """Shortcut for the property tests and the tracker: the determination's due date."""
    deadline = schedule(received, events, today=received, calendar=calendar).get("determination")
    assert deadline is not None
    return deadline.due
