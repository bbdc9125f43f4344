"""Award-summary values grouped like rollups, checked against the raw summary file."""

from __future__ import annotations

import csv
import gzip
import json
import subprocess
import sys
from collections import defaultdict
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from vendorwatch.analysis.rollups import award_values

DAY = date(2024, 1, 1)

pytestmark = pytest.mark.engines  # every `con` test on DuckDB and on Spark (conftest.py)


@pytest.fixture(scope="module")
def raw_summaries(raw_data: Path) -> list[dict[str, str]]:
    path = next(raw_data.glob("mn-ice-contracts/*PrimeAwardSummaries*.csv.gz"))
    with gzip.open(path, "rt", encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))


def money(text: str) -> Decimal:
    return Decimal(text or "0")


def day_of(text: str) -> date | None:  # this file writes dates as m/d/yy
    return datetime.strptime(text, "%m/%d/%y").date() if text else None


def running_on(row: dict[str, str], day: date) -> bool:
    start = day_of(row["period_of_performance_start_date"])
    end = day_of(row["period_of_performance_current_end_date"])
    return end is not None and end >= day and (start is None or start <= day)


def test_totals_equal_the_raw_summaries(con: Any, raw_summaries: list[dict[str, str]]) -> None:
    (got,) = award_values(con, [], as_of=DAY)
    assert got["awards"] == len({r["contract_award_unique_key"] for r in raw_summaries})
    for column, raw in [
        ("obligated", "total_obligated_amount"),
        ("current_value", "current_total_value_of_award"),
        ("potential_value", "potential_total_value_of_award"),
    ]:
        assert Decimal(got[column]) == sum((money(r[raw]) for r in raw_summaries), Decimal(0))
    assert got["running"] == sum(running_on(r, DAY) for r in raw_summaries)
    parts = got["running"] + got["ended"] + got["not_started"] + got["no_period"]
    assert parts == got["awards"]


def test_grouped_by_recipient_uei(con: Any, raw_summaries: list[dict[str, str]]) -> None:
    expected: dict[str, Decimal] = defaultdict(Decimal)
    running: dict[str, int] = defaultdict(int)
    for r in raw_summaries:
        expected[r["recipient_uei"]] += money(r["potential_total_value_of_award"])
        running[r["recipient_uei"]] += running_on(r, DAY)
    rows = award_values(con, ["recipient_uei"], as_of=DAY)
    assert {r["recipient_uei"] or "": Decimal(r["potential_value"] or 0) for r in rows} == expected
    assert {r["recipient_uei"] or "": r["running"] for r in rows} == running
    values = [Decimal(r["potential_value"] or 0) for r in rows]
    assert values == sorted(values, reverse=True)


def test_filters_and_families(con: Any) -> None:
    (tr,) = award_values(con, ["family"], where={"family": "thomson-reuters-corp"}, as_of=DAY)
    assert tr["family"] == "thomson-reuters-corp"
    assert tr["awards"] > 0
    everything = award_values(con, ["family"], as_of=DAY)
    assert sum(r["awards"] for r in everything) == award_values(con, [], as_of=DAY)[0]["awards"]


def test_cli(sample_warehouse: Path) -> None:
    command = [sys.executable, "-m", "vendorwatch", "rollup", "--warehouse",
               str(sample_warehouse)]  # fmt: skip
    run = subprocess.run(
        [*command, "--summaries", "--as-of", "2024-01-01", "--json"],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert run.returncode == 0, run.stderr
    assert json.loads(run.stdout)[0]["awards"] > 1000
    misuse = subprocess.run(
        [*command, "--as-of", "2024-01-01"], capture_output=True, text=True, check=False
    )
    assert misuse.returncode == 1
    assert "--as-of goes with --summaries" in misuse.stderr


def test_grouped_by_class_adds_up(con: Any) -> None:
    by_class = award_values(con, ["classification"], as_of=DAY)
    (total,) = award_values(con, [], as_of=DAY)
    assert sum(r["awards"] for r in by_class) == total["awards"]
    assert "hardware" in {r["classification"] for r in by_class}
