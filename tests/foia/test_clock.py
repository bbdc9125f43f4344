"""The FOIA clock against dates worked out by hand from the statute, and its properties."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from vendorwatch.errors import VendorwatchError
from vendorwatch.foia.clock import (
    STATUTORY_APPEAL,
    AppealRule,
    Event,
    EventKind,
    FederalCalendar,
    determination_due,
    schedule,
)

CAL = FederalCalendar()
DHS_APPEAL = AppealRule(90, "working-days", "6 CFR 5.8(a)(1)")
K = EventKind


# --- an independent reading of 5 U.S.C. 6103 to check the `holidays` package against ------


def _nth_weekday(year: int, month: int, weekday: int, n: int) -> date:
    day = date(year, month, 1)
    day += timedelta(days=(weekday - day.weekday()) % 7)
    return day + timedelta(weeks=n - 1)


def _last_monday(year: int, month: int) -> date:
    day = date(year, month + 1, 1) - timedelta(days=1)
    return day - timedelta(days=day.weekday())


def _observed(day: date) -> date:
    # 6103(b): Saturday -> the Friday before; Sunday -> the Monday after.
    return {5: day - timedelta(days=1), 6: day + timedelta(days=1)}.get(day.weekday(), day)


def section_6103(year: int) -> set[date]:
    """The weekdays on which a 6103(a) holiday is observed, for holidays of ``year``."""
    fixed = [(1, 1), (7, 4), (11, 11), (12, 25)]
    if year >= 2021:
        fixed.append((6, 19))  # Pub. L. 117-17
    days = {_observed(date(year, m, d)) for m, d in fixed}
    days |= {
        _nth_weekday(year, 1, 0, 3),  # Martin Luther King, Jr.
        _nth_weekday(year, 2, 0, 3),  # Washington's Birthday
        _last_monday(year, 5),  # Memorial Day
        _nth_weekday(year, 9, 0, 1),  # Labor Day
        _nth_weekday(year, 10, 0, 2),  # Columbus Day
        _nth_weekday(year, 11, 3, 4),  # Thanksgiving
    }
    return days


@pytest.mark.parametrize("year", range(2019, 2036))
def test_holidays_are_exactly_section_6103(year: int) -> None:
    expected = section_6103(year) | section_6103(year + 1)
    day, found = date(year, 1, 1), set()
    while day.year == year:
        if CAL.holiday(day) is not None:
            found.add(day)
        day += timedelta(days=1)
    assert found == {d for d in expected if d.year == year}


@pytest.mark.parametrize(
    ("day", "holiday"),
    [
        (date(2021, 6, 18), True),  # first Juneteenth, observed on the Friday
        (date(2020, 6, 19), False),  # before Pub. L. 117-17
        (date(2022, 6, 20), True),  # Juneteenth on a Sunday, observed Monday
        (date(2027, 6, 18), True),
        (date(2021, 12, 31), True),  # New Year's Day 2022 observed in 2021
        (date(2023, 1, 2), True),
        (date(2026, 7, 3), True),
        (date(2024, 12, 24), False),  # an executive-order closure, not a legal holiday
        (date(2025, 1, 9), False),  # day of mourning: same
        (date(2025, 1, 20), True),  # MLK day (also Inauguration Day: not counted separately)
    ],
)
def test_holiday_edge_cases(day: date, holiday: bool) -> None:
    assert (CAL.holiday(day) is not None) is holiday


def test_closures_only_when_asked() -> None:
    closures = FederalCalendar(closures=True)
    assert closures.holiday(date(2024, 12, 24)) is not None
    assert not closures.is_working_day(date(2025, 1, 9))
    assert CAL.is_working_day(date(2025, 1, 9))


# --- due dates worked out by hand --------------------------------------------------------


def test_issue_example_with_its_explanation() -> None:
    s = schedule(date(2026, 6, 15), today=date(2026, 7, 1))
    d = s.get("determination")
    assert d is not None
    assert d.due == date(2026, 7, 15)
    assert d.text.startswith("received Mon 15 Jun 2026; Fri 19 Jun (Juneteenth")
    assert "Fri 3 Jul (Independence Day, observed)" in d.text
    assert "end Wed 15 Jul 2026" in d.text
    assert d.status == "upcoming"
    assert d.working_days_left == 9  # 2, 6-10, 13-15 Jul


def test_juneteenth_2021_first_observed() -> None:
    # Received Fri 11 Jun 2021: Fri 18 Jun (observed Juneteenth) and Mon 5 Jul are skipped.
    assert determination_due(date(2021, 6, 11)) == date(2021, 7, 13)


def test_observed_new_year_on_31_december_2021() -> None:
    # Fri 24 Dec (Christmas observed) and Fri 31 Dec (New Year's Day 2022 observed) skipped.
    s = schedule(date(2021, 12, 10), today=date(2021, 12, 10))
    d = s.get("determination")
    assert d is not None
    assert d.due == date(2022, 1, 11)
    assert "Fri 31 Dec (New Year's Day, observed)" in d.text


def test_holiday_inside_a_tolled_period() -> None:
    # Asked Thu 18 Jun 2026, answered Thu 25 Jun: 19 Jun is a holiday inside the pause, so the
    # pause holds 4 working days (22-25 Jun) and the 15 Jul due date moves to 21 Jul.
    events = [Event(date(2026, 6, 18), K.INFO_REQUESTED), Event(date(2026, 6, 25), K.INFO_ANSWERED)]
    s = schedule(date(2026, 6, 15), events, today=date(2026, 6, 30))
    d = s.get("determination")
    assert d is not None
    assert d.due == date(2026, 7, 21)
    assert "4 working days not counted" in d.text


def test_extension_crossing_the_year_end() -> None:
    # Received Fri 20 Nov 2026 -> Mon 21 Dec (Thanksgiving skipped); +10 working days skips
    # Christmas and New Year's Day 2027 -> Wed 6 Jan 2027.
    events = [Event(date(2026, 12, 14), K.EXTENDED)]
    s = schedule(date(2026, 11, 20), events, today=date(2026, 12, 14))
    d = s.get("determination")
    assert d is not None
    assert d.due == date(2027, 1, 6)
    assert "+10 working days to Wed 6 Jan 2027" in d.text
    assert "Fri 1 Jan (New Year's Day)" in d.text
    assert "5 U.S.C. 552(a)(6)(B)(i)" in d.rule or "(6)(B)(i)" in d.rule


def test_longer_extension_says_what_the_statute_requires() -> None:
    events = [Event(date(2026, 7, 1), K.EXTENDED, days=30)]
    d = schedule(date(2026, 6, 15), events, today=date(2026, 7, 1)).get("determination")
    assert d is not None
    assert d.due == CAL.add_working_days(date(2026, 7, 15), 30)
    assert "552(a)(6)(B)(ii)" in d.text


def test_routing_cap_of_ten_working_days() -> None:
    received = date(2026, 6, 1)
    early = schedule(received, [Event(date(2026, 6, 5), K.ROUTED)], today=received)
    late = schedule(received, [Event(date(2026, 6, 30), K.ROUTED)], today=received)
    early_due = early.get("determination")
    late_due = late.get("determination")
    assert early_due is not None and late_due is not None
    assert early_due.due == CAL.add_working_days(date(2026, 6, 5), 20)
    # The cap: 10 working days after 1 Jun is Mon 15 Jun, so 20 more -> 15 Jul.
    assert late_due.due == date(2026, 7, 15)
    assert "Mon 15 Jun 2026" in late_due.text


def test_information_tolls_only_once_fees_more() -> None:
    received = date(2026, 3, 2)
    once = [Event(date(2026, 3, 4), K.INFO_REQUESTED), Event(date(2026, 3, 11), K.INFO_ANSWERED)]
    twice = [
        *once,
        Event(date(2026, 3, 16), K.INFO_REQUESTED),
        Event(date(2026, 3, 23), K.INFO_ANSWERED),
    ]
    fees = [
        *once,
        Event(date(2026, 3, 16), K.FEE_REQUESTED),
        Event(date(2026, 3, 23), K.FEE_ANSWERED),
    ]
    due_once = determination_due(received, once)
    assert due_once == CAL.add_working_days(CAL.add_working_days(received, 20), 5)
    assert determination_due(received, twice) == due_once
    assert determination_due(received, fees) == CAL.add_working_days(due_once, 5)
    s = schedule(received, twice, today=received)
    assert any("only once" in n for n in s.notes)


def test_open_pause_has_no_due_date() -> None:
    events = [Event(date(2026, 3, 4), K.FEE_REQUESTED)]
    d = schedule(date(2026, 3, 2), events, today=date(2026, 5, 1)).get("determination")
    assert d is not None
    assert d.due is None
    assert d.status == "paused"
    assert "until the reply" in d.text


def test_question_and_answer_on_the_same_day() -> None:
    day = date(2026, 3, 4)
    events = [Event(day, K.INFO_ANSWERED), Event(day, K.INFO_REQUESTED)]
    assert determination_due(date(2026, 3, 2), events) == determination_due(date(2026, 3, 2))


def test_overdue_and_long_overdue() -> None:
    received = date(2026, 6, 15)  # due Wed 15 Jul 2026
    on_day = schedule(received, today=date(2026, 7, 15)).get("determination")
    overdue = schedule(received, today=date(2026, 7, 20)).get("determination")
    long = schedule(received, today=date(2026, 8, 13)).get("determination")
    answered = schedule(
        received, [Event(date(2026, 7, 20), K.DETERMINATION)], today=date(2026, 9, 1)
    ).get("determination")
    assert on_day is not None and on_day.status == "due-today"
    assert overdue is not None and overdue.status == "overdue"
    assert overdue.working_days_left == -3
    assert "3 working days overdue" in overdue.text
    assert long is not None and long.status == "long-overdue"
    assert answered is not None and answered.status == "late"


def test_expedite_decision_in_calendar_days() -> None:
    events = [Event(date(2026, 6, 15), K.EXPEDITE_REQUESTED)]
    d = schedule(date(2026, 6, 15), events, today=date(2026, 6, 16)).get("expedite-decision")
    assert d is not None
    assert d.due == date(2026, 6, 25)  # Juneteenth and the weekend count
    assert "10 calendar days" in d.text


def test_appeal_window_dhs_working_days_and_statute_floor() -> None:
    events = [Event(date(2026, 7, 30), K.DETERMINATION)]
    dhs = schedule(date(2026, 6, 15), events, today=date(2026, 8, 1), appeal=DHS_APPEAL)
    floor = schedule(date(2026, 6, 15), events, today=date(2026, 8, 1))
    dhs_window, floor_window = dhs.get("appeal-window"), floor.get("appeal-window")
    assert dhs_window is not None and floor_window is not None
    assert dhs_window.due == date(2026, 12, 9)
    assert "90 working days (6 CFR 5.8(a)(1))" in dhs_window.text
    assert floor_window.due == date(2026, 10, 28)
    assert floor_window.rule == STATUTORY_APPEAL.rule


def test_appeal_decision_twenty_working_days() -> None:
    events = [
        Event(date(2026, 7, 30), K.DETERMINATION),
        Event(date(2026, 8, 10), K.APPEALED),
    ]
    s = schedule(date(2026, 6, 15), events, today=date(2026, 8, 11), appeal=DHS_APPEAL)
    decision, window = s.get("appeal-decision"), s.get("appeal-window")
    assert decision is not None and window is not None
    assert decision.due == date(2026, 9, 8)  # Labor Day, Mon 7 Sep, skipped
    assert window.status == "met"


def test_event_before_receipt_is_a_user_error() -> None:
    with pytest.raises(VendorwatchError, match="before the request was received"):
        schedule(date(2026, 6, 15), [Event(date(2026, 6, 1), K.DETERMINATION)])


# --- properties ----------------------------------------------------------------------------

days = st.dates(min_value=date(2019, 1, 1), max_value=date(2035, 12, 31))


@given(days)
def test_due_date_is_a_working_day_twenty_working_days_on(received: date) -> None:
    due = determination_due(received)
    assert due is not None
    assert CAL.is_working_day(due)
    assert CAL.working_days_between(received, due) == 20


@given(days, st.integers(0, 40), st.integers(0, 40))
@settings(max_examples=200)
def test_tolling_never_makes_it_earlier(received: date, after: int, length: int) -> None:
    asked = received + timedelta(days=after)
    answered = asked + timedelta(days=length)
    plain = determination_due(received)
    tolled = determination_due(
        received, [Event(asked, K.INFO_REQUESTED), Event(answered, K.INFO_ANSWERED)]
    )
    assert plain is not None and tolled is not None
    assert tolled >= plain
    assert CAL.is_working_day(tolled)
    # It moves by exactly the working days the pause held, when it began before the due date.
    if asked < plain:
        held = CAL.working_days_between(max(asked, received), answered)
        assert CAL.working_days_between(plain, tolled) == held


@given(days, st.integers(0, 60), st.integers(1, 30))
def test_extension_adds_exactly_its_working_days(received: date, after: int, extra: int) -> None:
    plain = determination_due(received)
    extended = determination_due(
        received, [Event(received + timedelta(days=after), K.EXTENDED, days=extra)]
    )
    assert plain is not None and extended is not None
    assert CAL.working_days_between(plain, extended) == extra
    assert CAL.is_working_day(extended)


@given(days, st.integers(0, 40))
def test_routing_start_is_bounded(received: date, after: int) -> None:
    due = determination_due(received, [Event(received + timedelta(days=after), K.ROUTED)])
    plain = determination_due(received)
    assert due is not None and plain is not None
    assert plain <= due <= CAL.add_working_days(received, 30)


@given(days, st.integers(0, 200))
def test_working_days_round_trip(start: date, n: int) -> None:
    assert CAL.working_days_between(start, CAL.add_working_days(start, n)) == n


@given(days, days)
def test_working_days_between_adds_up(a: date, b: date) -> None:
    lo, hi = sorted((a, b))
    mid = lo + (hi - lo) / 2
    assert CAL.working_days_between(lo, hi) == (
        CAL.working_days_between(lo, mid) + CAL.working_days_between(mid, hi)
    )
