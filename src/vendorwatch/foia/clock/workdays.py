"""The federal working-day calendar: weekdays less the legal public holidays.

Working days are Monday to Friday less the legal public holidays of 5 U.S.C. 6103(a), moved
to the Friday before or Monday after when they fall on a weekend (6103(b)). `holidays.US`
in its default ``public`` category, with no state given, is exactly that list: the eleven
6103(a) holidays including Juneteenth from 2021, with the observed days, and it finds an
observed day that falls in the year before (New Year's Day 2022, observed Fri 31 Dec 2021).
Its ``government`` category adds executive-order closures (Christmas Eve 2024, the day of
mourning 9 Jan 2025 …), which are not legal public holidays; whether they stop a FOIA clock
is unsettled, so they count only when asked for (``FederalCalendar(closures=True)``). The
NYSE "financial" calendar is the stock exchange's (Good Friday in, Columbus and Veterans Day
out) and is not the federal list.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any


class FederalCalendar:
    """Working days for federal FOIA clocks: weekdays less 5 U.S.C. 6103 holidays.

    The `holidays` calendar is imported and built on the first weekday asked about, not with
    this module: importing `holidays` loads every country's module (~300 modules, ~10 MB), and
    most processes that import the clock (``vendorwatch serve``: every page imports the tracker)
    never compute one. tests/web/test_serve_memory.py checks that the site does not.
    """

    def __init__(self, closures: bool = False) -> None:
        self.closures = closures
        self._holidays: Any = None  # holidays.countries.united_states.UnitedStates, when built

    def _calendar(self) -> Any:
        """The `holidays` calendar, built on first use (two threads racing build equal ones)."""
        if self._holidays is None:
            from holidays.countries.united_states import UnitedStates  # noqa: PLC0415

            categories = ("government",) if self.closures else ("public",)
            self._holidays = UnitedStates(categories=categories, observed=True)  # type: ignore[no-untyped-call]
        return self._holidays

    def holiday(self, day: date) -> str | None:
        """The holiday's name when ``day`` is a weekday taken off by a holiday, else None."""
        if day.weekday() >= 5:
            return None
        name: str | None = self._calendar().get(day)
        return name.replace(" (observed)", ", observed") if name else None

    def is_working_day(self, day: date) -> bool:
        return day.weekday() < 5 and self.holiday(day) is None

    def add_working_days(self, start: date, days: int) -> date:
        """The ``days``-th working day after ``start`` (``start`` itself never counts)."""
        if days < 0:
            raise ValueError("days must not be negative")
        day, left = start, days
        while left:
            day += timedelta(days=1)
            if self.is_working_day(day):
                left -= 1
        return day

    def working_days_between(self, start: date, end: date) -> int:
        """Working days after ``start`` up to and including ``end`` (0 if ``end <= start``)."""
        count, day = 0, start
        while day < end:
            day += timedelta(days=1)
            count += self.is_working_day(day)
        return count

    def holidays_between(self, start: date, end: date) -> list[tuple[date, str]]:
        """Weekday holidays after ``start`` up to and including ``end``."""
        found: list[tuple[date, str]] = []
        day = start
        while day < end:
            day += timedelta(days=1)
            name = self.holiday(day)
            if name is not None:
                found.append((day, name))
        return found


DEFAULT_CALENDAR = FederalCalendar()
