"""Sanctuary places: the Minnesota award summaries' money by place of performance, per list.

Expected figures come from the raw file (csv + Decimal) and the lists from the registry's YAML
read here with PyYAML, not from vendorwatch's own code.
"""

from __future__ import annotations

import csv
import gzip
import json
import subprocess
import sys
from collections import defaultdict
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
import yaml

from vendorwatch.analysis.sanctuary import Places, measures, sanctuary_places
from vendorwatch.errors import VendorwatchError
from vendorwatch.registry import default_root, shipped_registry
from vendorwatch.registry.models import JurisdictionList

SUMMARIES = "mn-ice-contracts/ICE_MN_Contracts_PrimeAwardSummaries_2025-03-21_H19M57S23_1.csv.gz"


def _raw(raw_data: Path) -> list[dict[str, str]]:
    with gzip.open(raw_data / SUMMARIES, "rt", encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def _lists() -> dict[str, dict[str, Any]]:
    text = (default_root() / "jurisdictions.yaml").read_text("utf-8")
    return {entry["id"]: entry for entry in yaml.safe_load(text)["jurisdiction_lists"]}


def _listed(row: dict[str, str], entry: dict[str, Any]) -> bool:
    state = row["primary_place_of_performance_state_code"]
    county = row["primary_place_of_performance_county_name"]
    counties = {
        (c.rsplit(" ", 1)[0].upper().removesuffix(" COUNTY"), c.rsplit(" ", 1)[1])
        for c in entry.get("counties", [])
    }
    return bool(state) and (state in entry.get("states", []) or (county, state) in counties)


@pytest.fixture(scope="module")
def answer(con: Any) -> dict[str, Any]:
    return sanctuary_places(con, shipped_registry())


def test_every_list_is_named_with_its_publisher_and_date(answer: dict[str, Any]) -> None:
    lists = _lists()
    shown = {a["list"]["id"]: a["list"] for a in answer["lists"]}
    assert set(shown) == set(lists)
    for list_id, entry in lists.items():
        assert shown[list_id]["publisher"] == entry["publisher"]
        assert shown[list_id]["published"] == entry["published"].isoformat()
    # The seed's list (Library Journal, 2022) is one of them, and says it is unverified.
    assert shown["lj-2022-11-states"]["states"] == sorted(
        ["CA", "CO", "CT", "IL", "MA", "NJ", "NM", "NY", "OR", "VT", "WA"]
    )
    assert shown["lj-2022-11-states"]["verified"] is False
    # City entries without a state are reported as not matched, not guessed.
    assert "Rochester" in shown["doj-eo14287-2025-08-05"]["not_matched"]


def test_dollars_by_state_and_in_listed_places_match_the_raw_file(
    raw_data: Path, answer: dict[str, Any]
) -> None:
    rows = _raw(raw_data)
    by_state: dict[str, Decimal] = defaultdict(Decimal)
    for row in rows:
        if row["primary_place_of_performance_state_code"]:
            by_state[row["primary_place_of_performance_state_code"]] += Decimal(
                row["total_obligated_amount"] or "0"
            )
    unplaced = sum(
        (
            Decimal(r["total_obligated_amount"] or "0")
            for r in rows
            if not r["primary_place_of_performance_state_code"]
        ),
        Decimal(0),
    )
    for shown in answer["lists"]:
        entry = _lists()[shown["list"]["id"]]
        (summaries,) = [m for m in shown["measures"] if m["source"] == "award summaries"]
        assert {s["state"]: Decimal(s["amount"]) for s in summaries["by_state"]} == by_state
        assert Decimal(summaries["without_place"]) == unplaced
        expected = sum(
            (Decimal(r["total_obligated_amount"] or "0") for r in rows if _listed(r, entry)),
            Decimal(0),
        )
        assert Decimal(summaries["in_listed_places"]) == expected, entry["id"]
    doj = next(a for a in answer["lists"] if a["list"]["id"] == "doj-eo14287-2025-08-05")
    (summaries,) = [m for m in doj["measures"] if m["source"] == "award summaries"]
    states = {s["state"]: s for s in summaries["by_state"]}
    assert states["MN"]["on_list"] == "state"  # Minnesota is on the DOJ's 2025 list
    assert states["MD"]["on_list"] is None  # Baltimore City is not Baltimore County


def test_transactions_without_a_place_are_said_not_shown_as_zero(answer: dict[str, Any]) -> None:
    """The bundled transaction files carry no place of performance: that measure is listed
    as having none, never as $0 performed in every state."""
    assert [m["source"] for m in answer["without_place"]] == ["transactions"]
    for shown in answer["lists"]:
        assert [m["source"] for m in shown["measures"]] == ["award summaries"]


def test_an_unknown_list_is_refused_with_the_known_ones(con: Any) -> None:
    with pytest.raises(VendorwatchError, match="no jurisdiction list 'nope'; known: cis-2019"):
        sanctuary_places(con, shipped_registry(), list_id="nope")


def test_counties_and_cities_match_with_their_state(raw_data: Path, con: Any) -> None:
    """A county-and-city list (no states) counts only the places it names, each with its state;
    a city without a state is skipped and reported."""
    entry = JurisdictionList(
        id="test-places",
        publisher="a test",
        publisher_kind="test",
        title="Anoka County and Altoona",
        published=date(2026, 12, 2),
        counties=["Anoka County MN"],
        cities=["Altoona PA", "Portland"],
        sources=[],
    )
    places = Places.of(entry)
    assert places.unmatched == ("Portland",)
    (summaries, _) = measures(con)
    expected = sum(
        (
            Decimal(r["total_obligated_amount"] or "0")
            for r in _raw(raw_data)
            if (
                r["primary_place_of_performance_county_name"],
                r["primary_place_of_performance_state_code"],
            )
            == ("ANOKA", "MN")
            or (
                r["primary_place_of_performance_city_name"],
                r["primary_place_of_performance_state_code"],
            )
            == ("ALTOONA", "PA")
        ),
        Decimal(0),
    )
    assert expected > 0
    assert summaries.listed(places) == expected


def test_the_command_prints_what_the_library_answers(sample_warehouse: Path) -> None:
    shown = subprocess.run(
        [sys.executable, "-m", "vendorwatch", "sanctuary", "--list", "fair-11-states",
         "--json", "--warehouse", str(sample_warehouse)],
        capture_output=True, text=True, timeout=300, check=False,
    )  # fmt: skip
    assert shown.returncode == 0, shown.stderr
    printed = json.loads(shown.stdout)
    assert [a["list"]["id"] for a in printed["lists"]] == ["fair-11-states"]
    (summaries,) = printed["lists"][0]["measures"]
    assert summaries["source"] == "award summaries"
    people = subprocess.run(
        [sys.executable, "-m", "vendorwatch", "sanctuary", "palantir",
         "--warehouse", str(sample_warehouse)],
        capture_output=True, text=True, timeout=300, check=False,
    )  # fmt: skip
    assert people.returncode == 0, people.stderr
    assert "list as of 23 November 2026" in people.stdout
    wrong = subprocess.run(
        [sys.executable, "-m", "vendorwatch", "sanctuary", "--list", "nope",
         "--warehouse", str(sample_warehouse)],
        capture_output=True, text=True, timeout=300, check=False,
    )  # fmt: skip
    assert wrong.returncode == 1
    assert "no jurisdiction list 'nope'" in wrong.stderr
    assert "Traceback" not in wrong.stderr
