"""What changed: the ``sync_changes`` rows every write path records and alerts read.

One row per change, keyed by a stable ``change_id`` (a re-run never records one twice):

- ``new_award``: an award the warehouse did not know (amount: its total obligation);
- ``new_modification``: a new transaction on a known award (amount: its obligation);
- ``end_date_changed``: a known award whose current end date moved (old and new value).

``obligation_change`` says which way the money moved: ``obligation`` (amount > 0),
``deobligation`` (< 0) or ``none``. An incremental sync compares its fetched records with the
warehouse before inserting them (`detect_changes`); a bulk seed compares each loaded file's
rows with what the warehouse held before the seed began (`vendorwatch.sources.bulk_changes`).
Both give the same change the same id, so whichever path sees it first records it.
"""

from __future__ import annotations

import hashlib
from dataclasses import asdict, dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

import duckdb

from vendorwatch.sources.fetch import FetchedAwards


@dataclass(frozen=True)
class Change:
    change_id: str
    kind: str
    contract_award_unique_key: str
    award_id_piid: str | None
    contract_transaction_unique_key: str | None
    modification_number: str | None
    action_date: date | None
    amount: Decimal | None
    obligation_change: str
    old_value: str | None
    new_value: str | None
    awarding_sub_agency_name: str | None
    recipient_name: str | None
    recipient_uei: str | None
    recipient_parent_uei: str | None
    scopes: tuple[str, ...]
    source_sha256: str
    source_row: int

    def as_dict(self) -> dict[str, Any]:
        out = asdict(self)
        out["amount"] = f"{self.amount:.2f}" if self.amount is not None else None
        out["action_date"] = self.action_date.isoformat() if self.action_date else None
        out["scopes"] = list(self.scopes)
        return out


def change_id(*parts: str) -> str:
    """The stable id of a change (`vendorwatch.sources.bulk_changes` computes it in SQL)."""
    return hashlib.sha256("|".join(parts).encode()).hexdigest()[:32]


def direction(amount: Decimal | None) -> str:
    if amount is None or amount == 0:
        return "none"
    return "obligation" if amount > 0 else "deobligation"


def detect_changes(
    con: duckdb.DuckDBPyConnection,
    fetched: FetchedAwards,
    *,
    award_rows: dict[str, dict[str, Any]],
    new_tx: list[dict[str, Any]],
    awards_sha: str,
    tx_sha: str,
) -> list[Change]:
    """Compare what came with what the warehouse holds (before anything is inserted)."""
    keys = list(award_rows)
    known = {
        r[0]
        for r in con.execute(
            """
            SELECT DISTINCT contract_award_unique_key FROM awards
            WHERE contract_award_unique_key IN (SELECT unnest($keys))
            UNION
            SELECT DISTINCT contract_award_unique_key FROM transactions
            WHERE contract_award_unique_key IN (SELECT unnest($keys))
            """,
            {"keys": keys},
        ).fetchall()
    }
    previous_end = dict(
        con.execute(
            """
            WITH a AS (
                SELECT a.contract_award_unique_key AS k, a.period_of_performance_current_end_date
                       AS d, a.last_modified_date AS m, f.loaded_at AS l, 1 AS pri
                FROM awards a JOIN source_files f ON f.sha256 = a.source_sha256
                WHERE a.contract_award_unique_key IN (SELECT unnest($keys))
                  AND a.period_of_performance_current_end_date IS NOT NULL
                UNION ALL
                SELECT t.contract_award_unique_key, t.period_of_performance_current_end_date,
                       t.action_date, f.loaded_at, 2
                FROM transactions t JOIN source_files f ON f.sha256 = t.source_sha256
                WHERE t.contract_award_unique_key IN (SELECT unnest($keys))
                  AND t.period_of_performance_current_end_date IS NOT NULL
            )
            SELECT k, arg_max(d, [pri * -1, epoch(m), epoch(l)]) FROM a GROUP BY k
            """,
            {"keys": keys},
        ).fetchall()
    )

    def change(kind: str, row: dict[str, Any], cid: str, sha: str, **values: Any) -> Change:
        return Change(
            change_id=cid,
            kind=kind,
            contract_award_unique_key=row["contract_award_unique_key"],
            award_id_piid=row.get("award_id_piid"),
            contract_transaction_unique_key=values.get("transaction_key"),
            modification_number=values.get("modification_number"),
            action_date=values.get("action_date"),
            amount=values.get("amount"),
            obligation_change=direction(values.get("amount")),
            old_value=values.get("old_value"),
            new_value=values.get("new_value"),
            awarding_sub_agency_name=row.get("awarding_sub_agency_name"),
            recipient_name=row.get("recipient_name"),
            recipient_uei=row.get("recipient_uei"),
            recipient_parent_uei=row.get("recipient_parent_uei"),
            scopes=tuple(fetched.scopes[row["contract_award_unique_key"]]),
            source_sha256=sha,
            source_row=row["source_row"],
        )

    changes: list[Change] = []
    for key, row in award_rows.items():
        if key not in known:
            changes.append(
                change(
                    "new_award",
                    row,
                    change_id("new_award", key),
                    awards_sha,
                    amount=row.get("total_obligated_amount"),
                    action_date=row.get("award_base_action_date"),
                )
            )
            continue
        old, new = previous_end.get(key), row.get("period_of_performance_current_end_date")
        if old is not None and new is not None and old != new:
            changes.append(
                change(
                    "end_date_changed",
                    row,
                    change_id("end_date_changed", key, old.isoformat(), new.isoformat()),
                    awards_sha,
                    old_value=old.isoformat(),
                    new_value=new.isoformat(),
                )
            )
    for tx in new_tx:
        if tx["contract_award_unique_key"] not in known:
            continue  # part of a new award, reported as one new_award
        changes.append(
            change(
                "new_modification",
                tx,
                change_id("new_modification", tx["contract_transaction_unique_key"]),
                tx_sha,
                transaction_key=tx["contract_transaction_unique_key"],
                modification_number=tx.get("modification_number"),
                action_date=tx.get("action_date"),
                amount=tx.get("federal_action_obligation"),
            )
        )
    return changes


CHANGE_COLUMNS = (
    ("change_id", "VARCHAR"),
    ("kind", "VARCHAR"),
    ("contract_award_unique_key", "VARCHAR"),
    ("award_id_piid", "VARCHAR"),
    ("contract_transaction_unique_key", "VARCHAR"),
    ("modification_number", "VARCHAR"),
    ("action_date", "DATE"),
    ("amount", "DECIMAL(18,2)"),
    ("obligation_change", "VARCHAR"),
    ("old_value", "VARCHAR"),
    ("new_value", "VARCHAR"),
    ("awarding_sub_agency_name", "VARCHAR"),
    ("recipient_name", "VARCHAR"),
    ("recipient_uei", "VARCHAR"),
    ("recipient_parent_uei", "VARCHAR"),
    ("scopes", "VARCHAR[]"),
    ("source_sha256", "VARCHAR"),
    ("source_row", "BIGINT"),
)


def record_changes(
    con: duckdb.DuckDBPyConnection, changes: list[Change], run_id: str, now: datetime
) -> list[Change]:
    """Insert the changes not recorded before (by ``change_id``); the ones that were new."""
    if not changes:
        return []
    columns = [name for name, _ in CHANGE_COLUMNS]
    select = ", ".join(
        f"unnest(${i + 3}::{kind}[]) AS {name}" for i, (name, kind) in enumerate(CHANGE_COLUMNS)
    )
    values = [
        [list(c.scopes) if name == "scopes" else getattr(c, name) for c in changes]
        for name in columns
    ]
    inserted = con.execute(
        f"""
        INSERT INTO sync_changes (run_id, detected_at, {", ".join(columns)})
        SELECT $1, $2, * FROM (SELECT {select})
        ON CONFLICT DO NOTHING RETURNING change_id
        """,
        [run_id, now, *values],
    ).fetchall()
    new = {row[0] for row in inserted}
    return [c for c in changes if c.change_id in new]


def recent_changes(
    con: duckdb.DuckDBPyConnection, run_id: str | None = None
) -> list[dict[str, Any]]:
    """The changes of one run (default: the latest), for watchlists and the CLI."""
    if run_id is None:
        row = con.execute("SELECT run_id FROM sync_runs ORDER BY finished_at DESC LIMIT 1")
        found = row.fetchone()
        if found is None:
            return []
        run_id = str(found[0])
    cursor = con.execute(
        "SELECT * FROM sync_changes WHERE run_id = ? ORDER BY kind, contract_award_unique_key, "
        "contract_transaction_unique_key",
        [run_id],
    )
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]
