"""Search finds awards by who got them and shows each award's whole total: every expected
figure here is summed from the raw files with the csv module."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from vendorwatch.analysis.search import search
from vendorwatch.registry import Registry, load_registry

from ..raw_rows import award_totals, raw_rows

LARGEST_LEXISNEXIS = "70CMSD21C00000001"


@pytest.fixture(scope="module")
def registry() -> Registry:
    return load_registry()


def _awards(found: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {a["piid"]: a for a in found["awards"]}


def test_lexisnexis_finds_its_largest_award_by_recipient(con: Any, registry: Registry) -> None:
    """70CMSD21C00000001's descriptions never say LexisNexis: it is found by its recipient."""
    found = search(con, registry, "lexisnexis", limit=50)
    assert LARGEST_LEXISNEXIS in _awards(found)
    assert found["awards"][0]["piid"] == LARGEST_LEXISNEXIS  # the largest comes first
    assert found["awards"][0]["family"] == "relx-plc"
    assert found["awards"][0]["family_name"] == "RELX PLC"


def test_every_lexisnexis_award_of_the_raw_files_is_found(
    con: Any, registry: Registry, raw_data: Path
) -> None:
    expected = {
        r.award_key
        for r in raw_rows(raw_data)
        if r.has_word("LEXISNEXIS", "recipient", "description", "piid")
    }
    found = search(con, registry, "lexisnexis", limit=500)
    assert expected <= {a["award_key"] for a in found["awards"]}
    assert found["awards_found"] == len(found["awards"])


def test_an_award_shows_its_total_not_the_sum_of_matching_rows(
    con: Any, registry: Registry, raw_data: Path
) -> None:
    """ "LEIDS" is in 14 of the award's 17 descriptions; the row shows all 17 transactions'
    total (what the award's own page says) and says how many matched."""
    rows = [r for r in raw_rows(raw_data) if r.piid == LARGEST_LEXISNEXIS]
    total = sum((r.obligation for r in rows), Decimal(0))
    assert total == Decimal("24509116.00")  # the figure the issue quotes, from the raw rows
    matching = [r for r in rows if r.has_word("LEIDS", "description")]
    award = _awards(search(con, registry, "LEIDS"))[LARGEST_LEXISNEXIS]
    assert Decimal(award["obligations"]) == total
    assert award["transactions"] == len(rows)
    assert award["matched"] == len(matching) < len(rows)
    assert Decimal(award["matched_obligations"]) == sum(
        (r.obligation for r in matching), Decimal(0)
    )
    assert award["sub_agency"] == "U.S. Immigration and Customs Enforcement"


def test_an_agency_word_filters_the_awards(con: Any, registry: Registry, raw_data: Path) -> None:
    expected = {
        r.award_key
        for r in raw_rows(raw_data)
        if r.agency == "ICE" and r.has_word("LEXISNEXIS", "recipient", "description", "piid")
    }
    assert expected  # ICE bought from LexisNexis
    found = search(con, registry, "lexisnexis ice", limit=500)
    assert [f["kind"] for f in found["filters"]] == ["agency"]
    got = {a["award_key"] for a in found["awards"]}
    assert expected <= got
    assert {a["sub_agency"] for a in found["awards"]} == {
        "U.S. Immigration and Customs Enforcement"
    }
    assert LARGEST_LEXISNEXIS in _awards(found)
    cbp = search(con, registry, "LexisNexis CBP", limit=500)
    assert got.isdisjoint(a["award_key"] for a in cbp["awards"])


def test_a_fiscal_year_filters_the_transactions(
    con: Any, registry: Registry, raw_data: Path
) -> None:
    in_2023 = [
        r
        for r in raw_rows(raw_data)
        if r.fiscal_year == 2023 and r.has_word("PALANTIR", "recipient")
    ]
    found = search(con, registry, "Palantir FY2023", limit=100)
    assert {a["award_key"] for a in found["awards"]} == {r.award_key for r in in_2023}
    for award in found["awards"]:
        mine = [r for r in in_2023 if r.award_key == award["award_key"]]
        assert award["matched"] == len(mine)
    assert search(con, registry, "palantir 2023")["awards"] == found["awards"][:20]


def test_palantir_awards_show_their_real_totals(
    con: Any, registry: Registry, raw_data: Path
) -> None:
    """No $0.00 row unless the award's transactions really sum to zero."""
    totals = award_totals(raw_data)
    found = search(con, registry, "palantir", limit=100)
    assert found["awards"]
    for award in found["awards"]:
        assert Decimal(award["obligations"]) == totals[award["award_key"]]
        if Decimal(award["obligations"]) == 0:
            assert totals[award["award_key"]] == 0


def test_a_piid_finds_its_award_first(con: Any, registry: Registry) -> None:
    found = search(con, registry, LARGEST_LEXISNEXIS.lower())
    assert found["awards"][0]["piid"] == LARGEST_LEXISNEXIS


@pytest.mark.parametrize(
    ("query", "suggested"),
    [
        ("lexisnexsi", "lexisnexis"),
        ("lexisnexis uscis", "lexisnexis"),
        ("palantir FY2030", "palantir"),
    ],
)
def test_an_empty_result_suggests_what_would_match(
    con: Any, registry: Registry, query: str, suggested: str
) -> None:
    found = search(con, registry, query)
    assert found["awards"] == []
    queries = [s["query"] for s in found["suggestions"]]
    assert suggested in queries
    again = search(con, registry, suggested)
    assert again["awards"]  # the suggestion itself finds awards
