"""The FOIA tracker over HTTP: logins, CSRF, cookies kept off public pages, organisations apart.

Each test gets its own app database (a SQLite file, and a PostgreSQL database where a server
is given) with two organisations: a clinic (an editor and a viewer) and another (an editor).
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from httpx import Response

from tests.appdb.engines import ENGINES, database_url
from vendorwatch.appdb import open_app_database, transaction
from vendorwatch.appdb.accounts import Role, add_account
from vendorwatch.web import create_app
from vendorwatch.web.throttle import LoginThrottle

from .conftest import TIME_LIMIT

__all__ = ["database_url"]  # the fixture, parametrised by ENGINES

pytestmark = ENGINES

AWARD = "CONT_AWD_70CMSD21C00000001_7012_-NONE-_-NONE-"
PASSWORD = "correct horse battery"
EDITOR = "ana@clinic.example"
VIEWER = "vic@clinic.example"
STRANGER = "bob@other.example"


def seed(url: str) -> None:
    engine = open_app_database(url)
    with transaction(engine) as session:
        add_account(session, EDITOR, name="Ana", password=PASSWORD, org_slug="clinic",
                    role=Role.EDITOR, org_name="Example Law Clinic")  # fmt: skip
        add_account(session, VIEWER, name="Vic", password=PASSWORD, org_slug="clinic",
                    role=Role.VIEWER)  # fmt: skip
        add_account(session, STRANGER, name="Bob", password=PASSWORD, org_slug="other",
                    role=Role.EDITOR, org_name="Other Org")  # fmt: skip
    engine.dispose()


@pytest.fixture
def app_db(database_url: str) -> str:
    seed(database_url)
    return database_url


def make_client(
    warehouse: Path, url: str, throttle: LoginThrottle | None = None, **kw: bool
) -> TestClient:
    # The conftest's generous time limit: a loaded test machine is slow, and this is no timing test.
    return TestClient(
        create_app(
            warehouse, app_database_url=url, login_throttle=throttle, time_limit=TIME_LIMIT, **kw
        )
    )


@pytest.fixture
def site(sample_warehouse: Path, app_db: str) -> Iterator[TestClient]:
    with make_client(sample_warehouse, app_db) as client:
        yield client


def token_of(page: Response) -> str:
    found = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
    assert found, page.text
    return found.group(1)


def log_in(
    client: TestClient, email: str, next_: str = "/foia", password: str = PASSWORD
) -> Response:
    form = client.get("/login", params={"next": next_})
    assert form.status_code == 200
    done: Response = client.post(
        "/login",
        data={"csrf_token": token_of(form), "email": email, "password": password, "next": next_},
        follow_redirects=False,
    )
    return done


def draft(client: TestClient, title: str = "LexisNexis ATLAS records") -> int:
    form = client.get("/foia/new", params={"award": AWARD})
    assert form.status_code == 200
    saved = client.post(
        "/foia/new",
        data={
            "csrf_token": token_of(form), "title": title, "office": "ice-foia", "awards": AWARD,
            "name": "Ana Example", "email": EDITOR, "fee_category": "educational",
            "fee_limit": "50", "fee_waiver": "yes", "record_type": ["contract", "sow", "ja"],
        },
        follow_redirects=False,
    )  # fmt: skip
    assert saved.status_code == 303, saved.text
    found = re.fullmatch(r"/foia/(\d+)", saved.headers["location"])
    assert found
    return int(found.group(1))


def record(client: TestClient, request_id: int, kind: str, on: date, **more: str) -> Response:
    page = client.get(f"/foia/{request_id}")
    done: Response = client.post(
        f"/foia/{request_id}/events",
        data={"csrf_token": token_of(page), "kind": kind, "on": on.isoformat(), **more},
        follow_redirects=False,
    )
    return done


def test_login_sets_one_strict_cookie_for_the_tracker_only(site: TestClient) -> None:
    assert site.get("/foia", follow_redirects=False).headers["location"] == "/login?next=%2Ffoia"
    done = log_in(site, EDITOR, "/foia/new?award=" + AWARD)
    assert done.status_code == 303
    assert done.headers["location"] == "/foia/new?award=" + AWARD
    cookies = [c for c in done.headers.get_list("set-cookie") if c.startswith("vw_session=")]
    assert len(cookies) == 1
    flags = [part.strip().lower() for part in cookies[0].split(";")]
    assert {"httponly", "path=/foia", "samesite=strict"} <= set(flags)
    assert "secure" not in flags  # plain http in tests; see the next test
    assert site.get("/foia").status_code == 200


def test_secure_cookies_when_asked(sample_warehouse: Path, app_db: str) -> None:
    with make_client(sample_warehouse, app_db, secure_cookies=True) as client:
        form = client.get("/login")
        assert "secure" in form.headers["set-cookie"].lower()


def test_public_pages_stay_cookie_free_after_login(site: TestClient) -> None:
    assert log_in(site, EDITOR).status_code == 303
    assert site.get("/foia").status_code == 200
    # "/" first: the award page after it once failed (a half-read DuckDB result left open).
    for path in ("/", f"/award/{AWARD}", "/browse?family=relx-plc", "/search?q=Palantir"):
        page = site.get(path)
        assert page.status_code == 200
        assert "set-cookie" not in page.headers, path
        assert "cookie" not in page.request.headers, path  # the browser does not even send it


def test_wrong_password_and_a_foreign_next_address(site: TestClient) -> None:
    form = site.get("/login")
    bad = site.post(
        "/login",
        data={"csrf_token": token_of(form), "email": EDITOR, "password": "not it at all"},
    )
    assert bad.status_code == 400
    assert "do not match an account" in bad.text
    assert log_in(site, EDITOR, "//evil.example/").headers["location"] == "/foia"


def test_posts_without_the_csrf_token_are_refused(site: TestClient) -> None:
    # The login form itself: no token, a made-up token.
    site.get("/login")
    assert site.post("/login", data={"email": EDITOR, "password": PASSWORD}).status_code == 403
    assert (
        site.post(
            "/login", data={"csrf_token": "made-up", "email": EDITOR, "password": PASSWORD}
        ).status_code
        == 403
    )
    assert log_in(site, EDITOR).status_code == 303
    request_id = draft(site)
    good = token_of(site.get(f"/foia/{request_id}"))
    for path, data in [
        ("/foia/new", {"title": "x", "office": "ice-foia", "name": "A", "awards": AWARD}),
        (f"/foia/{request_id}/events", {"kind": "submitted", "on": "2026-06-15"}),
        (f"/foia/{request_id}/reminders", {"on": "2026-07-01", "text": "call"}),
        ("/foia/logout", {}),
    ]:
        assert site.post(path, data=data).status_code == 403, path
        wrong = site.post(path, data={**data, "csrf_token": good[:-2] + "xx"})
        assert wrong.status_code == 403, path
    page = site.get(f"/foia/{request_id}")
    assert "Nothing recorded yet" in page.text  # nothing was written
    assert site.get("/foia").status_code == 200  # still logged in


def test_draft_record_and_explain_the_due_date(site: TestClient) -> None:
    log_in(site, EDITOR)
    form = site.get("/foia/new", params={"award": AWARD})
    assert '<option value="ice-foia" selected>' in form.text  # the award's agency
    assert "Records of 70CMSD21C00000001" in form.text
    request_id = draft(site)
    assert record(site, request_id, "submitted", date(2026, 6, 15)).status_code == 303
    acknowledged = record(
        site, request_id, "acknowledged", date(2026, 6, 16), tracking_number="2026-ICFO-01234"
    )
    assert acknowledged.status_code == 303
    page = site.get(f"/foia/{request_id}")
    # Acknowledged, and its answer due 15 July 2026: long overdue by now (2026-12).
    assert '<strong id="status" class="flag long-overdue">long overdue</strong>' in page.text
    assert "2026-ICFO-01234" in page.text
    assert "15 July 2026" in page.text  # 20 working days, Juneteenth and 3 July not counted
    assert "Juneteenth National Independence Day" in page.text
    assert "no receipt date recorded" in page.text
    listing = site.get("/foia")
    assert "LexisNexis ATLAS records" in listing.text
    assert "15 July 2026" in listing.text
    letter = site.get(f"/foia/{request_id}/letter.txt")
    assert letter.headers["content-type"].startswith("text/plain")
    assert "70CMSD21C00000001" in letter.text
    assert "attachment" in letter.headers["content-disposition"]
    docx = site.get(f"/foia/{request_id}/letter.docx")
    assert docx.content.startswith(b"PK")
    bad = record(site, request_id, "info-requested", date(2026, 6, 1))
    assert bad.status_code == 400  # before the request was sent: refused, nothing saved
    assert "before the request was received" in bad.text


def test_another_organisation_sees_no_such_request(
    sample_warehouse: Path, app_db: str, site: TestClient
) -> None:
    log_in(site, EDITOR)
    request_id = draft(site, "Clinic only")
    record(site, request_id, "submitted", date.today())
    with make_client(sample_warehouse, app_db) as other:
        log_in(other, STRANGER)
        theirs = other.get(f"/foia/{request_id}")
        missing = other.get("/foia/999999")
        assert theirs.status_code == missing.status_code == 404
        assert re.sub(r"#\d+", "#N", theirs.text) == re.sub(r"#\d+", "#N", missing.text)
        assert "Clinic only" not in other.get("/foia").text
        assert other.get(f"/foia/{request_id}/letter.txt").status_code == 404
        assert "Clinic only" not in other.get("/foia/calendar.ics").text
        token = token_of(other.get("/foia"))
        tamper = other.post(
            f"/foia/{request_id}/events",
            data={"csrf_token": token, "kind": "withdrawn", "on": date.today().isoformat()},
        )
        assert tamper.status_code == 404
    assert '<strong id="status">awaiting response</strong>' in site.get(f"/foia/{request_id}").text


def test_viewers_read_but_cannot_write(sample_warehouse: Path, app_db: str) -> None:
    with make_client(sample_warehouse, app_db) as editor:
        log_in(editor, EDITOR)
        request_id = draft(editor)
    with make_client(sample_warehouse, app_db) as viewer:
        log_in(viewer, VIEWER)
        page = viewer.get(f"/foia/{request_id}")
        assert page.status_code == 200
        assert "Record an event" not in page.text
        assert viewer.get("/foia/new").status_code == 403
        refused = viewer.post(
            f"/foia/{request_id}/events",
            data={"csrf_token": token_of(page), "kind": "submitted", "on": "2026-06-15"},
        )
        assert refused.status_code == 403
        assert "Nothing recorded yet" in viewer.get(f"/foia/{request_id}").text
        not_done = viewer.post(
            f"/foia/{request_id}/reminders/1/done", data={"csrf_token": token_of(page)}
        )
        assert not_done.status_code == 403


def test_calendar_of_upcoming_deadlines_and_reminders(site: TestClient) -> None:
    log_in(site, EDITOR)
    request_id = draft(site, "Calendar case")
    record(site, request_id, "submitted", date.today())
    page = site.get(f"/foia/{request_id}")
    later = date.today() + timedelta(days=30)
    set_ = site.post(
        f"/foia/{request_id}/reminders",
        data={"csrf_token": token_of(page), "on": later.isoformat(), "text": "call the liaison"},
        follow_redirects=False,
    )
    assert set_.status_code == 303
    ics = site.get("/foia/calendar.ics")
    assert ics.headers["content-type"].startswith("text/calendar")
    body = ics.text.replace("\r\n ", "")
    assert body.startswith("BEGIN:VCALENDAR")
    assert "call the liaison" in body
    assert f"FOIA #{request_id}: Agency's determination - Calendar case" in body


def test_logout_ends_the_session(site: TestClient, app_db: str) -> None:
    log_in(site, EDITOR)
    page = site.get("/foia")
    out = site.post("/foia/logout", data={"csrf_token": token_of(page)}, follow_redirects=False)
    assert out.status_code == 303
    assert out.headers["location"] == "/login"
    assert 'vw_session=""' in out.headers["set-cookie"]
    assert site.get("/foia", follow_redirects=False).status_code == 303


def test_a_new_password_ends_old_sessions(site: TestClient, app_db: str) -> None:
    log_in(site, EDITOR)
    assert site.get("/foia", follow_redirects=False).status_code == 200
    engine = open_app_database(app_db)
    with transaction(engine) as session:
        add_account(session, EDITOR, name="Ana", password="a brand new one", org_slug="new-org",
                    role=Role.VIEWER, reset_password=True)  # fmt: skip
    engine.dispose()
    assert site.get("/foia", follow_redirects=False).status_code == 303


def test_the_first_admin_is_made_on_the_command_line(
    sample_warehouse: Path, database_url: str
) -> None:
    made = subprocess.run(
        [sys.executable, "-m", "vendorwatch", "foia", "user", "add", "root@clinic.example",
         "--org", "clinic", "--role", "admin", "--org-name", "Example Law Clinic",
         "--password-stdin", "--app-db", database_url],
        input=PASSWORD + "\n", capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert made.returncode == 0, made.stderr
    assert "root@clinic.example is now an admin of 'clinic'" in made.stdout
    with make_client(sample_warehouse, database_url) as client:
        assert log_in(client, "root@clinic.example").status_code == 303
        page = client.get("/foia")
        assert "admin of Example Law Clinic" in page.text
        members = client.get("/foia/members").text  # an admin sees emails
        assert "root@clinic.example" in members and "admin" in members
    listed = subprocess.run(
        [sys.executable, "-m", "vendorwatch", "foia", "user", "list", "--org", "clinic",
         "--json", "--app-db", database_url],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert listed.returncode == 0, listed.stderr
    assert {"email": "root@clinic.example", "name": "root", "role": "admin"} in json.loads(
        listed.stdout
    )


def test_members_page_shows_roles_and_hides_emails_from_non_admins(site: TestClient) -> None:
    log_in(site, VIEWER)
    page = site.get("/foia/members")
    assert page.status_code == 200
    assert "<td>Ana</td>" in page.text and "<td>Vic</td>" in page.text
    assert EDITOR not in page.text  # a viewer sees names and roles, not others' emails
    assert "Bob" not in page.text  # another organisation's member


def test_followup_appeal_and_reminders_done(site: TestClient) -> None:
    log_in(site, EDITOR)
    request_id = draft(site, "Follow-up case")
    record(site, request_id, "submitted", date(2026, 6, 15))
    record(site, request_id, "acknowledged", date(2026, 6, 16), tracking_number="2026-ICFO-07777")
    page = site.get(f"/foia/{request_id}")
    assert f'href="/foia/{request_id}/followup.pdf"' in page.text
    followup = site.get(f"/foia/{request_id}/followup.txt")
    assert followup.status_code == 200
    assert "2026-ICFO-07777" in followup.text
    assert "followup.txt" in followup.headers["content-disposition"]
    assert site.get(f"/foia/{request_id}/followup.docx").content.startswith(b"PK")
    appeal = site.post(
        f"/foia/{request_id}/appeal",
        data={"csrf_token": token_of(page), "ground": ["search", "no-response"],
              "reasons": "The search left out the ATLAS task orders.", "format": "txt"},
    )  # fmt: skip
    assert appeal.status_code == 200, appeal.text
    assert "The search left out the ATLAS task orders." in appeal.text
    assert "appeal" in appeal.headers["content-disposition"]
    no_ground = site.post(
        f"/foia/{request_id}/appeal",
        data={"csrf_token": token_of(page), "reasons": "Wrong.", "format": "txt"},
    )
    assert no_ground.status_code == 400 and "at least one ground" in no_ground.text
    later = date.today() + timedelta(days=10)
    site.post(
        f"/foia/{request_id}/reminders",
        data={"csrf_token": token_of(page), "on": later.isoformat(), "text": "ring the office"},
    )
    page = site.get(f"/foia/{request_id}")
    reminder_id = re.search(r'id="reminder-(\d+)"', page.text)
    assert reminder_id is not None
    assert "ring the office" in site.get("/foia/calendar.ics").text
    done = site.post(
        f"/foia/{request_id}/reminders/{reminder_id.group(1)}/done",
        data={"csrf_token": token_of(page)},
        follow_redirects=False,
    )
    assert done.status_code == 303
    assert "ring the office (done)" in site.get(f"/foia/{request_id}").text
    assert "ring the office" not in site.get("/foia/calendar.ics").text


ADMIN = "ada@clinic.example"


def add_admin(url: str) -> None:
    engine = open_app_database(url)
    with transaction(engine) as session:
        add_account(session, ADMIN, name="Ada", password=PASSWORD, org_slug="clinic",
                    role=Role.ADMIN)  # fmt: skip
    engine.dispose()


def session_cookie(done: Response) -> str:
    found = re.search(r"vw_session=([^;]+)", done.headers["set-cookie"])
    assert found
    return found.group(1)


def test_a_copied_cookie_stops_working_after_logout(site: TestClient) -> None:
    copied = session_cookie(log_in(site, EDITOR))
    thief = TestClient(site.app)  # another browser holding a copy of the real cookie
    with_copy = {"cookie": f"vw_session={copied}"}
    assert thief.get("/foia", headers=with_copy, follow_redirects=False).status_code == 200
    out = site.post("/foia/logout", data={"csrf_token": token_of(site.get("/foia"))})
    assert out.status_code == 200  # followed to the login page
    assert thief.get("/foia", headers=with_copy, follow_redirects=False).status_code == 303
    assert session_cookie(log_in(site, EDITOR)) != copied  # a new login works again
    assert site.get("/foia", follow_redirects=False).status_code == 200
    assert thief.get("/foia", headers=with_copy, follow_redirects=False).status_code == 303


def test_an_admin_signs_a_member_out_everywhere(sample_warehouse: Path, app_db: str) -> None:
    add_admin(app_db)
    with (
        make_client(sample_warehouse, app_db) as admin,
        make_client(sample_warehouse, app_db) as editor,
        make_client(sample_warehouse, app_db) as viewer,
    ):
        log_in(editor, EDITOR)
        log_in(viewer, VIEWER)
        log_in(admin, ADMIN)
        members = admin.get("/foia/members")
        button = r'<td>([^<]+@[^<]+)</td><td>\w+</td>\s*<td><form method="post" action="([^"]+)"'
        forms = dict(re.findall(button, members.text))
        assert set(forms) == {ADMIN, EDITOR, VIEWER}
        # A viewer cannot sign anyone out; nobody sees the buttons but admins.
        assert "Sign out everywhere" not in viewer.get("/foia/members").text
        refused = viewer.post(forms[EDITOR], data={"csrf_token": token_of(viewer.get("/foia"))})
        assert refused.status_code == 403
        assert editor.get("/foia", follow_redirects=False).status_code == 200
        done = admin.post(
            forms[EDITOR], data={"csrf_token": token_of(members)}, follow_redirects=False
        )
        assert done.status_code == 303 and done.headers["location"] == "/foia/members"
        assert editor.get("/foia", follow_redirects=False).status_code == 303
        assert viewer.get("/foia", follow_redirects=False).status_code == 200  # only that one
        assert admin.get("/foia", follow_redirects=False).status_code == 200
        # Someone of another organisation reads as missing.
        stranger = int(forms[EDITOR].split("/")[3]) + 2  # seeded third: bob@other.example
        missing = admin.post(
            f"/foia/members/{stranger}/sign-out", data={"csrf_token": token_of(members)}
        )
        assert missing.status_code == 404


def test_wrong_passwords_lock_the_account_and_tell_its_admins(
    sample_warehouse: Path, app_db: str
) -> None:
    add_admin(app_db)
    throttle = LoginThrottle(attempts_per_account=3, attempts_per_client=100, window_seconds=600)
    with make_client(sample_warehouse, app_db, throttle) as client:
        for _ in range(3):
            assert log_in(client, EDITOR, password="a wrong guess").status_code == 400
        locked = log_in(client, EDITOR)  # now even the right password is refused
        assert locked.status_code == 429
        found = re.search(
            r"Too many failed sign-ins for this account; try again in (\d+) s", locked.text
        )
        assert found and 1 <= int(found.group(1)) <= 600
        assert locked.headers["retry-after"] == found.group(1)
        assert client.get("/foia", follow_redirects=False).status_code == 303  # not logged in
        # Unknown emails are throttled alike (no hint which exist), with nobody to tell.
        for _ in range(3):
            log_in(client, "nobody@clinic.example", password="a wrong guess")
        assert log_in(client, "nobody@clinic.example").status_code == 429
        # Per account: the viewer signs in from the same client.
        assert log_in(client, VIEWER).status_code == 303
        assert "Sign-ins locked" not in client.get("/foia/members").text  # not an admin
    with make_client(sample_warehouse, app_db) as admin:
        log_in(admin, ADMIN)
        notice = admin.get("/foia/members").text
        assert "Sign-ins locked" in notice
        assert re.search(r"Ana \(ana@clinic\.example\): 3 failed sign-ins; locked on", notice)
        assert notice.count("failed sign-ins; locked") == 1  # one notice per lockout
    with make_client(sample_warehouse, app_db) as other:
        log_in(other, STRANGER)
        assert "Sign-ins locked" not in other.get("/foia/members").text


def test_one_client_guessing_many_accounts_is_refused(sample_warehouse: Path, app_db: str) -> None:
    throttle = LoginThrottle(attempts_per_account=100, attempts_per_client=3, window_seconds=600)
    with make_client(sample_warehouse, app_db, throttle) as client:
        for email in (EDITOR, VIEWER, STRANGER):
            assert log_in(client, email, password="a wrong guess").status_code == 400
        refused = log_in(client, EDITOR)
        assert refused.status_code == 429
        assert "Too many failed sign-ins from your network; try again in" in refused.text
    # The store holds keyed hashes, never the client's address or an email.
    kept = [v for v in vars(throttle.storage).values() if isinstance(v, dict)]
    stored = " ".join(str(key) for table in kept for key in table)
    assert stored and "testclient" not in stored and "@" not in stored


def test_changing_the_password_signs_out_everywhere_else(
    sample_warehouse: Path, app_db: str
) -> None:
    with (
        make_client(sample_warehouse, app_db) as here,
        make_client(sample_warehouse, app_db) as elsewhere,
    ):
        log_in(here, EDITOR)
        log_in(elsewhere, EDITOR)
        form = here.get("/foia/password")
        assert form.status_code == 200 and "Change your password" in form.text
        token = token_of(form)
        wrong = here.post("/foia/password", data={"csrf_token": token, "current": "not mine!",
                                                  "new": "a brand new one",
                                                  "confirm": "a brand new one"})  # fmt: skip
        assert wrong.status_code == 400 and "that is not your password" in wrong.text
        differ = here.post("/foia/password", data={"csrf_token": token, "current": PASSWORD,
                                                   "new": "a brand new one",
                                                   "confirm": "a brand new two"})  # fmt: skip
        assert differ.status_code == 400 and "the two entries differ" in differ.text
        assert elsewhere.get("/foia", follow_redirects=False).status_code == 200  # nothing yet
        done = here.post("/foia/password", data={"csrf_token": token, "current": PASSWORD,
                                                 "new": "a brand new one",
                                                 "confirm": "a brand new one"},
                         follow_redirects=False)  # fmt: skip
        assert done.status_code == 303
        assert here.get("/foia", follow_redirects=False).status_code == 200  # a fresh session
        assert elsewhere.get("/foia", follow_redirects=False).status_code == 303
        assert log_in(elsewhere, EDITOR).status_code == 400  # the old password is gone
        assert log_in(elsewhere, EDITOR, password="a brand new one").status_code == 303
