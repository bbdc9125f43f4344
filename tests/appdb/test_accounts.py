"""Accounts that resist guessing: session generations, password resets, lockout notices."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import Engine, select

from tests.appdb.engines import ENGINES
from vendorwatch.appdb import transaction
from vendorwatch.appdb.accounts import (
    AccessDenied,
    Role,
    add_account,
    authenticate,
    end_sessions,
    lockouts_in,
    organisation,
    record_lockout,
    sign_out_everywhere,
    user_by_email,
)
from vendorwatch.appdb.counters import ThrottleCounter
from vendorwatch.errors import VendorwatchError
from vendorwatch.web.throttle import LoginThrottle

PASSWORD = "correct horse battery"


def seed(engine: Engine) -> None:
    with transaction(engine) as s:
        add_account(s, "ada@clinic.example", name="Ada", password=PASSWORD, org_slug="clinic",
                    role=Role.ADMIN)  # fmt: skip
        add_account(s, "ana@clinic.example", name="Ana", password=PASSWORD, org_slug="clinic",
                    role=Role.EDITOR)  # fmt: skip
        add_account(s, "bob@other.example", name="Bob", password=PASSWORD, org_slug="other",
                    role=Role.ADMIN)  # fmt: skip


@ENGINES
def test_an_existing_user_keeps_their_password_unless_reset(app_engine: Engine) -> None:
    seed(app_engine)
    with transaction(app_engine) as s:
        ana, _ = add_account(s, "ana@clinic.example", name="Ana", password="someone else",
                             org_slug="other", role=Role.VIEWER)  # fmt: skip
        assert ana.session_generation == 0
        assert authenticate(s, "ana@clinic.example", PASSWORD) is not None
        assert authenticate(s, "ana@clinic.example", "someone else") is None
    with transaction(app_engine) as s:
        add_account(s, "ana@clinic.example", name="Ana", password="a new password",
                    org_slug="clinic", role=Role.EDITOR, reset_password=True)  # fmt: skip
        assert authenticate(s, "ana@clinic.example", "a new password") is not None
        user = user_by_email(s, "ana@clinic.example")
        assert user is not None and user.session_generation == 1  # old sessions end
    with (
        pytest.raises(VendorwatchError, match="needs the new password"),
        transaction(app_engine) as s,
    ):
        add_account(s, "ana@clinic.example", name="Ana", password=None, org_slug="clinic",
                    role=Role.EDITOR, reset_password=True)  # fmt: skip


@ENGINES
def test_ending_sessions_counts_up_in_the_database(app_engine: Engine) -> None:
    seed(app_engine)
    with transaction(app_engine) as s:
        ana = user_by_email(s, "ana@clinic.example")
        assert ana is not None
        assert [end_sessions(s, ana) for _ in range(3)] == [1, 2, 3]
    with transaction(app_engine) as s:
        again = user_by_email(s, "ana@clinic.example")
        assert again is not None and again.session_generation == 3


@ENGINES
def test_only_an_admin_of_the_same_organisation_signs_a_member_out(app_engine: Engine) -> None:
    seed(app_engine)
    with transaction(app_engine) as s:
        emails = ("ada@clinic.example", "ana@clinic.example", "bob@other.example")
        ada, ana, bob = (user_by_email(s, email) for email in emails)
        assert ada is not None and ana is not None and bob is not None
        clinic = organisation(s, "clinic")
        assert sign_out_everywhere(s, ada, clinic, ana.id).session_generation == 1
        with pytest.raises(AccessDenied, match="this needs admin"):
            sign_out_everywhere(s, ana, clinic, ada.id)
        with pytest.raises(VendorwatchError, match=f"no member #{bob.id} in 'clinic'"):
            sign_out_everywhere(s, ada, clinic, bob.id)
        assert bob.session_generation == 0


@ENGINES
def test_lockout_notices_reach_the_accounts_organisations_only(app_engine: Engine) -> None:
    seed(app_engine)
    until = datetime.now(UTC) + timedelta(minutes=15)
    with transaction(app_engine) as s:
        assert record_lockout(s, "ANA@clinic.example ", 5, until)
        assert not record_lockout(s, "nobody@clinic.example", 5, until)
    with transaction(app_engine) as s:
        [notice] = lockouts_in(s, organisation(s, "clinic"))
        assert notice.user.email == "ana@clinic.example" and notice.failures == 5
        assert lockouts_in(s, organisation(s, "other")) == []


@ENGINES
def test_workers_share_sign_in_counts_in_the_app_database(app_engine: Engine) -> None:
    def worker() -> LoginThrottle:  # each web worker has its own throttle on the same database
        return LoginThrottle(
            attempts_per_account=3,
            attempts_per_client=100,
            window_seconds=600,
            storage_url="appdb://",
            secret="shared",
            app_database=lambda: app_engine,
        )

    one, two = worker(), worker()
    email, client = "ana@clinic.example", "203.0.113.7"
    assert not one.failed(email, client).locked
    assert not two.failed(email, client).locked
    assert one.refused(email, client) is None
    assert two.failed(email, client).locked  # the third failure, counted across both
    refusal = one.refused(email, "198.51.100.1")  # per account: from anywhere
    assert refusal is not None and refusal.scope == "account"
    assert 1 <= refusal.retry_after <= 600
    with app_engine.connect() as c:
        rows = c.execute(select(ThrottleCounter.key, ThrottleCounter.hits)).all()
    assert sorted(hits for _, hits in rows) == [3, 3]  # the account and the client
    assert not any("203.0.113" in key or "@" in key for key, _ in rows)  # keyed hashes only
    one.succeeded(email)
    assert two.refused(email, client) is None
