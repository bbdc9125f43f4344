"""The CLI as a user runs it: the installed entry point, real files, real exit codes."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path


def vendorwatch(*args: str, warehouse: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "vendorwatch", *args, "--warehouse", str(warehouse)],
        capture_output=True,
        text=True,
        check=False,
    )


def test_load_everything_then_status_json(raw_data: Path, warehouse_path: Path) -> None:
    """The issue's check: load ../shared/data/raw/**/* then status --json."""
    everything = sorted(str(p) for p in raw_data.rglob("*") if p.is_file())
    loaded = vendorwatch("load", *everything, "--json", warehouse=warehouse_path)
    assert loaded.returncode == 0, loaded.stderr
    results = json.loads(loaded.stdout)
    assert {r["status"] for r in results} == {"loaded", "skipped"}
    # 8 contract CSVs and the 2 FPDS ATOM feeds (named here, so loaded: 10 records each)
    assert sum(r["status"] == "loaded" for r in results) == 10

    shown = vendorwatch("status", "--json", warehouse=warehouse_path)
    assert shown.returncode == 0
    summary = json.loads(shown.stdout)
    assert summary["tables"]["transactions"]["rows"] == 57_476 + 20
    assert summary["tables"]["awards"]["rows"] == 1_369
    assert summary["tables"]["subawards"]["rows"] == 482
    assert {f["layout"] for f in summary["files"]} == {
        "usaspending_api_transaction_search",
        "usaspending_prime_award_summaries",
        "usaspending_subawards",
        "fpds_atom",
    }
    for f in summary["files"]:
        assert f["rows"] == f["rows_in_table"]
        assert f["date_min"] <= f["date_max"]
        assert f["agencies"]
        assert isinstance(f["amount_total"], str)  # exact decimal, never a float

    again = vendorwatch("load", *everything, "--json", warehouse=warehouse_path)
    assert {r["status"] for r in json.loads(again.stdout)} == {"already loaded", "skipped"}
    assert (
        json.loads(vendorwatch("status", "--json", warehouse=warehouse_path).stdout)["tables"]
        == summary["tables"]
    )


def test_status_table_for_people(raw_data: Path, warehouse_path: Path) -> None:
    vendorwatch("load", str(raw_data / "mn-ice-contracts"), warehouse=warehouse_path)
    shown = vendorwatch("status", warehouse=warehouse_path)
    assert shown.returncode == 0
    assert "PrimeAwardSummaries" in shown.stdout
    assert "1,369" in shown.stdout


def test_status_before_any_load_is_a_clear_error(warehouse_path: Path) -> None:
    shown = vendorwatch("status", warehouse=warehouse_path)
    assert shown.returncode == 1
    assert "no warehouse" in shown.stderr
    assert "Traceback" not in shown.stderr


def test_only_skipped_files_is_a_failure(raw_data: Path, warehouse_path: Path) -> None:
    run = vendorwatch("load", str(raw_data / "kbart"), warehouse=warehouse_path)
    assert run.returncode == 1
    assert "skipped 3 file(s)" in run.stdout


def test_bad_usage_exits_2(warehouse_path: Path) -> None:
    run = vendorwatch("load", "--dates", "ymd", "x.csv", warehouse=warehouse_path)
    assert run.returncode == 2


def test_layouts_json() -> None:
    run = subprocess.run(
        [sys.executable, "-m", "vendorwatch", "layouts", "--json"],
        capture_output=True,
        text=True,
        check=True,
    )
    names = {layout["name"] for layout in json.loads(run.stdout)}
    assert "usaspending_prime_transactions" in names


def test_engine_spark_says_which_commands_it_answers(warehouse_path: Path) -> None:
    """Only award, claim, family, rollup and timeline run on Spark; another command says it
    reads the DuckDB file (without starting Spark: this runs with or without Java)."""
    shown = subprocess.run(
        [sys.executable, "-m", "vendorwatch", "--engine", "spark", "status",
         "--warehouse", str(warehouse_path)],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    said = "the Spark engine answers award, claim, family, rollup and timeline; `status` reads"
    assert said in shown.stderr
    assert "no warehouse" in shown.stderr and "Traceback" not in shown.stderr
    plain = vendorwatch("status", warehouse=warehouse_path)
    assert "Spark" not in plain.stderr
