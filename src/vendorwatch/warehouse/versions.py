"""Versions of a transaction: a key seen again replaces what was held, a deletion removes it.

FPDS and USAspending name every contract action by ``contract_transaction_unique_key``. When
an agency corrects an action, the same key comes again with new values (a delta file marks the
row ``correction_delete_ind`` C, or leaves it blank; a sync finds the award's transactions
changed); when it deletes one, a delta file carries the key marked D and the API stops listing
it. Every version stays in ``transactions`` with its own provenance (the history, with both
sources); which one counts is decided by one rule, here in SQL for the write paths and in
`vendorwatch.analysis.base.transactions` (Ibis) for every figure:

    the version with the latest last_modified_date (the day it was loaded where a row has
    none), then the latest loaded, then the first by provenance (exact repeats in one file);
    a key whose counting version is marked D counts nowhere.
"""

from __future__ import annotations

DELETED = "D"
CORRECTED = "C"

# Every keyed row with its rank among its key's versions (1: the one that counts).
VERSIONS_SQL = """
        SELECT t.*, f.loaded_at, f.file_name, row_number() OVER (
            PARTITION BY t.contract_transaction_unique_key
            ORDER BY coalesce(t.last_modified_date, f.loaded_at::DATE) DESC, f.loaded_at DESC,
                     t.source_sha256, t.source_row) AS version_rank
        FROM transactions t JOIN source_files f ON f.sha256 = t.source_sha256
        WHERE t.contract_transaction_unique_key IS NOT NULL {where}
"""


def versions_sql(where: str = "") -> str:
    """Every version of the keys ``where`` selects, ranked (1 counts)."""
    return VERSIONS_SQL.format(where=where)


def current_versions_sql(where: str = "") -> str:
    """The counting version of each key (deleted ones included, marked D); ``where`` narrows
    the rows looked at (``AND t.contract_award_unique_key IN …``), never one key's versions."""
    return (
        f"SELECT * EXCLUDE (version_rank, file_name) FROM ({versions_sql(where)}) "
        "WHERE version_rank = 1"
    )
