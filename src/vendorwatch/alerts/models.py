"""Watchlists, the alerts recorded for them, each alert's delivery per channel, the run lock.

A watchlist belongs to one organisation. Each alert is a copy of one warehouse change
(``sync_changes``) that matched it, kept here because the warehouse can be rebuilt and the
app database never is; ``(watchlist_id, change_id)`` is unique, so a re-run records nothing
twice. A delivery row says whether an alert went out by email or webhook (the Atom feed
needs none: it shows every alert). Kinds and channels are short strings, not database enums.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    DateTime,
    ForeignKey,
    Integer,
    Numeric,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from vendorwatch.appdb.base import Base, Timestamped, utcnow


class Watchlist(Timestamped, Base):
    __tablename__ = "watchlists"

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    name: Mapped[str] = mapped_column(String(200))
    # what to watch: family | company | product_class | keyword, and its value
    match_kind: Mapped[str] = mapped_column(String(20))
    match_value: Mapped[str] = mapped_column(String(200))
    agencies: Mapped[list[str]] = mapped_column(JSON, default=list)  # keys; [] = any
    min_amount: Mapped[Decimal | None] = mapped_column(Numeric(18, 2))
    change_kinds: Mapped[list[str]] = mapped_column(JSON, default=list)  # [] = every kind
    # changes recorded in the warehouse from this moment on are alerted (UTC)
    since: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    # the feed's URL is /feeds/<feed_token>.atom: unguessable, no login needed
    feed_token: Mapped[str] = mapped_column(String(64), unique=True)
    email_to: Mapped[str | None] = mapped_column(String(320))
    webhook_url: Mapped[str | None] = mapped_column(String(2000))
    webhook_secret: Mapped[str | None] = mapped_column(String(128))
    active: Mapped[bool] = mapped_column(Boolean, default=True)

    alerts: Mapped[list[Alert]] = relationship(back_populates="watchlist", order_by="Alert.id")


class Alert(Timestamped, Base):
    """One warehouse change that matched one watchlist, with the reason it matched."""

    __tablename__ = "watch_alerts"
    __table_args__ = (UniqueConstraint("watchlist_id", "change_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    watchlist_id: Mapped[int] = mapped_column(ForeignKey("watchlists.id"), index=True)
    change_id: Mapped[str] = mapped_column(String(64))
    run_id: Mapped[str] = mapped_column(String(80))
    detected_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    kind: Mapped[str] = mapped_column(String(32))
    obligation_change: Mapped[str] = mapped_column(String(16))
    award_key: Mapped[str] = mapped_column(String(200))
    piid: Mapped[str | None] = mapped_column(String(100))
    transaction_key: Mapped[str | None] = mapped_column(String(300))
    modification_number: Mapped[str | None] = mapped_column(String(100))
    action_date: Mapped[date | None] = mapped_column(Date)
    amount: Mapped[Decimal | None] = mapped_column(Numeric(18, 2))
    old_value: Mapped[str | None] = mapped_column(String(100))
    new_value: Mapped[str | None] = mapped_column(String(100))
    recipient_name: Mapped[str | None] = mapped_column(String(300))
    agency: Mapped[str | None] = mapped_column(String(200))
    reason: Mapped[str] = mapped_column(Text)
    source_sha256: Mapped[str | None] = mapped_column(String(64))
    source_row: Mapped[int | None] = mapped_column(Integer)

    watchlist: Mapped[Watchlist] = relationship(back_populates="alerts")
    deliveries: Mapped[list[Delivery]] = relationship(
        back_populates="alert", order_by="Delivery.id"
    )


class Delivery(Base):
    """Whether an alert went out on one channel (email, webhook); failures are retried."""

    __tablename__ = "watch_deliveries"
    __table_args__ = (UniqueConstraint("alert_id", "channel"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    alert_id: Mapped[int] = mapped_column(ForeignKey("watch_alerts.id"), index=True)
    channel: Mapped[str] = mapped_column(String(16))
    status: Mapped[str] = mapped_column(String(16))  # sent | failed
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str | None] = mapped_column(Text)
    sent_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    updated_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), default=utcnow, onupdate=utcnow
    )

    alert: Mapped[Alert] = relationship(back_populates="deliveries")


class RunLock(Base):
    """Held by one ``watch run`` at a time (any machine, any engine); stale after a while."""

    __tablename__ = "watch_run_locks"

    name: Mapped[str] = mapped_column(String(40), primary_key=True)
    holder: Mapped[str] = mapped_column(String(100))
    acquired_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
