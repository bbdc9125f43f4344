"""The tracker's app-database work runs on the site's worker pool, never on the event loop.

A real delay, not a mock: SQLAlchemy's own ``before_cursor_execute`` hook on the engine the
site uses makes the first statement on one table wait `SLEEP` seconds. While one tracker
request is held there, another visitor asks for the computed home page and a static file on
the real server: they must be answered before the held statement is let go (an order, not a
timing threshold). A handler left on the event loop holds the loop for the whole sleep, and
the other visitor's answer comes only after it.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import create_engine, event, func, select

from tests.appdb.engines import ENGINES, database_url
from vendorwatch.foia.models import FoiaRequest
from vendorwatch.web import create_app
from vendorwatch.web.pool import TOO_LARGE

from .conftest import TIME_LIMIT, running
from .test_foia_web import EDITOR, PASSWORD, seed, token_of

__all__ = ["database_url"]  # the fixture, parametrised by ENGINES

pytestmark = ENGINES

SLEEP = 2.0
POOL = "vw-query"  # the site's worker threads (`SiteState._pool`)


@dataclass
class Slow:
    """The first statement naming ``table`` waits ``seconds``; each one naming it records the
    thread it ran on."""

    table: str
    seconds: float = SLEEP
    entered: threading.Event = field(default_factory=threading.Event)
    left: threading.Event = field(default_factory=threading.Event)
    threads: list[str] = field(default_factory=list)

    def __call__(self, _conn: Any, _cursor: Any, statement: str, *_rest: Any) -> None:
        if self.table not in statement:
            return
        self.threads.append(threading.current_thread().name)
        if not self.entered.is_set():
            self.entered.set()
            time.sleep(self.seconds)
            self.left.set()


@dataclass
class Tracked:
    """The site on a real server, a logged-in member and an anonymous visitor."""

    app: FastAPI
    member: httpx.Client
    visitor: httpx.Client

    @contextmanager
    def slow(self, table: str) -> Iterator[Slow]:
        engine = self.app.state.accounts.engine()  # the very engine the handlers use
        hook = Slow(table)
        event.listen(engine, "before_cursor_execute", hook)
        try:
            yield hook
        finally:
            event.remove(engine, "before_cursor_execute", hook)


def log_in(client: httpx.Client) -> httpx.Response:
    form = client.get("/login")
    return client.post(
        "/login",
        data={"csrf_token": token_of(form), "email": EDITOR, "password": PASSWORD, "next": "/foia"},
    )


@pytest.fixture
def tracked(sample_warehouse: Path, database_url: str) -> Iterator[Tracked]:
    seed(database_url)
    app = create_app(sample_warehouse, app_database_url=database_url, time_limit=TIME_LIMIT)
    with (
        running(app) as base,
        httpx.Client(base_url=base, timeout=120) as member,
        httpx.Client(base_url=base, timeout=120) as visitor,
    ):
        assert log_in(member).status_code == 303
        # Computed once: from now on the home page needs no query and is rendered on the loop.
        assert visitor.get("/").status_code == 200
        yield Tracked(app, member, visitor)


def draft(t: Tracked) -> httpx.Response:
    page = t.member.get("/foia/password")  # a form's token from a page that reads no request
    return t.member.post(
        "/foia/new",
        data={"csrf_token": token_of(page), "title": "Held in the database", "office": "ice-foia",
              "name": "Ana Example", "fee_category": "other", "record_type": ["contract"],
              "vendors": "LexisNexis Risk Solutions"},
    )  # fmt: skip


def sign_in(t: Tracked) -> httpx.Response:
    with httpx.Client(base_url=t.member.base_url, timeout=120) as other:
        return log_in(other)


# (what is asked, the table held, the status it answers)
REQUESTS: list[tuple[str, Callable[[Tracked], httpx.Response], str, int]] = [
    ("the request list", lambda t: t.member.get("/foia"), "foia_requests", 200),
    ("the calendar", lambda t: t.member.get("/foia/calendar.ics"), "foia_requests", 200),
    ("the members page", lambda t: t.member.get("/foia/members"), "memberships", 200),
    ("the records page", lambda t: t.member.get("/foia/records"), "foia_documents", 200),
    ("the letters page", lambda t: t.member.get("/foia/letters"), "vendor_letters", 200),
    ("a new request (a write)", draft, "foia_requests", 303),
    ("a sign-in (argon2 and the throttle)", sign_in, "users", 303),
    ("a watchlist's feed", lambda t: t.visitor.get("/feeds/none.atom"), "watchlists", 404),
]


def test_a_slow_app_database_stalls_no_other_visitor(tracked: Tracked) -> None:
    for what, ask, table, status in REQUESTS:
        with tracked.slow(table) as held, ThreadPoolExecutor(1) as asker:
            pending = asker.submit(ask, tracked)
            if not held.entered.wait(30):
                answer = pending.result()
                pytest.fail(f"{what}: never reached {table} ({answer.status_code})")
            home = tracked.visitor.get("/")
            style = tracked.visitor.get("/static/style.css")
            before_it_ended = not held.left.is_set()
            answer = pending.result()
        assert (home.status_code, style.status_code) == (200, 200), what
        assert before_it_ended, f"{what}: the home page waited for its app-database query"
        assert answer.status_code == status, (what, answer.text[:300])
        assert held.threads and all(t.startswith(POOL) for t in held.threads), (what, held.threads)


def test_a_write_past_the_time_limit_is_finished_and_a_read_is_cut(tracked: Tracked) -> None:
    """A write is answered with what happened (saved, once); a read past the limit is told to
    narrow it. Cutting the write would answer 503 for a row committed a moment later."""
    tracked.app.state.site.time_limit = SLEEP / 2
    with tracked.slow("foia_requests"):
        saved = draft(tracked)
    assert saved.status_code == 303, saved.text[:300]
    with tracked.slow("foia_requests"):
        cut = tracked.member.get("/foia")
    assert cut.status_code == 503
    assert TOO_LARGE.replace("'", "&#39;") in cut.text
    engine = create_engine(tracked.app.state.accounts.database_url)
    try:
        with engine.connect() as c:
            count = c.execute(select(func.count()).select_from(FoiaRequest)).scalar_one()
    finally:
        engine.dispose()
    assert count == 1
