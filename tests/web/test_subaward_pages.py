"""Sub-award rows on the site: the role facet, browse with role=sub, the family page section.

Expected figures from the raw sub-award file (csv + Decimal)."""

from __future__ import annotations

import csv
import io
from decimal import Decimal
from pathlib import Path

from fastapi.testclient import TestClient

TR = "thomson-reuters-corp"


def _raw_tr_subawards(raw: Path) -> Decimal:
    path = next(raw.glob("mn-ice-contracts/*Subawards*.csv"))
    with path.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle))
    names = ("THOMSON REUTERS", "WEST PUBLISHING")
    return sum(
        (Decimal(r["subaward_amount"]) for r in rows if r["subawardee_name"].startswith(names)),
        Decimal(0),
    )


def test_browse_lists_subaward_rows_apart(client: TestClient, raw_data: Path) -> None:
    expected = _raw_tr_subawards(raw_data)
    facets = client.get("/api/facets", params={"family": TR}).json()
    roles = {f["value"]: Decimal(f["obligations"]) for f in facets["role"]}
    assert roles["sub"] == expected
    page = client.get("/browse.json", params={"family": TR, "role": "sub"}).json()
    assert Decimal(page["obligations"]) == expected
    listing = client.get(
        "/browse.csv", params={"family": TR, "role": "sub", "view": "transactions"}
    )
    assert listing.status_code == 200, listing.text[:500]  # an error page is not the CSV
    rows = list(csv.DictReader(io.StringIO(listing.text)))
    assert [Decimal(r["obligation"]) for r in rows] == [expected]
    html = client.get("/browse", params={"family": TR, "role": "sub"}).text
    assert "70CMSD20FR0000219" in html
    both = client.get("/browse", params=[("family", TR), ("role", "prime"), ("role", "sub")])
    assert both.status_code == 400
    assert "never added together" in both.text


def test_the_family_page_has_the_subaward_section(client: TestClient) -> None:
    html = client.get(f"/family/{TR}").text
    start = html.index('id="subawards-section"')
    section = html[start : html.index("</section>", start)]
    assert "Sub-awards received and given" in section
    assert "70CMSD20FR0000219" in section
    assert "CACI NSS, LLC" in section
