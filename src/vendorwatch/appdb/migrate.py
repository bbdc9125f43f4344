"""Schema upgrades through Alembic, run from code at start; never ``create_all``.

The migration scripts ship inside the package (``vendorwatch/appdb/migrations``), so an
installed vendorwatch can upgrade a user's database without a checkout or an alembic.ini.
Migrations only ever add: a user's rows are never dropped by an upgrade.
"""

from __future__ import annotations

from importlib import resources

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine

from vendorwatch.appdb.engine import make_engine


def alembic_config(engine: Engine) -> Config:
    config = Config()
    config.set_main_option(
        "script_location", str(resources.files("vendorwatch.appdb") / "migrations")
    )
    config.attributes["engine"] = engine
    return config


def head_revision() -> str:
    script = ScriptDirectory.from_config(alembic_config(make_engine("sqlite://")))
    head = script.get_current_head()
    assert head is not None
    return head


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Bring the schema up to ``revision`` in one transaction per migration."""
    command.upgrade(alembic_config(engine), revision)


def open_app_database(url: str) -> Engine:
    """An engine on ``url`` with the schema upgraded to the newest revision."""
    engine = make_engine(url)
    if current_revision(engine) != head_revision():
        upgrade(engine)
    return engine
