"""Creating, listing and removing watchlists, always within one organisation."""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from datetime import UTC, datetime
from decimal import Decimal
from urllib.parse import urlsplit

from sqlalchemy import select
from sqlalchemy.orm import Session

from vendorwatch.alerts.matching import Criteria, validate
from vendorwatch.alerts.models import Alert, Watchlist
from vendorwatch.appdb.accounts import Organisation, Role, User, require_role
from vendorwatch.errors import VendorwatchError
from vendorwatch.registry import Registry


def feed_path(watchlist: Watchlist) -> str:
    """The feed's path on the site; the token in it is the only key needed to read it."""
    return f"/feeds/{watchlist.feed_token}.atom"


def criteria_of(watchlist: Watchlist) -> Criteria:
    since = watchlist.since
    naive = since.astimezone(UTC).replace(tzinfo=None) if since.tzinfo else since
    return Criteria(
        match_kind=watchlist.match_kind,
        match_value=watchlist.match_value,
        agencies=tuple(watchlist.agencies),
        min_amount=watchlist.min_amount,
        change_kinds=tuple(watchlist.change_kinds),
        since=naive,
    )


def _check_email(address: str) -> str:
    address = address.strip()
    local, at, domain = address.rpartition("@")
    if not at or not local or "." not in domain or any(c.isspace() for c in address):
        raise VendorwatchError(f"{address!r} is not an email address")
    return address


def _check_url(url: str) -> str:
    parts = urlsplit(url.strip())
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise VendorwatchError(f"webhook {url!r}: give an http:// or https:// URL")
    return url.strip()


def add_watchlist(
    session: Session,
    user: User,
    org: Organisation,
    registry: Registry,
    *,
    name: str,
    match_kind: str,
    match_value: str,
    agencies: Sequence[str] = (),
    min_amount: Decimal | None = None,
    change_kinds: Sequence[str] = (),
    email_to: str | None = None,
    webhook_url: str | None = None,
    since: datetime | None = None,
) -> Watchlist:
    """A new watchlist for ``org`` (the user must be an editor there).

    It alerts on changes the warehouse records from ``since`` on (default: now); a webhook
    gets a fresh secret, shown once by the caller and kept for signing.
    """
    require_role(session, user, org, Role.EDITOR)
    agencies = [a.lower() for a in agencies]
    criteria = Criteria(
        match_kind, match_value.strip(), tuple(agencies), min_amount, tuple(change_kinds)
    )
    validate(criteria, registry)
    if not name.strip():
        raise VendorwatchError("give the watchlist a name")
    watchlist = Watchlist(
        organisation_id=org.id,
        created_by_id=user.id,
        name=name.strip(),
        match_kind=match_kind,
        match_value=match_value.strip(),
        agencies=agencies,
        min_amount=min_amount,
        change_kinds=list(change_kinds),
        since=since or datetime.now(UTC),
        feed_token=secrets.token_urlsafe(32),
        email_to=_check_email(email_to) if email_to else None,
        webhook_url=_check_url(webhook_url) if webhook_url else None,
        webhook_secret=secrets.token_hex(32) if webhook_url else None,
        active=True,
    )
    session.add(watchlist)
    session.flush()
    return watchlist


def watchlists(
    session: Session, user: User, org: Organisation, *, include_removed: bool = False
) -> list[Watchlist]:
    require_role(session, user, org, Role.VIEWER)
    query = select(Watchlist).where(Watchlist.organisation_id == org.id)
    if not include_removed:
        query = query.where(Watchlist.active.is_(True))
    return list(session.scalars(query.order_by(Watchlist.id)))


def get_watchlist(session: Session, user: User, org: Organisation, watchlist_id: int) -> Watchlist:
    require_role(session, user, org, Role.VIEWER)
    found = session.get(Watchlist, watchlist_id)
    if found is None or found.organisation_id != org.id:
        raise VendorwatchError(f"no watchlist {watchlist_id} in {org.slug!r}")
    return found


def remove_watchlist(
    session: Session, user: User, org: Organisation, watchlist_id: int
) -> Watchlist:
    """Stop the watchlist: no new alerts, no deliveries, its feed gone. Its alerts are kept."""
    require_role(session, user, org, Role.EDITOR)
    found = get_watchlist(session, user, org, watchlist_id)
    found.active = False
    return found


def by_feed_token(session: Session, token: str) -> Watchlist | None:
    """The active watchlist whose feed this is (the token is the key), if any."""
    if not token or len(token) > 64:
        return None
    return session.scalar(
        select(Watchlist).where(Watchlist.feed_token == token, Watchlist.active.is_(True))
    )


def recent_alerts(session: Session, watchlist: Watchlist, limit: int = 200) -> list[Alert]:
    return list(
        session.scalars(
            select(Alert)
            .where(Alert.watchlist_id == watchlist.id)
            .order_by(Alert.created_at.desc(), Alert.id.desc())
            .limit(limit)
        )
    )
