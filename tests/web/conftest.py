"""The site on the real sample warehouse: in-process for pages, a real server for browsers."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
import uvicorn
from fastapi import FastAPI
from fastapi.testclient import TestClient

from vendorwatch.web import create_app

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
