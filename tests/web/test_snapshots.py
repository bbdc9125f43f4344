"""A new warehouse version reaches a running site without a restart and without a failed request.

The writer's side (`vendorwatch.warehouse.snapshots`) publishes a version by building a new
file in ``<warehouse>.versions/`` and replacing the link in one ``os.replace``; this test does
exactly that by hand, with a real uvicorn server answering a client that never stops asking.
"""

from __future__ import annotations

import shutil
import threading
import time
from decimal import Decimal
from pathlib import Path

import duckdb
import httpx

from vendorwatch.analysis.facts import build_facts
from vendorwatch.web import create_app, pages
from vendorwatch.web.state import SiteState

from ..versions import first_version, publish
from .conftest import Visitor, running

ADDED = Decimal("1234567.89")


def _relx(client: httpx.Client) -> Decimal:
    families = client.get("/api/families", params={"limit": 500}).json()["families"]
    return next(Decimal(f["obligations"]) for f in families if f["family"] == "relx-plc")


def test_a_published_version_is_served_without_a_restart_or_a_failed_request(
    sample_warehouse: Path, tmp_path: Path
) -> None:
    link, versions, first = first_version(sample_warehouse, tmp_path)
    # The next version: one more RELX transaction (a copy of one with a new key and amount),
    # facts rebuilt as the writer does.
    second = versions / "v000002.duckdb"
    shutil.copyfile(first, second)
    raw = duckdb.connect(str(second))
    found = raw.execute(
        "SELECT source_sha256, source_row FROM facts WHERE family = 'relx-plc' "
        "ORDER BY 1, 2 LIMIT 1"
    ).fetchall()
    raw.execute(
        "INSERT INTO transactions SELECT * REPLACE ("
        "'ADDED-' || source_row AS contract_transaction_unique_key, "
        "? AS federal_action_obligation, source_row + 1000000 AS source_row) "
        "FROM transactions WHERE source_sha256 = ? AND source_row = ?",
        [ADDED, *found[0]],
    )
    build_facts(raw)
    raw.close()

    app = create_app(link, warm=True)
    site = app.state.site
    site.check_interval = 0.1
    serving_while_warming: list[str | None] = []

    def warm_home(state: SiteState) -> list[str]:
        """The home page only (the dossiers too would take minutes on a shared machine)."""
        serving_while_warming.append(state._current.version if state._current else None)
        state.memo("home", lambda: pages._home(state))
        return []

    site.warmer = warm_home
    with running(app) as base, httpx.Client(base_url=base, timeout=60) as client:
        deadline = time.monotonic() + 300
        while client.get("/readyz").status_code != 200:
            assert time.monotonic() < deadline, "the first version never finished warming"
            time.sleep(0.2)
        before = _relx(client)
        old = site._current
        assert old.version == str(first)
        visitor = Visitor(
            base, ("/", "/api/families?limit=5", "/browse?family=relx-plc", "/readyz")
        )
        thread = threading.Thread(target=visitor.run, daemon=True)
        thread.start()
        time.sleep(1)
        publish(link, second)
        while _relx(client) == before:
            assert time.monotonic() < deadline, "the new version never reached the site"
            time.sleep(0.2)
        time.sleep(1)  # keep asking a little after the swap
        visitor.stop.set()
        thread.join(60)
        after = _relx(client)
        assert site._current.version == str(second)
        assert "home" in site._current.memo  # warmed before it was swapped in
    # Both versions were warmed while the first was serving (the new one in the background).
    assert serving_while_warming == [str(first), str(first)]
    assert visitor.failures == []
    assert visitor.answered > 0
    assert after == before + ADDED
    assert old.closed  # the old version let go once its last request finished
