"""The app database: what users create (FOIA requests, accounts …), never rebuilt, never lost.

SQLAlchemy 2 models on one `Base`; the schema is changed only by the Alembic migrations
shipped in ``appdb/migrations`` and applied by `open_app_database` at start. SQLite by
default, PostgreSQL in production; see docs/appdb.md.
"""

from vendorwatch.appdb.base import Base, Timestamped, import_models
from vendorwatch.appdb.engine import make_engine, transaction
from vendorwatch.appdb.migrate import current_revision, head_revision, open_app_database, upgrade

__all__ = [
    "Base",
    "Timestamped",
    "current_revision",
    "head_revision",
    "import_models",
    "make_engine",
    "open_app_database",
    "transaction",
    "upgrade",
]
