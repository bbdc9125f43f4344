"""Browse facets (computed, not the cube) and CSV exports, on DuckDB and on Spark (issue 15).

Expected figures are RELX's raw transactions (`tests/raw_rows.py`: csv module, Decimal, the
scraper's page overlaps counted once, recipients matched by `tests/raw_families.py`'s
patterns), never the code's own answers.
"""

from __future__ import annotations

import csv
from collections import defaultdict
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from vendorwatch.analysis import browse
from vendorwatch.exports import award_table, rollup_table, write_csv

from ..raw_families import FAMILIES
from ..raw_rows import transactions

pytestmark = pytest.mark.engines  # every `con` test on DuckDB and on Spark (conftest.py)

RELX = "relx-plc"
EVERY = 1_000_000  # facet size: every value, not the first dozen


def fiscal_year(day: str) -> int:
    when = date.fromisoformat(day)
    return when.year + (when.month >= 10)


@pytest.fixture(scope="module")
def relx(raw_data: Path) -> list[dict[str, str]]:
    """RELX's distinct raw transactions."""
    return [r for r in transactions(raw_data) if FAMILIES[RELX].search(r["Recipient Name"])]


def by_year(rows: list[dict[str, str]]) -> dict[int, tuple[Decimal, int, int]]:
    """Obligations, transactions and distinct awards of each fiscal year."""
    money: dict[int, Decimal] = defaultdict(Decimal)
    count: dict[int, int] = defaultdict(int)
    keys: dict[int, set[str]] = defaultdict(set)
    for r in rows:
        year = fiscal_year(r["Action Date"])
        money[year] += Decimal(r["Federal Action Obligation"])
        count[year] += 1
        keys[year].add(r["Generated Award ID"])
    return {y: (money[y], count[y], len(keys[y])) for y in money}


def read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def test_facets_of_a_family_are_its_raw_rows(con: Any, relx: list[dict[str, str]]) -> None:
    found = browse.facets(con, {"family": [RELX]}, size=EVERY)
    assert {
        int(f["value"]): (Decimal(f["obligations"]), f["transactions"], f["awards"])
        for f in found["fiscal_year"]
    } == by_year(relx)
    total = sum((Decimal(r["Federal Action Obligation"]) for r in relx), Decimal(0))
    (chosen,) = [f for f in found["family"] if f["selected"]]  # other families shown beside
    assert (chosen["value"], Decimal(chosen["obligations"])) == (RELX, total)
    assert len(found["family"]) > 1
    for facet in ("sub_agency", "classification", "competition"):
        assert sum(Decimal(f["obligations"]) for f in found[facet]) == total, facet


def test_a_second_filter_narrows_the_other_facets(con: Any, relx: list[dict[str, str]]) -> None:
    year = 2022
    found = browse.facets(con, {"family": [RELX], "fiscal_year": [str(year)]}, size=EVERY)
    within = [r for r in relx if fiscal_year(r["Action Date"]) == year]
    expected = sum((Decimal(r["Federal Action Obligation"]) for r in within), Decimal(0))
    assert sum(Decimal(f["obligations"]) for f in found["sub_agency"]) == expected
    assert sum(f["transactions"] for f in found["sub_agency"]) == len(within)
    # the fiscal-year facet itself still lists every year of the family, the chosen one marked
    assert {int(f["value"]) for f in found["fiscal_year"]} == set(by_year(relx))
    assert [f["value"] for f in found["fiscal_year"] if f["selected"]] == [str(year)]


def test_the_award_csv_is_the_raw_awards(
    con: Any, relx: list[dict[str, str]], tmp_path: Path
) -> None:
    out = tmp_path / "relx-awards.csv"
    written = write_csv(award_table(con, {"family": [RELX]}), out)
    rows = read_csv(out)
    assert written == len(rows)
    expected: dict[str, list[dict[str, str]]] = defaultdict(list)
    for r in relx:
        expected[r["Generated Award ID"]].append(r)
    assert {r["award_key"] for r in rows} == set(expected)
    for row in rows:
        raw = expected[row["award_key"]]
        amount = sum((Decimal(r["Federal Action Obligation"]) for r in raw), Decimal(0))
        days = sorted(r["Action Date"] for r in raw)
        assert (Decimal(row["obligations"]), int(row["transactions"])) == (amount, len(raw))
        assert (row["first_action"], row["last_action"]) == (days[0], days[-1])
        assert row["family"] == RELX
    money = [Decimal(r["obligations"]) for r in rows]
    assert money == sorted(money, reverse=True)  # largest first, as the page lists them


def test_the_rollup_csv_is_the_raw_years(
    con: Any, relx: list[dict[str, str]], tmp_path: Path
) -> None:
    out = tmp_path / "relx-years.csv"
    write_csv(rollup_table(con, ["fiscal_year"], where={"family": RELX}), out)
    rows = read_csv(out)
    assert list(rows[0]) == ["fiscal_year", "obligations", "transactions", "awards"]
    assert {
        int(r["fiscal_year"]): (Decimal(r["obligations"]), int(r["transactions"]), int(r["awards"]))
        for r in rows
    } == by_year(relx)
    assert all(r["obligations"] == f"{Decimal(r['obligations']):.2f}" for r in rows)  # exact
