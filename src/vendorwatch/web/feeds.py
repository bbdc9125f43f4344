"""Atom feeds of watchlists: ``/feeds/<token>.atom``, readable without a login.

The token in the URL is the key (unguessable, one per watchlist), so a feed reader needs no
account and the response sets no cookie. A removed watchlist's feed, or a wrong token, is a
404 that says nothing about which. The handler only looks the watchlist up and renders it, on
the site's worker pool within its time limit (`vendorwatch.web.pool`), not Starlette's.

`vendorwatch.alerts` is imported by the first feed asked for, not with the site: with its
delivery (httpx, feedgen and lxml) and its matching (the sources' sync, tenacity, filelock) it
is ~25 MB of ``serve`` that only a feed reader uses (tests/web/test_serve_memory.py).
"""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import PlainTextResponse, Response
from sqlalchemy import Engine

from vendorwatch.appdb import open_app_database, transaction
from vendorwatch.settings import get_settings
from vendorwatch.web.pool import offloop

router = APIRouter(include_in_schema=False)

ATOM = "application/atom+xml; charset=utf-8"


def app_engine(request: Request) -> Engine:
    """The site's app database: the tracker's (`Accounts`) when the site has one, else its own."""
    state = request.app.state
    accounts = getattr(state, "accounts", None)
    if accounts is not None:
        engine: Engine = accounts.engine()
        return engine
    own: Engine | None = getattr(state, "feeds_engine", None)
    if own is None:
        own = open_app_database(get_settings().app_database_url)
        state.feeds_engine = own
    return own


@router.get("/feeds/{token}.atom")
@offloop
def watchlist_feed(token: str, request: Request) -> Response:
    from vendorwatch.alerts import by_feed_token, feed_xml, recent_alerts  # noqa: PLC0415

    with transaction(app_engine(request)) as session:
        watchlist = by_feed_token(session, token)
        if watchlist is None:
            return PlainTextResponse("no such feed", status_code=404)
        alerts = recent_alerts(session, watchlist)
        body = feed_xml(
            watchlist,
            alerts,
            site=str(request.base_url),
            self_url=str(request.url.replace(query="")),
        )
    return Response(
        body,
        media_type=ATOM,
        headers={"Cache-Control": "private, max-age=300", "X-Robots-Tag": "noindex"},
    )
