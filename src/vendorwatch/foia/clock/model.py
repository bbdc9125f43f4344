"""What the clock reads and what it returns: a request's events, the appeal rule, the
deadlines and the schedule they make up."""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Literal

Unit = Literal["working-days", "calendar-days"]


class EventKind(enum.StrEnum):
    """What happened to a request, as far as the clock cares."""

    ROUTED = "routed"  # the right component received it (after a misdirected first receipt)
    INFO_REQUESTED = "info-requested"  # agency asks the requester for information: clock stops
    INFO_ANSWERED = "info-answered"  # requester answers: clock runs again
    FEE_REQUESTED = "fee-requested"  # agency raises a fee question: clock stops
    FEE_ANSWERED = "fee-answered"
    EXTENDED = "extended"  # written notice of unusual circumstances
    EXPEDITE_REQUESTED = "expedite-requested"
    EXPEDITE_DECIDED = "expedite-decided"
    DETERMINATION = "determination"  # the component's response (the appeal window opens)
    APPEALED = "appealed"  # the appeal was received
    APPEAL_EXTENDED = "appeal-extended"
    APPEAL_DECIDED = "appeal-decided"


_KIND_ORDER = {kind: i for i, kind in enumerate(EventKind)}


@dataclass(frozen=True)
class Event:
    """A dated event; ``days`` overrides the length of an extension (10 working days)."""

    on: date
    kind: EventKind
    days: int | None = None

    def sort_key(self) -> tuple[date, int]:
        """Date first; on one day, a question comes before its answer."""
        return self.on, _KIND_ORDER[self.kind]


@dataclass(frozen=True)
class AppealRule:
    """How long a requester has to appeal, and where that rule is written."""

    days: int
    unit: Unit
    rule: str


# The statute's floor when no agency rule is known: "not less than 90 days" (2016 Act).
STATUTORY_APPEAL = AppealRule(90, "calendar-days", "5 U.S.C. 552(a)(6)(A)(i)(III)(aa)")

Status = Literal["upcoming", "due-today", "overdue", "long-overdue", "met", "late", "paused"]


@dataclass(frozen=True)
class Deadline:
    """One due date and, in plain words, how it was computed."""

    kind: str
    title: str
    rule: str
    due: date | None
    explanation: list[str]
    status: Status = "upcoming"
    done_on: date | None = None
    working_days_left: int | None = None

    @property
    def text(self) -> str:
        return "; ".join(self.explanation)

    def as_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "title": self.title,
            "rule": self.rule,
            "due": self.due.isoformat() if self.due else None,
            "status": self.status,
            "done_on": self.done_on.isoformat() if self.done_on else None,
            "working_days_left": self.working_days_left,
            "explanation": self.text,
        }


@dataclass(frozen=True)
class Schedule:
    """Every deadline that follows from a request's events, as of ``today``."""

    received: date
    today: date
    deadlines: list[Deadline] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def get(self, kind: str) -> Deadline | None:
        return next((d for d in self.deadlines if d.kind == kind), None)

    def as_dict(self) -> dict[str, Any]:
        return {
            "received": self.received.isoformat(),
            "today": self.today.isoformat(),
            "deadlines": [d.as_dict() for d in self.deadlines],
            "notes": self.notes,
        }
