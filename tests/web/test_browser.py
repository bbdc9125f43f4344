"""A real browser (Debian's chromium, driven by Playwright) walks the site like a reader.

Every network request is recorded; one that leaves the app's origin fails the test. axe-core
checks the main pages for serious accessibility problems. Screenshots go to test-artifacts/.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import httpx
import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Browser, Page

from tests.web.browsing import require_chromium

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"

require_chromium()


@pytest.fixture
def page(browser: Browser, server: str) -> Iterator[tuple[Page, list[str]]]:
    context = browser.new_context(accept_downloads=True, viewport={"width": 1280, "height": 900})
    tab = context.new_page()
    tab.set_default_timeout(180_000)  # a PDF or an upload's audit takes long on a busy machine
    requests: list[str] = []
    tab.on("request", lambda request: requests.append(request.url))
    yield tab, requests
    context.close()
    strangers = [u for u in requests if not (u.startswith(server) or u.startswith("data:"))]
    assert strangers == [], f"requests left the origin: {strangers}"


def _money(text: str) -> Decimal:
    return Decimal(re.sub(r"[$,]", "", text.strip()))


def _shot(tab: Page, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    tab.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def test_reader_path(page: tuple[Page, list[str]], server: str, tmp_path: Path) -> None:
    tab, requests = page
    tab.goto(server + "/")
    assert tab.locator("h1").inner_text() == "Who sells to immigration enforcement"
    _shot(tab, "home")

    tab.get_by_role("searchbox").fill("LexisNexis")
    tab.get_by_role("button", name="Search").click()
    tab.wait_for_url(re.compile(r"/search\?q=LexisNexis"))
    tab.get_by_role("link", name="LexisNexis Risk Solutions Inc.").click()
    tab.wait_for_url(re.compile(r"/family/lexisnexis-risk-solutions$"))  # the company itself
    assert tab.locator("h1").inner_text() == "LexisNexis Risk Solutions Inc."
    tab.locator("#part-of").get_by_role("link", name="RELX PLC").click()
    tab.wait_for_url(re.compile(r"/family/relx-plc$"))
    assert tab.locator("h1").inner_text() == "RELX PLC"
    _shot(tab, "family")

    with tab.expect_download() as pdf_download:
        tab.get_by_role("link", name="PDF").click()
    pdf = tmp_path / "dossier.pdf"
    pdf_download.value.save_as(pdf)
    assert pdf.read_bytes().startswith(b"%PDF")

    tab.get_by_role("link", name="all its awards").click()
    tab.wait_for_url(re.compile(r"/browse\?family=relx-plc"))
    tab.locator("#facet-fiscal_year + ul a", has_text="2024").click()
    tab.wait_for_url(re.compile(r"fiscal_year=2024"))
    api = httpx.get(
        server + "/api/awards", params={"family": "relx-plc", "fiscal_year": "2024"}
    ).json()
    lede = tab.locator("p.lede").inner_text()  # "11 awards, $11.3M obligated ($11,343,507.85)"
    assert lede.startswith(f"{api['total']} awards, $")
    assert f"obligated (${Decimal(api['obligations']):,.2f})" in lede
    _shot(tab, "browse")

    with tab.expect_download() as csv_download:
        tab.get_by_role("link", name="CSV").click()
    listing = tmp_path / "awards.csv"
    csv_download.value.save_as(listing)
    assert listing.read_text().count("\n") == api["total"] + 1

    first = api["awards"][0]
    tab.get_by_role("link", name=first["piid"], exact=True).first.click()
    tab.wait_for_url(re.compile(r"/award/"))
    tab.locator("#as_of").fill("2022-12-31")
    tab.get_by_role("button", name="Show").click()
    tab.wait_for_url(re.compile(r"as_of=2022-12-31"))
    shown = _money(tab.locator("#obligated").inner_text())
    detail = httpx.get(
        f"{server}/api/awards/{first['award_key']}", params={"as_of": "2022-12-31"}
    ).json()
    assert shown == Decimal(detail["obligated"])
    _shot(tab, "award")
    assert len(requests) > 8


@pytest.mark.parametrize(
    "path",
    ["/", "/family/palantir", "/browse?family=relx-plc",
     "/award/CONT_AWD_70CMSD21C00000001_7012_-NONE-_-NONE-", "/search?q=Palantir"],
)  # fmt: skip
def test_no_serious_accessibility_problems(
    page: tuple[Page, list[str]], server: str, path: str
) -> None:
    tab, _ = page
    tab.goto(server + path)
    results = Axe().run(tab)
    serious = [
        f"{v['id']}: {v['help']}"
        for v in results.response["violations"]
        if v["impact"] in ("serious", "critical")
    ]
    assert serious == []


def test_readable_on_a_phone(browser: Browser, server: str) -> None:
    context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True)
    tab = context.new_page()
    tab.goto(server + "/family/relx-plc")
    width = tab.evaluate("document.documentElement.scrollWidth")
    _shot(tab, "family-phone")
    context.close()
    assert width <= 400


def test_library_audit_upload_and_download(
    page: tuple[Page, list[str]], server: str, raw_data: Path, tmp_path: Path
) -> None:
    tab, _ = page
    tab.goto(server + "/audit")
    kbart = next(raw_data.glob("kbart/ScienceDirect*.txt"))
    tab.set_input_files("#files", str(kbart))
    tab.fill("#library", "Browser Test Library")
    tab.get_by_role("button", name="Audit").click()
    tab.wait_for_load_state()
    assert "RELX PLC" in tab.locator("main").inner_text()
    _shot(tab, "audit")
    # The report's own PDF link: the same report, no file chosen again (held for this browser).
    links = tab.get_by_role("navigation", name="Download this report")
    with tab.expect_download() as held:
        links.get_by_role("link", name="PDF", exact=True).click()
    kept = tmp_path / "held.pdf"
    held.value.save_as(kept)
    assert kept.read_bytes().startswith(b"%PDF")
    tab.set_input_files("#files", str(kbart))
    tab.get_by_label("as PDF").check()
    with tab.expect_download() as download:
        tab.get_by_role("button", name="Audit").click()
    report = tmp_path / "audit.pdf"
    download.value.save_as(report)
    assert report.read_bytes().startswith(b"%PDF")


def _raw_scope(raw_data: Path) -> tuple[set[str], str, str]:
    """Agencies and first/last action day of the raw API export files, read with csv."""
    import csv
    import gzip
    from datetime import date

    agencies: set[str] = set()
    days: list[date] = []
    for path in raw_data.glob("cbp-ice-dashboard/*.csv.gz"):
        with gzip.open(path, "rt", encoding="utf-8", newline="") as handle:
            for row in csv.DictReader(handle):
                agencies.add(row["Agency"])
                days.append(date.fromisoformat(row["Action Date"]))
    first, last = min(days), max(days)
    return agencies, f"{first.day} {first:%B %Y}", f"{last.day} {last:%B %Y}"


def _beside(tab: Page, total: str, caveats: str) -> None:
    """The caveats are on screen with the total, without scrolling, just below it."""
    top = tab.locator(total).bounding_box()
    box = tab.locator(caveats).bounding_box()
    height = tab.viewport_size["height"] if tab.viewport_size else 900
    assert top is not None and box is not None
    assert 0 <= box["y"] - (top["y"] + top["height"]) < 250
    assert box["y"] < height


def test_caveats_beside_the_home_and_family_totals(
    page: tuple[Page, list[str]], server: str, raw_data: Path
) -> None:
    from tests.raw_families import family_transactions

    tab, _ = page
    agencies, first, last = _raw_scope(raw_data)
    tab.goto(server + "/")
    lede = tab.locator("p.lede").inner_text()
    assert "other DHS components" not in lede
    for short in agencies:
        assert f"({short})" in lede
    caveats = tab.locator("#home-caveats").inner_text()
    assert f"{' and '.join(sorted(agencies))} obligations only, {first} to {last}" in caveats
    assert "FY2026 partial" in caveats and "FY2026 is partial" in caveats
    assert "counts of transactions and awards are lower bounds" in caveats
    assert "de-obligations" in caveats
    assert "Competition “unknown”" in caveats and "not counted as competed" in caveats
    _beside(tab, "p.lede", "#home-caveats")
    _shot(tab, "home-caveats")

    expected = sum((a for _, a in family_transactions(raw_data)["palantir"]), Decimal(0))
    tab.goto(server + "/family/palantir")
    total = tab.locator("#family-total").inner_text()
    exact = re.search(r"\((\$[\d,.]+)\)", total)
    assert exact is not None and _money(exact.group(1)) == expected
    rounded = (expected / 1_000_000).quantize(Decimal("0.1"))
    assert total.startswith(f"${rounded}M")
    caveats = tab.locator("#family-caveats").inner_text()
    assert f"obligations only, {first} to {last}" in caveats
    assert "FY2026 is partial" in caveats and "Partial source" in caveats
    assert "Competition “unknown”" in caveats
    _beside(tab, "#family-total", "#family-caveats")
    assert "(partial)" in tab.locator("section[aria-labelledby=obligations] table").inner_text()
    assert re.search(r"\d{4}-\d{2}-\d{2}", tab.locator("main").inner_text()) is None
    _shot(tab, "family-caveats")


def test_caveats_beside_the_family_total_on_a_phone(browser: Browser, server: str) -> None:
    context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True)
    tab = context.new_page()
    tab.goto(server + "/family/relx-plc")
    _beside(tab, "#family-total", "#family-caveats")
    width = tab.evaluate("document.documentElement.scrollWidth")
    _shot(tab, "family-caveats-phone")
    context.close()
    assert width <= 400
