"""Watchlists and alerts: what changed in the warehouse that someone asked to hear about.

A watchlist (app database, one organisation's) names a family, a company, a product class or
a keyword, narrowed by agencies, a minimum amount and kinds of change. `run_watchlists`
records each matching ``sync_changes`` row once as an alert and delivers it: an Atom feed
per watchlist on the site, email through SMTP, signed webhooks. See docs/alerts.md.
"""

from vendorwatch.alerts.delivery import (
    SIGNATURE_HEADER,
    DeliveryError,
    feed_xml,
    sign,
    verify_signature,
)
from vendorwatch.alerts.matching import CHANGE_KINDS, MATCH_KINDS, Criteria
from vendorwatch.alerts.models import Alert, Delivery, Watchlist
from vendorwatch.alerts.run import RunReport, run_watchlists
from vendorwatch.alerts.watchlists import (
    add_watchlist,
    by_feed_token,
    feed_path,
    get_watchlist,
    recent_alerts,
    remove_watchlist,
    watchlists,
)
from vendorwatch.settings import SmtpSettings

__all__ = [
    "CHANGE_KINDS",
    "MATCH_KINDS",
    "SIGNATURE_HEADER",
    "Alert",
    "Criteria",
    "Delivery",
    "DeliveryError",
    "RunReport",
    "SmtpSettings",
    "Watchlist",
    "add_watchlist",
    "by_feed_token",
    "feed_path",
    "feed_xml",
    "get_watchlist",
    "recent_alerts",
    "remove_watchlist",
    "run_watchlists",
    "sign",
    "verify_signature",
    "watchlists",
]
