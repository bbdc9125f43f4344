"""Where a tracked request stands, in one phrase that agrees with its deadlines, and which
next steps fit that state.

The recorded status follows the last event ("awaiting response" after "received"); the clock
knows more (the answer was due five weeks ago). A reader needs one statement, not both side by
side: so a request still waiting is "overdue" or "long overdue" once its determination date has
passed, "clock stopped" while the agency waits for the requester, and "draft" until it is sent.
The actions follow the same reading: a draft is sent, not appealed; a status inquiry is for a
request still waiting; an appeal follows a final response, within its window.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from vendorwatch.errors import VendorwatchError
from vendorwatch.foia.clock import Deadline, Schedule
from vendorwatch.foia.letters import AppealGround
from vendorwatch.foia.models import Status
from vendorwatch.formatting import day

WAITING = {Status.SUBMITTED, Status.ACKNOWLEDGED, Status.AWAITING_RESPONSE, Status.EXTENDED,
           Status.CLARIFICATION_NEEDED, Status.FEE_PENDING, Status.PARTIAL_RELEASE}  # fmt: skip
ADVERSE_OR_FINAL = {Status.COMPLETED, Status.PARTIAL_RELEASE, Status.NO_RECORDS, Status.DENIED,
                    Status.APPEAL_DRAFTING}  # fmt: skip


# An appeal of a response: every ground but the one for no response at all.
RESPONSE_GROUNDS = tuple(g.value for g in AppealGround if g is not AppealGround.NO_RESPONSE)


@dataclass(frozen=True)
class Standing:
    """``label`` (short, the status shown), ``detail`` (one sentence), ``tone`` (for styling:
    draft, waiting, due, overdue, long-overdue, stopped, closed) and the next steps that fit."""

    label: str
    detail: str
    tone: str
    actions: frozenset[str] = field(default_factory=frozenset)
    grounds: tuple[str, ...] = RESPONSE_GROUNDS  # an appeal's grounds that fit, if "appeal"


def _days(n: int) -> str:
    return f"{n} working day{'s' if n != 1 else ''}"


def _waiting(status: Status, d: Deadline | None) -> Standing:
    """Sent, no final response yet: the determination deadline says how it stands."""
    act = frozenset({"followup"})
    extended = " (extended for unusual circumstances)" if status is Status.EXTENDED else ""
    if d is None or d.status == "paused" or d.due is None:
        asked = "a fee question" if status is Status.FEE_PENDING else "more information"
        return Standing(
            "clock stopped",
            f"The agency asked for {asked}; the clock runs again when you reply.",
            "stopped",
            act,
        )
    due = day(d.due)
    if d.status == "upcoming":
        left = d.working_days_left or 0
        return Standing(
            "awaiting response",
            f"The agency's response is due {due}{extended}: {_days(left)} left.",
            "waiting",
            act,
        )
    if d.status == "due-today":
        return Standing("due today", f"The agency's response is due today{extended}.", "due", act)
    late = -(d.working_days_left or 0)
    label = "long overdue" if d.status == "long-overdue" else "overdue"
    return Standing(
        label,
        f"No response yet: it was due {due}{extended}, {_days(late)} ago. You may send a status "
        "inquiry, appeal the failure to respond, or treat administrative remedies as exhausted "
        "and go to court.",
        d.status,
        act | {"appeal"},
        (AppealGround.NO_RESPONSE.value,),
    )


def _after_response(status: Status, sched: Schedule) -> Standing:
    """A final response is recorded: the appeal window decides what is left to do."""
    decision = sched.get("determination")
    on = f" on {day(decision.done_on)}" if decision and decision.done_on else ""
    what = {
        **dict.fromkeys(WAITING, "The agency responded"),
        Status.COMPLETED: "Records released in full",
        Status.PARTIAL_RELEASE: "Records released in part",
        Status.NO_RECORDS: "The agency found no records",
        Status.DENIED: "The request was denied",
        Status.APPEAL_DRAFTING: "Drafting an appeal of the response",
    }.get(status, "The agency responded")
    window = sched.get("appeal-window")
    if window is None or window.due is None:
        return Standing(status.value, f"{what}{on}.", "closed", frozenset({"appeal"}))
    if window.status in ("overdue", "long-overdue"):
        return Standing(
            status.value, f"{what}{on}. The window to appeal closed {day(window.due)}.", "closed"
        )
    return Standing(
        status.value,
        f"{what}{on}. An appeal is timely until {day(window.due)}.",
        "waiting" if status is Status.APPEAL_DRAFTING else "closed",
        frozenset({"appeal"}),
    )


def standing(status_text: str, sched: Schedule | None) -> Standing:
    """How the request with recorded status ``status_text`` and deadlines ``sched`` stands."""
    status = Status(status_text)
    if status is Status.DRAFT:
        return Standing(
            "draft",
            "Not sent yet. Send the letter, then record “submitted” with the date: the "
            "statutory clock starts then.",
            "draft",
            frozenset({"send"}),
        )
    if status is Status.WITHDRAWN:
        return Standing("withdrawn", "You withdrew the request.", "closed")
    if status is Status.LITIGATION:
        return Standing("litigation", "A lawsuit was filed.", "closed")
    decision = sched.get("determination") if sched else None
    final = decision is not None and decision.done_on is not None
    if status in WAITING and not final:
        return _waiting(status, decision)
    if (status in ADVERSE_OR_FINAL or final) and sched is not None:
        return _after_response(status, sched)
    if status is Status.APPEALED and sched is not None:
        ruling = sched.get("appeal-decision")
        if ruling is not None and ruling.due is not None:
            if ruling.status in ("overdue", "long-overdue"):
                late = -(ruling.working_days_left or 0)
                return Standing(
                    "appeal overdue",
                    f"The decision on the appeal was due {day(ruling.due)}, {_days(late)} ago.",
                    ruling.status,
                )
            return Standing(
                "appealed", f"The decision on the appeal is due {day(ruling.due)}.", "waiting"
            )
    return Standing(status.value, "", "closed")


def require_sent(status_text: str, request_id: int | None, what: str) -> None:
    """A follow-up or an appeal needs a request that was sent: a draft gets the next step."""
    if Status(status_text) is Status.DRAFT:
        raise VendorwatchError(
            f"request #{request_id} has not been sent, so there is no {what} to draft yet: "
            "send the letter and record “submitted” first"
        )
