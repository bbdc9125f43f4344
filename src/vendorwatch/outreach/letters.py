"""Letters to vendors recorded as sent, and their replies: one organisation's book of them.

An `Outreach` is built for one user in one organisation and filters every query by it; a
letter of another organisation is reported exactly as one that does not exist (the web
answers 404). Viewers read; editors and admins record letters and replies.

A letter comes from the library audit (its institution, vendor family and products); the
family is checked against the registry and its name kept with the row, so the list and the
counts need no registry to read.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any

from sqlalchemy import select

from vendorwatch.appdb.scoped import OrgScoped
from vendorwatch.errors import VendorwatchError
from vendorwatch.outreach.models import Channel, Outcome, VendorLetter

if TYPE_CHECKING:
    from vendorwatch.registry import Registry

DEFAULT_REPLY_DAYS = 30
MAX_REPLY_DAYS = 366


def institution_key(name: str) -> str:
    """One institution however its name was typed: spaces collapsed, case folded."""
    return " ".join(name.split()).casefold()


def channel_of(text: str) -> Channel:
    try:
        return Channel(" ".join(text.split()).lower())
    except ValueError:
        known = ", ".join(c.value for c in Channel)
        raise VendorwatchError(f"channel {text!r}: use one of {known}") from None


def outcome_of(text: str) -> Outcome:
    try:
        return Outcome(" ".join(text.split()).lower())
    except ValueError:
        known = ", ".join(o.value for o in Outcome)
        raise VendorwatchError(f"outcome {text!r}: use one of {known}") from None


def find_family(registry: Registry, given: str) -> tuple[str, str]:
    """(family id, name) for a registry id or name; a member company gives its family."""
    wanted = given.strip()
    org_id = wanted if wanted in registry.organisations else None
    if org_id is None:
        folded = wanted.casefold()
        org_id = next(
            (i for i, e in registry.organisations.items() if e.value.name.casefold() == folded),
            None,
        )
    if org_id is None:
        raise VendorwatchError(
            f"vendor family {given!r} is not in the registry: give its id (e.g. relx-plc) or name"
        )
    family = registry.family(org_id)
    return family, registry.organisation(family).name


def _required(value: str, what: str, limit: int) -> str:
    cleaned = " ".join(value.split())
    if not cleaned:
        raise VendorwatchError(f"{what} is needed")
    if len(cleaned) > limit:
        raise VendorwatchError(f"{what} is longer than {limit} characters")
    return cleaned


@dataclass(frozen=True)
class NewLetter:
    """What a letter needs to be recorded as sent."""

    institution: str
    family: str  # registry id or name of the vendor family (or a company in it)
    recipient: str  # to whom: the representative's name or office
    sent_on: date
    channel: str = Channel.EMAIL.value
    products: Sequence[str] = ()
    reply_days: int = DEFAULT_REPLY_DAYS
    text: str | None = None


class Outreach(OrgScoped):
    """One member's access to their organisation's letters to vendors."""

    # -- reading ------------------------------------------------------------------------

    def letters(
        self, *, institution: str | None = None, family: str | None = None
    ) -> list[VendorLetter]:
        """The organisation's letters, oldest sent first; optionally one institution's or one
        family's (by id)."""
        query = (
            select(VendorLetter)
            .where(VendorLetter.organisation_id == self.org.id)
            .order_by(VendorLetter.sent_on, VendorLetter.id)
        )
        if institution is not None:
            query = query.where(VendorLetter.institution_key == institution_key(institution))
        if family is not None:
            query = query.where(VendorLetter.family_id == family.strip())
        return list(self.session.scalars(query))

    def get(self, letter_id: int) -> VendorLetter:
        return self._one(VendorLetter, letter_id, "letter")

    # -- writing ------------------------------------------------------------------------

    def record(self, new: NewLetter, registry: Registry, today: date | None = None) -> VendorLetter:
        """Keep a letter as sent; its reply is due ``reply_days`` after ``sent_on``."""
        self._write()
        institution = _required(new.institution, "the institution's name", 300)
        recipient = _required(new.recipient, "to whom the letter was sent", 300)
        family_id, family_name = find_family(registry, new.family)
        if new.sent_on > (today or date.today()):
            raise VendorwatchError(
                f"the date sent, {new.sent_on.isoformat()}, is in the future: record a letter "
                "once it has gone"
            )
        if not 1 <= new.reply_days <= MAX_REPLY_DAYS:
            raise VendorwatchError(
                f"days to wait for a reply: {new.reply_days} is not between 1 and {MAX_REPLY_DAYS}"
            )
        products = list(dict.fromkeys(p for p in (" ".join(x.split()) for x in new.products) if p))
        letter = VendorLetter(
            organisation_id=self.org.id,
            created_by_id=self.user.id,
            institution=institution,
            institution_key=institution_key(institution),
            family_id=family_id,
            family_name=family_name,
            products=[p[:300] for p in products],
            recipient=recipient,
            channel=channel_of(new.channel).value,
            sent_on=new.sent_on,
            reply_days=new.reply_days,
            text=(new.text or "").strip() or None,
        )
        self.session.add(letter)
        self.session.flush()
        return letter

    def reply(
        self, letter_id: int, on: date, outcome: str, summary: str | None = None
    ) -> VendorLetter:
        """Record the reply (or, with outcome ``no answer``, that none came); a second call
        corrects the first."""
        self._write()
        letter = self.get(letter_id)
        result = outcome_of(outcome)
        if on < letter.sent_on:
            raise VendorwatchError(
                f"the reply's date, {on.isoformat()}, is before the letter was sent "
                f"({letter.sent_on.isoformat()})"
            )
        letter.replied_on = on
        letter.outcome = result.value
        letter.reply_summary = (summary or "").strip() or None
        letter.reply_recorded_by_id = self.user.id
        self.session.flush()
        return letter


def letter_json(letter: VendorLetter) -> dict[str, Any]:
    """The letter's record (without where it stands: see `follow.standing`)."""
    return {
        "id": letter.id,
        "institution": letter.institution,
        "family": letter.family_id,
        "family_name": letter.family_name,
        "products": list(letter.products),
        "recipient": letter.recipient,
        "channel": letter.channel,
        "sent_on": letter.sent_on.isoformat(),
        "reply_days": letter.reply_days,
        "replied_on": letter.replied_on.isoformat() if letter.replied_on else None,
        "outcome": letter.outcome,
        "reply_summary": letter.reply_summary,
        "has_text": letter.text is not None,
    }
