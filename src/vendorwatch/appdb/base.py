"""The declarative base every app-database model derives from.

Constraint names follow one convention so that Alembic migrations can name (and later alter)
the same constraint on SQLite and PostgreSQL alike.
"""

from __future__ import annotations

import importlib
from datetime import UTC, datetime

from sqlalchemy import DateTime, MetaData
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

# Modules that define models: Alembic's env and the schema test import them all so that the
# metadata is complete. A new part of the app adds its models module here.
MODEL_MODULES = (
    "vendorwatch.appdb.accounts",
    "vendorwatch.appdb.counters",
    "vendorwatch.foia.models",
    "vendorwatch.foia.record_models",
    "vendorwatch.outreach.models",
    "vendorwatch.alerts.models",
)


def utcnow() -> datetime:
    return datetime.now(UTC)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class Timestamped:
    """When a row was created; user data keeps its history."""

    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


def import_models() -> MetaData:
    """Import every models module and return the full metadata."""
    for name in MODEL_MODULES:
        importlib.import_module(name)
    return Base.metadata
