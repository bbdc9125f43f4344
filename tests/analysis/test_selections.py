"""Browse questions compiled once per shape answer exactly what `browse` answers."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from vendorwatch.analysis import browse, connect, selections

SELECTIONS: list[dict[str, list[str]]] = [
    {},
    {"family": ["relx-plc"], "fiscal_year": ["2024"]},
    {"family": ["palantir"], "fiscal_year": ["2023"]},  # same shape, other values: reused
    {"family": ["palantir", "equifax"], "competition": ["not competed"]},
    {"fiscal_year": ["2022"], "state": ["VA"]},
    {"place_state": ["MN"], "fiscal_year": ["2024"]},  # from the award summaries
    {"family": ["relx-plc"], "q": ["westlaw"]},  # text search: answered by browse itself
]


@pytest.fixture(scope="module")
def con(sample_warehouse: Path) -> Any:
    backend = connect(sample_warehouse)
    yield backend
    backend.disconnect()


def test_compiled_facets_and_award_pages_are_browse_s(con: Any) -> None:
    cache: dict[Any, str] = {}
    for chosen in SELECTIONS:
        assert selections.facets(con, chosen, cache) == browse.facets(con, chosen), chosen
        for sort, descending, offset in (("obligations", True, 0), ("piid", False, 50)):
            assert selections.awards(
                con, chosen, cache, sort=sort, descending=descending, offset=offset
            ) == browse.awards(con, chosen, sort=sort, descending=descending, offset=offset)
    shapes = {key[:2] for key in cache}
    assert (("facets", (("family", 1), ("fiscal_year", 1)))) in shapes
    assert len([k for k in cache if k[0] == "facets"]) == 5  # one statement per shape


def test_values_are_parameters_not_sql(con: Any) -> None:
    """A value that looks like SQL is only a value: it matches nothing and breaks nothing."""
    cache: dict[Any, str] = {}
    found = selections.facets(con, {"family": ["x' OR '1'='1"]}, cache)
    assert all(v["value"] != "x' OR '1'='1" or v["transactions"] == 0 for v in found["family"])
    assert found["fiscal_year"] == []
    assert "OR '1'='1" not in next(iter(cache.values()))
