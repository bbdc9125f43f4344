"""Where public data comes from: the USAspending API client and the sync built on it.

The public surface the CLI (and later the alerts) call; see ``docs/sources.md``.
"""

from vendorwatch.sources.changes import Change, recent_changes
from vendorwatch.sources.downloads import load_download
from vendorwatch.sources.plan import SyncError, SyncOptions
from vendorwatch.sources.sync import SyncResult, sync
from vendorwatch.sources.usaspending import (
    AGENCIES,
    API_BASE,
    AWARD_TYPE_GROUPS,
    Agency,
    ApiRequestError,
    ApiShapeError,
    AwardQuery,
    DateWindow,
    Exchange,
    Fetched,
    ResultWindowError,
    UsaspendingClient,
    UsaspendingError,
)

__all__ = [
    "AGENCIES",
    "API_BASE",
    "AWARD_TYPE_GROUPS",
    "Agency",
    "ApiRequestError",
    "ApiShapeError",
    "AwardQuery",
    "Change",
    "DateWindow",
    "Exchange",
    "Fetched",
    "ResultWindowError",
    "SyncError",
    "SyncOptions",
    "SyncResult",
    "UsaspendingClient",
    "UsaspendingError",
    "load_download",
    "recent_changes",
    "sync",
]
