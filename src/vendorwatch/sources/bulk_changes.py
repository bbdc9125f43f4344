"""What a bulk seed changed, recorded in ``sync_changes`` like an incremental sync's changes.

A bulk file can hold millions of rows, so its changes are found and inserted in SQL, one
statement per kind, against what the warehouse held *before the seed began* (`BulkChanges`
takes that set of award keys first, with the file each came from, so that a file loaded by a
seed killed before it recorded its changes is not counted as known to itself):

- ``new_award``: an award key in the file the warehouse did not know (amount: an award
  file's total obligation, or the sum of a transaction file's actions on it);
- ``new_modification``: a transaction (by its key) on a known award that no other file holds;
- ``end_date_changed``: an award file's current end date for a known award that differs from
  the latest one held in the other files (chosen as an incremental sync chooses it).

Ids are the same as `vendorwatch.sources.changes.change_id` gives (checked by the tests), so
a change the sync recorded first is not recorded again by the seed, nor the other way round.
Transactions of an award new to the seed are part of its ``new_award``, as in a sync.
"""

from __future__ import annotations

from collections.abc import Sequence

import duckdb

from vendorwatch.sources.changes import CHANGE_COLUMNS
from vendorwatch.sources.downloads import Member
from vendorwatch.sources.stage import utc_now

KNOWN = "vw_bulk_known_awards"

_DIRECTION = "CASE WHEN {a} > 0 THEN 'obligation' WHEN {a} < 0 THEN 'deobligation' ELSE 'none' END"


def _id(*parts: str) -> str:
    """SQL for `change_id`: the first 32 hex digits of the SHA-256 of the parts joined by |."""
    return "left(sha256(concat_ws('|', " + ", ".join(parts) + ")), 32)"


def _insert(select: str) -> str:
    columns = ", ".join(name for name, _ in CHANGE_COLUMNS)
    return (
        f"INSERT INTO sync_changes (run_id, detected_at, {columns}) {select} "
        "ON CONFLICT DO NOTHING RETURNING kind"
    )


_NEW_AWARDS = """
SELECT $run, $now, {change_id}, 'new_award', k, piid, NULL, NULL, action_date, amount,
       {direction}, NULL, NULL, agency, recipient, uei, parent_uei, $scopes, $sha, source_row
FROM (
    SELECT t.contract_award_unique_key AS k,
           arg_min(t.award_id_piid, t.source_row) AS piid,
           {action_date} AS action_date, {amount} AS amount,
           arg_min(t.awarding_sub_agency_name, t.source_row) AS agency,
           arg_min(t.recipient_name, t.source_row) AS recipient,
           arg_min(t.recipient_uei, t.source_row) AS uei,
           arg_min(t.recipient_parent_uei, t.source_row) AS parent_uei,
           min(t.source_row) AS source_row
    FROM {table} t
    WHERE t.source_sha256 = $sha AND t.contract_award_unique_key IS NOT NULL
      AND NOT EXISTS (SELECT 1 FROM {known} n
                      WHERE n.k = t.contract_award_unique_key AND n.sha <> $sha)
    GROUP BY t.contract_award_unique_key
)
"""

_NEW_MODIFICATIONS = """
SELECT $run, $now, {change_id}, 'new_modification', t.contract_award_unique_key,
       t.award_id_piid, t.contract_transaction_unique_key, t.modification_number,
       t.action_date, t.federal_action_obligation, {direction}, NULL, NULL,
       t.awarding_sub_agency_name, t.recipient_name, t.recipient_uei, t.recipient_parent_uei,
       $scopes, $sha, t.source_row
FROM transactions t
WHERE t.source_sha256 = $sha AND t.contract_transaction_unique_key IS NOT NULL
  AND EXISTS (SELECT 1 FROM {known} n
              WHERE n.k = t.contract_award_unique_key AND n.sha <> $sha)
  AND NOT EXISTS (
      SELECT 1 FROM transactions o
      WHERE o.contract_transaction_unique_key = t.contract_transaction_unique_key
        AND o.source_sha256 <> $sha)
  AND NOT EXISTS (
      SELECT 1 FROM transactions o
      WHERE o.contract_transaction_unique_key IS NULL AND o.source_sha256 <> $sha
        AND o.contract_award_unique_key = t.contract_award_unique_key
        AND o.modification_number IS NOT DISTINCT FROM t.modification_number
        AND o.action_date = t.action_date
        AND o.federal_action_obligation IS NOT DISTINCT FROM t.federal_action_obligation)
"""

_END_DATES = """
WITH held AS (
    SELECT a.contract_award_unique_key AS k, a.period_of_performance_current_end_date AS d,
           a.last_modified_date AS m, f.loaded_at AS l, 1 AS pri
    FROM awards a JOIN source_files f ON f.sha256 = a.source_sha256
    WHERE a.source_sha256 <> $sha AND a.period_of_performance_current_end_date IS NOT NULL
      AND a.contract_award_unique_key IN (SELECT k FROM {known} WHERE sha <> $sha)
    UNION ALL
    SELECT t.contract_award_unique_key, t.period_of_performance_current_end_date,
           t.action_date, f.loaded_at, 2
    FROM transactions t JOIN source_files f ON f.sha256 = t.source_sha256
    WHERE t.source_sha256 <> $sha AND t.period_of_performance_current_end_date IS NOT NULL
      AND t.contract_award_unique_key IN (SELECT k FROM {known} WHERE sha <> $sha)
),
previous AS (SELECT k, arg_max(d, [pri * -1, epoch(m), epoch(l)]) AS old FROM held GROUP BY k),
now AS (
    SELECT contract_award_unique_key AS k,
           arg_max(period_of_performance_current_end_date, source_row) AS new,
           arg_max(award_id_piid, source_row) AS piid,
           arg_max(awarding_sub_agency_name, source_row) AS agency,
           arg_max(recipient_name, source_row) AS recipient,
           arg_max(recipient_uei, source_row) AS uei,
           arg_max(recipient_parent_uei, source_row) AS parent_uei,
           max(source_row) AS source_row
    FROM awards WHERE source_sha256 = $sha AND period_of_performance_current_end_date IS NOT NULL
    GROUP BY contract_award_unique_key
)
SELECT $run, $now, {change_id}, 'end_date_changed', k, piid, NULL, NULL, NULL, NULL, 'none',
       CAST(old AS VARCHAR), CAST(new AS VARCHAR), agency, recipient, uei, parent_uei,
       $scopes, $sha, source_row
FROM now JOIN previous USING (k) WHERE old <> new
"""


class BulkChanges:
    """Records the changes of each file a bulk seed loads, against the warehouse before it."""

    def __init__(self, con: duckdb.DuckDBPyConnection, run_id: str, scopes: Sequence[str]) -> None:
        self.con, self.run_id, self.scopes = con, run_id, list(scopes)
        self.counts: dict[str, int] = {}
        con.execute(
            f"""
            CREATE OR REPLACE TEMP TABLE {KNOWN} AS
            SELECT contract_award_unique_key AS k, source_sha256 AS sha FROM awards
            WHERE contract_award_unique_key IS NOT NULL
            UNION
            SELECT contract_award_unique_key, source_sha256 FROM transactions
            WHERE contract_award_unique_key IS NOT NULL
            """
        )

    def record(self, member: Member) -> dict[str, int]:
        """Insert the changes the new rows of ``member`` bring; counts by kind."""
        sha256, table = member.result.sha256, member.result.table
        statements: list[str] = []
        if table == "awards":
            statements.append(
                _NEW_AWARDS.format(
                    table="awards",
                    known=KNOWN,
                    change_id=_id("'new_award'", "k"),
                    direction=_DIRECTION.format(a="amount"),
                    action_date="min(t.award_base_action_date)",
                    amount="arg_min(t.total_obligated_amount, t.source_row)",
                )
            )
            statements.append(
                _END_DATES.format(
                    known=KNOWN,
                    change_id=_id(
                        "'end_date_changed'", "k", "CAST(old AS VARCHAR)", "CAST(new AS VARCHAR)"
                    ),
                )
            )
        elif table == "transactions":
            statements.append(
                _NEW_AWARDS.format(
                    table="transactions",
                    known=KNOWN,
                    change_id=_id("'new_award'", "k"),
                    direction=_DIRECTION.format(a="amount"),
                    action_date="min(t.action_date)",
                    amount="sum(t.federal_action_obligation)",
                )
            )
            statements.append(
                _NEW_MODIFICATIONS.format(
                    known=KNOWN,
                    change_id=_id("'new_modification'", "t.contract_transaction_unique_key"),
                    direction=_DIRECTION.format(a="t.federal_action_obligation"),
                )
            )
        found: dict[str, int] = {}
        params = {"run": self.run_id, "now": utc_now(), "scopes": self.scopes, "sha": sha256}
        for sql in statements:
            for (kind,) in self.con.execute(_insert(sql), params).fetchall():
                found[kind] = found.get(kind, 0) + 1
        for kind, n in found.items():
            self.counts[kind] = self.counts.get(kind, 0) + n
        return found

    def close(self) -> None:
        self.con.execute(f"DROP TABLE IF EXISTS {KNOWN}")
