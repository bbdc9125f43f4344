"""The per-snapshot browse aggregate answers exactly what `browse` answers, and what the raw
files say (read here with csv + Decimal, not with vendorwatch's loader)."""

from __future__ import annotations

import csv
import gzip
from collections import defaultdict
from collections.abc import Iterator
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import duckdb
import pytest
import yaml

from vendorwatch.analysis import browse
from vendorwatch.analysis.cube import Cube
from vendorwatch.errors import VendorwatchError

SELECTIONS: list[dict[str, list[str]]] = [
    {},
    {"family": ["relx-plc"], "fiscal_year": ["2024"]},
    {"family": ["palantir"], "fiscal_year": ["2023"]},
    {"family": ["palantir", "equifax"], "competition": ["not competed"]},
    {"fiscal_year": ["2022"], "state": ["VA"]},
    {"role": ["sub"]},
    {"role": ["sub"], "fiscal_year": ["2024"]},
    {"role": ["prime"], "sub_agency": ["U.S. Customs and Border Protection"]},
    {"family": ["x' OR '1'='1"]},  # a value that looks like SQL matches nothing
    {"fiscal_year": ["1999"]},  # a value not in the data: nothing, as in browse
    {"place_state": ["MN"], "fiscal_year": ["2024"]},
    {"family": ["palantir"]},
    {"role": ["sub"], "family": ["palantir"], "fiscal_year": ["2023"]},
    {
        "family": ["geo-group"],
        "fiscal_year": ["2024"],
        "sub_agency": ["U.S. Immigration and Customs Enforcement"],
    },
    {"family": ["geo-group"], "fiscal_year": ["2024", "2023"]},
]
SORTS = (("obligations", True, 0), ("piid", False, 50), ("recipient", True, 0),
         ("last_action", False, 0), ("transactions", True, 0))  # fmt: skip


@pytest.fixture(scope="module")
def cube(con: Any) -> Iterator[Cube]:
    built = Cube(con)
    yield built
    built.close()


@pytest.mark.parametrize("chosen", SELECTIONS, ids=[str(s) for s in SELECTIONS])
def test_the_cube_answers_what_browse_answers(con: Any, cube: Cube, chosen: Any) -> None:
    assert cube.facets(chosen) == browse.facets(con, chosen)
    assert cube.facets(chosen, size=1_000_000) == browse.facets(con, chosen, size=1_000_000)
    for sort, descending, offset in SORTS:
        found = cube.awards(chosen, sort=sort, descending=descending, offset=offset)
        assert found == browse.awards(
            con, chosen, sort=sort, descending=descending, offset=offset
        ), (sort, descending, offset)
        keys = [r["award_key"] for r in found.rows]
        described = browse.award_descriptions(con, keys)
        assert found.descriptions == described  # the listing's, by the awards' ids
        assert cube.descriptions(keys) == described  # asked by key


def _looked_up(cube: Cube, chosen: dict[str, list[str]]) -> set[str]:
    """The facets of a selection that the precomputed table answers (not the cube)."""
    return set(browse.FACETS) - set(cube._plan(chosen)[1])


def test_the_precomputed_facets_are_browse_s(con: Any, cube: Cube) -> None:
    """The facets under at most two filters come from the table built with the cube (the
    others from the cube): unfiltered, under one filter and under two, each equals browse's."""
    every = set(browse.FACETS)
    expected = {0: every, 5: every, 6: every, 8: every, 9: every, 11: every, 12: every,
                13: {"family", "fiscal_year", "sub_agency"}, 14: {"fiscal_year"}}  # fmt: skip
    for index, looked in expected.items():
        chosen = SELECTIONS[index]
        assert _looked_up(cube, chosen) == looked, chosen
        # Every value (not only the largest): each dollar figure and distinct-award count.
        assert cube.facets(chosen, size=1_000_000) == browse.facets(con, chosen, size=1_000_000)


def test_facets_past_the_memory_limit_are_browse_s_too(con: Any) -> None:
    """A selection too large to stack every facet at once (in the site's 256 MB at 1M rows,
    a filter of several values) is answered one facet at a time: the same figures, not an
    error."""
    small = Cube(con, threads=1)
    years = [v["value"] for v in browse.facets(con, {}, size=1_000_000)["fiscal_year"]]
    wide = {"fiscal_year": years}  # every year: nearly the whole cube, over the cube
    try:
        # The wide selection's stacked facets need more than 14 MB of the sample's cube, one
        # facet at a time less than 8 (with the precomputed table's index, ~2 MB, resident).
        small.db.execute("SET memory_limit = '9MB'")
        with pytest.raises(duckdb.OutOfMemoryException):  # so the fallback is what answers
            small.cursor().execute(small._facets_sql(wide, browse.FACETS)).fetchall()
        assert _looked_up(small, wide) == {"fiscal_year"}
        for chosen in [*SELECTIONS[:4], wide]:
            assert small.facets(chosen, size=1_000_000) == browse.facets(
                con, chosen, size=1_000_000
            )
    finally:
        small.close()


def test_a_text_search_and_two_roles_are_not_the_cube_s(cube: Cube) -> None:
    with pytest.raises(VendorwatchError, match="text search"):
        cube.facets({"q": ["westlaw"]})
    with pytest.raises(VendorwatchError, match="choose one role"):
        cube.facets({"role": ["prime", "sub"]})
    with pytest.raises(VendorwatchError, match="unknown facet"):
        cube.awards({"colour": ["red"]})


def _raw_transactions(raw_data: Path) -> list[dict[str, str]]:
    """The dashboard files' rows, exact repeats dropped (the export has no transaction key: a
    repeat is the same award, modification, date, amount and description)."""
    seen: set[tuple[str, ...]] = set()
    rows = []
    for path in sorted((raw_data / "cbp-ice-dashboard").glob("*.csv.gz")):
        with gzip.open(path, "rt", encoding="utf-8", newline="") as handle:
            for row in csv.DictReader(handle):
                key = (
                    row["Generated Award ID"], row["Modification"], row["Action Date"],
                    str(Decimal(row["Federal Action Obligation"])), row["Transaction Description"],
                )  # fmt: skip
                if key not in seen:
                    seen.add(key)
                    rows.append(row)
    return rows


def _fiscal_year(text: str) -> str:
    day = date.fromisoformat(text)
    return str(day.year + (1 if day.month >= 10 else 0))


def _by_year(rows: list[dict[str, str]]) -> dict[str, tuple[Decimal, int, int]]:
    dollars: dict[str, Decimal] = defaultdict(Decimal)
    count: dict[str, int] = defaultdict(int)
    awards: dict[str, set[str]] = defaultdict(set)
    for row in rows:
        year = _fiscal_year(row["Action Date"])
        dollars[year] += Decimal(row["Federal Action Obligation"])
        count[year] += 1
        awards[year].add(row["Generated Award ID"])
    return {y: (dollars[y], count[y], len(awards[y])) for y in dollars}


def _figures(values: list[dict[str, Any]]) -> dict[str, tuple[Decimal, int, int]]:
    return {v["value"]: (Decimal(v["obligations"]), v["transactions"], v["awards"]) for v in values}


def test_year_facet_figures_are_the_raw_files(raw_data: Path, cube: Cube) -> None:
    rows = _raw_transactions(raw_data)
    assert _figures(cube.facets({})["fiscal_year"]) == _by_year(rows)
    # Under a sub-agency (the export says CBP; the registry of abbreviations names it).
    text = (
        Path(__file__).parents[2] / "src/vendorwatch/warehouse/agency_abbreviations.yaml"
    ).read_text("utf-8")
    names = {e["abbreviation"]: e["sub_agency_name"] for e in yaml.safe_load(text)}
    cbp = [r for r in rows if r["Agency"] == "CBP"]
    found = cube.facets({"sub_agency": [names["CBP"]]})["fiscal_year"]
    assert _figures(found) == _by_year(cbp)
    # The totals of a selection: every distinct award once, dollars to the cent.
    page = cube.awards({"sub_agency": [names["CBP"]], "fiscal_year": ["2024"]})
    fy24 = [r for r in cbp if _fiscal_year(r["Action Date"]) == "2024"]
    assert page.total == len({r["Generated Award ID"] for r in fy24})
    assert Decimal(page.obligations) == sum(
        (Decimal(r["Federal Action Obligation"]) for r in fy24), Decimal(0)
    )


SUMMARIES = "mn-ice-contracts/ICE_MN_Contracts_PrimeAwardSummaries_2025-03-21_H19M57S23_1.csv.gz"


def _places(raw_data: Path) -> dict[str, str | None]:
    """Each summarised award's place of performance (state), from the Minnesota file."""
    with gzip.open(raw_data / SUMMARIES, "rt", encoding="utf-8", newline="") as handle:
        return {
            r["contract_award_unique_key"]: r["primary_place_of_performance_state_code"] or None
            for r in csv.DictReader(handle)
        }


def test_place_of_performance_facet_is_the_award_summaries(
    raw_data: Path, con: Any, cube: Cube
) -> None:
    """The dashboard exports carry no place of performance; the Minnesota award summaries do,
    for the awards they summarise: the facet takes the award's place from its summary."""
    places = _places(raw_data)
    dollars: dict[str | None, Decimal] = defaultdict(Decimal)
    count: dict[str | None, int] = defaultdict(int)
    awards: dict[str | None, set[str]] = defaultdict(set)
    for row in _raw_transactions(raw_data):
        place = places.get(row["Generated Award ID"])
        dollars[place] += Decimal(row["Federal Action Obligation"])
        count[place] += 1
        awards[place].add(row["Generated Award ID"])
    expected = {p: (dollars[p], count[p], len(awards[p])) for p in dollars}
    assert len(expected) > 2  # some states besides "no place"
    every = 1_000_000
    assert _figures(cube.facets({}, size=every)["place_state"]) == expected
    assert _figures(browse.facets(con, {}, size=every)["place_state"]) == expected
    # Chosen: the selection is that state's awards, its other facets under it.
    state = max((p for p in expected if p), key=lambda p: expected[p][0])
    page = cube.awards({"place_state": [state]})
    assert (Decimal(page.obligations), page.total) == (expected[state][0], expected[state][2])
    assert cube.facets({"place_state": [state]}) == browse.facets(con, {"place_state": [state]})
