"""The tracker's tables: requests, their tracking numbers, awards, dated events and reminders.

Every request belongs to one organisation; `vendorwatch.foia.tracker` is the only way in and
filters every query by it. Statuses and event kinds are stored as short strings (not database
enums) so a new one needs no migration; the Python enums below are the list.
"""

from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    DateTime,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from vendorwatch.appdb.base import Base, Timestamped, utcnow


class Status(enum.StrEnum):
    DRAFT = "draft"
    SUBMITTED = "submitted"
    ACKNOWLEDGED = "acknowledged"
    AWAITING_RESPONSE = "awaiting response"
    CLARIFICATION_NEEDED = "clarification needed"
    FEE_PENDING = "fee pending"
    EXTENDED = "extended"
    PARTIAL_RELEASE = "partial release"
    COMPLETED = "completed"
    NO_RECORDS = "no records"
    DENIED = "denied"
    APPEAL_DRAFTING = "appeal drafting"
    APPEALED = "appealed"
    APPEAL_DECIDED = "appeal decided"
    LITIGATION = "litigation"
    WITHDRAWN = "withdrawn"


class FoiaRequest(Timestamped, Base):
    __tablename__ = "foia_requests"

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    title: Mapped[str] = mapped_column(String(300))
    office_id: Mapped[str] = mapped_column(String(80))  # a FOIA office in the registry
    status: Mapped[str] = mapped_column(String(32), default=Status.DRAFT.value)
    # Who asks and how (name, organisation, email, phone, address, fee_category, fee_limit).
    requester: Mapped[dict[str, str]] = mapped_column(JSON, default=dict)
    expedite: Mapped[bool] = mapped_column(Boolean, default=False)
    letter_text: Mapped[str | None] = mapped_column(Text)
    updated_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), default=utcnow, onupdate=utcnow
    )

    tracking_numbers: Mapped[list[TrackingNumber]] = relationship(
        back_populates="request", order_by="TrackingNumber.id"
    )
    awards: Mapped[list[RequestAward]] = relationship(
        back_populates="request", order_by="RequestAward.id"
    )
    events: Mapped[list[RequestEvent]] = relationship(
        back_populates="request", order_by="(RequestEvent.happened_on, RequestEvent.id)"
    )
    reminders: Mapped[list[Reminder]] = relationship(
        back_populates="request", order_by="(Reminder.due_on, Reminder.id)"
    )


class TrackingNumber(Timestamped, Base):
    """An agency's number for the request; referral to another component brings another."""

    __tablename__ = "foia_tracking_numbers"
    __table_args__ = (UniqueConstraint("request_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int] = mapped_column(ForeignKey("foia_requests.id"), index=True)
    number: Mapped[str] = mapped_column(String(100))
    issued_by: Mapped[str | None] = mapped_column(String(200))

    request: Mapped[FoiaRequest] = relationship(back_populates="tracking_numbers")


class RequestAward(Base):
    """An award the request asks about, by USAspending's generated award id and PIID."""

    __tablename__ = "foia_request_awards"
    __table_args__ = (UniqueConstraint("request_id", "award_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int] = mapped_column(ForeignKey("foia_requests.id"), index=True)
    award_key: Mapped[str] = mapped_column(String(200))
    piid: Mapped[str] = mapped_column(String(100))
    recipient: Mapped[str | None] = mapped_column(String(300))

    request: Mapped[FoiaRequest] = relationship(back_populates="awards")


class RequestEvent(Timestamped, Base):
    """Something dated that happened to the request: a letter, a release, a status change."""

    __tablename__ = "foia_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int] = mapped_column(ForeignKey("foia_requests.id"), index=True)
    happened_on: Mapped[date] = mapped_column(Date)
    kind: Mapped[str] = mapped_column(String(40))
    summary: Mapped[str | None] = mapped_column(Text)
    award_key: Mapped[str | None] = mapped_column(String(200))  # the award it concerns
    tracking_number: Mapped[str | None] = mapped_column(String(100))
    pages: Mapped[int | None] = mapped_column(Integer)  # pages released
    days: Mapped[int | None] = mapped_column(Integer)  # an extension's length
    estimate: Mapped[date | None] = mapped_column(Date)  # an estimated completion date given
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    request: Mapped[FoiaRequest] = relationship(back_populates="events")


class Reminder(Timestamped, Base):
    __tablename__ = "foia_reminders"

    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int] = mapped_column(ForeignKey("foia_requests.id"), index=True)
    due_on: Mapped[date] = mapped_column(Date)
    text: Mapped[str] = mapped_column(Text)
    done: Mapped[bool] = mapped_column(Boolean, default=False)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    request: Mapped[FoiaRequest] = relationship(back_populates="reminders")
