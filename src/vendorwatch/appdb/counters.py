"""A `limits` storage in the app database, so several web workers share sign-in counts.

``memory://`` counts within one process; with ``--workers N`` each worker would allow its own
share of guesses. This storage keeps fixed-window counters in a table of the app database
(SQLite or PostgreSQL, whichever the site already uses), one atomic upsert per hit, so every
worker and every machine on that database sees the same counts without Redis. Keys are the
throttle's keyed hashes; no address or email reaches the table.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from limits.storage import Storage
from sqlalchemy import Engine, Float, Integer, String, case, delete, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Mapped, mapped_column

from vendorwatch.appdb.base import Base

SCHEME = "appdb"  # VENDORWATCH_LOGIN_THROTTLE_STORAGE=appdb:// (the app database itself)


class ThrottleCounter(Base):
    """One rate-limit window: how many hits, and when (epoch seconds) the window ends."""

    __tablename__ = "throttle_counters"

    key: Mapped[str] = mapped_column(String(200), primary_key=True)
    hits: Mapped[int] = mapped_column(Integer)
    expires_at: Mapped[float] = mapped_column(Float)


class AppDatabaseStorage(Storage):
    """Fixed-window counters (`limits.strategies.FixedWindowRateLimiter`) in the app database."""

    STORAGE_SCHEME = [SCHEME]  # noqa: RUF012 (limits declares it so)

    def __init__(self, engine: Callable[[], Engine], uri: str | None = None) -> None:
        super().__init__(uri)
        self._engine = engine  # opened lazily, as the site opens the app database

    @property
    def base_exceptions(self) -> type[Exception]:
        return SQLAlchemyError

    def incr(self, key: str, expiry: int, amount: int = 1) -> int:
        """Add ``amount`` to the key's window (a new window if it ended), atomically."""
        now = time.time()
        engine = self._engine()
        dialect = postgresql if engine.dialect.name == "postgresql" else sqlite
        table = ThrottleCounter.__table__
        insert = dialect.insert(table).values(key=key, hits=amount, expires_at=now + expiry)
        ended = table.c.expires_at <= now
        upsert = insert.on_conflict_do_update(
            index_elements=[table.c.key],
            set_={
                "hits": case((ended, amount), else_=table.c.hits + amount),
                "expires_at": case((ended, now + expiry), else_=table.c.expires_at),
            },
        ).returning(table.c.hits)
        with engine.begin() as conn:
            return int(conn.execute(upsert).scalar_one())

    def _row(self, key: str) -> tuple[int, float] | None:
        with self._engine().connect() as conn:
            row = conn.execute(
                select(ThrottleCounter.hits, ThrottleCounter.expires_at).where(
                    ThrottleCounter.key == key
                )
            ).first()
        if row is None or row.expires_at <= time.time():
            return None
        return int(row.hits), float(row.expires_at)

    def get(self, key: str) -> int:
        row = self._row(key)
        return row[0] if row else 0

    def get_expiry(self, key: str) -> float:
        row = self._row(key)
        return row[1] if row else time.time()

    def check(self) -> bool:
        try:
            with self._engine().connect() as conn:
                conn.execute(select(1))
        except SQLAlchemyError:
            return False
        return True

    def reset(self) -> int | None:
        with self._engine().begin() as conn:
            return conn.execute(delete(ThrottleCounter)).rowcount

    def clear(self, key: str) -> None:
        with self._engine().begin() as conn:
            conn.execute(delete(ThrottleCounter).where(ThrottleCounter.key == key))
