"""Alembic's environment: the engine comes from `vendorwatch.appdb.migrate`, not an ini file."""

from __future__ import annotations

from alembic import context
from sqlalchemy import Engine

from vendorwatch.appdb.base import import_models

target_metadata = import_models()
engine = context.config.attributes.get("engine")
if not isinstance(engine, Engine):
    raise RuntimeError("run migrations through vendorwatch.appdb.migrate.upgrade")

with engine.connect() as connection:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=True,  # SQLite alters tables by copying them; batch mode does that
        transaction_per_migration=True,
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()
