"""Serving that does not stall: the pool's time limit, health and readiness, JSON logs."""

from __future__ import annotations

import json
import logging
import shutil
import threading
from pathlib import Path

import duckdb
import pytest
from fastapi.testclient import TestClient

from vendorwatch.settings import get_settings
from vendorwatch.web import create_app
from vendorwatch.web.pool import OUT_OF_MEMORY, TOO_LARGE, Job, Snapshot
from vendorwatch.web.security import json_formatter


def test_a_request_past_the_time_limit_is_told_to_narrow_it(sample_warehouse: Path) -> None:
    app = create_app(sample_warehouse, time_limit=0.01)
    with TestClient(app) as client:
        # Every award's facets and a page of them: far more than 10 ms of queries.
        page = client.get("/browse", params={"fiscal_year": "2024", "q": "data"})
        assert page.status_code == 503
        assert TOO_LARGE.replace("'", "&#39;") in page.text
        assert "Traceback" not in page.text
        api = client.get("/api/facets", params={"fiscal_year": "2023", "q": "law"})
        assert api.status_code == 503
        assert api.json() == {"detail": TOO_LARGE}
        app.state.site.time_limit = 60.0
        assert client.get("/api/facets", params={"family": "palantir"}).status_code == 200


def test_interrupt_stops_a_running_query(sample_warehouse: Path) -> None:
    """What the time limit calls: the job's own cursor is interrupted mid-query."""
    snap = Snapshot(sample_warehouse, None, memory_limit="256MB", threads=None)
    job = Job(snap)
    errors: list[BaseException] = []
    started = threading.Event()

    def heavy() -> None:
        cursor = snap.backend().con
        job.cursors.append(cursor)
        started.set()
        try:
            cursor.execute(
                "SELECT sum(hash(a.source_row * b.source_row)) FROM facts a, facts b"
            ).fetchall()
        except Exception as exc:  # noqa: BLE001 - checked below
            errors.append(exc)

    worker = threading.Thread(target=heavy)
    worker.start()
    started.wait()
    while not errors and worker.is_alive():
        job.interrupt()
        worker.join(0.05)
    worker.join()
    snap.close()
    assert [type(e) for e in errors] == [duckdb.InterruptException]
    assert job.abandoned


def test_healthz_and_readyz(sample_warehouse: Path, tmp_path: Path) -> None:
    with TestClient(create_app(sample_warehouse)) as client:
        assert client.get("/healthz").json() == {"status": "ok"}
        ready = client.get("/readyz")
        assert ready.status_code == 200
        assert ready.json()["ready"] is True
    missing = tmp_path / "none.duckdb"
    with TestClient(create_app(missing)) as client:
        assert client.get("/healthz").status_code == 200
        ready = client.get("/readyz")
        assert ready.status_code == 503
        assert ready.json()["detail"].startswith(f"no warehouse at {missing}")
        # the FOIA tracker needs only the app database: it still answers, on the pool
        assert client.get("/login").status_code == 200
        page = client.get("/family/relx-plc")
        assert page.status_code == 404 and f"no warehouse at {missing}" in page.text


def test_each_request_is_one_json_log_line_with_its_id(
    sample_warehouse: Path, caplog: pytest.LogCaptureFixture
) -> None:
    with (
        TestClient(create_app(sample_warehouse)) as client,
        caplog.at_level(logging.INFO, logger="vendorwatch.access"),
    ):
        response = client.get("/sources")
        kept = client.get("/healthz", headers={"X-Request-ID": "proxy-123"})
        odd = client.get("/healthz", headers={"X-Request-ID": "not an id; <script>"})
    assert kept.headers["X-Request-ID"] == "proxy-123"
    assert odd.headers["X-Request-ID"] != "not an id; <script>"
    records = [r for r in caplog.records if r.name == "vendorwatch.access"]
    lines = [json.loads(json_formatter().format(r)) for r in records]
    first = next(line for line in lines if line["path"] == "/sources")
    assert first["request_id"] == response.headers["X-Request-ID"]
    assert (first["method"], first["status"], first["level"]) == ("GET", 200, "INFO")
    assert isinstance(first["duration_ms"], float)
    assert "client" not in first
    assert all("testclient" not in json.dumps(line) for line in lines)
    assert {line["request_id"] for line in lines} >= {"proxy-123"}


def test_the_computed_home_page_answers_while_every_worker_is_busy(
    sample_warehouse: Path,
) -> None:
    """Every query thread held by other visitors' work: the home page, once computed, still
    answers (it needs no query), and the same bytes as when the pool was free."""
    app = create_app(sample_warehouse, threads=2, time_limit=60.0)
    release = threading.Event()
    with TestClient(app) as client:
        first = client.get("/")
        assert first.status_code == 200
        pool = app.state.site._pool()  # the pool the handlers share
        held = [pool.submit(release.wait, 20) for _ in range(2)]
        try:
            answered = client.get("/")
            assert not release.is_set()  # answered while both workers were still held
            assert [h.done() for h in held] == [False, False]
        finally:
            release.set()
        assert answered.status_code == 200
        assert answered.text == first.text


def test_a_query_past_the_memory_limit_is_told_to_narrow_it(
    sample_warehouse: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """DuckDB running out of the site's memory limit is a 503 with advice, never a 500."""
    # A copy: DuckDB shares one database per file in a process, and the limit is the
    # database's, so 4 MB on the sample's file would starve every other test's site.
    own = tmp_path / "own.duckdb"
    shutil.copy(sample_warehouse.resolve(), own)
    monkeypatch.setattr(get_settings(), "duckdb_memory_limit", "4MB")
    with TestClient(create_app(own, time_limit=60.0)) as client:
        api = client.get("/api/facets", params={"fiscal_year": "2024", "q": "data"})
        assert api.status_code == 503
        assert api.json() == {"detail": OUT_OF_MEMORY}
        page = client.get("/browse", params={"fiscal_year": "2023", "q": "law"})
        assert page.status_code == 503
        assert "needs more memory" in page.text and "Traceback" not in page.text
        # Said as what it is (memory, not time), with the way to narrow it.
        assert "<h1>Too large to answer</h1>" in page.text and "sub-agency" in page.text
