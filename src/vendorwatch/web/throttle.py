"""Login throttling: failed sign-ins counted per account and per client, with `limits`.

Only failures count. After ``attempts_per_account`` wrong passwords for one email within the
window, sign-ins to that account are refused (HTTP 429, "try again in N s") before any
password is checked, whoever tries; after ``attempts_per_client`` failures from one client,
that client is refused for every account. The moment an account becomes locked is reported
once (`Failure.locked`) so the caller can tell the account's organisation admins.

Keys are keyed hashes (HMAC-SHA256 with the site's secret), so neither a client address nor
an email is kept in the store or could be logged from it. The store is any `limits` storage
URL: ``memory://`` (the default) counts within one process; several workers must share one —
``appdb://`` (the app database itself, `vendorwatch.appdb.counters`), ``redis://…``,
``memcached://…`` — and the same ``VENDORWATCH_SESSION_SECRET``.
"""

from __future__ import annotations

import hashlib
import hmac
import math
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from limits import RateLimitItem, RateLimitItemPerSecond
from limits.errors import ConfigurationError
from limits.storage import MovingWindowSupport, Storage, storage_from_string
from limits.strategies import FixedWindowRateLimiter, MovingWindowRateLimiter, RateLimiter
from sqlalchemy import Engine

from vendorwatch.appdb.counters import SCHEME, AppDatabaseStorage
from vendorwatch.errors import VendorwatchError
from vendorwatch.settings import Settings


@dataclass(frozen=True)
class Refusal:
    """Why a sign-in is refused without looking at the password, and for how long."""

    scope: str  # "account" or "client"
    retry_after: int  # seconds

    @property
    def message(self) -> str:
        where = "for this account" if self.scope == "account" else "from your network"
        return f"Too many failed sign-ins {where}; try again in {self.retry_after} s"


@dataclass(frozen=True)
class Failure:
    """A failed sign-in counted; ``locked`` when it was the one that locked the account."""

    locked: bool
    failures: int
    until: datetime


class LoginThrottle:
    """Counts failed sign-ins per account and per client in a `limits` storage."""

    def __init__(
        self,
        *,
        attempts_per_account: int = 5,
        attempts_per_client: int = 20,
        window_seconds: int = 900,
        storage_url: str = "memory://",
        secret: str = "",
        app_database: Callable[[], Engine] | None = None,
    ) -> None:
        if min(attempts_per_account, attempts_per_client, window_seconds) < 1:
            raise VendorwatchError("login throttle: attempts and window must be at least 1")
        storage: object
        if storage_url.startswith(f"{SCHEME}://"):
            if app_database is None:
                raise VendorwatchError(f"login throttle storage {storage_url!r}: no app database")
            storage = AppDatabaseStorage(app_database, storage_url)
        else:
            try:
                storage = storage_from_string(storage_url)
            except ConfigurationError as exc:
                raise VendorwatchError(f"login throttle storage {storage_url!r}: {exc}") from None
        if not isinstance(storage, Storage):
            raise VendorwatchError(f"login throttle storage {storage_url!r} is asynchronous")
        self.storage = storage
        # A moving window where the storage has one: no burst of guesses at a window's edge.
        self.limiter: RateLimiter = (
            MovingWindowRateLimiter(storage)
            if isinstance(storage, MovingWindowSupport)
            else FixedWindowRateLimiter(storage)
        )
        self.account_limit: RateLimitItem = RateLimitItemPerSecond(
            attempts_per_account, window_seconds
        )
        self.client_limit: RateLimitItem = RateLimitItemPerSecond(
            attempts_per_client, window_seconds
        )
        self._key = (secret or secrets.token_urlsafe(32)).encode()

    @classmethod
    def from_settings(
        cls,
        settings: Settings,
        secret: str = "",
        app_database: Callable[[], Engine] | None = None,
    ) -> LoginThrottle:
        return cls(
            attempts_per_account=settings.login_attempts_per_account,
            attempts_per_client=settings.login_attempts_per_client,
            window_seconds=settings.login_window_seconds,
            storage_url=settings.login_throttle_storage,
            secret=secret,
            app_database=app_database,
        )

    def _hash(self, kind: str, value: str) -> str:
        digest = hmac.new(self._key, f"{kind}:{value}".encode(), hashlib.sha256)
        return digest.hexdigest()[:32]

    def account_key(self, email: str) -> str:
        return self._hash("account", email.strip().lower())

    def client_key(self, client: str) -> str:
        """The client's address as a keyed hash: the only form the store ever sees."""
        return self._hash("client", client)

    def _retry_after(self, item: RateLimitItem, key: str) -> int:
        reset = self.limiter.get_window_stats(item, "login", key).reset_time
        return max(1, math.ceil(reset - time.time()))

    def refused(self, email: str, client: str) -> Refusal | None:
        """A refusal if the account or the client has used up its failures, else None."""
        account = self.account_key(email)
        if not self.limiter.test(self.account_limit, "login", account):
            return Refusal("account", self._retry_after(self.account_limit, account))
        address = self.client_key(client)
        if not self.limiter.test(self.client_limit, "login", address):
            return Refusal("client", self._retry_after(self.client_limit, address))
        return None

    def failed(self, email: str, client: str) -> Failure:
        """Count one wrong password against the account and the client."""
        account = self.account_key(email)
        self.limiter.hit(self.client_limit, "login", self.client_key(client))
        self.limiter.hit(self.account_limit, "login", account)
        locked = not self.limiter.test(self.account_limit, "login", account)
        until = datetime.now(UTC) + timedelta(
            seconds=self._retry_after(self.account_limit, account)
        )
        return Failure(locked, self.account_limit.amount, until)

    def succeeded(self, email: str) -> None:
        """A right password clears the account's count (the client's stays)."""
        self.limiter.clear(self.account_limit, "login", self.account_key(email))
