"""The command line's own user in a local organisation (``--org``): the options and the
transaction that ``vendorwatch foia`` and ``vendorwatch letters`` share.

The library (SQLAlchemy, the app database) is imported inside the functions: ``--help``
stays fast.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Annotated, TypeVar

import typer

from vendorwatch.cli.options import get_settings
from vendorwatch.errors import VendorwatchError

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from vendorwatch.appdb.accounts import Organisation, User

T = TypeVar("T")

TodayOption = Annotated[
    str | None, typer.Option("--today", help="Judge overdue as of this date (YYYY-MM-DD).")
]


def number(text: str, what: str) -> int:
    """A row's number as typed, with or without its ``#``."""
    if not text.lstrip("#").isdigit():
        raise VendorwatchError(f"{text!r} is not a {what} number")
    return int(text.lstrip("#"))


@contextmanager
def local_scope(
    app_db: str | None, org: str, scoped: Callable[[Session, User, Organisation], T]
) -> Iterator[T]:
    """``scoped`` (a `Tracker`, an `Outreach`) for the local user in ``org``, inside one
    transaction of the app database."""
    from vendorwatch.appdb import open_app_database, transaction
    from vendorwatch.appdb.accounts import local_member

    engine = open_app_database(app_db or get_settings().app_database_url)
    try:
        with transaction(engine) as session:
            user, organisation = local_member(session, org)
            yield scoped(session, user, organisation)
    finally:
        engine.dispose()
