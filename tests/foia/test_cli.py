"""`vendorwatch foia …` as a user runs it: the real entry point, files and exit codes."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest


def vw(*args: str, app_db: Path | None = None) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ)
    if app_db is not None:
        env["VENDORWATCH_APP_DATABASE_URL"] = f"sqlite:///{app_db}"
    return subprocess.run(
        [sys.executable, "-m", "vendorwatch", "foia", *args],
        capture_output=True,
        text=True,
        check=False,
        env=env,
    )


def test_deadline_json_explains_each_date() -> None:
    done = vw(
        "deadline",
        "--received",
        "2026-06-15",
        "--agency",
        "ice",
        "--event",
        "extended:2026-07-01",
        "--event",
        "denied:2026-07-28",
        "--today",
        "2026-08-01",
        "--json",
    )
    assert done.returncode == 0, done.stderr
    doc = json.loads(done.stdout)
    by_kind = {d["kind"]: d for d in doc["deadlines"]}
    assert by_kind["determination"]["due"] == "2026-07-29"
    assert by_kind["determination"]["status"] == "met"
    assert "Fri 19 Jun (Juneteenth" in by_kind["determination"]["explanation"]
    assert by_kind["appeal-window"]["rule"] == "6 CFR 5.8(a)(1)"
    assert by_kind["appeal-window"]["due"] == "2026-12-07"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("deadline", "--received", "15/06/2026"), "is not a date in the form YYYY-MM-DD"),
        (("deadline", "--received", "2026-02-30"), "is not a date in the form YYYY-MM-DD"),
        (("deadline", "--received", "2026-06-15", "--agency", "fbi"), "unknown agency"),
        (("deadline", "--received", "2026-06-15", "--event", "note:2026-06-20"), "does not move"),
        (("deadline", "--received", "2026-06-15", "--event", "typo:2026-06-20"), "unknown event"),
    ],
)
def test_bad_input_is_one_line_and_exit_1(args: tuple[str, ...], message: str) -> None:
    done = vw(*args)
    assert done.returncode == 1
    assert message in done.stderr
    assert done.stderr.startswith("error: ")  # one message (Rich may wrap it), no traceback
    assert "Traceback" not in done.stderr


def test_draft_from_real_award_to_docx(sample_warehouse: Path, tmp_path: Path) -> None:
    out = tmp_path / "request.docx"
    base = ("draft", "--agency", "cbp", "--name", "Ana Example", "--warehouse")
    done = vw(*base, str(sample_warehouse), "--award", "70B06C20F00001261", "-o", str(out))
    assert done.returncode == 0, done.stderr
    with zipfile.ZipFile(out) as z:
        body = z.read("word/document.xml").decode()
    assert "70B06C20F00001261" in body and "LEXISNEXIS SPECIAL SERVICES INC" in body
    unknown = vw(*base, str(sample_warehouse), "--award", "NOPE123")
    assert unknown.returncode == 1
    assert "no award with PIID or award id 'NOPE123'" in unknown.stderr


def test_track_a_request_end_to_end(sample_warehouse: Path, tmp_path: Path) -> None:
    db = tmp_path / "app.sqlite3"
    new = vw(
        "new",
        "--title",
        "Palantir ICM",
        "--agency",
        "ice",
        "--award",
        "70CTD022FR0000170",
        "--warehouse",
        str(sample_warehouse),
        "--json",
        app_db=db,
    )
    assert new.returncode == 0, new.stderr
    rid = str(json.loads(new.stdout)["id"])
    for args in (
        (rid, "submitted", "2026-06-15"),
        (rid, "acknowledged", "2026-06-17", "--tracking-number", "2026-ICFO-55555"),
        (rid, "records-released", "2026-07-01", "--award", "70CTD022FR0000170", "--pages", "12"),
    ):
        done = vw("event", *args, app_db=db)
        assert done.returncode == 0, done.stderr
    assert vw("remind", rid, "2026-07-10", "Chase the rest", app_db=db).returncode == 0
    shown = json.loads(vw("show", rid, "--today", "2026-07-02", "--json", app_db=db).stdout)
    assert shown["status"] == "partial release"
    assert shown["tracking_numbers"] == ["2026-ICFO-55555"]
    det = shown["schedule"]["deadlines"][0]
    assert det["due"] == "2026-07-15" and det["working_days_left"] == 8  # 3 Jul a holiday
    listed = json.loads(vw("list", "--json", "--status", "partial release", app_db=db).stdout)
    assert [r["id"] for r in listed] == [int(rid)]
    ics = tmp_path / "foia.ics"
    cal = vw("calendar", "-o", str(ics), "--today", "2026-07-02", app_db=db)
    assert cal.returncode == 0, cal.stderr
    text = ics.read_text()
    assert "DTSTART;VALUE=DATE:20260715" in text and "Chase the rest" in text
    followup = vw("followup", rid, "--today", "2026-07-20", app_db=db)
    assert "2026-ICFO-55555" in followup.stdout and "Wed 15 Jul 2026" in followup.stdout
    reminder_id = str(shown["reminders"][0]["id"])
    assert vw("done", rid, reminder_id, app_db=db).returncode == 0
    after = json.loads(vw("show", rid, "--json", app_db=db).stdout)
    assert after["reminders"][0]["done"] is True
    vw("calendar", "-o", str(ics), "--today", "2026-07-02", app_db=db)
    assert "Chase the rest" not in ics.read_text()  # done: off the calendar
    unknown = vw("done", rid, "9999", app_db=db)
    assert unknown.returncode == 1 and "has no reminder #9999" in unknown.stderr
    missing = vw("event", "99", "note", "2026-07-01", app_db=db)
    assert missing.returncode == 1 and "no FOIA request #99" in missing.stderr


def test_user_add_keeps_an_existing_password_unless_reset(tmp_path: Path) -> None:
    from vendorwatch.appdb import open_app_database, transaction
    from vendorwatch.appdb.accounts import authenticate, user_by_email

    db = tmp_path / "app.sqlite3"

    def add(*args: str, password: str) -> subprocess.CompletedProcess[str]:
        env = {**os.environ, "VENDORWATCH_APP_DATABASE_URL": f"sqlite:///{db}"}
        return subprocess.run(
            [sys.executable, "-m", "vendorwatch", "foia", "user", "add", *args],
            input=password + "\n", capture_output=True, text=True, check=False, env=env,
        )  # fmt: skip

    def can_log_in(password: str) -> bool:
        engine = open_app_database(f"sqlite:///{db}")
        try:
            with transaction(engine) as s:
                return authenticate(s, "ana@clinic.example", password) is not None
        finally:
            engine.dispose()

    first = add("ana@clinic.example", "--org", "clinic", "--password-stdin", password="first one!")
    assert first.returncode == 0, first.stderr
    # Added to another organisation: not asked for a password, and the old one still works.
    other = add("ana@clinic.example", "--org", "other", "--role", "viewer", password="intruder!!")
    assert other.returncode == 0, other.stderr
    assert "password unchanged" in other.stdout
    assert "Password" not in other.stdout  # no prompt at all
    assert can_log_in("first one!") and not can_log_in("intruder!!")
    # Only --reset-password replaces it, and that ends the user's sessions.
    reset = add("ana@clinic.example", "--org", "clinic", "--reset-password", "--password-stdin",
                password="second one")  # fmt: skip
    assert reset.returncode == 0, reset.stderr
    assert "password replaced" in reset.stdout
    assert can_log_in("second one") and not can_log_in("first one!")
    engine = open_app_database(f"sqlite:///{db}")
    with transaction(engine) as s:
        user = user_by_email(s, "ana@clinic.example")
        assert user is not None and user.session_generation == 1
    engine.dispose()
