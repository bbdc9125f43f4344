"""The site on the real sample warehouse: in-process for pages, a real server for browsers."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import uvicorn
from fastapi.testclient import TestClient

from vendorwatch.web import create_app


@pytest.fixture(scope="session")
def client(sample_warehouse: Path) -> Iterator[TestClient]:
    with TestClient(create_app(sample_warehouse)) as test_client:
        yield test_client


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="session")
def server(sample_warehouse: Path) -> Iterator[str]:
    """A real uvicorn server on 127.0.0.1, so a real browser can use it."""
    port = _free_port()
    config = uvicorn.Config(
        create_app(sample_warehouse), host="127.0.0.1", port=port, access_log=False,
        log_level="warning",
    )  # fmt: skip
    instance = uvicorn.Server(config)
    thread = threading.Thread(target=instance.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not instance.started:
        if time.monotonic() > deadline:
            raise RuntimeError("the test server did not start")
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    instance.should_exit = True
    thread.join(10)
