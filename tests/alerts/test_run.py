"""``run_watchlists`` on a warehouse synced from the replay server: recording once, delivery
retried after a failure and never repeated, the cron lock, organisations kept apart."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import Engine, func, select

from tests.alerts.servers import Receiver, smtp_server, webhook_receiver
from tests.appdb.engines import ENGINES
from tests.sources.api import Tx
from tests.sources.replay import serve
from tests.sources.scenario import (
    FIRST_WINDOW,
    SECOND_END,
    incremental_recording,
    initial_awards,
    initial_recording,
    with_new_modification,
)
from vendorwatch.alerts import (
    Alert,
    Delivery,
    SmtpSettings,
    add_watchlist,
    by_feed_token,
    get_watchlist,
    remove_watchlist,
    run_watchlists,
    watchlists,
)
from vendorwatch.alerts.run import try_lock, unlock
from vendorwatch.appdb import transaction
from vendorwatch.appdb.accounts import (
    AccessDenied,
    Organisation,
    Role,
    User,
    add_member,
    create_organisation,
    create_user,
)
from vendorwatch.errors import VendorwatchError
from vendorwatch.registry import Registry, load_registry
from vendorwatch.sources import SyncOptions, UsaspendingClient, sync

LONG_AGO = datetime(2000, 1, 1, tzinfo=UTC)


@pytest.fixture(scope="module")
def registry() -> Registry:
    return load_registry()


@pytest.fixture(scope="module")
def synced(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Both replayed syncs, in process: 152 new awards, then one new modification."""
    warehouse = tmp_path_factory.mktemp("alerts") / "w.duckdb"
    exchanges, groups = initial_recording()
    options = SyncOptions(
        since=date.fromisoformat(FIRST_WINDOW[0]),
        until=date.fromisoformat(FIRST_WINDOW[1]),
        page_size=50,
    )
    with serve(exchanges) as (base, _), UsaspendingClient(base, requests_per_second=0) as api:
        sync(warehouse, api, options)
    award = groups["ice:contracts"][6]
    changed = with_new_modification(
        award, Tx("P00009", date(2025, 2, 10), Decimal("-2500.00"), "DEOBLIGATION")
    )
    until = SyncOptions(until=date.fromisoformat(SECOND_END), page_size=50)
    recording = incremental_recording(groups, [changed])
    with serve(recording) as (base, _), UsaspendingClient(base, requests_per_second=0) as api:
        result = sync(warehouse, api, until)
    assert [c.kind for c in result.changes] == ["new_modification"]
    return warehouse


def _people(engine: Engine) -> dict[str, int]:
    with transaction(engine) as s:
        desk = create_organisation(s, "desk", "A News Desk")
        other = create_organisation(s, "other", "Another Org")
        ed = create_user(s, "ed@desk.org", "Ed", password="password-ed")
        vi = create_user(s, "vi@desk.org", "Vi", password="password-vi")
        add_member(s, desk, ed, Role.EDITOR)
        add_member(s, desk, vi, Role.VIEWER)
        return {"desk": desk.id, "other": other.id, "ed": ed.id, "vi": vi.id}


def _who(s: object, ids: dict[str, int], user: str, org: str) -> tuple[User, Organisation]:
    u = s.get(User, ids[user])  # type: ignore[attr-defined]
    o = s.get(Organisation, ids[org])  # type: ignore[attr-defined]
    assert u is not None and o is not None
    return u, o


@pytest.fixture
def smtp() -> Iterator[tuple[SmtpSettings, object]]:
    with smtp_server() as (port, inbox):
        yield SmtpSettings(host="127.0.0.1", port=port), inbox


@ENGINES
def test_a_failed_webhook_is_retried_next_run_and_then_never_resent(
    app_engine: Engine, synced: Path, registry: Registry, smtp: tuple[SmtpSettings, object]
) -> None:
    settings, inbox = smtp
    ids = _people(app_engine)
    receiver = Receiver(fail_first=1)
    with webhook_receiver(receiver) as hook:
        with transaction(app_engine) as s:
            user, org = _who(s, ids, "ed", "desk")
            w = add_watchlist(
                s, user, org, registry, name="cuts", match_kind="keyword",
                match_value="law library", change_kinds=["deobligation"],
                email_to="ed@desk.org", webhook_url=hook, since=LONG_AGO,
            )  # fmt: skip
            receiver.secret, watchlist_id = w.webhook_secret, w.id
        first = run_watchlists(app_engine, synced, smtp=settings, registry=registry)
        assert first.recorded == {watchlist_id: 1}
        assert [(d.channel, d.ok) for d in first.deliveries] == [
            ("email", True),
            ("webhook", False),
        ]
        assert "HTTP 503" in (first.failures[0].error or "")
        second = run_watchlists(app_engine, synced, smtp=settings, registry=registry)
        assert second.recorded == {watchlist_id: 0}
        assert [(d.channel, d.ok) for d in second.deliveries] == [("webhook", True)]
        third = run_watchlists(app_engine, synced, smtp=settings, registry=registry)
        assert (third.recorded, third.deliveries) == ({watchlist_id: 0}, [])
    assert len(inbox.messages) == 1  # type: ignore[attr-defined]
    assert (receiver.calls, receiver.rejected, len(receiver.received)) == (2, 0, 1)
    (alert,) = receiver.received[0]["alerts"]
    assert (alert["amount"], alert["obligation_change"]) == ("-2500.00", "deobligation")
    with transaction(app_engine) as s:
        rows = s.execute(select(Delivery.channel, Delivery.status, Delivery.attempts)).all()
        assert sorted(tuple(r) for r in rows) == [("email", "sent", 1), ("webhook", "sent", 2)]


@ENGINES
def test_history_since_a_date_and_email_without_a_server_is_reported(
    app_engine: Engine, synced: Path, registry: Registry
) -> None:
    ids = _people(app_engine)
    with transaction(app_engine) as s:
        user, org = _who(s, ids, "ed", "desk")
        w = add_watchlist(
            s, user, org, registry, name="RELX, big", match_kind="family",
            match_value="relx-plc", agencies=["ice"], min_amount=Decimal("1100"),
            email_to="ed@desk.org", since=LONG_AGO,
        )  # fmt: skip
        watchlist_id = w.id
    report = run_watchlists(app_engine, synced, smtp=SmtpSettings(host=None), registry=registry)
    # a new award counts by its total obligation (the ICE BPAs have $0.00); the de-obligation
    # of 2,500 counts by its size
    big = [
        a for a in initial_awards()["ice:contracts"]
        if sum(t.amount for t in a.transactions) >= Decimal("1100")
    ]  # fmt: skip
    assert 0 < len(big) < 120
    with transaction(app_engine) as s:
        kinds = s.execute(
            select(Alert.kind, func.count()).where(Alert.watchlist_id == watchlist_id)
            .group_by(Alert.kind).order_by(Alert.kind)
        ).all()  # fmt: skip
    assert [tuple(k) for k in kinds] == [("new_award", len(big)), ("new_modification", 1)]
    assert report.recorded == {watchlist_id: len(big) + 1}
    (failure,) = report.failures
    assert (failure.channel, failure.alerts) == ("email", len(big) + 1)
    assert "VENDORWATCH_SMTP_HOST" in (failure.error or "")


@ENGINES
def test_one_run_at_a_time_and_a_stale_lock_is_taken_over(
    app_engine: Engine, synced: Path, registry: Registry
) -> None:
    ids = _people(app_engine)
    with transaction(app_engine) as s:
        user, org = _who(s, ids, "ed", "desk")
        add_watchlist(
            s, user, org, registry, name="all", match_kind="family", match_value="relx-plc",
            since=LONG_AGO,
        )  # fmt: skip
    assert try_lock(app_engine, "someone else")
    blocked = run_watchlists(app_engine, synced, registry=registry)
    assert blocked.locked_out and blocked.recorded == {}
    with transaction(app_engine) as s:
        assert s.scalar(select(func.count()).select_from(Alert)) == 0
    unlock(app_engine, "someone else")
    # a run killed while holding the lock leaves it; after its time it is taken over
    assert try_lock(app_engine, "killed run", ttl=timedelta(seconds=-1))
    done = run_watchlists(app_engine, synced, registry=registry)
    assert not done.locked_out and sum(done.recorded.values()) == 153


@ENGINES
def test_organisations_roles_and_removal(app_engine: Engine, registry: Registry) -> None:
    ids = _people(app_engine)
    with transaction(app_engine) as s:
        viewer, desk = _who(s, ids, "vi", "desk")
        with pytest.raises(AccessDenied, match="this needs editor"):
            add_watchlist(
                s, viewer, desk, registry, name="x", match_kind="keyword", match_value="x"
            )
        editor, _ = _who(s, ids, "ed", "desk")
        w = add_watchlist(
            s, editor, desk, registry, name="x", match_kind="keyword", match_value="accurint",
            webhook_url="https://example.org/hook",
        )  # fmt: skip
        assert w.webhook_secret is not None and len(w.webhook_secret) == 64
        token, watchlist_id = w.feed_token, w.id
        assert len(token) >= 43
        _, other = _who(s, ids, "ed", "other")
        with pytest.raises(AccessDenied):
            watchlists(s, editor, other)
        with pytest.raises(VendorwatchError, match="is not an email"):
            add_watchlist(
                s, editor, desk, registry, name="y", match_kind="keyword", match_value="y",
                email_to="nobody",
            )  # fmt: skip
        with pytest.raises(VendorwatchError, match="http"):
            add_watchlist(
                s, editor, desk, registry, name="y", match_kind="keyword", match_value="y",
                webhook_url="file:///etc/passwd",
            )  # fmt: skip
    with transaction(app_engine) as s:
        editor, desk = _who(s, ids, "ed", "desk")
        assert by_feed_token(s, token) is not None
        remove_watchlist(s, editor, desk, watchlist_id)
    with transaction(app_engine) as s:
        editor, desk = _who(s, ids, "ed", "desk")
        assert by_feed_token(s, token) is None  # the feed is gone
        assert watchlists(s, editor, desk) == []
        assert get_watchlist(s, editor, desk, watchlist_id).active is False  # kept
