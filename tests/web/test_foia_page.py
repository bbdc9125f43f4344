"""The FOIA request page as its reader needs it: the letter on the page, one status that agrees
with the deadlines, each deadline's computation as short steps, office names, and only the
next steps that fit the request's state (no appeal of a draft never sent).

Due dates are worked out here by hand from 5 U.S.C. 6103's 2026 holidays, not by the clock.
"""

from __future__ import annotations

import html
import re
from datetime import date, timedelta
from pathlib import Path

import yaml
from fastapi.testclient import TestClient

from tests.appdb.engines import ENGINES, database_url

from .test_foia_web import EDITOR, app_db, draft, log_in, record, site, token_of

__all__ = ["app_db", "database_url", "site"]  # fixtures

pytestmark = ENGINES

# 5 U.S.C. 6103(a), observed days by 6103(b), for 2026 (4 July is a Saturday: Friday 3 July).
HOLIDAYS_2026 = {date(2026, 1, 1), date(2026, 1, 19), date(2026, 2, 16), date(2026, 5, 25),
                 date(2026, 6, 19), date(2026, 7, 3), date(2026, 9, 7), date(2026, 10, 12),
                 date(2026, 11, 11), date(2026, 11, 26), date(2026, 12, 25)}  # fmt: skip


def after_working_days(start: date, n: int) -> date:
    day = start
    while n:
        day += timedelta(days=1)
        if day.weekday() < 5 and day not in HOLIDAYS_2026:
            n -= 1
    return day


def long_date(day: date) -> str:
    return f"{day.day} {day:%B %Y}"


def ice_office_name() -> str:
    path = Path(__file__).resolve().parents[2] / "src/vendorwatch/registry/data/foia-offices.yaml"
    offices = yaml.safe_load(path.read_text(encoding="utf-8"))["foia_offices"]
    return str(next(o["name"] for o in offices if o["id"] == "ice-foia"))


def appeal_form(page: str, request_id: int) -> bool:
    return f'action="/foia/{request_id}/appeal"' in page


def grounds(page: str) -> set[str]:
    return set(re.findall(r'name="ground" value="([^"]+)"', page))


def test_a_draft_shows_its_letter_and_offers_sending_not_an_appeal(site: TestClient) -> None:
    log_in(site, EDITOR)
    request_id = draft(site)
    page = site.get(f"/foia/{request_id}").text
    assert '<strong id="status">draft</strong>' in page
    letter = site.get(f"/foia/{request_id}/letter.txt").text
    shown = re.search(r'<pre class="letter">(.*?)</pre>', page, re.S)
    assert shown, "the letter is on the page"
    assert html.unescape(shown.group(1)).strip() == letter.strip()
    assert "70CMSD21C00000001" in shown.group(1)
    assert not appeal_form(page, request_id)
    assert f"/foia/{request_id}/followup.txt" not in page
    assert '<option value="submitted" selected>' in page  # the next step: record sending it
    shown_text = re.sub(r"<(option|input|select)[^>]*>", "", page)
    assert not re.search(r"ice-foia(?![@\w])", shown_text)  # the id; its email address is fine
    assert ice_office_name() in page
    # Asked for anyway: a one-line reason, not a letter for a request never sent.
    refused = site.post(
        f"/foia/{request_id}/appeal",
        data={"csrf_token": token_of(site.get(f"/foia/{request_id}")), "ground": "denial",
              "reasons": "x", "format": "txt"},
    )  # fmt: skip
    assert refused.status_code == 400
    assert "has not been sent" in refused.text
    assert site.get(f"/foia/{request_id}/followup.txt").status_code == 400


def test_status_agrees_with_an_overdue_deadline(site: TestClient) -> None:
    log_in(site, EDITOR)
    request_id = draft(site, "Overdue case")
    record(site, request_id, "submitted", date(2026, 6, 15))
    record(site, request_id, "received", date(2026, 6, 15))
    due = after_working_days(date(2026, 6, 15), 20)
    page = site.get(f"/foia/{request_id}").text
    standing = re.search(r'<p class="standing[^"]*" id="standing">(.*?)</p>', page, re.S)
    assert standing
    words = re.sub(r"<[^>]+>", "", standing.group(1))
    late = date.today() > after_working_days(due, 20)  # the test's clock, not the code's
    assert ("long overdue" if late else "overdue") in words
    assert "awaiting" not in page.split('id="deadlines"')[0]  # no "awaiting response" beside it
    assert long_date(due) in words
    # The explanation as short steps, each a sentence, the holidays named.
    row = re.search(r'data-kind="determination">(.*?)</tr>', page, re.S)
    assert row
    steps = re.findall(r"<li>(.*?)</li>", row.group(1), re.S)
    assert len(steps) >= 3
    assert all(len(s.split()) <= 25 for s in steps), steps
    assert any("Juneteenth" in s for s in steps)
    # What fits: a status inquiry, and an appeal of the failure to respond only.
    assert f"/foia/{request_id}/followup.txt" in page
    assert appeal_form(page, request_id)
    assert grounds(page) == {"no-response"}
    listing = site.get("/foia").text
    row_html = next(r for r in listing.split("<tr>") if "Overdue case" in r)
    assert ice_office_name() in row_html and ">ice-foia<" not in row_html
    assert ("long overdue" if late else "overdue") in row_html
    assert "awaiting response" not in row_html


def test_a_fresh_request_awaits_its_answer(site: TestClient) -> None:
    log_in(site, EDITOR)
    request_id = draft(site, "Fresh case")
    record(site, request_id, "submitted", date.today())
    page = site.get(f"/foia/{request_id}").text
    assert '<strong id="status">awaiting response</strong>' in page
    assert "overdue" not in page.split('id="deadlines"')[0]
    assert f"/foia/{request_id}/followup.txt" in page
    assert not appeal_form(page, request_id)


def test_after_a_denial_the_appeal_window_decides(site: TestClient) -> None:
    log_in(site, EDITOR)
    closed = draft(site, "Denied in July")
    record(site, closed, "submitted", date(2026, 6, 15))
    record(site, closed, "denied", date(2026, 7, 1))
    window = after_working_days(date(2026, 7, 1), 90)  # ICE: 90 working days, 6 CFR 5.8(a)(1)
    page = site.get(f"/foia/{closed}").text
    assert '<strong id="status">denied</strong>' in page
    if date.today() > window:
        assert f"The window to appeal closed {long_date(window)}" in page
        assert not appeal_form(page, closed)
    else:
        assert f"An appeal is timely until {long_date(window)}" in page
    assert f"/foia/{closed}/followup.txt" not in page
    recent = draft(site, "Denied last week")
    record(site, recent, "submitted", date.today() - timedelta(days=30))
    record(site, recent, "denied", date.today() - timedelta(days=5))
    page = site.get(f"/foia/{recent}").text
    assert appeal_form(page, recent)
    assert "denial" in grounds(page) and "no-response" not in grounds(page)
    assert "An appeal is timely until" in page
