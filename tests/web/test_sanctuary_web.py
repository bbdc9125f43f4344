"""The sanctuary-places page, API and dossier section show what the library function says,
and the family's award-summary money by state matches the raw Minnesota file."""

from __future__ import annotations

import csv
import gzip
from collections import defaultdict
from decimal import Decimal
from pathlib import Path

from fastapi.testclient import TestClient

SUMMARIES = "mn-ice-contracts/ICE_MN_Contracts_PrimeAwardSummaries_2025-03-21_H19M57S23_1.csv.gz"


def _thomson_reuters_by_state(raw_data: Path) -> dict[str, Decimal]:
    """Thomson Reuters' award summaries by state, from the raw file: its West Publishing and
    Thomson Reuters recipients, told by their names (every one in the file is one of these)."""
    found: dict[str, Decimal] = defaultdict(Decimal)
    with gzip.open(raw_data / SUMMARIES, "rt", encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            name = row["recipient_name"].upper()
            state = row["primary_place_of_performance_state_code"]
            if state and ("WEST PUBLISHING" in name or "THOMSON REUTERS" in name):
                found[state] += Decimal(row["total_obligated_amount"] or "0")
    return dict(found)


def test_the_api_and_page_answer_for_a_family(client: TestClient, raw_data: Path) -> None:
    answer = client.get("/api/sanctuary", params={"family": "thomson-reuters-corp"})
    assert answer.status_code == 200
    body = answer.json()
    doj = next(a for a in body["lists"] if a["list"]["id"] == "doj-eo14287-2025-08-05")
    (summaries,) = doj["measures"]
    shown = {s["state"]: Decimal(s["amount"]) for s in summaries["by_state"]}
    assert shown == _thomson_reuters_by_state(raw_data)
    listed = {s["state"] for s in summaries["by_state"] if s["on_list"] == "state"}
    assert listed == set(shown) & set(doj["list"]["states"])
    page = client.get("/sanctuary", params={"family": "thomson-reuters-corp"})
    assert page.status_code == 200
    assert "Work performed in sanctuary jurisdictions" in page.text
    assert "U.S. Department of Justice's list as of 5 August 2025" in page.text


def test_the_dossier_carries_the_section(client: TestClient) -> None:
    dossier = client.get("/api/families/thomson-reuters-corp").json()
    assert {a["list"]["id"] for a in dossier["sanctuary"]["lists"]} >= {"lj-2022-11-states"}
    page = client.get("/family/thomson-reuters-corp")
    assert 'id="sanctuary"' in page.text


def test_unknown_family_and_list_are_404_with_suggestions(client: TestClient) -> None:
    family = client.get("/api/sanctuary", params={"family": "thomson-reuter"})
    assert family.status_code == 404
    assert "did you mean" in family.json()["detail"]
    listed = client.get("/api/sanctuary", params={"list": "nope"})
    assert listed.status_code == 404
    assert "fair-11-states" in listed.json()["detail"]
