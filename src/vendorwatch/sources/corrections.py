"""Corrections and deletions a sync finds: a held transaction changed, or gone from its award.

USAspending's ``transactions/`` lists every action of an award as it stands. When a re-fetched
award lists a key the warehouse holds with another amount, date, modification or action type,
the listed record is a new version of that key (a correction); when a key the warehouse holds
for the award is no longer listed, the award's transactions were corrected by deleting it, and
the sync writes a deletion version (``correction_delete_ind`` D) of that key. Both are rows of
the run's batch file, so each names where it came from; the old versions stay, as history
(`vendorwatch.warehouse.versions` says which version counts).
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import duckdb

from vendorwatch.sources.changes import Change, change_id, direction
from vendorwatch.sources.fetch import FetchedAwards
from vendorwatch.warehouse.versions import DELETED, current_versions_sql

# What a transaction itself says (the rest of a synced row is its award's context).
OWN_FIELDS = ("federal_action_obligation", "action_date", "modification_number", "action_type_code")


def _held(con: duckdb.DuckDBPyConnection, awards: list[str]) -> list[tuple[Any, ...]]:
    """The counting, undeleted keyed versions of these awards' transactions."""
    where = """AND t.contract_transaction_unique_key IN (
        SELECT contract_transaction_unique_key FROM transactions
        WHERE contract_award_unique_key IN (SELECT unnest($awards::VARCHAR[])))"""
    return con.execute(
        f"""
        SELECT contract_award_unique_key, contract_transaction_unique_key, award_id_piid,
               modification_number, action_date, federal_action_obligation
        FROM ({current_versions_sql(where)})
        WHERE coalesce(correction_delete_ind, '') <> '{DELETED}'
          AND contract_award_unique_key IN (SELECT unnest($awards::VARCHAR[]))
        ORDER BY 1, 2
        """,
        {"awards": awards},
    ).fetchall()


def deleted_rows(
    con: duckdb.DuckDBPyConnection, fetched: FetchedAwards, today: date
) -> list[tuple[str, dict[str, Any], dict[str, Any]]]:
    """(award id, deletion row, the version it deletes) for each held key an award fetched
    no longer lists; the row is dated the award's last modification (else today)."""
    listed = {
        award: {r.model.id.removeprefix("CONT_TX_").upper() for r in records}
        for award, records in fetched.transactions.items()
    }
    out = []
    for award, key, piid, mod, action_date, amount in _held(con, list(fetched.transactions)):
        if key.upper() in listed[award]:
            continue
        period = fetched.details[award].model.period_of_performance
        modified = (period.last_modified_date if period else None) or today
        row = {
            "contract_transaction_unique_key": key,
            "contract_award_unique_key": award,
            "award_id_piid": piid,
            "modification_number": mod,
            "correction_delete_ind": DELETED,
            "last_modified_date": modified,
        }
        out.append((award, row, {"action_date": action_date, "amount": amount}))
    return out


def corrected_keys(con: duckdb.DuckDBPyConnection, staged: str) -> dict[str, dict[str, Any]]:
    """Keys of the staged rows whose counting version is deleted or differs in what the
    transaction itself says: key -> the held version's amount and date."""
    where = f"AND t.contract_transaction_unique_key IN (SELECT contract_transaction_unique_key FROM {staged})"  # noqa: E501
    differs = " OR ".join(f"c.{f} IS DISTINCT FROM s.{f}" for f in OWN_FIELDS)
    rows = con.execute(
        f"""
        SELECT s.contract_transaction_unique_key, c.federal_action_obligation, c.action_date,
               coalesce(c.correction_delete_ind, '') = '{DELETED}'
        FROM {staged} s JOIN ({current_versions_sql(where)}) c
          ON c.contract_transaction_unique_key = s.contract_transaction_unique_key
        WHERE s.correction_delete_ind IS NULL
          AND (coalesce(c.correction_delete_ind, '') = '{DELETED}' OR {differs})
        """
    ).fetchall()
    return {k: {"amount": a, "action_date": d, "was_deleted": gone} for k, a, d, gone in rows}


def _money(value: Decimal | None) -> str | None:
    return f"{value:.2f}" if value is not None else None


def correction_changes(
    fetched: FetchedAwards,
    corrected: dict[str, dict[str, Any]],
    *,
    rows: list[dict[str, Any]],
    deleted: list[tuple[str, dict[str, Any], dict[str, Any]]],
    award_rows: dict[str, dict[str, Any]],
    tx_sha: str,
) -> list[Change]:
    """``transaction_corrected`` (amount: the change, old and new value: the amounts) and
    ``transaction_deleted`` (amount: the obligation no longer counted) for ``sync_changes``."""
    out: list[Change] = []

    def change(kind: str, award: str, row: dict[str, Any], *, amount: Decimal | None,
               old: str | None, new: str | None, day: date | None) -> Change:  # fmt: skip
        context = award_rows.get(award, {})
        key = row["contract_transaction_unique_key"]
        return Change(
            change_id=change_id(
                kind, key, old or "", new or "", str(row.get("last_modified_date"))
            ),
            kind=kind,
            contract_award_unique_key=award,
            award_id_piid=row.get("award_id_piid"),
            contract_transaction_unique_key=key,
            modification_number=row.get("modification_number"),
            action_date=day,
            amount=amount,
            obligation_change=direction(amount),
            old_value=old,
            new_value=new,
            awarding_sub_agency_name=context.get("awarding_sub_agency_name"),
            recipient_name=context.get("recipient_name"),
            recipient_uei=context.get("recipient_uei"),
            recipient_parent_uei=context.get("recipient_parent_uei"),
            scopes=tuple(fetched.scopes.get(award, ())),
            source_sha256=tx_sha,
            source_row=row["source_row"],
        )

    for row in rows:
        held = corrected.get(row["contract_transaction_unique_key"])
        if held is None:
            continue
        new = row.get("federal_action_obligation")
        old = None if held["was_deleted"] else held["amount"]
        delta = (new or Decimal(0)) - (old or Decimal(0))
        out.append(change("transaction_corrected", row["contract_award_unique_key"], row,
                          amount=delta, old=_money(old), new=_money(new),
                          day=row.get("action_date")))  # fmt: skip
    for award, row, held in deleted:
        amount = held["amount"]
        out.append(change("transaction_deleted", award, row,
                          amount=-amount if amount is not None else None, old=_money(amount),
                          new=None, day=held["action_date"]))  # fmt: skip
    return out
