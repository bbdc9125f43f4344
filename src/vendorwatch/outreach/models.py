"""The table of letters to vendors' representatives, with the reply when one is recorded.

A letter belongs to one organisation (the campaign group or library that keeps the record)
and names the institution that wrote it, so a coalition can keep its members' letters in
one place. The channel and the reply's outcome are short strings, not database enums: a new
one needs no migration; the Python enums below are the list.
"""

from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import JSON, Date, DateTime, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from vendorwatch.appdb.base import Base, Timestamped, utcnow


class Channel(enum.StrEnum):
    EMAIL = "email"
    POST = "post"
    WEB_FORM = "web form"
    PHONE = "phone"
    IN_PERSON = "in person"
    OTHER = "other"


class Outcome(enum.StrEnum):
    """What the reply said; ``no answer`` closes a letter whose answer never came."""

    AGREED_TO_REVIEW = "agreed to review"
    AGREED_TO_STOP = "agreed to stop"
    DECLINED = "declined"
    ASKED_WHY = "asked why"
    OTHER = "other reply"
    NO_ANSWER = "no answer"


class VendorLetter(Timestamped, Base):
    """One letter sent to a vendor's representative; ``created_at`` is when it was recorded."""

    __tablename__ = "vendor_letters"

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    institution: Mapped[str] = mapped_column(String(300))
    # The name folded (case, spaces) so that one institution is counted once.
    institution_key: Mapped[str] = mapped_column(String(300), index=True)
    family_id: Mapped[str] = mapped_column(String(120), index=True)  # a registry family
    family_name: Mapped[str] = mapped_column(String(300))  # its name when recorded
    products: Mapped[list[str]] = mapped_column(JSON, default=list)
    recipient: Mapped[str] = mapped_column(String(300))  # to whom: the representative
    channel: Mapped[str] = mapped_column(String(32))
    sent_on: Mapped[date] = mapped_column(Date)
    reply_days: Mapped[int] = mapped_column(Integer)  # overdue when no reply after this many
    text: Mapped[str | None] = mapped_column(Text)  # the letter as sent, if kept
    replied_on: Mapped[date | None] = mapped_column(Date)
    outcome: Mapped[str | None] = mapped_column(String(40))
    reply_summary: Mapped[str | None] = mapped_column(Text)
    reply_recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    updated_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), default=utcnow, onupdate=utcnow
    )
