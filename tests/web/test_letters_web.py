"""Letters to vendors over HTTP: recorded from the audit's link, answered, overdue, counted,
kept from other organisations.

The site runs on the real sample warehouse with an app database per test (SQLite and
PostgreSQL). Letters are posted with dates relative to today, as a member would; where each
stands and the counts per family follow from the posted rows (tests/outreach/scenario.py).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from httpx import Response

from tests.appdb.engines import ENGINES, database_url
from tests.outreach.scenario import (
    LWTECH,
    NAMES,
    RELX,
    ROWS,
    STRANGER_ROW,
    TR,
    Row,
    expected_counts,
)
from tests.web.test_foia_web import EDITOR, STRANGER, VIEWER, log_in, seed, token_of
from vendorwatch.web import create_app

# The shared machine may be slow; the time limit itself is tested in test_serving.py.
TIME_LIMIT = 300.0
MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August",
          "September", "October", "November", "December"]  # fmt: skip

__all__ = ["database_url"]

pytestmark = ENGINES


def long_date(day: date) -> str:
    return f"{day.day} {MONTHS[day.month - 1]} {day.year}"


@pytest.fixture
def app_db(database_url: str) -> str:
    seed(database_url)
    return database_url


def make_client(warehouse: Path, url: str) -> TestClient:
    return TestClient(create_app(warehouse, app_database_url=url, time_limit=TIME_LIMIT))


@pytest.fixture
def site(sample_warehouse: Path, app_db: str) -> Iterator[TestClient]:
    with make_client(sample_warehouse, app_db) as client:
        assert log_in(client, EDITOR).status_code == 303
        yield client


def post_letter(client: TestClient, row: Row, today: date, **more: str) -> Response:
    form = client.get("/foia/letters/new")
    assert form.status_code == 200
    data = {
        "csrf_token": token_of(form), "institution": row.institution, "family": row.family,
        "recipient": f"{NAMES.get(row.family, row.family)} representative", "channel": "email",
        "sent_on": row.sent(today).isoformat(), "reply_days": str(row.days),
        "products": "Nexis Uni\nLexis+", **more,
    }  # fmt: skip
    done: Response = client.post("/foia/letters/new", data=data, follow_redirects=False)
    return done


def write(client: TestClient, row: Row, today: date) -> int:
    done = post_letter(client, row, today)
    assert done.status_code == 303, done.text
    found = re.fullmatch(r"/foia/letters/(\d+)", done.headers["location"])
    assert found, done.headers["location"]
    letter_id = int(found.group(1))
    replied = row.replied(today)
    if replied is not None and row.outcome is not None:
        page = client.get(f"/foia/letters/{letter_id}")
        answer = client.post(
            f"/foia/letters/{letter_id}/reply",
            data={
                "csrf_token": token_of(page),
                "replied_on": replied.isoformat(),
                "outcome": row.outcome,
                "summary": "By email",
            },
            follow_redirects=False,
        )
        assert answer.status_code == 303, answer.text
    return letter_id


def cells(page: Response, family: str) -> dict[str, int]:
    row = re.search(rf'<tr data-family="{family}">(.*?)</tr>', page.text, re.S)
    assert row, family
    found = re.findall(r'data-count="(\w+)">([\d,]+)<', row.group(1))
    return {k: int(v.replace(",", "")) for k, v in found}


def test_letters_recorded_answered_and_overdue_are_counted_per_family(
    site: TestClient, sample_warehouse: Path, app_db: str
) -> None:
    today = date.today()
    ids = [write(site, row, today) for row in ROWS]
    with make_client(sample_warehouse, app_db) as other:
        assert log_in(other, STRANGER).status_code == 303
        write(other, STRANGER_ROW, today)  # another organisation's: not in the counts
    page = site.get("/foia/letters")
    assert page.status_code == 200
    want = expected_counts(ROWS)
    for family in (RELX, TR):
        assert cells(page, family) == {k: v for k, v in want[family].items() if k != "letters"}
    assert cells(page, "all") == {k: v for k, v in want["all"].items() if k != "letters"}
    assert "Other College" not in page.text
    states = dict(re.findall(r'<tr id="letter-(\d+)" data-state="([^"]+)"', page.text))
    assert states == {str(i): row.state() for i, row in zip(ids, ROWS, strict=True)}
    # LWTech's letter to RELX: sent 200 days ago, no reply after 30 days, overdue since day 31.
    lwtech = site.get(f"/foia/letters/{ids[0]}")
    sent = ROWS[0].sent(today)
    assert f"{long_date(sent)}, by email, to RELX PLC representative" in lwtech.text
    assert 'data-state="overdue"' in lwtech.text
    assert f"overdue since {long_date(sent + timedelta(days=31))}" in lwtech.text
    # The institution's timeline: its letters' sent, overdue and replied steps, by date.
    timeline = site.get("/foia/letters", params={"institution": LWTECH.lower()})
    section = timeline.text[timeline.text.index('id="timeline"') :]
    kinds = re.findall(r'<li data-kind="([^"]+)"><time datetime="([^"]+)">([^<]+)</time>', section)
    expected = [e for row in ROWS if row.institution == LWTECH for e in row.events(today)]
    expected.sort(key=lambda e: e[1])
    assert {k for k, _ in expected} == {"sent", "overdue", "replied"}
    assert [(k, date.fromisoformat(iso), shown) for k, iso, shown in kinds] == [
        (k, d, long_date(d)) for k, d in expected
    ]
    assert section.startswith(f'id="timeline">Timeline: {LWTECH}</h2>')
    listed = section[section.index("<ol") : section.index("</ol>")]
    assert LWTECH in listed and "Uni A" not in listed
    assert section.count("<option>Uni A</option>") == 1 and "<option>uni a" not in section
    # The same as JSON.
    doc = site.get("/foia/letters.json").json()
    assert doc["organisation"] == "clinic" and len(doc["letters"]) == len(ROWS)
    assert {k: doc["summary"]["total"][k] for k in want["all"]} == want["all"]


def test_the_audit_letter_links_to_a_filled_in_form(site: TestClient) -> None:
    audited = site.post(
        "/audit", data={"product": "Nexis Uni", "library": LWTECH, "format": "page"},
        files={"files": ("", b"", "application/octet-stream")},
    )  # fmt: skip
    assert audited.status_code == 200, audited.text[:500]
    link = re.search(r'href="(/foia/letters/new\?family=relx-plc[^"]*)"', audited.text)
    assert link, "no link to record the RELX letter"
    form = site.get(link.group(1).replace("&amp;", "&"))
    assert form.status_code == 200
    assert f'name="institution" maxlength="300" size="50" required value="{LWTECH}"' in form.text
    assert '<option value="relx-plc" selected>RELX PLC</option>' in form.text
    assert "Nexis Uni</textarea>" in form.text


def test_another_organisation_gets_404(
    site: TestClient, sample_warehouse: Path, app_db: str
) -> None:
    mine = write(site, ROWS[0], date.today())
    with make_client(sample_warehouse, app_db) as other:
        assert log_in(other, STRANGER).status_code == 303
        theirs, missing = other.get(f"/foia/letters/{mine}"), other.get("/foia/letters/999999")
        assert theirs.status_code == missing.status_code == 404
        assert re.sub(r"#\d+", "#N", theirs.text) == re.sub(r"#\d+", "#N", missing.text)
        listed = other.get("/foia/letters")
        assert LWTECH not in listed.text and "No letters recorded yet" in listed.text
        assert other.get("/foia/letters.json").json()["letters"] == []
        tamper = other.post(
            f"/foia/letters/{mine}/reply",
            data={
                "csrf_token": token_of(listed),
                "replied_on": date.today().isoformat(),
                "outcome": "agreed to review",
            },
        )
        assert tamper.status_code == 404
    assert 'data-state="overdue"' in site.get(f"/foia/letters/{mine}").text


def test_forms_need_the_token_an_editor_and_good_values(
    site: TestClient, sample_warehouse: Path, app_db: str
) -> None:
    today = date.today()
    no_token = site.post("/foia/letters/new", data={"institution": "Uni", "family": RELX,
                         "recipient": "rep", "sent_on": today.isoformat()})  # fmt: skip
    assert no_token.status_code == 403
    unknown = post_letter(site, Row("Uni", "acme-data", 3), today)
    assert unknown.status_code == 400
    assert "vendor family &#39;acme-data&#39; is not in the registry" in unknown.text
    assert 'value="Uni"' in unknown.text  # the form keeps what was typed
    future = post_letter(site, Row("Uni", RELX, -2), today)
    assert future.status_code == 400 and "is in the future" in future.text
    assert "No letters recorded yet" in site.get("/foia/letters").text
    mine = write(site, Row("Uni", RELX, 3), today)
    bad = site.post(
        f"/foia/letters/{mine}/reply",
        data={
            "csrf_token": token_of(site.get("/foia/letters")),
            "replied_on": today.isoformat(),
            "outcome": "perhaps",
        },
    )
    assert bad.status_code == 400 and "outcome &#39;perhaps&#39;: use one of" in bad.text
    with make_client(sample_warehouse, app_db) as viewer:
        assert log_in(viewer, VIEWER).status_code == 303
        page = viewer.get(f"/foia/letters/{mine}")
        assert page.status_code == 200 and "Record the reply" not in page.text
        assert viewer.get("/foia/letters/new").status_code == 403
        refused = viewer.post(
            f"/foia/letters/{mine}/reply",
            data={
                "csrf_token": token_of(page),
                "replied_on": today.isoformat(),
                "outcome": "declined",
            },
        )
        assert refused.status_code == 403
    assert 'data-state="waiting"' in site.get(f"/foia/letters/{mine}").text
