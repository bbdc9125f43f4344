"""/api/docs: the API reference is rendered by the site from its own OpenAPI document.

Swagger UI came from a CDN the site's CSP blocks, so the page was blank. Every route, every
parameter and every response field must be on the page, the examples must answer, and a real
browser must load nothing from another origin.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from html import unescape

import pytest
from fastapi.testclient import TestClient
from playwright.sync_api import Browser

from tests.web.browsing import Tab, require_chromium


def _text(html: str) -> str:
    return unescape(re.sub(r"<[^>]+>", " ", html))


def test_every_route_parameter_and_field_is_documented(client: TestClient) -> None:
    spec = client.get("/api/openapi.json").json()
    response = client.get("/api/docs")
    assert response.status_code == 200
    assert "swagger" not in response.text.lower()
    assert "<script" not in response.text and "<style" not in response.text
    html = response.text
    text = " ".join(_text(html).split())
    assert len(spec["paths"]) >= 10
    for path, methods in spec["paths"].items():
        for method, operation in methods.items():
            assert f"{method.upper()} {path}" in text
            for parameter in operation.get("parameters", []):
                assert f"<code>{parameter['name']}</code>" in html, (path, parameter["name"])
    for name, schema in spec["components"]["schemas"].items():
        for field in schema.get("properties", {}):
            assert f"<code>{field}</code>" in html, (name, field)


def test_every_example_answers_with_json(client: TestClient) -> None:
    html = client.get("/api/docs").text
    examples = [unescape(u) for u in re.findall(r'Example: <a href="([^"]+)"', html)]
    assert len(examples) >= 10
    for url in examples:
        response = client.get(url)
        assert response.status_code == 200, (url, response.text[:200])
        assert response.headers["content-type"].startswith("application/json")


@pytest.fixture
def tab(browser: Browser, server: str) -> Iterator[Tab]:
    require_chromium()
    opened = Tab(browser, server, 1280)
    yield opened
    opened.close()


def test_the_docs_render_in_a_browser_from_this_origin_only(tab: Tab, server: str) -> None:
    tab.page.goto(server + "/api/docs")
    assert tab.page.locator("h1").inner_text() == "API reference"
    assert tab.page.locator("section.api-op").count() == len(
        tab.page.request.get(server + "/api/openapi.json").json()["paths"]
    )
    tab.page.get_by_role("link", name="GET /api/awards/{award_key}").click()
    assert tab.page.locator("#get-api-awards-award_key").is_visible()
    assert len(tab.requests) >= 2  # the page and its stylesheet at least
    assert tab.strangers() == []
    assert tab.serious_accessibility_problems() == []
