"""The same questions on Spark (local mode, over the version's Parquet dataset) as on DuckDB,
and both equal to sums of the raw files made with the csv module (issue 15).

``spark_con`` (the session's Spark, local[1]) and ``con`` (DuckDB) are the conftest's: skipped
without Java or pyspark, unless VENDORWATCH_REQUIRE_SPARK=1 (CI sets it in .ci/run).
"""

from __future__ import annotations

import json
import os
import shutil
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from vendorwatch.analysis.as_of import family_as_of
from vendorwatch.analysis.dossier import family_dossier
from vendorwatch.analysis.rollups import rollup
from vendorwatch.analysis.spark import MARK, dataset_path, ensure_dataset
from vendorwatch.registry import shipped_registry
from vendorwatch.warehouse import snapshots

from ..raw_families import family_transactions

pytestmark = pytest.mark.xdist_group("spark")  # with the other Spark tests: one JVM (conftest)


@pytest.fixture(scope="module")
def relx_raw(raw_data: Path) -> tuple[Decimal, int]:
    """RELX's obligations and transactions summed from the raw files with csv and Decimal."""
    rows = family_transactions(raw_data)["relx-plc"]
    return sum((amount for _, amount in rows), Decimal(0)), len(rows)


def test_relx_dossier_is_the_same_on_spark(
    spark_con: Any, con: Any, relx_raw: tuple[Decimal, int]
) -> None:
    """`vendorwatch family relx-plc --json`'s dossier, figure for figure, and the raw sum."""
    registry = shipped_registry()
    on_duckdb = family_dossier(con, registry, "relx-plc")
    on_spark = family_dossier(spark_con, registry, "relx-plc")
    assert json.dumps(on_spark, sort_keys=True) == json.dumps(on_duckdb, sort_keys=True)
    amount, count = relx_raw
    assert Decimal(on_spark["totals"]["obligations"]) == amount
    assert on_spark["totals"]["transactions"] == count
    by_year = sum((Decimal(r["obligations"]) for r in on_spark["by_year_and_agency"]), Decimal(0))
    assert by_year == amount


def test_rollup_by_family_is_the_same_on_spark(
    spark_con: Any, con: Any, relx_raw: tuple[Decimal, int]
) -> None:
    on_spark = rollup(spark_con, ["family"])
    assert on_spark == rollup(con, ["family"])
    (relx,) = [r for r in on_spark if r["family"] == "relx-plc"]
    assert (Decimal(relx["obligations"]), relx["transactions"]) == relx_raw
    # money exact: every figure is a two-place decimal string, as on DuckDB
    assert all(Decimal(r["obligations"]).as_tuple().exponent == -2 for r in on_spark)


def test_a_stale_dataset_is_rebuilt(sample_warehouse: Path, tmp_path: Path) -> None:
    """A dataset whose mark names another build of the version is rebuilt, not read."""
    warehouse = tmp_path / "copy.duckdb"
    shutil.copy(sample_warehouse, warehouse)
    built = ensure_dataset(warehouse)
    assert built == dataset_path(warehouse)
    first = json.loads((built / MARK).read_text())
    assert {p.name for p in (built / "facts").iterdir()} >= {"fiscal_year=2021"}
    (built / "left-over").write_text("from the old build")
    assert ensure_dataset(warehouse) == built and (built / "left-over").exists()  # still current

    os.utime(warehouse, ns=(first["mtime_ns"] + 10**9, first["mtime_ns"] + 10**9))
    ensure_dataset(warehouse)
    assert not (built / "left-over").exists()
    assert json.loads((built / MARK).read_text())["mtime_ns"] == first["mtime_ns"] + 10**9


def _publish(path: Path, n: int) -> None:
    with snapshots.writing(path) as writer:
        writer.con.execute(f"CREATE OR REPLACE TABLE t AS SELECT {n} AS n")


def test_prune_removes_an_old_versions_dataset(tmp_path: Path) -> None:
    path = tmp_path / "warehouse.duckdb"
    _publish(path, 1)
    first = ensure_dataset(path)
    assert (first / "t").is_dir() and first.name == "v000001.parquet"
    _publish(path, 2)
    second = ensure_dataset(path)
    assert first.exists() and second.exists()  # two versions kept
    _publish(path, 3)  # publishing prunes v1, its file and its dataset
    assert not snapshots.layout(path).version_file(1).exists()
    assert not first.exists()
    assert second.exists()


def test_family_as_of_is_the_same_on_spark(spark_con: Any, con: Any, raw_data: Path) -> None:
    """The as-of dossier, months included (timestamps on both engines), and the raw sums."""
    registry = shipped_registry()
    day = date(2023, 6, 30)
    on_spark = family_as_of(spark_con, registry, "relx-plc", day)
    assert on_spark == family_as_of(con, registry, "relx-plc", day)
    rows = family_transactions(raw_data)["relx-plc"]
    assert Decimal(on_spark["obligated"]) == sum((a for w, a in rows if w <= day), Decimal(0))
    by_month: dict[str, Decimal] = {}
    for when, amount in rows:
        key = f"{when.replace(day=1).isoformat()}T00:00:00"
        by_month[key] = by_month.get(key, Decimal(0)) + amount
    assert {m["month"]: Decimal(m["obligations"]) for m in on_spark["by_month"]} == by_month
