"""Derived data is never stale: a changed registry rule reaches the next figures by itself."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

from vendorwatch.build import build_warehouse
from vendorwatch.registry import default_root


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
