"""Schemathesis generates requests from the OpenAPI spec; every response must match it.

Bad parameters must be answered with 4xx and a JSON detail, never a 5xx. (Driven through
Hypothesis directly: schemathesis' pytest plugin does not run under pytest 9.)
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings

import vendorwatch.limits
from vendorwatch.settings import get_settings
from vendorwatch.web import create_app

from .conftest import TIME_LIMIT


@pytest.fixture(scope="module", autouse=True)
def _facet_values_unbounded() -> Iterator[None]:
    """The facet-value limit counts values over all facets together, and the page-offset limit
    is a setting a spec's pattern cannot follow: the fuzzer would trip them at random. They
    have their own tests (tests/robustness/test_limits_queries.py); here every other answer is
    checked."""
    wider = get_settings().model_copy(
        update={"facet_max_values": 100_000, "page_max_offset": 10**9}
    )
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(vendorwatch.limits, "get_settings", lambda: wider)
        yield


@pytest.fixture(scope="module")
def operations(sample_warehouse: Path) -> dict[str, Any]:
    # A busy CI machine: the site's time limit and the client's read timeout both generous.
    app = create_app(sample_warehouse, time_limit=TIME_LIMIT)
    # Built once per version (in `serve`, by the warm-up): not within a request's read timeout.
    app.state.site.cube()
    schema = schemathesis.openapi.from_asgi("/api/openapi.json", app)
    found = {}
    for result in schema.get_all_operations():
        operation = result.ok()
        found[operation.label] = operation
    return found


OPERATIONS = [
    "GET /api/status",
    "GET /api/families",
    "GET /api/families/{family_id}",
    "GET /api/families/{family_id}/timeline",
    "GET /api/families/{family_id}/as-of",
    "GET /api/awards",
    "GET /api/facets",
    "GET /api/awards/{award_key}",
    "GET /api/search",
    "GET /api/rollup",
    "GET /api/claims/check",
    "GET /api/sanctuary",
    "GET /api/agreements/{piid}",
]


def test_every_api_operation_is_in_the_spec(operations: dict[str, Any]) -> None:
    assert set(operations) == set(OPERATIONS)


@pytest.mark.parametrize("label", OPERATIONS)
def test_api_matches_its_spec(operations: dict[str, Any], label: str) -> None:
    @given(case=operations[label].as_strategy())
    @settings(
        max_examples=15,
        deadline=None,
        database=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
    )
    def check(case: Any) -> None:
        case.call_and_validate(timeout=TIME_LIMIT)

    check()
