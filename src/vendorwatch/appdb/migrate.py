"""Schema upgrades through Alembic, run from code at start; never ``create_all``.

The migration scripts ship inside the package (``vendorwatch/appdb/migrations``), so an
installed vendorwatch can upgrade a user's database without a checkout or an alembic.ini.
Migrations only ever add: a user's rows are never dropped by an upgrade.
"""

from __future__ import annotations

from importlib import resources
from typing import TYPE_CHECKING

from sqlalchemy import Engine

from vendorwatch.appdb.engine import make_engine

if TYPE_CHECKING:
    from alembic.config import Config

# Alembic (~21 MB resident) is imported where a migration runs, not with the site: `serve`
# answers the public pages without ever opening the app database.


def alembic_config(engine: Engine) -> Config:
    from alembic.config import Config  # noqa: PLC0415 - see above

    config = Config()
    config.set_main_option(
        "script_location", str(resources.files("vendorwatch.appdb") / "migrations")
    )
    config.attributes["engine"] = engine
    return config


def head_revision() -> str:
    from alembic.script import ScriptDirectory  # noqa: PLC0415

    script = ScriptDirectory.from_config(alembic_config(make_engine("sqlite://")))
    head = script.get_current_head()
    assert head is not None
    return head


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as connection:
        from alembic.runtime.migration import MigrationContext  # noqa: PLC0415

        return MigrationContext.configure(connection).get_current_revision()


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Bring the schema up to ``revision`` in one transaction per migration."""
    from alembic import command  # noqa: PLC0415

    command.upgrade(alembic_config(engine), revision)


def open_app_database(url: str) -> Engine:
    """An engine on ``url`` with the schema upgraded to the newest revision."""
    engine = make_engine(url)
    if current_revision(engine) != head_revision():
        upgrade(engine)
    return engine
