"""`vendorwatch backup` / `restore`: every row back exactly, on SQLite and PostgreSQL and across.

The rows are made through the tracker's own functions (accounts, a lockout, requests with
awards, events, tracking numbers and reminders, watchlists); the comparison reads every
column of every table from both databases, independently of the backup code.
"""

from __future__ import annotations

import json
import sys
import uuid
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import create_engine, func, inspect, select, text
from sqlalchemy.engine import make_url

from tests.appdb.engines import postgres_server
from vendorwatch.alerts.watchlists import add_watchlist
from vendorwatch.appdb import import_models, make_engine, open_app_database, transaction, upgrade
from vendorwatch.appdb.accounts import (
    Role,
    add_account,
    authenticate,
    end_sessions,
    organisation,
    record_lockout,
    user_by_email,
)
from vendorwatch.appdb.backup import TRANSIENT, backup, restore
from vendorwatch.cli.app import main
from vendorwatch.errors import VendorwatchError
from vendorwatch.foia.letters import AwardRef, FeeCategory, Requester
from vendorwatch.foia.tracker import Tracker
from vendorwatch.registry.load import shipped_registry

PASSWORD = "correct horse battery"
AWARD = AwardRef(
    piid="70CMSD21C00000001",
    award_key="CONT_AWD_70CMSD21C00000001_7012_-NONE-_-NONE-",
    recipient="LEXISNEXIS SPECIAL SERVICES INC",
    sub_agency="U.S. Immigration and Customs Enforcement",
    first_action=date(2021, 3, 1),
    last_action=date(2024, 2, 28),
    obligated=None,  # the tracker keeps only the PIID, award id and recipient
    competed="",
)


@contextmanager
def fresh_database(kind: str, folder: Path) -> Iterator[str]:
    """An empty database URL of ``kind`` (a SQLite file, or a new PostgreSQL database)."""
    if kind == "sqlite":
        yield f"sqlite:///{folder / f'{uuid.uuid4().hex[:8]}.sqlite3'}"
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


def make_rows(url: str) -> None:
    """A clinic's tracker as people use it, through the library's own functions."""
    engine = open_app_database(url)
    with transaction(engine) as s:
        ana, clinic = add_account(s, "ana@clinic.example", name="Ana Ñúñez", password=PASSWORD,
                                  org_slug="clinic", role=Role.ADMIN,
                                  org_name="Example Law Clinic")  # fmt: skip
        add_account(s, "vic@clinic.example", name="Vic", password=PASSWORD, org_slug="clinic",
                    role=Role.VIEWER)  # fmt: skip
        add_account(s, "bob@other.example", name="Bob", password=PASSWORD, org_slug="other",
                    role=Role.EDITOR, org_name="Other Org")  # fmt: skip
        end_sessions(s, ana)
        record_lockout(s, "vic@clinic.example", 5, datetime.now(UTC) + timedelta(minutes=15))
        tracker = Tracker(s, ana, clinic)
        requester = Requester("Ana Ñúñez", "Example Law Clinic", "ana@clinic.example", None,
                              "1 Main St\nSuite 2", FeeCategory.EDUCATIONAL,
                              Decimal("50.25"))  # fmt: skip
        first = tracker.create("LexisNexis “ATLAS” records\nand more", "ice-foia", requester,
                               awards=[AWARD], letter_text="Dear FOIA officer,\n…",
                               expedite=True)  # fmt: skip
        tracker.add_event(first.id, "submitted", date(2026, 6, 15), summary="by portal")
        tracker.add_event(first.id, "acknowledged", date(2026, 6, 16),
                          tracking_number="2026-ICFO-01234")  # fmt: skip
        tracker.add_event(first.id, "extended", date(2026, 7, 1), days=10)
        tracker.add_event(first.id, "estimate", date(2026, 7, 2), estimate=date(2026, 9, 30))
        tracker.add_event(first.id, "records-released", date(2026, 7, 20),
                          award=AWARD.piid, pages=120)  # fmt: skip
        reminder = tracker.remind(first.id, date(2026, 8, 1), "Chase the rest")
        tracker.remind(first.id, date(2026, 9, 1), "Appeal window")
        tracker.complete_reminder(first.id, reminder.id)
        tracker.create("A second request", "cbp-foia", requester)
        add_watchlist(s, ana, clinic, shipped_registry(), name="RELX over $1.2M",
                      match_kind="family", match_value="relx-plc", agencies=["ice"],
                      min_amount=Decimal("1234567.89"), change_kinds=["new_award"],
                      email_to="alerts@clinic.example",
                      webhook_url="https://hooks.example/vw")  # fmt: skip
        bob = user_by_email(s, "bob@other.example")
        assert bob is not None
        other = organisation(s, "other")
        Tracker(s, bob, other).create("Other's own", "ice-foia", Requester("Bob"))
    engine.dispose()


def normalised(value: Any) -> Any:
    """One spelling per value: both engines' times as aware UTC (SQLite keeps them naive)."""
    if isinstance(value, datetime):
        return (value if value.tzinfo else value.replace(tzinfo=UTC)).astimezone(UTC)
    return value


def every_row(url: str) -> dict[str, list[dict[str, Any]]]:
    engine = make_engine(url)
    found = {}
    with engine.connect() as c:
        for table in import_models().sorted_tables:
            if table.name in TRANSIENT:
                continue
            rows = c.execute(select(table).order_by(*table.primary_key.columns)).mappings()
            found[table.name] = [{k: normalised(v) for k, v in row.items()} for row in rows]
    engine.dispose()
    return found


PAIRS = [("sqlite", "sqlite"), ("postgresql", "postgresql"), ("sqlite", "postgresql"),
         ("postgresql", "sqlite")]  # fmt: skip


@pytest.mark.parametrize(("source_kind", "target_kind"), PAIRS)
def test_round_trip_keeps_every_row(source_kind: str, target_kind: str, tmp_path: Path) -> None:
    with (
        fresh_database(source_kind, tmp_path) as source,
        fresh_database(target_kind, tmp_path) as target,
    ):
        make_rows(source)
        before = every_row(source)
        assert {t: len(r) for t, r in before.items() if r} == {
            "organisations": 2, "users": 3, "memberships": 3, "login_lockouts": 1,
            "foia_requests": 3, "foia_request_awards": 1, "foia_events": 5,
            "foia_tracking_numbers": 1, "foia_reminders": 2, "watchlists": 1,
        }  # fmt: skip
        written = backup(source, tmp_path / "app-backup.zip")
        assert written.revision == "0005" and sum(written.tables.values()) == 22
        restored = restore(target, tmp_path / "app-backup.zip")
        assert restored.tables == written.tables
        after = every_row(target)
        assert after == before
        watch = after["watchlists"][0]
        assert watch["min_amount"] == Decimal("1234567.89")  # exact, not a float
        assert after["users"][0]["session_generation"] == 1
        # The restored database is a working one: logins and new rows (ids after the old).
        engine = open_app_database(target)
        with transaction(engine) as s:
            ana = authenticate(s, "ana@clinic.example", PASSWORD)
            assert ana is not None
            made = Tracker(s, ana, organisation(s, "clinic")).create(
                "After the restore", "ice-foia", Requester("Ana")
            )
            assert made.id == max(r["id"] for r in before["foia_requests"]) + 1
        engine.dispose()


def test_a_backup_from_an_older_revision_restores_into_the_newest(tmp_path: Path) -> None:
    old = f"sqlite:///{tmp_path / 'old.sqlite3'}"
    engine = make_engine(old)
    upgrade(engine, "0002")  # before session generations existed
    with engine.begin() as c:
        c.execute(text("INSERT INTO organisations (id, slug, name, created_at) "
                       "VALUES (1, 'clinic', 'Clinic', '2026-11-30 10:00:00.000000')"))  # fmt: skip
        c.execute(text("INSERT INTO users (id, email, name, password_hash, created_at) "
                       "VALUES (1, 'ana@clinic.example', 'Ana', NULL, "
                       "'2026-11-30 10:00:00.000000')"))  # fmt: skip
    engine.dispose()
    written = backup(old, tmp_path / "old.zip")
    assert written.revision == "0002" and "login_lockouts" not in written.tables
    new = f"sqlite:///{tmp_path / 'new.sqlite3'}"
    restore(new, tmp_path / "old.zip")
    rows = every_row(new)
    assert rows["users"][0]["session_generation"] == 0  # the column added later: its default
    assert rows["users"][0]["created_at"] == datetime(2026, 11, 30, 10, tzinfo=UTC)


@dataclass
class Ran:
    returncode: int
    stdout: str
    stderr: str


def vw(capsys: pytest.CaptureFixture[str], *args: str) -> Ran:
    """The real entry point (`main`: errors become one line and exit 1), run in-process."""
    capsys.readouterr()
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(sys, "argv", ["vendorwatch", *args])
        try:
            main()
            code = 0
        except SystemExit as exc:
            code = exc.code if isinstance(exc.code, int) else 1
    out, err = capsys.readouterr()
    return Ran(code, out, err)


def one_line_error(done: Ran, message: str) -> None:
    assert done.returncode == 1, done.stdout
    assert done.stderr.startswith("error: ") and "Traceback" not in done.stderr
    assert message in " ".join(done.stderr.split()), done.stderr


def row_count(url: str) -> int:
    engine = make_engine(url)
    with engine.connect() as c:
        present = set(inspect(c).get_table_names())
        total = sum(
            c.execute(select(func.count()).select_from(t)).scalar_one()
            for t in import_models().sorted_tables
            if t.name in present
        )
    engine.dispose()
    return total


def rewrite(source: Path, target: Path, change: dict[str, bytes | None]) -> None:
    """A copy of a backup with some members replaced (or left out, with None)."""
    with zipfile.ZipFile(source) as zin, zipfile.ZipFile(target, "w") as zout:
        for item in zin.infolist():
            if item.filename not in change:
                zout.writestr(item, zin.read(item))
            elif (data := change[item.filename]) is not None:
                zout.writestr(item.filename, data)


def test_the_commands_refuse_what_would_lose_or_mix_rows(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = f"sqlite:///{tmp_path / 'source.sqlite3'}"
    make_rows(source)
    out = tmp_path / "backup.zip"
    made = vw(capsys, "backup", "-o", str(out), "--app-db", source)
    assert made.returncode == 0, made.stderr
    assert "22 rows (schema revision 0005)" in made.stdout
    target = f"sqlite:///{tmp_path / 'target.sqlite3'}"
    assert vw(capsys, "restore", str(out), "--app-db", target).returncode == 0
    assert every_row(target) == every_row(source)
    # A database with rows is never mixed into: refused, or replaced whole with --replace.
    one_line_error(
        vw(capsys, "restore", str(out), "--app-db", target), "is not empty (2 organisations"
    )
    engine = open_app_database(target)
    with transaction(engine) as s:
        add_account(s, "new@clinic.example", name="New", password=PASSWORD, org_slug="new",
                    role=Role.EDITOR)  # fmt: skip
    engine.dispose()
    replaced = vw(capsys, "restore", str(out), "--app-db", target, "--replace", "--json")
    assert replaced.returncode == 0, replaced.stderr
    assert json.loads(replaced.stdout)["rows"] == 22
    assert every_row(target) == every_row(source)  # the newer account is gone, as asked


def test_a_bad_backup_is_one_line_and_changes_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = f"sqlite:///{tmp_path / 'source.sqlite3'}"
    make_rows(source)
    good = tmp_path / "backup.zip"
    backup(source, good)
    with zipfile.ZipFile(good) as z:
        manifest = json.loads(z.read("manifest.json"))
        events = z.read("tables/foia_events.jsonl")
    newer = {**manifest, "revision": "9999"}
    lines = events.decode().splitlines(keepends=True)
    edited = lines[0].replace("by portal", "by post")
    fewer = {**manifest, "tables": [
        {**t, "rows": t["rows"] + 1} if t["name"] == "foia_events" else t
        for t in manifest["tables"]
    ]}  # fmt: skip
    cases: dict[str, tuple[dict[str, bytes | None] | bytes, str]] = {
        "not-a-zip.zip": (b"id,name\n1,x\n", "is not a vendorwatch backup"),
        "no-manifest.zip": ({"manifest.json": None}, "is not a vendorwatch backup (no manifest"),
        "newer.zip": ({"manifest.json": json.dumps(newer).encode()},
                      "holds schema revision '9999', newer than this vendorwatch"),
        "edited.zip": ({"tables/foia_events.jsonl": (edited + "".join(lines[1:])).encode()},
                       "foia_events.jsonl does not match its manifest's checksum"),
        "count.zip": ({"manifest.json": json.dumps(fewer).encode()},
                      "foia_events.jsonl holds 5 rows, its manifest says 6"),
        "bad-line.zip": ({"tables/foia_events.jsonl": events + b"[1, 2\n"},
                         "tables/foia_events.jsonl line 6: not valid JSON"),
        "bad-value.zip": ({"tables/watchlists.jsonl": b'[1,1,1,"x","family","relx-plc",[],'
                           b'1234567.89,[],"2026-12-01T00:00:00+00:00","t",null,null,null,'
                           b'true,"2026-12-01T00:00:00+00:00"]\n'},
                          "column min_amount: 1234567.89 is not a decimal written as a string"),
    }  # fmt: skip
    for name, (change, message) in cases.items():
        path = tmp_path / name
        if isinstance(change, bytes):
            path.write_bytes(change)
        else:
            rewrite(good, path, change)
        target = f"sqlite:///{tmp_path / f'{name}.sqlite3'}"
        one_line_error(vw(capsys, "restore", str(path), "--app-db", target), message)
        assert row_count(target) == 0, name  # all or nothing: the database is still empty
    with pytest.raises(VendorwatchError, match="no such file"):
        restore(source, tmp_path / "missing.zip")
    with pytest.raises(VendorwatchError, match=r"folder .* does not exist"):
        backup(source, tmp_path / "nowhere" / "backup.zip")


def test_a_database_newer_than_this_vendorwatch_is_left_alone(tmp_path: Path) -> None:
    source = f"sqlite:///{tmp_path / 'source.sqlite3'}"
    make_rows(source)
    backup(source, tmp_path / "backup.zip")
    newer = f"sqlite:///{tmp_path / 'newer.sqlite3'}"
    engine = make_engine(newer)
    with engine.begin() as c:
        c.execute(text("CREATE TABLE alembic_version (version_num VARCHAR(32) NOT NULL)"))
        c.execute(text("INSERT INTO alembic_version VALUES ('9999')"))
    engine.dispose()
    for attempt in (lambda: restore(newer, tmp_path / "backup.zip"),
                    lambda: backup(newer, tmp_path / "newer.zip")):  # fmt: skip
        with pytest.raises(VendorwatchError, match="at schema revision 9999, newer than this"):
            attempt()
    assert not (tmp_path / "newer.zip").exists()
    missing = tmp_path / "missing.sqlite3"
    with pytest.raises(VendorwatchError, match=r"no app database at .*missing\.sqlite3"):
        backup(f"sqlite:///{missing}", tmp_path / "missing.zip")
    assert not missing.exists()  # not created by asking
    empty = tmp_path / "empty.sqlite3"
    empty.touch()
    with pytest.raises(VendorwatchError, match="not a vendorwatch app database"):
        backup(f"sqlite:///{empty}", tmp_path / "empty.zip")
