"""The FOIA clock: due dates computed from a request's events, each with how it was computed.

Pure functions over dates; nothing here reads a database or the registry, so the same rules
serve the CLI, the tracker and the web pages, and the property tests can run them by the
thousand. One module per concern: `workdays` is the federal business-day calendar (its
holidays loaded on first use); `model` the events, deadlines and schedule the clock reads
and returns; `deadlines` the arithmetic of the statute's rules; `explain` the words each
step is told in. Everything importable from here before the split still is.
"""

from __future__ import annotations

from vendorwatch.foia.clock.deadlines import (
    APPEAL_DECISION_DAYS,
    DETERMINATION_DAYS,
    EXPEDITE_DECISION_CALENDAR_DAYS,
    EXTENSION_DAYS,
    LONG_OVERDUE_AFTER_DAYS,
    ROUTING_CAP_DAYS,
    determination_due,
    schedule,
)
from vendorwatch.foia.clock.explain import day_text
from vendorwatch.foia.clock.model import (
    STATUTORY_APPEAL,
    AppealRule,
    Deadline,
    Event,
    EventKind,
    Schedule,
    Status,
    Unit,
)
from vendorwatch.foia.clock.workdays import DEFAULT_CALENDAR, FederalCalendar

__all__ = [
    "APPEAL_DECISION_DAYS",
    "DEFAULT_CALENDAR",
    "DETERMINATION_DAYS",
    "EXPEDITE_DECISION_CALENDAR_DAYS",
    "EXTENSION_DAYS",
    "LONG_OVERDUE_AFTER_DAYS",
    "ROUTING_CAP_DAYS",
    "STATUTORY_APPEAL",
    "AppealRule",
    "Deadline",
    "Event",
    "EventKind",
    "FederalCalendar",
    "Schedule",
    "Status",
    "Unit",
    "day_text",
    "determination_due",
    "schedule",
]
