"""A family's obligations as of a date equal the raw files' transactions up to that date."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from vendorwatch.analysis.as_of import family_as_of
from vendorwatch.errors import VendorwatchError
from vendorwatch.registry import Registry, load_registry

from ..raw_families import FAMILIES, family_transactions

DAYS = [date(2010, 1, 1), date(2021, 6, 30), date(2022, 9, 30), date(2024, 3, 15), date(2030, 1, 1)]
# On Spark (local[1], seconds a question) every family on two days: before every transaction
# (the empty answer) and a day that splits the records; DuckDB takes every day.
ON_SPARK = {date(2010, 1, 1), date(2022, 9, 30)}
EVERY_DAY = [
    pytest.param(
        day,
        id=str(day),
        marks=() if day in ON_SPARK else pytest.mark.duckdb_only("Spark asks two of the days"),
    )
    for day in DAYS
]

pytestmark = pytest.mark.engines  # every `con` test on DuckDB and on Spark (conftest.py)


@pytest.fixture(scope="module")
def registry() -> Registry:
    return load_registry()


@pytest.fixture(scope="module")
def raw(raw_data: Path) -> dict[str, list[tuple[date, Decimal]]]:
    return family_transactions(raw_data)


@pytest.mark.parametrize("family", list(FAMILIES))
@pytest.mark.parametrize("day", EVERY_DAY)
def test_as_of_equals_the_raw_rows_up_to_the_day(
    con: Any,
    registry: Registry,
    raw: dict[str, list[tuple[date, Decimal]]],
    family: str,
    day: date,
) -> None:
    rows = raw[family]
    before = [amount for when, amount in rows if when <= day]
    got = family_as_of(con, registry, family, day)
    assert Decimal(got["obligated"]) == sum(before, Decimal(0))
    assert got["transactions"] == len(before)
    assert got["after"]["transactions"] == len(rows) - len(before)
    assert Decimal(got["total_in_data"]) == sum((a for _, a in rows), Decimal(0))
    by_company = sum((Decimal(r["obligations"]) for r in got["by_organisation"]), Decimal(0))
    assert by_company == Decimal(got["obligated"])
    assert all(date.fromisoformat(r["action_date"]) <= day for r in got["latest"])
    months = got["by_month"]  # the chart's curve: every month of the family, running total
    assert [m["month"] for m in months] == sorted(m["month"] for m in months)
    assert Decimal(months[-1]["cumulative"]) == Decimal(got["total_in_data"])
    by_month: dict[str, Decimal] = {}
    for when, amount in rows:
        key = when.replace(day=1).isoformat()
        by_month[key] = by_month.get(key, Decimal(0)) + amount
    assert {m["month"][:10]: Decimal(m["obligations"]) for m in months} == by_month
    assert all(r["source"]["file"] and r["source"]["row"] > 0 for r in got["latest"])
    if not before:
        assert got["latest"] == []
        assert any("no transaction" in note for note in got["notes"])


def test_the_latest_rows_point_at_their_lines(con: Any, registry: Registry, raw_data: Path) -> None:
    """Each listed transaction's provenance leads to the raw row with that date and amount."""
    import csv
    import gzip

    got = family_as_of(con, registry, "palantir", date(2024, 9, 30), latest=5)
    for r in got["latest"]:
        path = next(raw_data.rglob(r["source"]["file"]))
        with gzip.open(path, "rt", encoding="utf-8", newline="") as handle:
            rows = list(csv.DictReader(handle))
        record = rows[r["source"]["row"] - 1]
        assert record["Action Date"] == r["action_date"]
        assert Decimal(record["Federal Action Obligation"]) == Decimal(r["obligation"])


def test_unknown_family_is_refused(con: Any, registry: Registry) -> None:
    with pytest.raises(VendorwatchError, match="no organisation 'relx'"):
        family_as_of(con, registry, "relx", date(2024, 1, 1))


def test_cli_family_as_of(sample_warehouse: Path) -> None:
    command = [sys.executable, "-m", "vendorwatch", "family", "relx-plc", "--warehouse",
               str(sample_warehouse)]  # fmt: skip
    run = subprocess.run(
        [*command, "--as-of", "2023-06-30", "--json"], capture_output=True, text=True, check=False
    )
    assert run.returncode == 0, run.stderr
    document = json.loads(run.stdout)
    assert document["as_of"] == "2023-06-30"
    assert Decimal(document["obligated"]) > 0
    bad = subprocess.run(
        [*command, "--as-of", "30/06/2023"], capture_output=True, text=True, check=False
    )
    assert bad.returncode == 1
    assert "not a date in the form YYYY-MM-DD" in bad.stderr
    assert "Traceback" not in bad.stderr
