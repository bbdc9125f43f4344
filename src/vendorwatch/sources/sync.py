"""``vendorwatch sync``: bring the warehouse up to date from the USAspending API.

One sync, in three steps:

1. **Plan.** One *scope* per agency x award-type group (contracts, IDVs) x watched family name
   (``recipient_search_text``; none means agency-wide). Each scope searches awards whose
   ``last_modified_date`` lies between its watermark (the end of its last successful window,
   kept in ``sync_watermarks``; inclusive, so a record changed later that day is not missed)
   and today. A scope never synced starts at ``--since``, else at the newest
   ``last_modified_date`` (or action date) the warehouse already holds for the agency, else at
   the API's first date (2007-10-01).
2. **Fetch.** Page through ``spending_by_award`` for every scope, then for every award found
   fetch its detail (``awards/<id>/``: competition, potential value, parent recipient, period
   of performance) and its transactions (``POST transactions/``). Every answer is kept in the
   journal (`vendorwatch.sources.journal`) before it is used, so an interrupted sync started
   again with the same options resumes with the same windows and re-asks nothing it has.
3. **Apply, in one warehouse transaction.** Write the run's records to two JSON-lines batch
   files (their SHA-256 are the run's ``source_files`` rows: layouts
   ``usaspending_api_sync_awards`` and ``usaspending_api_sync_transactions``); insert the
   transactions the warehouse does not hold yet (by ``contract_transaction_unique_key``, or
   award + modification + date + amount for keyless API-export rows) and an award snapshot
   where the award's values differ from every snapshot held; record what changed in
   ``sync_changes``; record the run in ``sync_runs`` and move the watermarks. Anything failing
   before COMMIT leaves the warehouse as it was.

What changed (``sync_changes``, one row per change, ``change_id`` stable so a re-run never
records a change twice):

- ``new_award``: an award the warehouse did not know (amount: its total obligation);
- ``new_modification``: a new transaction on a known award (amount: its obligation);
- ``end_date_changed``: a known award whose current end date moved (old and new value).

``obligation_change`` says which way the money moved: ``obligation`` (amount > 0),
``deobligation`` (< 0) or ``none``.
"""

from __future__ import annotations

import hashlib
import json
import os
import signal
import time
import uuid
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import duckdb

from vendorwatch.errors import VendorwatchError
from vendorwatch.sources.journal import Journal
from vendorwatch.sources.models import AwardDetail, AwardTransaction
from vendorwatch.sources.usaspending import (
    SEARCH_MIN_DATE,
    Agency,
    AwardQuery,
    DateWindow,
    Exchange,
    Fetched,
    UsaspendingClient,
    UsaspendingError,
    agency,
)
from vendorwatch.warehouse.schema import AWARDS, SQL_TYPES, TRANSACTIONS, Table
from vendorwatch.warehouse.store import open_warehouse

AWARDS_LAYOUT = "usaspending_api_sync_awards"
TRANSACTIONS_LAYOUT = "usaspending_api_sync_transactions"
SEARCH_FIELDS = (
    "Award ID",
    "generated_internal_id",
    "Last Modified Date",
    "Recipient Name",
    "Awarding Sub Agency",
)
PERMALINK = "https://www.usaspending.gov/award/{}/"

Progress = Callable[[str, int, int | None], None]
"""Told the current step, how many of its units are done and, when known, how many in all."""


class SyncError(VendorwatchError):
    """A sync stopped; the warehouse is as it was before it."""


@dataclass(frozen=True)
class SyncOptions:
    agencies: tuple[str, ...] = ("ice", "cbp")
    families: tuple[str, ...] = ()  # recipient_search_text values; () = agency-wide
    groups: tuple[str, ...] = ("contracts", "idvs")
    since: date | None = None  # start of the window for scopes never synced (or all, if set)
    until: date | None = None  # end of the window; default today (UTC)
    page_size: int = 100

    def fingerprint(self, api_base: str) -> str:
        data = {**asdict(self), "api_base": api_base}
        return hashlib.sha256(json.dumps(data, sort_keys=True, default=str).encode()).hexdigest()


@dataclass(frozen=True)
class Scope:
    agency: Agency
    group: str
    family: str | None

    @property
    def key(self) -> str:
        return f"{self.agency.key}:{self.group}:{self.family or '*'}"


@dataclass
class ScopeWindow:
    scope: str
    start: date
    end: date
    start_reason: str
    pages: int = 0
    awards: int = 0


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


@dataclass
class SyncResult:
    run_id: str
    api_base: str
    resumed: bool
    windows: list[ScopeWindow]
    awards_seen: int = 0
    awards_inserted: int = 0
    transactions_inserted: int = 0
    changes: list[Change] = field(default_factory=list)
    requests: int = 0
    answered_from_journal: int = 0
    retries: int = 0
    seconds: float = 0.0
    batch_files: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {
            "run_id": self.run_id,
            "api_base": self.api_base,
            "resumed": self.resumed,
            "windows": [
                {**asdict(w), "start": w.start.isoformat(), "end": w.end.isoformat()}
                for w in self.windows
            ],
            "awards_seen": self.awards_seen,
            "awards_inserted": self.awards_inserted,
            "transactions_inserted": self.transactions_inserted,
            "changes": [c.as_dict() for c in self.changes],
            "requests": self.requests,
            "answered_from_journal": self.answered_from_journal,
            "retries": self.retries,
            "seconds": round(self.seconds, 3),
            "batch_files": self.batch_files,
        }


def _fault_point(name: str) -> None:
    """Crash-test seam: ``VENDORWATCH_KILL_AT=<name>`` makes the process SIGKILL itself here."""
    if os.environ.get("VENDORWATCH_KILL_AT") == name:
        os.kill(os.getpid(), signal.SIGKILL)


def _utc_now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


# --- plan ------------------------------------------------------------------------------------


def scopes_for(options: SyncOptions) -> list[Scope]:
    agencies = [agency(key) for key in options.agencies]
    if not agencies:
        raise VendorwatchError("name at least one agency to sync")
    families: Sequence[str | None] = options.families or (None,)
    return [Scope(a, g, f) for a in agencies for g in options.groups for f in families]


def _newest_held(con: duckdb.DuckDBPyConnection, who: Agency) -> date | None:
    column = "awarding_sub_agency_name" if who.tier == "subtier" else "awarding_agency_name"
    row = con.execute(
        f"""
        SELECT max(d) FROM (
            SELECT coalesce(last_modified_date, award_latest_action_date) AS d
            FROM awards WHERE {column} = $name
            UNION ALL
            SELECT coalesce(last_modified_date, action_date) FROM transactions
            WHERE {column} = $name
        )
        """,
        {"name": who.name},
    ).fetchone()
    return row[0] if row else None


def plan_windows(
    con: duckdb.DuckDBPyConnection, options: SyncOptions, today: date
) -> list[ScopeWindow]:
    end = options.until or today
    marks = dict(con.execute("SELECT scope, synced_through FROM sync_watermarks").fetchall())
    windows: list[ScopeWindow] = []
    for scope in scopes_for(options):
        if options.since is not None:
            start, reason = options.since, "--since"
        elif scope.key in marks:
            start, reason = marks[scope.key], "end of the last successful sync"
        else:
            held = _newest_held(con, scope.agency)
            if held is not None:
                start, reason = held, "newest record already in the warehouse"
            else:
                start, reason = SEARCH_MIN_DATE, "first sync: the API's first date"
        if start > end:
            raise VendorwatchError(f"{scope.key}: the window starts {start}, after its end {end}")
        windows.append(ScopeWindow(scope.key, start, end, reason))
    return windows


# --- map API records onto the warehouse columns ------------------------------------------------


def _award_context(detail: AwardDetail) -> dict[str, Any]:
    """Columns both tables share, from the award detail (as of its latest transaction)."""
    awarding = detail.awarding_agency
    funding = detail.funding_agency
    recipient = detail.recipient
    data = detail.latest_transaction_contract_data
    period = detail.period_of_performance
    place = detail.place_of_performance
    is_idv = (detail.type or "").startswith("IDV")
    return {
        "contract_award_unique_key": detail.generated_unique_award_id,
        "award_id_piid": detail.piid,
        "parent_award_id_piid": detail.parent_award.piid if detail.parent_award else None,
        "awarding_agency_code": awarding
        and awarding.toptier_agency
        and awarding.toptier_agency.code,
        "awarding_agency_name": awarding
        and awarding.toptier_agency
        and awarding.toptier_agency.name,
        "awarding_sub_agency_code": awarding
        and awarding.subtier_agency
        and awarding.subtier_agency.code,
        "awarding_sub_agency_name": awarding
        and awarding.subtier_agency
        and awarding.subtier_agency.name,
        "awarding_office_name": awarding and awarding.office_agency_name,
        "funding_agency_name": funding and funding.toptier_agency and funding.toptier_agency.name,
        "funding_sub_agency_name": funding
        and funding.subtier_agency
        and funding.subtier_agency.name,
        "recipient_uei": recipient and recipient.recipient_uei,
        "recipient_duns": recipient and recipient.recipient_unique_id,
        "recipient_name": recipient and recipient.recipient_name,
        "recipient_parent_uei": recipient and recipient.parent_recipient_uei,
        "recipient_parent_duns": recipient and recipient.parent_recipient_unique_id,
        "recipient_parent_name": recipient and recipient.parent_recipient_name,
        "award_type_code": None if is_idv else detail.type,
        "product_or_service_code": data and data.product_or_service_code,
        "product_or_service_code_description": data and data.product_or_service_description,
        "naics_code": data and data.naics,
        "naics_description": data and data.naics_description,
        "prime_award_base_transaction_description": detail.description,
        "extent_competed_code": data and data.extent_competed,
        "extent_competed": data and data.extent_competed_description,
        "solicitation_procedures_code": data and data.solicitation_procedures,
        "other_than_full_and_open_competition_code": data and data.other_than_full_and_open,
        "other_than_full_and_open_competition": data and data.other_than_full_and_open_description,
        "fair_opportunity_limited_sources_code": data and data.fair_opportunity_limited,
        "type_of_contract_pricing_code": data and data.type_of_contract_pricing,
        "type_of_set_aside_code": data and data.type_set_aside,
        "primary_place_of_performance_state_code": place and place.state_code,
        "primary_place_of_performance_country_code": place and place.location_country_code,
        "usaspending_permalink": PERMALINK.format(detail.generated_unique_award_id),
        "period_of_performance_start_date": period and period.start_date,
        "period_of_performance_current_end_date": period and period.end_date,
        "period_of_performance_potential_end_date": period and period.potential_end_date,
        "last_modified_date": period and period.last_modified_date,
        "number_of_offers_received": data and data.number_of_offers_received,
    }


def award_row(detail: AwardDetail, transactions: Sequence[AwardTransaction]) -> dict[str, Any]:
    """An ``awards`` row: the detail's award-level values."""
    is_idv = (detail.type or "").startswith("IDV")
    return {
        **_award_context(detail),
        "parent_award_agency_id": detail.parent_award.sub_agency_id
        if detail.parent_award
        else None,
        "total_obligated_amount": detail.total_obligation,
        "current_total_value_of_award": detail.base_exercised_options,
        "potential_total_value_of_award": detail.base_and_all_options,
        "award_base_action_date": detail.date_signed,
        "award_latest_action_date": max((t.action_date for t in transactions), default=None),
        "number_of_actions": len(transactions),
        # IDV_B_A and the like are kinds of IDC ("B"), which is all the bulk column says
        "idv_type_code": (detail.type or "").removeprefix("IDV_")[:1] if is_idv else None,
    }


def transaction_row(detail: AwardDetail, record: AwardTransaction) -> dict[str, Any]:
    """A ``transactions`` row: the action's own values plus the award's context."""
    context = _award_context(detail)
    return {
        **context,
        # The API's id is "CONT_TX_" + the bulk files' contract_transaction_unique_key.
        "contract_transaction_unique_key": record.id.removeprefix("CONT_TX_"),
        "modification_number": record.modification_number,
        "action_type_code": record.action_type,
        "transaction_description": record.description,
        "action_date": record.action_date,
        "federal_action_obligation": record.federal_action_obligation,
    }


# --- fetch -----------------------------------------------------------------------------------


@dataclass
class _Fetched:
    scopes: dict[str, list[str]]  # generated award id -> scope keys, in first-seen order
    details: dict[str, Fetched[AwardDetail]]
    transactions: dict[str, list[Fetched[AwardTransaction]]]


def _fetch(
    client: UsaspendingClient,
    options: SyncOptions,
    windows: list[ScopeWindow],
    progress: Progress | None,
) -> _Fetched:
    found: dict[str, list[str]] = {}
    for scope, window in zip(scopes_for(options), windows, strict=True):
        query = AwardQuery(
            group=scope.group,
            agencies=(scope.agency,),
            window=DateWindow(window.start, window.end),
            recipient_search_text=(scope.family,) if scope.family else (),
        )
        for page in client.award_search_pages(
            query.filters(), SEARCH_FIELDS, sort="Award ID", order="asc", limit=options.page_size
        ):
            window.pages += 1
            for result in page.model.results:
                if not result.generated_internal_id:
                    raise SyncError(
                        f"{page.exchange.endpoint}: a result has no generated_internal_id"
                    )
                window.awards += 1
                found.setdefault(result.generated_internal_id, []).append(scope.key)
            if progress:
                progress(f"searching {scope.key}", window.awards, None)
    details: dict[str, Fetched[AwardDetail]] = {}
    transactions: dict[str, list[Fetched[AwardTransaction]]] = {}
    for done, award_id in enumerate(found, start=1):
        detail = client.award(award_id)
        if detail.model.generated_unique_award_id != award_id:
            raise SyncError(
                f"{detail.exchange.endpoint}: asked for {award_id}, "
                f"got {detail.model.generated_unique_award_id}"
            )
        details[award_id] = detail
        transactions[award_id] = client.award_transactions(award_id)
        if progress:
            progress("award details and transactions", done, len(found))
    return _Fetched(found, details, transactions)


# --- apply -----------------------------------------------------------------------------------


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


def _stage(
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


def _change_id(*parts: str) -> str:
    return hashlib.sha256("|".join(parts).encode()).hexdigest()[:32]


def _direction(amount: Decimal | None) -> str:
    if amount is None or amount == 0:
        return "none"
    return "obligation" if amount > 0 else "deobligation"


def _detect_changes(
    con: duckdb.DuckDBPyConnection,
    fetched: _Fetched,
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

    def change(kind: str, row: dict[str, Any], change_id: str, sha: str, **values: Any) -> Change:
        return Change(
            change_id=change_id,
            kind=kind,
            contract_award_unique_key=row["contract_award_unique_key"],
            award_id_piid=row.get("award_id_piid"),
            contract_transaction_unique_key=values.get("transaction_key"),
            modification_number=values.get("modification_number"),
            action_date=values.get("action_date"),
            amount=values.get("amount"),
            obligation_change=_direction(values.get("amount")),
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
                    _change_id("new_award", key),
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
                    _change_id("end_date_changed", key, old.isoformat(), new.isoformat()),
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
                _change_id("new_modification", tx["contract_transaction_unique_key"]),
                tx_sha,
                transaction_key=tx["contract_transaction_unique_key"],
                modification_number=tx.get("modification_number"),
                action_date=tx.get("action_date"),
                amount=tx.get("federal_action_obligation"),
            )
        )
    return changes


_CHANGE_TYPES = (
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


def _record_changes(
    con: duckdb.DuckDBPyConnection, changes: list[Change], run_id: str, now: datetime
) -> list[Change]:
    """Insert the changes not recorded before (by ``change_id``); the ones that were new."""
    if not changes:
        return []
    columns = [name for name, _ in _CHANGE_TYPES]
    select = ", ".join(
        f"unnest(${i + 3}::{kind}[]) AS {name}" for i, (name, kind) in enumerate(_CHANGE_TYPES)
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


def _batches(
    fetched: _Fetched,
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


def _source_file(
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
            _utc_now(),
        ],
    )


def _apply(
    con: duckdb.DuckDBPyConnection,
    *,
    journal: Journal,
    run_id: str,
    started_at: datetime,
    api_base: str,
    windows: list[ScopeWindow],
    fetched: _Fetched,
    client: UsaspendingClient,
    result: SyncResult,
) -> None:
    award_lines, award_rows, tx_lines, tx_rows = _batches(fetched)
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
        award_columns = _stage(con, "vw_sync_awards", AWARDS, award_rows)
        tx_columns = _stage(con, "vw_sync_transactions", TRANSACTIONS, tx_rows)
        new_tx_keys = {
            r[0]
            for r in con.execute(
                """
                SELECT s.contract_transaction_unique_key FROM vw_sync_transactions s
                WHERE NOT EXISTS (
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
        new_tx = [t for t in tx_rows if t["contract_transaction_unique_key"] in new_tx_keys]
        by_key = {row["contract_award_unique_key"]: row for row in award_rows}
        changes = _detect_changes(
            con, fetched, award_rows=by_key, new_tx=new_tx, awards_sha=awards_sha, tx_sha=tx_sha
        )

        same = " AND ".join(f"a.{c} IS NOT DISTINCT FROM s.{c}" for c in award_columns)
        new_awards = con.execute(
            f"""
            SELECT s.source_row FROM vw_sync_awards s
            WHERE NOT EXISTS (SELECT 1 FROM awards a WHERE {same})
            """
        ).fetchall()
        if awards_sha not in held and award_rows:
            _source_file(
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
            _source_file(
                con,
                path=tx_path,
                sha=tx_sha,
                layout=TRANSACTIONS_LAYOUT,
                table=TRANSACTIONS,
                rows=len(tx_rows),
                columns=len(tx_columns),
            )
            rows = [t["source_row"] for t in new_tx]
            con.execute(
                f"""
                INSERT INTO transactions ({", ".join(tx_columns)}, source_sha256, source_row)
                SELECT {", ".join(tx_columns)}, ?, source_row FROM vw_sync_transactions
                WHERE source_row IN (SELECT unnest(?::BIGINT[]))
                """,
                [tx_sha, rows],
            )
            result.transactions_inserted = len(rows)
        recorded = _record_changes(con, changes, run_id, _utc_now())
        result.changes = recorded
        con.execute(
            "INSERT INTO sync_runs VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [
                run_id,
                started_at,
                _utc_now(),
                api_base,
                min(w.start for w in windows),
                max(w.end for w in windows),
                [w.scope for w in windows],
                client.stats.requests + client.stats.cached,
                len(fetched.scopes),
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
        _fault_point("sync-before-commit")
        con.execute("COMMIT")
    except BaseException:
        con.execute("ROLLBACK")
        raise
    finally:
        con.execute("DROP TABLE IF EXISTS vw_sync_awards")
        con.execute("DROP TABLE IF EXISTS vw_sync_transactions")


# --- the whole sync ----------------------------------------------------------------------------


def sync(
    warehouse: Path,
    client: UsaspendingClient,
    options: SyncOptions | None = None,
    *,
    progress: Progress | None = None,
    today: date | None = None,
) -> SyncResult:
    """Bring ``warehouse`` up to date; resumable; all-or-nothing in the warehouse."""
    options = options or SyncOptions()
    started = time.perf_counter()
    journal = Journal(warehouse)
    fingerprint = options.fingerprint(client.base_url)
    pending = journal.pending()
    resumed = pending is not None and pending.get("fingerprint") == fingerprint
    con = open_warehouse(warehouse)
    try:
        if resumed and pending is not None:
            run_id = str(pending["run_id"])
            started_at = datetime.fromisoformat(pending["started_at"])
            windows = [
                ScopeWindow(
                    w["scope"],
                    date.fromisoformat(w["start"]),
                    date.fromisoformat(w["end"]),
                    w["start_reason"],
                )
                for w in pending["windows"]
            ]
        else:
            run_id = _utc_now().strftime("%Y%m%dT%H%M%S-") + uuid.uuid4().hex[:8]
            started_at = _utc_now()
            windows = plan_windows(con, options, today or datetime.now(UTC).date())
    finally:
        con.close()
    if not resumed:
        journal.start(
            {
                "run_id": run_id,
                "fingerprint": fingerprint,
                "started_at": started_at.isoformat(),
                "api_base": client.base_url,
                "options": asdict(options),
                "windows": [
                    {**asdict(w), "start": w.start.isoformat(), "end": w.end.isoformat()}
                    for w in windows
                ],
            }
        )
    result = SyncResult(run_id=run_id, api_base=client.base_url, resumed=resumed, windows=windows)
    network_requests = 0

    def after_exchange(exchange: Exchange) -> None:
        nonlocal network_requests
        if not exchange.from_cache:
            network_requests += 1
            _fault_point(f"sync-request-{network_requests}")

    client.attach(journal, after_exchange)
    try:
        fetched = _fetch(client, options, windows, progress)
    except UsaspendingError as exc:
        raise SyncError(
            f"sync stopped, the warehouse is unchanged: {exc}. The "
            f"{journal.cached_responses()} answers so far are kept; run the same command "
            "again to resume"
        ) from None
    finally:
        client.detach()
    result.awards_seen = len(fetched.scopes)
    if progress:
        progress("writing to the warehouse", 0, None)
    con = open_warehouse(warehouse)
    try:
        _apply(
            con,
            journal=journal,
            run_id=run_id,
            started_at=started_at,
            api_base=client.base_url,
            windows=windows,
            fetched=fetched,
            client=client,
            result=result,
        )
    finally:
        con.close()
    journal.discard()
    result.requests = client.stats.requests
    result.answered_from_journal = client.stats.cached
    result.retries = client.stats.retries
    result.seconds = time.perf_counter() - started
    return result


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
