"""A law clinic's member drafts a FOIA request from an award page in a real browser.

Debian's chromium, driven by Playwright, against a real server with its own app database:
log in, draft from the award page, record submission and acknowledgement, read the due date
and its explanation, download the letter; a member of another organisation cannot see it.
Every network request is recorded; one that leaves the origin fails the test.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Browser, BrowserContext, Page

from vendorwatch.appdb import open_app_database, transaction
from vendorwatch.appdb.accounts import Role, add_account
from vendorwatch.web import create_app

from .browsing import require_chromium
from .conftest import TIME_LIMIT, running

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
AWARD = "CONT_AWD_70CMSD21C00000001_7012_-NONE-_-NONE-"
PASSWORD = "correct horse battery"

require_chromium()


@pytest.fixture(scope="module")
def foia_server(sample_warehouse: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A real server whose app database has a clinic (an editor) and another organisation."""
    url = f"sqlite:///{tmp_path_factory.mktemp('appdb') / 'app.sqlite3'}"
    engine = open_app_database(url)
    with transaction(engine) as session:
        add_account(session, "ana@clinic.example", name="Ana Example", password=PASSWORD,
                    org_slug="clinic", role=Role.EDITOR, org_name="Example Law Clinic")  # fmt: skip
        add_account(session, "bob@other.example", name="Bob", password=PASSWORD,
                    org_slug="other", role=Role.ADMIN, org_name="Other Org")  # fmt: skip
    engine.dispose()
    # The conftest's generous time limit: on a loaded machine the award page takes over 10 s.
    app = create_app(sample_warehouse, app_database_url=url, time_limit=TIME_LIMIT)
    with running(app) as address:
        yield address


class Visitor:
    """One browser profile; remembers every URL it asked for."""

    def __init__(self, browser: Browser) -> None:
        self.context: BrowserContext = browser.new_context(
            accept_downloads=True, viewport={"width": 1280, "height": 900}
        )
        self.tab: Page = self.context.new_page()
        self.requests: list[str] = []
        self.tab.on("request", lambda request: self.requests.append(request.url))

    def log_in(self, email: str) -> None:
        self.tab.get_by_label("Email").fill(email)
        self.tab.get_by_label("Password").fill(PASSWORD)
        self.tab.get_by_role("button", name="Log in").click()
        self.tab.wait_for_load_state()


@pytest.fixture
def visitors(browser: Browser, foia_server: str) -> Iterator[list[Visitor]]:
    made: list[Visitor] = []
    yield made
    for visitor in made:
        visitor.context.close()
    strangers = [
        u
        for v in made
        for u in v.requests
        if not (u.startswith(foia_server) or u.startswith("data:"))
    ]
    assert strangers == [], f"requests left the origin: {strangers}"


def _shot(tab: Page, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    tab.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def _serious(tab: Page) -> list[str]:
    results = Axe().run(tab)
    return [
        f"{v['id']}: {v['help']}"
        for v in results.response["violations"]
        if v["impact"] in ("serious", "critical")
    ]


def _record(tab: Page, kind: str, on: str, tracking_number: str = "") -> None:
    tab.get_by_label("What happened").select_option(kind)
    tab.get_by_label("Date of the event").fill(on)
    if tracking_number:
        tab.get_by_label("Tracking number the agency gave (optional)").fill(tracking_number)
    tab.get_by_role("button", name="Record event").click()
    tab.wait_for_load_state()


def test_draft_from_an_award_track_and_download(
    browser: Browser, foia_server: str, visitors: list[Visitor], tmp_path: Path
) -> None:
    ana = Visitor(browser)
    visitors.append(ana)
    tab = ana.tab
    tab.goto(f"{foia_server}/award/{AWARD}")
    tab.get_by_role("link", name="Request these records under FOIA").click()
    tab.wait_for_url(re.compile(r"/login\?next="))
    assert _serious(tab) == []
    ana.log_in("ana@clinic.example")
    tab.wait_for_url(re.compile(r"/foia/new\?award="))
    assert tab.get_by_label("Agency component").input_value() == "ice-foia"
    assert tab.get_by_label("Name", exact=True).input_value() == "Ana Example"
    tab.get_by_label("Title (for your tracker)").fill("ATLAS contract records")
    tab.get_by_label("Fee category").select_option("educational")
    assert _serious(tab) == []
    _shot(tab, "foia-new")
    tab.get_by_role("button", name="Save draft").click()
    tab.wait_for_url(re.compile(r"/foia/\d+$"))
    request_url = tab.url
    assert tab.locator("h1").inner_text() == "ATLAS contract records"
    assert tab.locator("#status").inner_text() == "draft"

    _record(tab, "submitted", "2026-06-15")
    _record(tab, "acknowledged", "2026-06-16", tracking_number="2026-ICFO-01234")
    assert tab.locator("#status").inner_text() == "long overdue"  # due 15 July 2026
    row = tab.locator('tr.deadline[data-kind="determination"]')
    assert "15 July 2026" in row.inner_text()
    explanation = row.locator(".explanation").inner_text()
    assert "Juneteenth National Independence Day" in explanation
    assert "20 working days" in explanation
    assert "2026-ICFO-01234" in tab.locator("main").inner_text()
    assert _serious(tab) == []
    _shot(tab, "foia-request")

    saved = tab.locator("dl")  # the saved letter; the follow-up links come later on the page
    with tab.expect_download() as pdf_download:
        saved.get_by_role("link", name="PDF").click()
    pdf = tmp_path / "letter.pdf"
    pdf_download.value.save_as(pdf)
    assert pdf.read_bytes().startswith(b"%PDF")
    with tab.expect_download() as text_download:
        saved.get_by_role("link", name="Text").click()
    letter = tmp_path / "letter.txt"
    text_download.value.save_as(letter)
    assert "70CMSD21C00000001" in letter.read_text()
    with tab.expect_download() as followup_download:
        tab.locator("#followup-links").get_by_role("link", name="Text").click()
    followup = tmp_path / "followup.txt"
    followup_download.value.save_as(followup)
    assert "2026-ICFO-01234" in followup.read_text()

    tab.get_by_role("link", name="Requests", exact=True).click()
    tab.wait_for_url(re.compile(r"/foia$"))
    listed = tab.locator("main table").inner_text()
    assert "ATLAS contract records" in listed
    assert "15 July 2026" in listed

    # Another organisation's member: the same page as for a request that does not exist.
    bob = Visitor(browser)
    visitors.append(bob)
    bob.tab.goto(foia_server + "/login")
    bob.log_in("bob@other.example")
    bob.tab.wait_for_url(re.compile(r"/foia$"))
    assert "ATLAS contract records" not in bob.tab.locator("main").inner_text()
    answer = bob.tab.goto(request_url)
    assert answer is not None
    assert answer.status == 404
    assert bob.tab.locator("h1").inner_text() == "Not found"
    assert "ATLAS" not in bob.tab.locator("main").inner_text()
