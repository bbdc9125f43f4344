"""Derived data is never stale: a changed registry rule reaches the next figures by itself."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import threading
import time
from decimal import Decimal
from pathlib import Path

import duckdb
import pytest

from vendorwatch.build import build_warehouse, keep_current
from vendorwatch.registry import default_root
from vendorwatch.settings import get_settings
from vendorwatch.warehouse import snapshots


def _rollup(warehouse: Path, registry: Path) -> tuple[dict[str, Decimal], str]:
    done = subprocess.run(
        [sys.executable, "-m", "vendorwatch", "--registry", str(registry), "rollup",
         "--by", "classification", "--json", "--warehouse", str(warehouse)],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    rows = json.loads(done.stdout)
    return {r["classification"]: Decimal(r["obligations"]) for r in rows}, done.stderr


def test_a_changed_classification_rule_shows_in_the_next_rollup(
    raw_data: Path, tmp_path: Path
) -> None:
    registry = tmp_path / "registry"
    shutil.copytree(default_root(), registry)
    warehouse = tmp_path / "warehouse.duckdb"
    build_warehouse(warehouse, [raw_data])

    before, _ = _rollup(warehouse, registry)
    assert before["detainee_law_library"] > 0

    # A curator decides law libraries for detainees are legal research: every such rule moves.
    rules = registry / "classification.yaml"
    text = rules.read_text()
    moved = text.replace("category: detainee_law_library", "category: legal_research")
    assert moved != text
    rules.write_text(moved)

    after, said = _rollup(warehouse, registry)  # no load, no resolve, no manual step
    assert "registry" in said and "rebuilding" in said
    assert "detainee_law_library" not in after
    assert (
        after["legal_research"]
        == before.get("legal_research", Decimal(0)) + before["detainee_law_library"]
    )
    assert sum(after.values()) == sum(before.values())

    # And once rebuilt, the next command does not rebuild again.
    _, quiet = _rollup(warehouse, registry)
    assert "rebuilding" not in quiet


def test_a_serving_site_rebuilds_by_itself_when_the_registry_changes(
    raw_data: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`serve`'s background check (build.keep_current) publishes a re-derived version after a
    registry edit, with no command run; and publishes nothing while nothing changed."""
    registry = tmp_path / "registry"
    shutil.copytree(default_root(), registry)
    warehouse = tmp_path / "warehouse.duckdb"
    build_warehouse(warehouse, [raw_data])
    monkeypatch.setenv("VENDORWATCH_REGISTRY", str(registry))
    get_settings.cache_clear()
    before = snapshots.version_id(warehouse)
    stop = threading.Event()
    watcher = threading.Thread(target=keep_current, args=(warehouse, stop, 0.05), daemon=True)
    watcher.start()
    try:
        time.sleep(1.0)  # twenty ticks with nothing changed
        assert snapshots.version_id(warehouse) == before
        rules = registry / "classification.yaml"
        rules.write_text(
            rules.read_text().replace("category: detainee_law_library", "category: legal_research")
        )
        deadline = time.monotonic() + 300  # no timing test: only a bound on a hung watcher
        while snapshots.version_id(warehouse) == before:
            assert time.monotonic() < deadline, "the registry change was never picked up"
            time.sleep(0.1)
    finally:
        stop.set()
        watcher.join(timeout=120)
        get_settings.cache_clear()
    con = duckdb.connect(str(snapshots.reader_path(warehouse)), read_only=True)
    try:
        found = con.execute(
            "SELECT count(*) FROM facts WHERE classification = 'detainee_law_library'"
        ).fetchall()
    finally:
        con.close()
    assert found == [(0,)]
