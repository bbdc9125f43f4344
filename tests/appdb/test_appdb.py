"""The app database: migrations build exactly the models' schema, on SQLite and PostgreSQL."""

from __future__ import annotations

import re
from importlib import resources
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import Engine, inspect, select

from tests.appdb.engines import ENGINES
from vendorwatch.appdb import (
    current_revision,
    head_revision,
    import_models,
    make_engine,
    open_app_database,
    transaction,
)
from vendorwatch.appdb.accounts import (
    AccessDenied,
    Organisation,
    Role,
    User,
    add_member,
    authenticate,
    create_organisation,
    create_user,
    local_member,
    require_role,
)
from vendorwatch.errors import VendorwatchError
from vendorwatch.settings import Settings


@ENGINES
def test_migrations_build_the_models_schema(app_engine: Engine) -> None:
    assert current_revision(app_engine) == head_revision()
    with app_engine.connect() as connection:
        diff = compare_metadata(MigrationContext.configure(connection), import_models())
    assert diff == []
    tables = set(inspect(app_engine).get_table_names())
    assert {"organisations", "users", "memberships", "foia_requests", "foia_events"} <= tables


@ENGINES
def test_opening_again_keeps_every_row(database_url: str) -> None:
    engine = open_app_database(database_url)
    with transaction(engine) as s:
        create_organisation(s, "clinic", "A Law Clinic")
    engine.dispose()
    again = open_app_database(database_url)
    with transaction(again) as s:
        assert s.scalar(select(Organisation.name)) == "A Law Clinic"
    again.dispose()


@ENGINES
def test_a_failed_unit_of_work_leaves_nothing(app_engine: Engine) -> None:
    with pytest.raises(VendorwatchError), transaction(app_engine) as s:
        create_organisation(s, "clinic", "A Law Clinic")
        create_organisation(s, "clinic", "Same id again")
    with transaction(app_engine) as s:
        assert s.scalars(select(Organisation)).all() == []


@ENGINES
def test_passwords_are_argon2_and_roles_are_ordered(app_engine: Engine) -> None:
    with transaction(app_engine) as s:
        org = create_organisation(s, "clinic", "A Law Clinic")
        viewer = create_user(s, "V@Example.org", "Vi", password="correct horse")
        add_member(s, org, viewer, Role.VIEWER)
        stored = s.scalar(select(User.password_hash).where(User.id == viewer.id))
        assert stored is not None and stored.startswith("$argon2id$")
        assert "correct horse" not in stored
        assert authenticate(s, "v@example.org", "correct horse") is not None
        assert authenticate(s, "v@example.org", "wrong horse") is None
        assert authenticate(s, "nobody@example.org", "correct horse") is None
        assert require_role(s, viewer, org, Role.VIEWER) is Role.VIEWER
        with pytest.raises(AccessDenied, match="this needs editor"):
            require_role(s, viewer, org, Role.EDITOR)
        other = create_organisation(s, "other", "Other")
        with pytest.raises(AccessDenied, match="not a member"):
            require_role(s, viewer, other, Role.VIEWER)


def test_short_password_refused(tmp_path: Path) -> None:
    engine = open_app_database(f"sqlite:///{tmp_path / 'a.sqlite3'}")
    with pytest.raises(VendorwatchError, match="at least 8"), transaction(engine) as s:
        create_user(s, "a@example.org", "A", password="short")


def test_local_member_is_created_once(tmp_path: Path) -> None:
    engine = open_app_database(f"sqlite:///{tmp_path / 'a.sqlite3'}")
    with transaction(engine) as s:
        user, org = local_member(s)
    with transaction(engine) as s:
        again, org2 = local_member(s)
        assert (again.id, org2.id) == (user.id, org.id)
        assert require_role(s, again, org2, Role.ADMIN) is Role.ADMIN
        assert again.password_hash is None  # the CLI's user cannot log in on the web


def test_migrations_never_drop() -> None:
    versions = resources.files("vendorwatch.appdb") / "migrations" / "versions"
    scripts = [p for p in versions.iterdir() if p.name.endswith(".py")]
    assert scripts
    for script in scripts:
        body = script.read_text()
        assert not re.search(r"\bop\.drop_|batch_op\.drop_|DROP TABLE|DROP COLUMN", body), (
            script.name
        )


def test_bad_url_is_a_user_error() -> None:
    with pytest.raises(VendorwatchError, match="not a database URL"):
        make_engine("not a url")
    with pytest.raises(VendorwatchError, match="only sqlite"):
        make_engine("mysql://x@localhost/db")


def test_default_app_database_sits_beside_the_default_warehouse(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("VENDORWATCH_APP_DATABASE_URL", raising=False)
    monkeypatch.delenv("VENDORWATCH_WAREHOUSE", raising=False)
    settings = Settings()
    assert settings.app_database_url == f"sqlite:///{settings.warehouse.parent / 'app.sqlite3'}"
