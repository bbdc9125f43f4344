"""The site on the real sample warehouse: in-process for pages, a real server for browsers."""

from __future__ import annotations

import shutil
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import pytest
import uvicorn
from fastapi import FastAPI
from fastapi.testclient import TestClient

from vendorwatch.web import create_app

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"

# The shared machine may be slow; the time limit itself is tested in test_serving.py.
TIME_LIMIT = 300.0


@pytest.fixture(scope="session")
def client(sample_warehouse: Path) -> Iterator[TestClient]:
    with TestClient(create_app(sample_warehouse, time_limit=TIME_LIMIT)) as test_client:
        yield test_client


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def running(app: FastAPI) -> Iterator[str]:
    """A real uvicorn server for ``app`` on a free loopback port, so a real browser can use it."""
    port = free_port()
    config = uvicorn.Config(app, host="127.0.0.1", port=port, access_log=False, log_level="warning")
    instance = uvicorn.Server(config)
    thread = threading.Thread(target=instance.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not instance.started:
        if time.monotonic() > deadline:
            raise RuntimeError("the test server did not start")
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        instance.should_exit = True
        thread.join(10)


@pytest.fixture(scope="session")
def server(sample_warehouse: Path) -> Iterator[str]:
    with running(create_app(sample_warehouse, time_limit=TIME_LIMIT)) as url:
        yield url


@dataclass
class Visitor:
    """A client that asks for ``paths`` in turn until ``stop`` is set, counting answers and
    recording every failure (no answer, or an answer but 200): the live-update tests' witness."""

    base: str
    paths: tuple[str, ...]
    stop: threading.Event = field(default_factory=threading.Event)
    answered: int = 0
    failures: list[str] = field(default_factory=list)

    def run(self) -> None:
        with httpx.Client(base_url=self.base, timeout=120) as client:
            while not self.stop.is_set():
                for path in self.paths:
                    try:
                        status = client.get(path).status_code
                    except httpx.HTTPError as exc:
                        self.failures.append(f"{path}: {exc!r}")
                        continue
                    self.answered += 1
                    if status != 200:
                        self.failures.append(f"{path}: {status}")


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    """Debian's chromium through Playwright, one per test module (imported only when asked)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync", "--no-first-run"],
        )  # fmt: skip
        yield instance
        instance.close()
