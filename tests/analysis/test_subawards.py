"""Sub-awards as their own role: shown apart from primes, never added to them.

Expected figures come from the raw sub-award file and the raw transaction files, summed here
with the csv module and Decimal.
"""

from __future__ import annotations

import csv
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from vendorwatch.analysis import browse
from vendorwatch.analysis.dossier import family_dossier
from vendorwatch.analysis.rollups import rollup
from vendorwatch.errors import VendorwatchError
from vendorwatch.formatting import money
from vendorwatch.registry import load_registry
from vendorwatch.reports.render import dossier_html

from ..raw_families import FAMILIES, family_transactions

TR = "thomson-reuters-corp"
WHOLE_DOSSIER = (
    "a whole dossier is ~80 queries, minutes on Spark local[1]; test_spark_engine.py checks "
    "RELX's dossier on Spark figure for figure"
)

pytestmark = pytest.mark.engines  # every `con` test on DuckDB and on Spark (conftest.py)


def _raw_subawards(raw: Path) -> list[dict[str, str]]:
    path = next(raw.glob("mn-ice-contracts/*Subawards*.csv"))
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))


@pytest.fixture(scope="module")
def raw_subs(raw_data: Path) -> list[dict[str, str]]:
    return _raw_subawards(raw_data)


@pytest.fixture(scope="module")
def tr_dossier(con: Any) -> dict[str, Any]:
    return family_dossier(con, load_registry(), TR)


def _received_by_tr(rows: list[dict[str, str]]) -> list[dict[str, str]]:
    return [r for r in rows if FAMILIES[TR].search(r["subawardee_name"].upper())]


@pytest.mark.duckdb_only(WHOLE_DOSSIER)
def test_the_thomson_reuters_dossier_shows_its_subawards_apart(
    tr_dossier: dict[str, Any], raw_subs: list[dict[str, str]], raw_data: Path
) -> None:
    mine = _received_by_tr(raw_subs)
    expected = sum((Decimal(r["subaward_amount"]) for r in mine), Decimal(0))
    assert expected == Decimal("9205427.00")  # the figure, from the raw file
    section = tr_dossier["subawards"]
    assert Decimal(section["received_total"]) == expected
    (row,) = section["received"]
    (raw,) = mine
    assert row["prime_piid"] == raw["prime_award_piid"] == "70CMSD20FR0000219"
    assert row["prime_awardee"] == raw["prime_awardee_name"]
    assert row["agency"] == raw["prime_award_awarding_sub_agency_name"]
    assert row["prime_award_key"] == raw["prime_award_unique_key"]
    assert row["role"] == "sub"
    # primes are the raw transactions' sum alone: the sub-award is not added to them
    primes = sum((a for _, a in family_transactions(raw_data)[TR]), Decimal(0))
    assert Decimal(tr_dossier["totals"]["obligations"]) == primes


@pytest.mark.duckdb_only(WHOLE_DOSSIER)
def test_the_rendered_dossier_has_the_section(tr_dossier: dict[str, Any]) -> None:
    html = dossier_html(tr_dossier)
    start = html.index('id="subawards-section"')
    section = html[start : html.index("</section>", start)]
    assert "Sub-awards received and given" in html
    assert "70CMSD20FR0000219" in section
    assert money("9205427.00") in section
    assert "never added" in section


@pytest.mark.duckdb_only(WHOLE_DOSSIER)
def test_a_prime_contractor_shows_the_subawards_it_gave(
    con: Any, raw_subs: list[dict[str, str]]
) -> None:
    dossier = family_dossier(con, load_registry(), "caci-international")
    gave = [r for r in raw_subs if r["prime_awardee_name"].upper().startswith("CACI")]
    expected = sum((Decimal(r["subaward_amount"]) for r in gave), Decimal(0))
    section = dossier["subawards"]
    assert Decimal(section["given_total"]) == expected
    assert len(section["given"]) == len(gave)
    assert "THOMSON REUTERS SPECIAL SERVICES LLC" in {r["subawardee"] for r in section["given"]}


def test_rollups_keep_the_roles_apart(con: Any, raw_subs: list[dict[str, str]]) -> None:
    by_role = {
        r["role"]: Decimal(r["obligations"])
        for r in rollup(con, ["family", "role"])
        if r["family"] == TR
    }
    plain = {r["family"]: Decimal(r["obligations"]) for r in rollup(con, ["family"])}
    assert by_role == {"prime": plain[TR], "sub": Decimal("9205427.00")}
    subs = rollup(con, ["family"], where={"role": "sub"})
    total = sum((Decimal(r["obligations"]) for r in subs), Decimal(0))
    assert total == sum((Decimal(r["subaward_amount"]) for r in raw_subs), Decimal(0))


@pytest.mark.duckdb_only(
    "27 facet queries (~30 s on Spark local[1]); facets on Spark: test_browse_exports.py, "
    "the roles on Spark: test_rollups_keep_the_roles_apart"
)
def test_facets_and_browse_show_subaward_rows(con: Any) -> None:
    found = browse.facets(con, {"family": [TR]})
    roles = {f["value"]: Decimal(f["obligations"]) for f in found["role"]}
    assert roles["sub"] == Decimal("9205427.00")
    sub_facets = browse.facets(con, {"family": [TR], "role": ["sub"]})
    assert [f["value"] for f in sub_facets["sub_agency"]] == [
        "U.S. IMMIGRATION AND CUSTOMS ENFORCEMENT"
    ]
    page = browse.awards(con, {"family": [TR], "role": ["sub"]})
    assert (page.total, page.obligations) == (1, "9205427.00")
    assert page.rows[0]["piid"] == "70CMSD20FR0000219"
    rows = browse.transaction_list(con, {"family": [TR], "role": ["sub"]})
    assert [r["obligation"] for r in rows.rows] == ["9205427.00"]
    with pytest.raises(VendorwatchError, match="never added together"):
        browse.facets(con, {"role": ["prime", "sub"]})
