"""The same questions on Spark (local mode, over the version's Parquet dataset) as on DuckDB,
and both equal to sums of the raw files made with the csv module (issue 15).

``spark_con`` (the session's Spark, local[1]) and ``con`` (DuckDB) are the conftest's: skipped
without Java or pyspark, unless VENDORWATCH_REQUIRE_SPARK=1 (CI sets it in .ci/run).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from tests.warehouse.delta_scenario import corrected_warehouse
from vendorwatch.analysis import award_history
from vendorwatch.analysis.as_of import family_as_of
from vendorwatch.analysis.corrections import corrections_of
from vendorwatch.analysis.dossier import family_dossier
from vendorwatch.analysis.rollups import rollup
from vendorwatch.analysis.spark import MARK, dataset_path, ensure_dataset, open_analysis
from vendorwatch.registry import shipped_registry
from vendorwatch.warehouse import snapshots

from ..raw_families import family_transactions
from ..warehouse.helpers import read_rows, real_files
from .conftest import MASTER

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


def test_corrections_are_the_same_on_spark(spark_con: Any, raw_data: Path, tmp_path: Path) -> None:
    """A warehouse corrected by a delta file: each changed award's history and its corrections
    (deleted, corrected) on Spark equal DuckDB's and the totals summed from the written rows.
    Its own Spark connection leaves the sample's (``spark_con``) reading the sample."""
    scenario = corrected_warehouse(raw_data, tmp_path)
    on_duckdb = open_analysis("duckdb", warehouse=scenario.warehouse)
    on_spark = open_analysis("spark", master=MASTER, warehouse=scenario.warehouse)
    kinds = {}
    for changed in (scenario.fix_c, scenario.fix_blank, scenario.gone):
        award = changed["contract_award_unique_key"]
        history = award_history(on_spark, award, date(2026, 1, 1))
        assert history.as_dict() == award_history(on_duckdb, award, date(2026, 1, 1)).as_dict()
        assert history.obligated == scenario.expected[award]
        found = corrections_of(on_spark, award)
        assert [c.as_dict() for c in found] == [
            c.as_dict() for c in corrections_of(on_duckdb, award)
        ]
        kinds[award] = [c.kind for c in found]
    assert sorted(kinds.values()) == [["corrected"], ["corrected"], ["deleted"]]
    on_duckdb.disconnect()
    # the session's connection still reads the sample, not the corrected warehouse
    assert spark_con.table("transactions").count().execute() > len(scenario.rows) + 4


def test_the_journalists_award_and_claim_answer_on_spark(
    spark_con: Any, sample_warehouse: Path, raw_data: Path
) -> None:
    """`vendorwatch --engine spark award PIID --as-of D --json` and `… claim check PIID 8.3M
    --on D --json` print DuckDB's answers byte for byte (the journalist's "$8.3 million"
    contract on 15 July 2022, its obligations summed here from the raw export rows), with no
    note that they read DuckDB."""
    raw = set()
    for key in ("FY2021", "FY2022", "FY2023", "FY2024", "FY2025", "FY2026"):
        header, part = read_rows(real_files(raw_data)[key])
        for row in (dict(zip(header, r, strict=True)) for r in part):
            if row["Award ID"] == "70CMSD21C00000001" and row["Action Date"] <= "2022-07-15":
                # the export repeats a few rows across its pages: the same action once
                raw.add((row["Modification"], row["Action Date"], row["Federal Action Obligation"]))
    expected = sum((Decimal(amount) for _, _, amount in raw), Decimal(0))

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "vendorwatch", *args, "--json",
             "--warehouse", str(sample_warehouse)],
            capture_output=True, text=True, check=True,
        )  # fmt: skip

    spark = ("--engine", "spark", "--spark-master", MASTER)
    award = ("award", "70CMSD21C00000001", "--as-of", "2022-07-15")
    on_spark = run(*spark, *award)
    assert on_spark.stdout == run(*award).stdout
    assert Decimal(json.loads(on_spark.stdout)["obligated"]) == expected
    claim = ("claim", "check", "70CMSD21C00000001", "8.3M", "--on", "2022-07-15")
    checked = run(*spark, *claim)
    assert checked.stdout == run(*claim).stdout
    verdict = json.loads(checked.stdout)
    assert (verdict["verdict"], Decimal(verdict["data_figure"])) == ("consistent", expected)
    assert "reads the DuckDB" not in on_spark.stderr + checked.stderr
