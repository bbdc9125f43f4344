"""Limits on what a URL may ask: query words and length, facet values, page size and start.

Each was a way to hold the site with one short URL: ``/browse?q=`` with 100 words took 19 s
and 3,000 froze it; ``/search`` with ~950 words answered 500 (RecursionError compiling the
expression); a page number of a billion asked for a scan to nowhere. Each limit is refused
before any query is built, with a 4xx stating the limit (a page for pages, JSON for the API).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi.testclient import TestClient

import vendorwatch.limits
from vendorwatch.analysis import connect
from vendorwatch.analysis.search import search
from vendorwatch.limits import LimitError
from vendorwatch.registry import shipped_registry
from vendorwatch.settings import get_settings

WORDS = " ".join(f"word{i}" for i in range(3_000))


@pytest.fixture
def client(sample_site: TestClient) -> TestClient:
    return sample_site  # the session's site (conftest), shared with test_limits_forms


def _said(text: str) -> str:
    return " ".join(text.replace("&#39;", "'").split())


def test_a_browse_query_of_3000_words_is_refused_with_the_limit(client: TestClient) -> None:
    page = client.get("/browse", params={"q": WORDS[:290]})  # within the characters limit
    assert page.status_code == 400
    words = len(WORDS[:290].split())
    assert f"may have at most 20 words; this one has {words}" in _said(page.text)
    long = client.get("/browse", params={"q": WORDS})
    assert long.status_code == 400
    assert f"at most 300 characters; this one has {len(WORDS):,}" in _said(long.text)
    assert "Traceback" not in long.text


def test_browse_downloads_and_the_api_refuse_the_same_way(client: TestClient) -> None:
    for path in ("/browse.json", "/browse.csv", "/api/awards", "/api/facets"):
        answer = client.get(path, params={"q": WORDS[:290]})
        assert answer.status_code == 400, path
        assert "at most 20 words" in _said(answer.text), path
    assert (
        "at most 20 words" in client.get("/api/awards", params={"q": WORDS[:290]}).json()["detail"]
    )


def test_a_search_of_950_words_is_a_400_not_a_500(client: TestClient) -> None:
    query = " ".join(f"w{i}" for i in range(950))
    page = client.get("/search", params={"q": query})
    assert page.status_code == 400
    assert "a search may have at most 300 characters" in _said(page.text)
    short = " ".join(f"w{i}" for i in range(60))  # 60 words in under 300 characters
    page = client.get("/search", params={"q": short})
    assert page.status_code == 400
    assert "a search may have at most 20 words; this one has 60" in _said(page.text)
    api = client.get("/api/search", params={"q": short})
    assert api.status_code == 400
    assert api.json()["detail"] == "a search may have at most 20 words; this one has 60"


def test_the_library_search_checks_before_it_builds_anything(sample_warehouse: Path) -> None:
    """The CLI and any caller get the same refusal from the library itself."""
    con = connect(sample_warehouse)
    with pytest.raises(LimitError, match="at most 300 characters; this one has 1,899"):
        search(con, shipped_registry(), " ".join(["x"] * 950))


def test_facet_values_per_request_are_limited(client: TestClient) -> None:
    params = [("family", f"family-{i}") for i in range(3_000)]
    page = client.get("/browse", params=params)
    assert page.status_code == 400
    said = _said(page.text)
    assert "may choose at most 50 facet values; this one chooses 3,000" in said
    api = client.get("/api/facets", params=params)
    assert api.status_code == 400
    assert "at most 50 facet values" in api.json()["detail"]
    fine = client.get("/browse", params=[("fiscal_year", "2020"), ("fiscal_year", "2021")])
    assert fine.status_code == 200


def test_pages_cannot_start_past_the_limit(client: TestClient) -> None:
    page = client.get("/browse", params={"page": "1000000000000"})
    assert page.status_code == 400
    assert "may start at most 100,000 rows in; this one starts at 49,999,999,999,950" in _said(
        page.text
    )
    api = client.get("/api/awards", params={"cursor": "999999999"})
    assert api.status_code == 400
    assert "at most 100,000 rows in" in api.json()["detail"]
    assert client.get("/browse", params={"page": "2"}).status_code == 200


def test_each_limit_is_a_setting(client: TestClient, monkeypatch: pytest.MonkeyPatch) -> None:
    tighter = get_settings().model_copy(
        update={"query_max_words": 2, "facet_max_values": 1, "page_max_offset": 50}
    )
    monkeypatch.setattr(vendorwatch.limits, "get_settings", lambda: tighter)
    page = client.get("/browse", params={"q": "lexis nexis risk"})
    assert "at most 2 words; this one has 3" in _said(page.text)
    # (values not asked before: a selection answered once is kept, and was within the limits)
    page = client.get("/browse", params=[("fiscal_year", "2019"), ("fiscal_year", "2022")])
    assert "at most 1 facet values; this one chooses 2" in _said(page.text)
    assert client.get("/browse", params={"page": "3"}).status_code == 400
    assert client.get("/browse", params={"page": "2"}).status_code == 200
