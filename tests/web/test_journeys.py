"""Three people's journeys through the site in a real browser, on a desktop and on a phone.

- The journalist checks "an $8.3 million contract": search "lexisnexis ice", open the LEIDS
  award, ask what had been obligated on 15 July 2022.
- The librarian deciding on Nexis Uni: search it, see it is RELX's, check it in the library
  audit, read the alternatives and the letter to the vendor.
- The organiser making a flyer: browse, show every family, find RELX, download its PDF.

Every step must load nothing from another origin and pass axe-core without a serious problem.
Each journey's screenshots are written to docs/screenshots/ (referenced from the README).
Expected figures come from the raw files (csv + Decimal), never from the site.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from playwright.sync_api import Browser

from tests.raw_rows import raw_rows
from tests.web.browsing import WIDTHS, Tab, require_chromium

require_chromium()
SHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
LEIDS = "CONT_AWD_70CMSD21C00000001_7012_-NONE-_-NONE-"


@pytest.fixture(params=list(WIDTHS))
def tab(request: pytest.FixtureRequest, browser: Browser, server: str) -> Iterator[Tab]:
    opened = Tab(browser, server, WIDTHS[request.param])
    opened.device = request.param  # type: ignore[attr-defined]
    yield opened
    opened.close()
    assert opened.strangers() == [], f"requests left the origin: {opened.strangers()}"


def _check(tab: Tab, shot: str | None = None) -> None:
    """This step of the journey: accessible, nothing off-origin, not wider than the screen."""
    assert tab.serious_accessibility_problems() == [], tab.page.url
    assert tab.strangers() == []
    assert tab.page_width() <= tab.page.viewport_size["width"] + 1  # type: ignore[index]
    if shot:
        SHOTS.mkdir(parents=True, exist_ok=True)
        tab.page.screenshot(path=str(SHOTS / f"{shot}-{tab.device}.png"))  # type: ignore[attr-defined]


def _money(text: str) -> Decimal:
    return Decimal(re.sub(r"[$,]", "", text.strip()))


def test_journalist_checks_the_leids_figure(tab: Tab, server: str, raw_data: Path) -> None:
    day = date(2022, 7, 15)
    expected = sum(
        (r.obligation for r in raw_rows(raw_data) if r.award_key == LEIDS and r.action_date <= day),
        Decimal(0),
    )
    page = tab.page
    page.goto(server + "/")
    page.get_by_role("searchbox").fill("lexisnexis ice")
    page.get_by_role("button", name="Search", exact=True).click()
    page.wait_for_url(re.compile(r"/search\?q=lexisnexis"))
    _check(tab, "journalist-1-search")
    page.get_by_role("link", name="70CMSD21C00000001").first.click()
    page.wait_for_url(re.compile(r"/award/CONT_AWD_70CMSD21C00000001"))
    page.locator("#as_of").fill(day.isoformat())
    page.get_by_role("button", name="Show").click()
    page.wait_for_url(re.compile(r"as_of=2022-07-15"))
    assert _money(page.locator("#obligated").inner_text()) == expected
    assert page.locator("#obligated").inner_text() == "$8,276,020.00"
    assert "15 July 2022" in page.locator("p.figure").inner_text()
    link = page.locator("#usaspending-link")
    assert link.get_attribute("href") == f"https://www.usaspending.gov/award/{LEIDS}"
    _check(tab, "journalist-2-award-as-of")


def test_librarian_checks_nexis_uni(tab: Tab, server: str) -> None:
    page = tab.page
    page.goto(server + "/search?q=Nexis+Uni")
    products = page.locator("#r-products + ul")
    assert "Nexis Uni" in products.inner_text()
    products.get_by_role("link", name="RELX PLC").first.click()
    page.wait_for_url(re.compile(r"/family/relx-plc$"))
    assert page.locator("h1").inner_text() == "RELX PLC"
    _check(tab, "librarian-1-relx")
    page.goto(server + "/audit")
    page.locator("#product").fill("Nexis Uni")
    page.get_by_role("button", name="Audit").click()
    page.wait_for_load_state()
    main = page.locator("main").inner_text()
    assert "RELX PLC" in main
    alternatives = page.get_by_role("heading", name="Alternatives").first
    alternatives.scroll_into_view_if_needed()
    _check(tab, "librarian-2-alternatives")
    letter = page.get_by_role("heading", name=re.compile(r"^Letter to the .*RELX"))
    letter.scroll_into_view_if_needed()
    assert "Nexis Uni" in page.locator("pre.letter").first.inner_text()
    _check(tab, "librarian-3-letter")


def test_organiser_finds_relx_and_downloads_its_pdf(tab: Tab, server: str, tmp_path: Path) -> None:
    page = tab.page
    page.goto(server + "/browse")
    facet = page.locator("section.facet", has=page.locator("#facet-family"))
    facet.get_by_role("link", name=re.compile(r"^Show all [\d,]+ family values")).click()
    page.wait_for_url(re.compile(r"all=family"))
    page.locator("#facet-q-family").fill("RELX")
    page.get_by_role("button", name="Find").click()
    page.wait_for_url(re.compile(r"facet_q=RELX"))
    _check(tab, "organiser-1-family-facet")
    page.locator("section.facet").get_by_role("link", name="RELX PLC").click()
    page.wait_for_url(re.compile(r"family=relx-plc"))
    page.get_by_role("link", name="The RELX PLC dossier").click()
    page.wait_for_url(re.compile(r"/family/relx-plc$"))
    _check(tab, "organiser-2-dossier")
    with page.expect_download() as download:
        page.get_by_role("link", name="PDF").click()
    pdf = tmp_path / "relx.pdf"
    download.value.save_as(pdf)
    assert pdf.read_bytes().startswith(b"%PDF")
