"""Upcoming FOIA deadlines and reminders as an iCalendar file any calendar can subscribe to."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime, timedelta

from icalendar import Calendar
from icalendar import Event as IcsEvent

from vendorwatch.foia.tracker import Upcoming


def calendar_ics(items: Sequence[Upcoming], now: datetime | None = None) -> bytes:
    """All-day events, one per date; UIDs are stable so a re-export updates, not duplicates."""
    stamp = now or datetime.now(UTC)
    cal = Calendar()
    cal.add("prodid", "-//vendorwatch//FOIA deadlines//EN")
    cal.add("version", "2.0")
    cal.add("x-wr-calname", "FOIA deadlines")
    for item in items:
        event = IcsEvent()
        event.add("uid", item.uid)
        event.add("dtstamp", stamp)
        event.add("dtstart", item.on)
        event.add("dtend", item.on + timedelta(days=1))
        event.add("summary", f"FOIA #{item.request_id}: {item.what} - {item.title}")
        event.add("description", item.description)
        cal.add_component(event)
    ics: bytes = cal.to_ical()
    return ics
