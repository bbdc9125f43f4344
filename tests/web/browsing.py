"""A real browser for the page tests: Debian's chromium through Playwright, every request
recorded so a test can prove nothing left the site's origin, axe-core for accessibility."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Browser, Page

from tests.web.conftest import CHROMIUM

WIDTHS = {"desktop": 1280, "phone": 390}


def require_chromium() -> None:
    """Skip the module without chromium locally; CI must have it."""
    if not Path(CHROMIUM).exists():
        if os.environ.get("CI"):
            raise RuntimeError("CI must have Debian's chromium; .ci/run installs it")
        pytest.skip("Debian's chromium is not installed", allow_module_level=True)


class Tab:
    """One browser tab at a width, with every request it made."""

    def __init__(self, browser: Browser, server: str, width: int) -> None:
        self.server = server
        self.context = browser.new_context(
            accept_downloads=True,
            viewport={"width": width, "height": 900 if width > 500 else 844},
            is_mobile=width <= 500,
        )
        self.page: Page = self.context.new_page()
        self.page.set_default_timeout(180_000)  # a PDF takes long on a busy machine
        self.requests: list[str] = []
        self.page.on("request", lambda request: self.requests.append(request.url))

    def strangers(self) -> list[str]:
        """Requests that left the site's origin."""
        return [
            u for u in self.requests if not (u.startswith(self.server) or u.startswith("data:"))
        ]

    def serious_accessibility_problems(self) -> list[str]:
        results = Axe().run(self.page)
        return [
            f"{v['id']}: {v['help']} ({[n['target'] for n in v['nodes']][:3]})"
            for v in results.response["violations"]
            if v["impact"] in ("serious", "critical")
        ]

    def page_width(self) -> int:
        return int(self.page.evaluate("document.documentElement.scrollWidth"))

    def close(self) -> None:
        self.context.close()
