"""The words a deadline is explained in: dates with their weekday, the holidays skipped,
the days a pause held the clock."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from vendorwatch.foia.clock.model import EventKind


def day_text(day: date, with_year: bool = True) -> str:
    """``Mon 15 Jun 2026``: the weekday is what a reader checks a deadline against."""
    return day.strftime("%a %-d %b %Y" if with_year else "%a %-d %b")


def holiday_phrase(found: Sequence[tuple[date, str]]) -> str | None:
    if not found:
        return None
    names = [f"{day_text(d, with_year=False)} ({name})" for d, name in found]
    joined = names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]
    verb = "is a holiday" if len(names) == 1 else "are holidays"
    return f"{joined} {verb}"


def pause_phrase(kind: EventKind, begin: date, reply: date | None, held: int) -> str:
    what = "information" if kind is EventKind.INFO_REQUESTED else "a fee question"
    if reply is None:
        return (
            f"the clock stopped on {day_text(begin)} when the agency asked for {what} and "
            "stays stopped until the reply"
        )
    return (
        f"the clock stopped from {day_text(begin)} (agency asked for {what}) until your reply "
        f"on {day_text(reply)}: {held} working day{'s' if held != 1 else ''} not counted"
    )
