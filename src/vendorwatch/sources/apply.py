"""Apply a sync's fetched records to the warehouse, in one transaction.

Write the run's batch files; insert the transactions the warehouse does not hold yet (by
``contract_transaction_unique_key``, or award + modification + date + amount for keyless
API-export rows) and an award snapshot where the award's values differ from every snapshot
held; record what changed in ``sync_changes``; record the run in ``sync_runs`` and move the
watermarks. Anything failing before COMMIT leaves the warehouse as it was (the crash tests
kill the process at the ``sync-before-commit`` fault point to prove it).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import datetime

import duckdb

from vendorwatch.faults import fault_point
from vendorwatch.sources.changes import Change, detect_changes, record_changes
from vendorwatch.sources.corrections import corrected_keys, correction_changes, deleted_rows
from vendorwatch.sources.current import record_versions
from vendorwatch.sources.fetch import FetchedAwards
from vendorwatch.sources.journal import Journal
from vendorwatch.sources.plan import ScopeWindow
from vendorwatch.sources.stage import (
    AWARDS_LAYOUT,
    TRANSACTIONS_LAYOUT,
    batches,
    deletion_line,
    insert_source_file,
    stage_rows,
    utc_now,
)
from vendorwatch.warehouse.schema import AWARDS, TRANSACTIONS


@dataclass
class Applied:
    """What one sync wrote."""

    awards_inserted: int = 0
    transactions_inserted: int = 0
    transactions_corrected: int = 0  # new versions of held keys
    transactions_deleted: int = 0  # held keys no longer listed: deletion versions written
    changes: list[Change] = field(default_factory=list)  # the ones recorded now
    batch_files: list[str] = field(default_factory=list)


def apply(
    con: duckdb.DuckDBPyConnection,
    *,
    journal: Journal,
    run_id: str,
    started_at: datetime,
    api_base: str,
    windows: list[ScopeWindow],
    fetched: FetchedAwards,
    requests: int,
) -> Applied:
    """Write ``fetched`` in one transaction; ``requests`` (sent or answered from the journal)
    is recorded with the run."""
    result = Applied()
    award_lines, award_rows, tx_lines, tx_rows = batches(fetched)
    deleted = deleted_rows(con, fetched, utc_now().date())
    for award_id, row, _ in deleted:
        tx_lines.append(deletion_line(fetched, award_id, row))
        row["source_row"] = len(tx_lines)
    listed = len(tx_rows)
    tx_rows += [row for _, row, _ in deleted]
    awards_path = journal.write_batch(run_id, "awards.jsonl", award_lines)
    tx_path = journal.write_batch(run_id, "transactions.jsonl", tx_lines)
    awards_sha = hashlib.sha256(awards_path.read_bytes()).hexdigest()
    tx_sha = hashlib.sha256(tx_path.read_bytes()).hexdigest()
    result.batch_files = [str(awards_path), str(tx_path)]
    held = {
        r[0]
        for r in con.execute(
            "SELECT sha256 FROM source_files WHERE sha256 IN (?, ?)", [awards_sha, tx_sha]
        ).fetchall()
    }
    con.execute("BEGIN TRANSACTION")
    try:
        award_columns = stage_rows(con, "vw_sync_awards", AWARDS, award_rows)
        tx_columns = stage_rows(con, "vw_sync_transactions", TRANSACTIONS, tx_rows)
        new_tx_keys = {
            r[0]
            for r in con.execute(
                """
                SELECT s.contract_transaction_unique_key FROM vw_sync_transactions s
                WHERE s.correction_delete_ind IS NULL
                  AND NOT EXISTS (
                    SELECT 1 FROM transactions t
                    WHERE t.contract_transaction_unique_key = s.contract_transaction_unique_key)
                  AND NOT EXISTS (
                    SELECT 1 FROM transactions t
                    WHERE t.contract_transaction_unique_key IS NULL
                      AND t.contract_award_unique_key = s.contract_award_unique_key
                      AND t.modification_number IS NOT DISTINCT FROM s.modification_number
                      AND t.action_date = s.action_date
                      AND t.federal_action_obligation
                          IS NOT DISTINCT FROM s.federal_action_obligation)
                """
            ).fetchall()
        }
        corrected = corrected_keys(con, "vw_sync_transactions")
        listed_rows = tx_rows[:listed]
        new_tx = [t for t in listed_rows if t["contract_transaction_unique_key"] in new_tx_keys]
        versions = [t for t in listed_rows if t["contract_transaction_unique_key"] in corrected]
        by_key = {row["contract_award_unique_key"]: row for row in award_rows}
        changes = detect_changes(
            con, fetched, award_rows=by_key, new_tx=new_tx, awards_sha=awards_sha, tx_sha=tx_sha
        )
        changes += correction_changes(
            fetched, corrected, rows=versions, deleted=deleted, award_rows=by_key, tx_sha=tx_sha
        )

        same = " AND ".join(f"a.{c} IS NOT DISTINCT FROM s.{c}" for c in award_columns)
        new_awards = con.execute(
            f"""
            SELECT s.source_row FROM vw_sync_awards s
            WHERE NOT EXISTS (SELECT 1 FROM awards a WHERE {same})
            """
        ).fetchall()
        if awards_sha not in held and award_rows:
            insert_source_file(
                con,
                path=awards_path,
                sha=awards_sha,
                layout=AWARDS_LAYOUT,
                table=AWARDS,
                rows=len(award_rows),
                columns=len(award_columns),
            )
            rows = [r[0] for r in new_awards]
            con.execute(
                f"""
                INSERT INTO awards ({", ".join(award_columns)}, source_sha256, source_row)
                SELECT {", ".join(award_columns)}, ?, source_row FROM vw_sync_awards
                WHERE source_row IN (SELECT unnest(?::BIGINT[]))
                """,
                [awards_sha, rows],
            )
            result.awards_inserted = len(rows)
        if tx_sha not in held and tx_rows:
            insert_source_file(
                con,
                path=tx_path,
                sha=tx_sha,
                layout=TRANSACTIONS_LAYOUT,
                table=TRANSACTIONS,
                rows=len(tx_rows),
                columns=len(tx_columns),
            )
            rows = [t["source_row"] for t in [*new_tx, *versions]]
            rows += [row["source_row"] for _, row, _ in deleted]
            con.execute(
                f"""
                INSERT INTO transactions ({", ".join(tx_columns)}, source_sha256, source_row)
                SELECT {", ".join(tx_columns)}, ?, source_row FROM vw_sync_transactions
                WHERE source_row IN (SELECT unnest(?::BIGINT[]))
                """,
                [tx_sha, rows],
            )
            result.transactions_inserted = len(new_tx)
            result.transactions_corrected = len(versions)
            result.transactions_deleted = len(deleted)
        record_versions(con, fetched.modified, run_id)
        recorded = record_changes(con, changes, run_id, utc_now())
        result.changes = recorded
        con.execute(
            "INSERT INTO sync_runs VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [
                run_id,
                started_at,
                utc_now(),
                api_base,
                min(w.start for w in windows),
                max(w.end for w in windows),
                [w.scope for w in windows],
                requests,
                len(fetched.scopes) + len(fetched.current),
                result.awards_inserted,
                result.transactions_inserted,
                len(recorded),
                awards_sha if award_rows else None,
                tx_sha if tx_rows else None,
            ],
        )
        for w in windows:
            con.execute(
                """
                INSERT INTO sync_watermarks VALUES (?, ?, ?)
                ON CONFLICT (scope) DO UPDATE SET synced_through = excluded.synced_through,
                                                  run_id = excluded.run_id
                """,
                [w.scope, w.end, run_id],
            )
        fault_point("sync-before-commit")  # a crash test may kill the process here
        con.execute("COMMIT")
    except BaseException:
        con.execute("ROLLBACK")
        raise
    finally:
        con.execute("DROP TABLE IF EXISTS vw_sync_awards")
        con.execute("DROP TABLE IF EXISTS vw_sync_transactions")
    return result
