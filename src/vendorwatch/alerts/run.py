"""``watch run``: record what matched since the last run, then send what is not sent yet.

1. **Lock.** One run at a time, across processes and machines: a row in ``watch_run_locks``
   (its primary key refuses a second holder). A lock older than `LOCK_TTL` is taken to be
   left by a killed run and is replaced. A run that finds the lock held does nothing.
2. **Record.** Every active watchlist against the warehouse's ``sync_changes`` detected since
   the watchlist's ``since``; each match becomes one ``watch_alerts`` row. The unique
   ``(watchlist_id, change_id)`` means a change is never recorded twice, whatever re-runs.
3. **Deliver.** Per watchlist and channel (email, webhook), the alerts without a ``sent``
   delivery go out together in one message; success marks them ``sent``, failure marks them
   ``failed`` with the error and the attempt count, and the next run tries them again.
   A message is marked sent only after the server took it: a crash between the two sends it
   again on the next run (at least once, never silently lost).
"""

from __future__ import annotations

import os
import socket
import uuid
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import Engine, delete, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import IntegrityError

from vendorwatch.alerts.delivery import (
    DeliveryError,
    email_message,
    send_email,
    send_webhook,
    webhook_call,
)
from vendorwatch.alerts.matching import WarehouseChange, match, read_changes
from vendorwatch.alerts.models import Alert, Delivery, RunLock, Watchlist
from vendorwatch.alerts.watchlists import criteria_of
from vendorwatch.analysis import connect
from vendorwatch.appdb import transaction
from vendorwatch.registry import Registry, shipped_registry
from vendorwatch.settings import SmtpSettings, get_settings

LOCK_NAME = "watch run"
LOCK_TTL = timedelta(hours=1)
CHANNELS = ("email", "webhook")


@dataclass
class ChannelReport:
    watchlist_id: int
    channel: str
    alerts: int
    ok: bool
    error: str | None = None

    def as_dict(self) -> dict[str, Any]:
        return {
            "watchlist": self.watchlist_id,
            "channel": self.channel,
            "alerts": self.alerts,
            "ok": self.ok,
            "error": self.error,
        }


@dataclass
class RunReport:
    locked_out: bool = False
    changes_read: int = 0
    recorded: dict[int, int] = field(default_factory=dict)  # watchlist id -> new alerts
    deliveries: list[ChannelReport] = field(default_factory=list)

    @property
    def failures(self) -> list[ChannelReport]:
        return [d for d in self.deliveries if not d.ok]

    def as_dict(self) -> dict[str, Any]:
        return {
            "locked_out": self.locked_out,
            "changes_read": self.changes_read,
            "alerts_recorded": {str(k): v for k, v in sorted(self.recorded.items())},
            "deliveries": [d.as_dict() for d in self.deliveries],
            "failures": len(self.failures),
        }


def _now() -> datetime:
    return datetime.now(UTC)


def _naive(moment: datetime) -> datetime:
    return moment.astimezone(UTC).replace(tzinfo=None) if moment.tzinfo else moment


# --- the lock --------------------------------------------------------------------------------


def try_lock(engine: Engine, holder: str, *, ttl: timedelta = LOCK_TTL) -> bool:
    """Take the run lock if nobody holds it (or its holder's time ran out)."""
    now = _now()
    with transaction(engine) as s:
        s.execute(delete(RunLock).where(RunLock.name == LOCK_NAME, RunLock.expires_at < now))
    try:
        with transaction(engine) as s:
            s.add(RunLock(name=LOCK_NAME, holder=holder, acquired_at=now, expires_at=now + ttl))
    except IntegrityError:
        return False
    return True


def unlock(engine: Engine, holder: str) -> None:
    with transaction(engine) as s:
        s.execute(delete(RunLock).where(RunLock.name == LOCK_NAME, RunLock.holder == holder))


@contextmanager
def run_lock(engine: Engine, *, ttl: timedelta = LOCK_TTL) -> Iterator[bool]:
    """``True`` inside the block if this process holds the lock, else ``False``."""
    holder = f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"[:100]
    held = try_lock(engine, holder, ttl=ttl)
    try:
        yield held
    finally:
        if held:
            unlock(engine, holder)


# --- record ----------------------------------------------------------------------------------


def _alert_row(watchlist_id: int, change: WarehouseChange, reason: str) -> dict[str, Any]:
    return {
        "watchlist_id": watchlist_id,
        "change_id": change.change_id,
        "run_id": change.run_id,
        "detected_at": change.detected_at.replace(tzinfo=UTC),
        "kind": change.kind,
        "obligation_change": change.obligation_change,
        "award_key": change.award_key,
        "piid": change.piid,
        "transaction_key": change.transaction_key,
        "modification_number": change.modification_number,
        "action_date": change.action_date,
        "amount": change.amount,
        "old_value": change.old_value,
        "new_value": change.new_value,
        "recipient_name": change.recipient_name,
        "agency": change.sub_agency or change.top_agency,
        "reason": reason,
        "source_sha256": change.source_sha256,
        "source_row": change.source_row,
        "created_at": _now(),
    }


def record_alerts(
    engine: Engine, warehouse: Path, registry: Registry | None = None
) -> tuple[int, dict[int, int]]:
    """Match the warehouse's changes against every active watchlist; (changes read, new alerts
    per watchlist)."""
    with transaction(engine) as s:
        active = list(s.scalars(select(Watchlist).where(Watchlist.active.is_(True))))
    if not active:
        return 0, {}
    registry = registry or shipped_registry()
    criteria = {w.id: criteria_of(w) for w in active}
    since = min(c.since for c in criteria.values() if c.since is not None)
    con = connect(warehouse)
    try:
        changes = read_changes(con, _naive(since), registry)
    finally:
        con.disconnect()
    dialect = postgresql if engine.dialect.name == "postgresql" else sqlite
    recorded: dict[int, int] = {}
    with transaction(engine) as s:
        for w in active:
            rows = [
                _alert_row(w.id, change, reason)
                for change in changes
                if (reason := match(criteria[w.id], change, registry)) is not None
            ]
            if not rows:
                recorded[w.id] = 0
                continue
            held = set(
                s.scalars(
                    select(Alert.change_id).where(
                        Alert.watchlist_id == w.id,
                        Alert.change_id.in_([r["change_id"] for r in rows]),
                    )
                )
            )
            new = [r for r in rows if r["change_id"] not in held]
            if new:
                # a second recorder racing this one (no lock) would still add nothing twice
                statement = dialect.insert(Alert).on_conflict_do_nothing(
                    index_elements=["watchlist_id", "change_id"]
                )
                s.execute(statement, new)
            recorded[w.id] = len(new)
    return len(changes), recorded


# --- deliver ---------------------------------------------------------------------------------


def _pending(engine: Engine, watchlist_id: int, channel: str) -> list[Alert]:
    with transaction(engine) as s:
        sent = select(Delivery.alert_id).where(
            Delivery.channel == channel, Delivery.status == "sent"
        )
        return list(
            s.scalars(
                select(Alert)
                .where(Alert.watchlist_id == watchlist_id, Alert.id.not_in(sent))
                .order_by(Alert.id)
            )
        )


def _mark(engine: Engine, alerts: Sequence[Alert], channel: str, error: str | None) -> None:
    now = _now()
    with transaction(engine) as s:
        found = {
            d.alert_id: d
            for d in s.scalars(
                select(Delivery).where(
                    Delivery.channel == channel, Delivery.alert_id.in_([a.id for a in alerts])
                )
            )
        }
        for alert in alerts:
            delivery = found.get(alert.id)
            if delivery is None:
                delivery = Delivery(alert_id=alert.id, channel=channel, attempts=0)
                s.add(delivery)
            delivery.attempts += 1
            delivery.status = "failed" if error else "sent"
            delivery.last_error = error
            delivery.sent_at = None if error else now
            delivery.updated_at = now


def deliver(engine: Engine, smtp: SmtpSettings, client: httpx.Client) -> list[ChannelReport]:
    """Send every active watchlist's unsent alerts by email and webhook."""
    with transaction(engine) as s:
        active = list(s.scalars(select(Watchlist).where(Watchlist.active.is_(True))))
    reports: list[ChannelReport] = []
    for w in active:
        for channel in CHANNELS:
            if (channel == "email" and not w.email_to) or (
                channel == "webhook" and not w.webhook_url
            ):
                continue
            alerts = _pending(engine, w.id, channel)
            if not alerts:
                continue
            error: str | None = None
            try:
                if channel == "email":
                    send_email(smtp, email_message(w, alerts, smtp.sender))
                else:
                    assert w.webhook_url is not None
                    send_webhook(client, w.webhook_url, webhook_call(w, alerts))
            except DeliveryError as exc:
                error = str(exc)
            _mark(engine, alerts, channel, error)
            reports.append(ChannelReport(w.id, channel, len(alerts), error is None, error))
    return reports


def run_watchlists(
    engine: Engine,
    warehouse: Path,
    *,
    smtp: SmtpSettings | None = None,
    client: httpx.Client | None = None,
    registry: Registry | None = None,
    lock_ttl: timedelta = LOCK_TTL,
) -> RunReport:
    """One cron-safe run: lock, record, deliver; a run that finds the lock held does nothing."""
    report = RunReport()
    with run_lock(engine, ttl=lock_ttl) as held:
        if not held:
            report.locked_out = True
            return report
        report.changes_read, report.recorded = record_alerts(engine, warehouse, registry)
        own = client is None
        http = client or httpx.Client(timeout=httpx.Timeout(30.0, connect=10.0))
        try:
            report.deliveries = deliver(engine, smtp or get_settings().smtp, http)
        finally:
            if own:
                http.close()
    return report
