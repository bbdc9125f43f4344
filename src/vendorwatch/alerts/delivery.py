"""Telling people: an Atom feed per watchlist, email through SMTP, signed webhooks.

- **Feed**: Atom 1.0 built with feedgen, one entry per alert, newest first.
- **Email**: one plain-text message per watchlist and run listing its new alerts (stdlib
  ``smtplib``/``email``); the server comes from the ``smtp_*`` settings (`SmtpSettings`).
- **Webhook**: one JSON ``POST`` per watchlist and run; the header
  ``X-Vendorwatch-Signature: sha256=<hex>`` is the HMAC-SHA256 of the exact body bytes with
  the watchlist's secret, so the receiver can check it came from us (`verify_signature`).
"""

from __future__ import annotations

import hashlib
import hmac
import json
import smtplib
import ssl
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid
from typing import Any

import httpx
from feedgen.feed import FeedGenerator  # type: ignore[import-untyped]

from vendorwatch.alerts.models import Alert, Watchlist
from vendorwatch.settings import SmtpSettings

SIGNATURE_HEADER = "X-Vendorwatch-Signature"
DELIVERY_HEADER = "X-Vendorwatch-Delivery"
USASPENDING_AWARD = "https://www.usaspending.gov/award/{}/"
FEED_ENTRIES = 200

KIND_TITLES = {
    "new_award": "New award",
    "new_modification": "New modification",
    "end_date_changed": "End date changed",
}


class DeliveryError(Exception):
    """A channel refused or did not answer; the message says which and why."""


def aware(moment: datetime) -> datetime:
    """UTC with its zone (SQLite hands back naive datetimes)."""
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def money(amount: Any) -> str:
    if amount is None:
        return ""
    sign = "-" if amount < 0 else ""
    return f"{sign}${abs(amount):,.2f}"


def alert_title(alert: Alert) -> str:
    what = KIND_TITLES.get(alert.kind, alert.kind)
    award = alert.piid or alert.award_key
    if alert.kind == "new_modification" and alert.modification_number:
        what = f"{what} {alert.modification_number}"
    if alert.kind == "end_date_changed":
        tail = f"{alert.old_value} → {alert.new_value}"
    else:
        direction = " (de-obligation)" if alert.obligation_change == "deobligation" else ""
        tail = f"{money(alert.amount)}{direction}"
    who = f" ({alert.recipient_name})" if alert.recipient_name else ""
    return f"{what} on {award}: {tail}{who}"


def alert_text(alert: Alert) -> str:
    """The alert in plain words: what, when, how much, who, which agency, why it matched."""
    lines = [alert_title(alert)]
    if alert.action_date:
        lines.append(f"Action date: {alert.action_date.isoformat()}")
    if alert.agency:
        lines.append(f"Agency: {alert.agency}")
    lines.append(f"Why: {alert.reason}")
    lines.append(f"Award: {USASPENDING_AWARD.format(alert.award_key)}")
    return "\n".join(lines)


def alert_document(alert: Alert) -> dict[str, Any]:
    """One alert as JSON: money as an exact decimal string, dates ISO 8601."""
    return {
        "id": alert.id,
        "change_id": alert.change_id,
        "kind": alert.kind,
        "obligation_change": alert.obligation_change,
        "award_key": alert.award_key,
        "piid": alert.piid,
        "transaction_key": alert.transaction_key,
        "modification_number": alert.modification_number,
        "action_date": alert.action_date.isoformat() if alert.action_date else None,
        "amount": f"{alert.amount:.2f}" if alert.amount is not None else None,
        "old_value": alert.old_value,
        "new_value": alert.new_value,
        "recipient_name": alert.recipient_name,
        "agency": alert.agency,
        "reason": alert.reason,
        "detected_at": aware(alert.detected_at).isoformat(),
        "sync_run": alert.run_id,
        "source": {"sha256": alert.source_sha256, "row": alert.source_row},
        "usaspending": USASPENDING_AWARD.format(alert.award_key),
    }


# --- the feed --------------------------------------------------------------------------------


def feed_xml(watchlist: Watchlist, alerts: Sequence[Alert], *, site: str, self_url: str) -> bytes:
    """The watchlist's Atom feed: ``alerts`` newest first (at most `FEED_ENTRIES`).

    ``site`` is the site's base URL (entries link to its award pages); ``self_url`` the feed's.
    """
    site = site.rstrip("/")
    fg = FeedGenerator()
    digest = hashlib.sha256(watchlist.feed_token.encode()).hexdigest()[:32]
    fg.id(f"urn:vendorwatch:watchlist:{digest}")
    fg.title(f"vendorwatch: {watchlist.name}")
    fg.subtitle(_describe(watchlist))
    fg.author({"name": "vendorwatch"})
    fg.link(href=self_url, rel="self", type="application/atom+xml")
    fg.link(href=f"{site}/", rel="alternate", type="text/html")
    fg.generator("vendorwatch")
    shown = sorted(alerts, key=lambda a: (aware(a.created_at), a.id), reverse=True)[:FEED_ENTRIES]
    fg.updated(aware(shown[0].created_at) if shown else aware(watchlist.created_at))
    for alert in reversed(shown):  # feedgen puts each new entry first
        entry = fg.add_entry()
        entry.id(f"urn:vendorwatch:change:{alert.change_id}")
        entry.title(alert_title(alert))
        entry.updated(aware(alert.created_at))
        entry.published(aware(alert.detected_at))
        # one link only: feedgen 1.0 drops an entry link's rel and type, and Atom allows a
        # single alternate link (the USAspending page is named in the content)
        entry.link(href=f"{site}/award/{alert.award_key}")
        entry.category(term=alert.kind)
        entry.content(alert_text(alert), type="text")
    xml: bytes = fg.atom_str(pretty=True)
    return xml


def _describe(w: Watchlist) -> str:
    parts = [f"{w.match_kind.replace('_', ' ')} {w.match_value}"]
    if w.agencies:
        parts.append("agencies " + ", ".join(w.agencies))
    if w.min_amount is not None:
        parts.append(f"at least {money(w.min_amount)}")
    if w.change_kinds:
        parts.append("changes " + ", ".join(w.change_kinds))
    return "; ".join(parts)


# --- email -----------------------------------------------------------------------------------


def email_message(watchlist: Watchlist, alerts: Sequence[Alert], sender: str) -> EmailMessage:
    if not watchlist.email_to:
        raise DeliveryError(f"watchlist {watchlist.id} has no email address")
    message = EmailMessage()
    message["From"] = sender
    message["To"] = watchlist.email_to
    count = f"{len(alerts)} change{'s' if len(alerts) != 1 else ''}"
    message["Subject"] = f"vendorwatch: {count} for {watchlist.name}"
    message["Date"] = format_datetime(datetime.now(UTC))
    message["Message-ID"] = make_msgid(domain="vendorwatch.invalid")
    message["Auto-Submitted"] = "auto-generated"
    body = [f"{count} for the watchlist {watchlist.name!r} ({_describe(watchlist)}):", ""]
    for alert in alerts:
        body += [alert_text(alert), ""]
    message.set_content("\n".join(body))
    return message


def send_email(settings: SmtpSettings, message: EmailMessage) -> None:
    if not settings.host:
        raise DeliveryError("no SMTP server is configured (set VENDORWATCH_SMTP_HOST)")
    where = f"SMTP {settings.host}:{settings.port}"
    try:
        smtp: smtplib.SMTP
        if settings.ssl:
            smtp = smtplib.SMTP_SSL(
                settings.host,
                settings.port,
                timeout=settings.timeout,
                context=ssl.create_default_context(),
            )
        else:
            smtp = smtplib.SMTP(settings.host, settings.port, timeout=settings.timeout)
        with smtp:
            if settings.starttls and not settings.ssl:
                smtp.starttls(context=ssl.create_default_context())
            if settings.username:
                smtp.login(settings.username, settings.password or "")
            refused = smtp.send_message(message)
    except (OSError, smtplib.SMTPException) as exc:
        raise DeliveryError(f"{where}: {exc}") from None
    if refused:
        raise DeliveryError(f"{where} refused {', '.join(refused)}")


# --- webhooks --------------------------------------------------------------------------------


def sign(secret: str, body: bytes) -> str:
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def verify_signature(secret: str, body: bytes, header: str | None) -> bool:
    """What a receiver does: recompute the HMAC of the body and compare in constant time."""
    return header is not None and hmac.compare_digest(sign(secret, body), header)


@dataclass(frozen=True)
class WebhookCall:
    body: bytes
    headers: dict[str, str]


def webhook_call(watchlist: Watchlist, alerts: Sequence[Alert]) -> WebhookCall:
    if not watchlist.webhook_url or not watchlist.webhook_secret:
        raise DeliveryError(f"watchlist {watchlist.id} has no webhook")
    document = {
        "watchlist": {"id": watchlist.id, "name": watchlist.name},
        "alerts": [alert_document(a) for a in alerts],
    }
    body = json.dumps(document, ensure_ascii=False, separators=(",", ":")).encode()
    return WebhookCall(
        body,
        {
            "Content-Type": "application/json",
            "User-Agent": "vendorwatch-webhook",
            SIGNATURE_HEADER: sign(watchlist.webhook_secret, body),
            DELIVERY_HEADER: str(uuid.uuid4()),
        },
    )


def send_webhook(client: httpx.Client, url: str, call: WebhookCall) -> None:
    try:
        response = client.post(url, content=call.body, headers=call.headers)
    except httpx.HTTPError as exc:
        raise DeliveryError(f"webhook {url}: {type(exc).__name__}: {exc}") from None
    if not response.is_success:
        raise DeliveryError(f"webhook {url}: HTTP {response.status_code}")
