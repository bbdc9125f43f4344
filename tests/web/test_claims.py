"""Checking a figure on the site: the API and the form give the library's verdict."""

from __future__ import annotations

import csv
import gzip
from datetime import date
from decimal import Decimal
from pathlib import Path

from fastapi.testclient import TestClient

from vendorwatch.analysis import connect
from vendorwatch.analysis.claims import check_claim, parse_amount
from vendorwatch.registry import shipped_registry

PIID = "70CMSD21C00000001"


def raw_obligated(raw_data: Path, day: date) -> Decimal:
    """The award's obligations dated on or before ``day``, summed from the raw export."""
    total = Decimal(0)
    for path in sorted(raw_data.glob("cbp-ice-dashboard/*.csv.gz")):
        with gzip.open(path, "rt", encoding="utf-8", newline="") as handle:
            for row in csv.DictReader(handle):
                if row["Award ID"] == PIID and date.fromisoformat(row["Action Date"]) <= day:
                    total += Decimal(row["Federal Action Obligation"])
    return total


def test_api_answers_like_the_library(
    client: TestClient, sample_warehouse: Path, raw_data: Path
) -> None:
    got = client.get(
        "/api/claims/check", params={"subject": PIID, "amount": "8.3M", "on": "2022-07-15"}
    )
    assert got.status_code == 200
    body = got.json()
    assert body["verdict"] == "consistent"
    assert Decimal(body["data_figure"]) == raw_obligated(raw_data, date(2022, 7, 15))
    assert all({"file", "row"} <= set(s) for s in body["sources"])
    con = connect(sample_warehouse)
    try:
        stated = parse_amount("8.3M")
        library = check_claim(
            con, shipped_registry(), PIID, stated.amount, date(2022, 7, 15),
            tolerance=stated.tolerance,
        ).as_dict()  # fmt: skip
    finally:
        con.disconnect()
    assert body == library


def test_api_bad_amount_is_refused_naming_the_parameter(client: TestClient) -> None:
    """The accepted forms are the parameter's documented pattern, so the API refuses a bad
    amount before the check (422 naming ``amount``), never with a 500."""
    got = client.get(
        "/api/claims/check", params={"subject": PIID, "amount": "a lot", "on": "2022-07-15"}
    )
    assert got.status_code == 422
    (problem,) = got.json()["detail"]
    assert problem["loc"] == ["query", "amount"]


def test_api_potential_without_a_ceiling_cannot_be_checked(client: TestClient) -> None:
    got = client.get(
        "/api/claims/check",
        params={"subject": PIID, "amount": "$22.1 million", "on": "2022-07-15",
                "measure": "potential"},
    )  # fmt: skip
    assert got.status_code == 200
    assert got.json()["verdict"] == "cannot_check"
    assert got.json()["data_figure"] is None


def test_form_shows_the_verdict_and_the_rows(client: TestClient, raw_data: Path) -> None:
    page = client.get(
        "/claims", params={"subject": PIID, "amount": "$16.8 million", "on": "2021-04-02"}
    )
    assert page.status_code == 200
    assert '<h2 id="verdict">Inconsistent</h2>' in page.text
    expected = raw_obligated(raw_data, date(2021, 4, 2))
    assert f"${expected:,.2f}" in page.text
    assert "2 April 2021" in page.text
    assert page.text.count('href="/source/') == 2  # the two transactions behind the figure


def test_form_names_the_bad_field(client: TestClient) -> None:
    page = client.get("/claims", params={"subject": PIID, "amount": "many", "on": "2021-04-02"})
    assert page.status_code == 400
    assert 'id="amount-error"' in page.text
    assert "accepted forms" in page.text
    assert "Traceback" not in page.text
    assert client.get("/claims").status_code == 200
