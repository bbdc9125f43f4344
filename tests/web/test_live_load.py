"""`vendorwatch load` while the site serves: the load succeeds, the site shows the new rows
without a restart, and no request fails meanwhile (the issue's "zero failed requests")."""

from __future__ import annotations

import csv
import gzip
import subprocess
import sys
import threading
import time
from pathlib import Path

import httpx

from vendorwatch.build import build_warehouse
from vendorwatch.web import create_app, pages
from vendorwatch.web.state import SiteState

from .conftest import Visitor, running

FIRST = "CBP_ICE_FY2021_Contract_Obligations.csv.gz"
SECOND = "CBP_ICE_FY2022_Contract_Obligations.csv.gz"


def _records(path: Path) -> int:
    with gzip.open(path, "rt", encoding="utf-8", newline="") as handle:
        return sum(1 for _ in csv.DictReader(handle))


def _transactions(client: httpx.Client) -> int:
    tables = client.get("/api/status").json()["tables"]
    return int(tables["transactions"]["rows"])


def test_a_cli_load_while_serving_fails_no_request(raw_data: Path, tmp_path: Path) -> None:
    folder = raw_data / "cbp-ice-dashboard"
    warehouse = tmp_path / "warehouse.duckdb"
    build_warehouse(warehouse, [folder / FIRST])

    app = create_app(warehouse, warm=True)
    site = app.state.site
    site.check_interval = 0.1

    def warm_home(state: SiteState) -> list[str]:
        state.memo("home", lambda: pages._home(state))  # the dossiers would take minutes here
        return []

    site.warmer = warm_home
    with running(app) as base, httpx.Client(base_url=base, timeout=120) as client:
        deadline = time.monotonic() + 300  # bounds on a hung site, not timing tests
        while client.get("/readyz").status_code != 200:
            assert time.monotonic() < deadline, "the first version never finished warming"
            time.sleep(0.2)
        before = _transactions(client)
        paths = ("/", "/api/status", "/browse?fiscal_year=2022", "/api/families")
        clients = [Visitor(base, paths), Visitor(base, paths)]
        visitors = [threading.Thread(target=c.run, daemon=True) for c in clients]
        for thread in visitors:
            thread.start()
        done = subprocess.run(
            [sys.executable, "-m", "vendorwatch", "load", str(folder / SECOND),
             "--warehouse", str(warehouse)],
            capture_output=True, text=True, timeout=600, check=False,
        )  # fmt: skip
        assert done.returncode == 0, done.stderr  # no "Conflicting lock is held"
        deadline = time.monotonic() + 300
        while (after := _transactions(client)) == before:
            assert time.monotonic() < deadline, "the new version never reached the site"
            time.sleep(0.2)
        time.sleep(1)  # keep asking a little after the swap
        for c in clients:
            c.stop.set()
        for thread in visitors:
            thread.join(120)
    assert before == _records(folder / FIRST)
    assert after == before + _records(folder / SECOND)
    assert all(c.answered > 0 for c in clients)
    assert [f for c in clients for f in c.failures] == []
