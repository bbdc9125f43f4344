"""Stage a sync's records: the run's batch files (its provenance) and typed staging tables.

The run's records go to two JSON-lines batch files in the journal
(``runs/<run>/awards.jsonl`` and ``transactions.jsonl``, one record a line with the request
that brought it and the SHA-256 of the response); their SHA-256 are the run's
``source_files`` rows (layouts `AWARDS_LAYOUT` and `TRANSACTIONS_LAYOUT`) and a row's
``source_row`` is its line. The mapped rows are staged in temporary tables typed like the
warehouse's, so that comparing and inserting are set operations.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import duckdb

from vendorwatch.sources.fetch import FetchedAwards
from vendorwatch.sources.mapping import award_row, transaction_row
from vendorwatch.sources.usaspending import Exchange
from vendorwatch.warehouse.schema import SQL_TYPES, Table
from vendorwatch.warehouse.store import open_warehouse

AWARDS_LAYOUT = "usaspending_api_sync_awards"
TRANSACTIONS_LAYOUT = "usaspending_api_sync_transactions"


def utc_now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


@contextmanager
def warehouse_connection(
    warehouse: Path, con: duckdb.DuckDBPyConnection | None
) -> Iterator[duckdb.DuckDBPyConnection]:
    """The caller's read-write connection (left open), or the warehouse opened for one step."""
    if con is not None:
        yield con
        return
    own = open_warehouse(warehouse)
    try:
        yield own
    finally:
        own.close()


def _line(exchange: Exchange, record: Any) -> bytes:
    """One batch line: the record as the API wrote it, and the request that brought it."""
    return json.dumps(
        {
            "endpoint": exchange.endpoint,
            "request": exchange.request,
            "response_sha256": exchange.sha256,
            "record": record,
        },
        sort_keys=True,
        ensure_ascii=False,
        separators=(",", ":"),
    ).encode()


def stage_rows(
    con: duckdb.DuckDBPyConnection, name: str, table: Table, rows: list[dict[str, Any]]
) -> list[str]:
    """A temporary table of typed rows (the table's columns + source_row); its column names."""
    present = set().union(*rows) if rows else set(table.columns)
    columns = [c for c in table.columns if c in present]
    typed = ", ".join(f"{c} {SQL_TYPES[table.columns[c]]}" for c in columns)
    con.execute(f"CREATE OR REPLACE TEMP TABLE {name} ({typed}, source_row BIGINT)")
    if rows:
        # one statement, a list per column zipped by unnest: far faster than executemany
        names = [*columns, "source_row"]
        kinds = [SQL_TYPES[table.columns[c]] for c in columns] + ["BIGINT"]
        select = ", ".join(f"unnest(${i + 1}::{kind}[])" for i, kind in enumerate(kinds))
        con.execute(
            f"INSERT INTO {name} SELECT {select}",
            [[row.get(c) for row in rows] for c in names],
        )
    return columns


def batches(
    fetched: FetchedAwards,
) -> tuple[list[bytes], list[dict[str, Any]], list[bytes], list[dict[str, Any]]]:
    award_lines: list[bytes] = []
    award_rows: list[dict[str, Any]] = []
    tx_lines: list[bytes] = []
    tx_rows: list[dict[str, Any]] = []
    for award_id in fetched.scopes:
        detail = fetched.details[award_id]
        records = fetched.transactions[award_id]
        award_lines.append(_line(detail.exchange, detail.raw))
        award_rows.append(
            {
                **award_row(detail.model, [r.model for r in records]),
                "source_row": len(award_lines),
            }
        )
        for record in records:
            tx_lines.append(_line(record.exchange, record.raw))
            tx_rows.append(
                {**transaction_row(detail.model, record.model), "source_row": len(tx_lines)}
            )
    return award_lines, award_rows, tx_lines, tx_rows


def deletion_line(fetched: FetchedAwards, award_id: str, row: dict[str, Any]) -> bytes:
    """The batch line of a deletion: the award's transactions answer that no longer lists the
    key (its hash, when the answer listed any record at all)."""
    records = fetched.transactions[award_id]
    exchange = records[0].exchange if records else fetched.details[award_id].exchange
    return json.dumps(
        {
            "endpoint": exchange.endpoint,
            "request": exchange.request,
            "response_sha256": exchange.sha256,
            "record": {
                "deleted": row["contract_transaction_unique_key"],
                "contract_award_unique_key": award_id,
                "reason": "no longer listed among the award's transactions",
            },
        },
        sort_keys=True,
        ensure_ascii=False,
        separators=(",", ":"),
    ).encode()


def insert_source_file(
    con: duckdb.DuckDBPyConnection,
    *,
    path: Path,
    sha: str,
    layout: str,
    table: Table,
    rows: int,
    columns: int,
) -> None:
    con.execute(
        "INSERT INTO source_files VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [
            sha,
            str(path),
            path.name,
            layout,
            table.name,
            rows,
            columns,
            [],
            "iso",
            "none",
            utc_now(),
        ],
    )
