"""The synthetic benchmark file: generated from the real rows, marked, and loadable exactly."""

from __future__ import annotations

import csv
from decimal import Decimal
from pathlib import Path

from benchmarks.synthetic import KEY_PREFIX, generate, transaction_columns

from vendorwatch.warehouse import load_file, open_warehouse

ROWS = 2_000


def test_synthetic_rows_load_exactly(raw_data: Path, tmp_path: Path) -> None:
    path = generate(ROWS, tmp_path / f"{KEY_PREFIX}transactions.csv", raw=raw_data)

    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        assert reader.fieldnames == transaction_columns(raw_data)
        records = list(reader)
    assert len(records) == ROWS
    expected = sum(Decimal(r["federal_action_obligation"]) for r in records)

    con = open_warehouse(tmp_path / "warehouse.duckdb")
    result = load_file(con, path)
    assert result.status == "loaded"
    assert result.layout == "usaspending_prime_transactions"
    assert result.rows == ROWS
    count, distinct, unmarked, total = con.execute(
        "SELECT count(*), count(DISTINCT contract_transaction_unique_key), "
        "count(*) FILTER (WHERE NOT starts_with(contract_transaction_unique_key, ?)), "
        "sum(federal_action_obligation) FROM transactions",
        [KEY_PREFIX],
    ).fetchone()
    con.close()
    assert (count, distinct, unmarked) == (ROWS, ROWS, 0)
    assert total == expected
