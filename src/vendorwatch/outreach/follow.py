"""Following letters up: where each stands on a day, an institution's timeline, the counts.

A letter is *answered* once a reply is recorded (any outcome but ``no answer``); *no answer*
once a member records that none came; otherwise *waiting* until ``reply_days`` after it was
sent and *overdue* from the day after: the absence of a reply is noticed without anyone
recording it (the LWTech case: the rep never replied).

The campaign's counts are of institutions, not letters: an institution that wrote twice to
one family is counted once for it, by its best standing (answered, then waiting, then
overdue, then no answer), so per family ``wrote = answered + waiting + overdue + no answer``.
"""

from __future__ import annotations

import enum
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from vendorwatch.formatting import day
from vendorwatch.outreach.letters import letter_json
from vendorwatch.outreach.models import Outcome, VendorLetter


class State(enum.StrEnum):
    ANSWERED = "answered"
    WAITING = "waiting"
    OVERDUE = "overdue"
    NO_ANSWER = "no answer"


# Best first: an institution's standing for a family is the best of its letters'.
RANK = {State.ANSWERED: 0, State.WAITING: 1, State.OVERDUE: 2, State.NO_ANSWER: 3}


@dataclass(frozen=True)
class Standing:
    """Where a letter stands on ``today``, and why, in words."""

    state: State
    due_on: date  # the last day a reply was waited for
    words: str

    @property
    def overdue_since(self) -> date:
        return self.due_on + timedelta(days=1)


def due_on(letter: VendorLetter) -> date:
    return letter.sent_on + timedelta(days=letter.reply_days)


def standing(letter: VendorLetter, today: date) -> Standing:
    due = due_on(letter)
    if letter.replied_on is not None and letter.outcome == Outcome.NO_ANSWER.value:
        return Standing(State.NO_ANSWER, due, f"recorded on {day(letter.replied_on)} as no answer")
    if letter.replied_on is not None:
        return Standing(
            State.ANSWERED, due, f"answered on {day(letter.replied_on)}: {letter.outcome}"
        )
    if today > due:
        late = (today - letter.sent_on).days
        return Standing(
            State.OVERDUE,
            due,
            f"no reply {late} days after it was sent (overdue since {day(due + timedelta(1))})",
        )
    return Standing(State.WAITING, due, f"waiting for a reply until {day(due)}")


def standing_json(letter: VendorLetter, today: date) -> dict[str, Any]:
    """The letter's record with where it stands on ``today``, for the JSON and the CLI."""
    where = standing(letter, today)
    return {
        **letter_json(letter),
        "state": where.state.value,
        "due_on": where.due_on.isoformat(),
        "standing": where.words,
    }


# -- an institution's timeline ---------------------------------------------------------------


@dataclass(frozen=True)
class LetterEvent:
    """One dated step of a letter: sent, replied, overdue, or recorded as no answer."""

    on: date
    kind: str  # "sent", "replied", "overdue", "no answer"
    letter_id: int
    institution: str
    family_name: str
    text: str

    def as_dict(self) -> dict[str, Any]:
        return {
            "on": self.on.isoformat(),
            "kind": self.kind,
            "letter": self.letter_id,
            "institution": self.institution,
            "family_name": self.family_name,
            "text": self.text,
        }


def _events(letter: VendorLetter, today: date) -> list[LetterEvent]:
    def event(on: date, kind: str, text: str) -> LetterEvent:
        return LetterEvent(on, kind, letter.id, letter.institution, letter.family_name, text)

    products = f" about {', '.join(letter.products)}" if letter.products else ""
    found = [
        event(
            letter.sent_on,
            "sent",
            f"Letter to {letter.recipient} ({letter.family_name}){products}, by {letter.channel}",
        )
    ]
    due = due_on(letter)
    # Overdue from the day after the wait, if that came before any reply (or none came yet).
    late = letter.replied_on is None or letter.replied_on > due
    if late and today > due:
        found.append(
            event(due + timedelta(days=1), "overdue", f"No reply after {letter.reply_days} days")
        )
    if letter.replied_on is not None:
        summary = f": {letter.reply_summary}" if letter.reply_summary else ""
        if letter.outcome == Outcome.NO_ANSWER.value:
            found.append(event(letter.replied_on, "no answer", f"Recorded as no answer{summary}"))
        else:
            found.append(event(letter.replied_on, "replied", f"Reply: {letter.outcome}{summary}"))
    return [e for e in found if e.on <= today]


def timeline(letters: Iterable[VendorLetter], today: date) -> list[LetterEvent]:
    """Every letter's events up to ``today``, oldest first (then in the order recorded)."""
    events = [e for letter in letters for e in _events(letter, today)]
    order = {"sent": 0, "overdue": 1, "replied": 2, "no answer": 2}
    return sorted(events, key=lambda e: (e.on, e.letter_id, order[e.kind]))


# -- the campaign's counts -------------------------------------------------------------------


@dataclass(frozen=True)
class FamilyCount:
    """How many institutions wrote to one family, and where they stand."""

    family_id: str
    family_name: str
    letters: int
    institutions: dict[State, int]

    @property
    def wrote(self) -> int:
        return sum(self.institutions.values())

    def as_dict(self) -> dict[str, Any]:
        return {
            "family": self.family_id,
            "family_name": self.family_name,
            "letters": self.letters,
            "wrote": self.wrote,
            **{state.value.replace(" ", "_"): n for state, n in self.institutions.items()},
        }


def _count(
    family_id: str, family_name: str, letters: Sequence[VendorLetter], today: date
) -> FamilyCount:
    best: dict[str, State] = {}
    for letter in letters:
        state = standing(letter, today).state
        known = best.get(letter.institution_key)
        if known is None or RANK[state] < RANK[known]:
            best[letter.institution_key] = state
    counts = {state: 0 for state in State}
    for state in best.values():
        counts[state] += 1
    return FamilyCount(family_id, family_name, len(letters), counts)


@dataclass(frozen=True)
class Summary:
    """Per family, then for all families together (an institution counted once there)."""

    families: list[FamilyCount]
    total: FamilyCount
    today: date

    def as_dict(self) -> dict[str, Any]:
        return {
            "as_of": self.today.isoformat(),
            "families": [f.as_dict() for f in self.families],
            "total": self.total.as_dict(),
        }


def summary(letters: Sequence[VendorLetter], today: date) -> Summary:
    """How many institutions wrote, got an answer, are waiting, are overdue, per family."""
    by_family: dict[str, list[VendorLetter]] = defaultdict(list)
    for letter in letters:
        by_family[letter.family_id].append(letter)
    families = [
        _count(fid, group[-1].family_name, group, today) for fid, group in by_family.items()
    ]
    families.sort(key=lambda f: (-f.wrote, f.family_name.casefold()))
    return Summary(families, _count("", "All families", letters, today), today)
