"""App-database engines for tests: SQLite in tmp_path and, where a server is given, PostgreSQL.

``VENDORWATCH_TEST_POSTGRES_URL`` names a server (``.ci/run`` starts one); each test gets a
database of its own there, so tests stay independent under xdist. Without the variable the
PostgreSQL variant is skipped locally but FAILS under CI, so CI cannot silently lose it.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, create_engine, text
from sqlalchemy.engine import make_url

from vendorwatch.appdb import open_app_database

POSTGRES_ENV = "VENDORWATCH_TEST_POSTGRES_URL"


def postgres_server() -> str:
    url = os.environ.get(POSTGRES_ENV)
    if not url:
        if os.environ.get("CI"):
            pytest.fail(f"CI is set but {POSTGRES_ENV} is not: .ci/run must start PostgreSQL")
        pytest.skip(f"{POSTGRES_ENV} not set (the PostgreSQL variant runs in CI)")
    return url


@pytest.fixture
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A fresh, empty database URL on the engine the test is parametrised with."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'app.sqlite3'}"
        return
    server = make_url(postgres_server())
    name = f"vw_test_{uuid.uuid4().hex[:16]}"
    admin = create_engine(server, isolation_level="AUTOCOMMIT")
    with admin.connect() as c:
        c.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield server.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as c:
            c.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


ENGINES = pytest.mark.parametrize("database_url", ["sqlite", "postgresql"], indirect=True)


@pytest.fixture
def app_engine(database_url: str) -> Iterator[Engine]:
    engine = open_app_database(database_url)
    yield engine
    engine.dispose()
