"""Pages and downloads on the real data: numbers, escaping, privacy headers, no cookies."""

from __future__ import annotations

import csv
import io
import logging
import re
from decimal import Decimal
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from vendorwatch.analysis import connect, rollup
from vendorwatch.web import create_app

AWARD = "CONT_AWD_70CMSD21C00000001_7012_-NONE-_-NONE-"
PAGES = [
    "/",
    "/search?q=LexisNexis",
    "/browse",
    "/browse?family=relx-plc&fiscal_year=2024",
    "/family/relx-plc",
    "/family/relx-plc?as_of=2023-06-30",
    f"/award/{AWARD}",
    f"/award/{AWARD}?as_of=2022-12-31",
    "/sources",
    "/sanctuary",
    "/sanctuary?family=thomson-reuters-corp",
]
OTHER_ORIGIN = re.compile(
    r"""<(?:script|link|img|iframe|source)[^>]+(?:src|href)=["'](?:https?:)?//"""
)


@pytest.mark.parametrize("path", PAGES)
def test_page_is_private_and_safe(client: TestClient, path: str) -> None:
    response = client.get(path)
    assert response.status_code == 200
    assert response.headers["content-security-policy"].startswith("default-src 'self'")
    assert "frame-ancestors 'none'" in response.headers["content-security-policy"]
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["referrer-policy"] == "no-referrer"
    assert "set-cookie" not in response.headers
    assert not OTHER_ORIGIN.search(response.text)
    assert "<script" not in response.text


def test_search_input_is_escaped(client: TestClient) -> None:
    response = client.get("/search", params={"q": '<script>alert("x")</script> LexisNexis'})
    assert response.status_code == 200
    assert "<script>alert" not in response.text
    assert "&lt;script&gt;" in response.text


def test_facets_show_dollars_that_add_up(client: TestClient, sample_warehouse: Path) -> None:
    page = client.get("/api/facets", params={"family": "relx-plc"}).json()
    years = {row["value"]: Decimal(row["obligations"]) for row in page["fiscal_year"]}
    expected = {
        str(r["fiscal_year"]): Decimal(r["obligations"])
        for r in rollup(connect(sample_warehouse), ["fiscal_year"], where={"family": "relx-plc"})
    }
    assert years == expected
    html = client.get("/browse", params={"family": "relx-plc"}).text
    total = sum(expected.values(), Decimal(0))
    assert f"${total:,.2f}" in html


def test_family_page_matches_the_dossier(client: TestClient) -> None:
    data = client.get("/api/families/palantir").json()
    html = client.get("/family/palantir").text
    assert f"${Decimal(data['totals']['obligations']):,.2f}" in html
    assert html.count("<svg") == 5  # two charts, each for a page and a phone; the timeline


def test_family_page_as_of(client: TestClient) -> None:
    """The page shows what the API gives, and the API what the function gives."""
    api = client.get("/api/families/palantir/as-of", params={"date": "2022-09-30"}).json()
    assert api["as_of"] == "2022-09-30"
    assert Decimal(api["obligated"]) + Decimal(api["after"]["obligations"]) == Decimal(
        "318692423.00"
    )
    html = client.get("/family/palantir", params={"as_of": "2022-09-30"}).text
    assert f'<strong id="family-obligated">${Decimal(api["obligated"]):,.2f}</strong>' in html
    first = api["latest"][0]["source"]
    assert f'/source/{first["sha256"]}/{first["row"]}"' in html
    chart = html[html.index('id="as-of-chart"') :]
    assert chart.index("<svg") < chart.index("</figure>")  # the curve, drawn on the server


def test_award_page_as_of(client: TestClient) -> None:
    api = client.get(f"/api/awards/{AWARD}", params={"as_of": "2022-12-31"}).json()
    assert api["obligated"] == "8276020.00"
    html = client.get(f"/award/{AWARD}", params={"as_of": "2022-12-31"}).text
    assert '<strong id="obligated">$8,276,020.00</strong>' in html


def test_award_page_says_when_the_loaded_part_differs_from_the_award_record(
    client: TestClient,
) -> None:
    """West's CLEAR order: the raw award summary (row 446) says $20,632,465.71 obligated as of
    21 April 2021; the API export holds one $0.00 modification of it."""
    key = "CONT_AWD_HSCEMD17F00008_7012_GS02F026DA_4732"
    api = client.get(f"/api/awards/{key}").json()
    assert api["record_differs"] == {
        "record_total": "20632465.71", "record_modified": "2021-04-21",
        "loaded_total": "0.00", "loaded_transactions": 1,
    }  # fmt: skip
    html = client.get(f"/award/{key}").text
    assert "in the loaded transactions:" in html
    caveat = re.search(r'<p class="caveats" id="record-differs">(.*?)</p>', html, re.S)
    assert caveat, "no caveat beside the figure"
    words = " ".join(caveat.group(1).split())
    assert "$20,632,465.71 obligated" in words and "21 April 2021" in words
    assert "1 loaded transaction to that date sums to $0.00" in words
    assert "it ran from 19 January 2017 to 28 February 2021" in " ".join(html.split())
    plain = client.get(f"/award/{AWARD}").text
    assert 'id="record-differs"' not in plain  # no award record loaded for this one


def test_provenance_is_one_click_away(client: TestClient) -> None:
    award = client.get(f"/api/awards/{AWARD}").json()
    first = award["transactions"][0]["source"]
    page = client.get(f"/source/{first['sha256']}/{first['row']}")
    assert page.status_code == 200
    assert first["file"] in page.text
    assert "70CMSD21C00000001" in page.text


def test_downloads(client: TestClient) -> None:
    listing = client.get("/browse.csv", params={"family": "palantir"})
    assert listing.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(listing.text)))
    total = sum(Decimal(r["obligations"]) for r in rows)
    assert total == Decimal("318692423.00")
    assert client.get("/browse.json", params={"family": "palantir"}).json()["total"] == len(rows)
    pdf = client.get("/family/palantir.pdf")
    assert pdf.headers["content-type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF")
    assert client.get(f"/award/{AWARD}.csv").text.count("\n") > 10


@pytest.mark.parametrize(
    ("path", "status"),
    [("/family/no-such-family", 404), (f"/award/{AWARD}?as_of=31/12/2022", 400),
     ("/family/palantir?as_of=2022-02-30", 400), ("/api/families/palantir/as-of?date=x", 422),
     ("/api/families/nope/as-of?date=2022-01-01", 404),
     ("/award/NOPE", 404), ("/browse?sort=colour", 400), ("/api/awards?cursor=bad", 422)],
)  # fmt: skip
def test_bad_requests_get_clear_errors(client: TestClient, path: str, status: int) -> None:
    response = client.get(path)
    assert response.status_code == status
    assert "Traceback" not in response.text


@pytest.mark.parametrize("log_ips", [False, True])
def test_access_log_holds_no_ip_unless_asked(
    sample_warehouse: Path, caplog: pytest.LogCaptureFixture, log_ips: bool
) -> None:
    with (
        TestClient(create_app(sample_warehouse, log_ips=log_ips)) as local,
        caplog.at_level(logging.INFO, logger="vendorwatch.access"),
    ):
        local.get("/sources")
    lines = [r.getMessage() for r in caplog.records if r.name == "vendorwatch.access"]
    assert any("GET /sources 200" in line for line in lines)
    assert any("testclient" in line for line in lines) is log_ips


def test_transactions_view_adds_up(client: TestClient, sample_warehouse: Path) -> None:
    page = client.get("/browse.json", params={"family": "palantir", "view": "transactions"})
    document = page.json()
    assert document["total"] == 34
    assert Decimal(document["obligations"]) == Decimal("318692423.00")
    listing = client.get("/browse.csv", params={"family": "palantir", "view": "transactions"})
    rows = list(csv.DictReader(io.StringIO(listing.text)))
    assert len(rows) == 34
    assert sum(Decimal(r["obligation"]) for r in rows) == Decimal("318692423.00")
    html = client.get("/browse", params={"family": "palantir", "view": "transactions"}).text
    assert "34 transactions" in html
    assert "/source/" in html
