"""Released records for the site's pages: a member's `Records`, and what an award page shows.

Kept apart from the tracker's routes (`vendorwatch.web.foia_records`) so the public award page
can list public documents without importing the tracker's pages.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path

from fastapi import Request
from sqlalchemy.engine import make_url
from sqlalchemy.exc import SQLAlchemyError

from vendorwatch.appdb import current_revision, head_revision, make_engine, transaction
from vendorwatch.foia.filestore import FileStore, store_for
from vendorwatch.foia.records import Records, public_for_award
from vendorwatch.foia.tracker import Tracker
from vendorwatch.settings import get_settings
from vendorwatch.web.sessions import Accounts

log = logging.getLogger("vendorwatch.web")


def _accounts(request: Request) -> Accounts:
    found: Accounts = request.app.state.accounts
    return found


def store_of(request: Request) -> FileStore:
    return store_for(_accounts(request).database_url)


def records_of(request: Request, tracker: Tracker) -> Records:
    """The member's records, with the site's store and size limit."""
    return Records(tracker, store_of(request), get_settings().records_max_bytes)


_current: set[str] = set()  # app databases seen at the newest schema (they stay there)


def _schema_current(database_url: str) -> bool:
    """True if the app database exists at the newest schema revision.

    A public page never creates or migrates the tracker's database (`Accounts.engine` would):
    until a tracker page or the CLI has brought it up to date, there is nothing to list.
    """
    if database_url in _current:
        return True
    url = make_url(database_url)
    local = url.get_backend_name() == "sqlite" and url.database not in (None, "", ":memory:")
    if local and not Path(str(url.database)).expanduser().is_file():
        return False
    probe = make_engine(database_url)
    try:
        current = current_revision(probe) == head_revision()
    finally:
        probe.dispose()
    if current:
        _current.add(database_url)
    return current


@dataclass(frozen=True)
class Released:
    """A public document as the award page lists it."""

    id: int
    filename: str
    pages: int | None
    size: int
    media_type: str


def released_for_award(request: Request, award_key: str, piid: str | None) -> list[Released]:
    """Public documents linked to the award; none when the app database is not there yet.

    The award page is public data: it never creates the tracker's database, and if the
    database cannot be read the page still renders (without this section's rows).
    """
    site_accounts = _accounts(request)
    try:
        if not _schema_current(site_accounts.database_url):
            return []
        with transaction(site_accounts.engine()) as session:
            return [
                Released(d.id, d.filename, d.pages, d.size, d.media_type)
                for d in public_for_award(session, award_key, piid)
            ]
    except SQLAlchemyError as exc:
        log.warning("released records for %s could not be read: %s", award_key, exc)
        return []
