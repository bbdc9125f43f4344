"""Seeding the warehouse from USAspending's bulk award downloads.

A first full-history `sync` of ICE is tens of thousands of awards at two requests each; a bulk
download is one request, a wait and a zip per federal fiscal year. Each fiscal year is asked
for separately (as the API's own example does), the zips are kept beside the warehouse
(``<warehouse>.sync/downloads/``, so an interrupted download resumes, a re-run re-uses them,
and they remain the source the loaded rows name: `vendorwatch.sources.downloads`), each CSV
inside is loaded all or nothing (the loader knows a file it already holds by its content),
what the new rows change is recorded in ``sync_changes`` for the alerts
(`vendorwatch.sources.bulk_changes`) with the seed as a ``sync_runs`` row, and then
recipients are resolved and the facts rebuilt once.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

import duckdb

from vendorwatch.analysis.base import fiscal_year_of
from vendorwatch.build import ensure_derived
from vendorwatch.errors import VendorwatchError
from vendorwatch.sources.bulk_changes import BulkChanges
from vendorwatch.sources.downloads import Member, load_archive
from vendorwatch.sources.journal import Journal
from vendorwatch.sources.plan import Progress
from vendorwatch.sources.stage import utc_now, warehouse_connection
from vendorwatch.sources.usaspending import AGENCIES, AWARD_TYPE_GROUPS, UsaspendingClient
from vendorwatch.warehouse import LoadResult


@dataclass
class BulkResult:
    run_id: str = ""
    downloads: list[Path] = field(default_factory=list)
    members: list[Member] = field(default_factory=list)
    changes: dict[str, int] = field(default_factory=dict)  # kind -> changes recorded
    identities: int | None = None  # recipient identities resolved afterwards
    facts: int | None = None  # rows in the rebuilt facts table

    @property
    def loads(self) -> list[LoadResult]:
        return [m.result for m in self.members]

    def as_dict(self) -> dict[str, Any]:
        return {
            "run_id": self.run_id,
            "downloads": [str(p) for p in self.downloads],
            "files": [
                {
                    "file": m.result.path.name,
                    "status": m.result.status,
                    "rows": m.result.rows,
                    "error": m.result.error,
                    "source": m.name,
                    "sha256": m.result.sha256,
                    "archive_sha256": m.archive_sha256,
                }
                for m in self.members
            ],
            "changes": self.changes,
            "identities": self.identities,
            "facts": self.facts,
        }


def fiscal_year_windows(start: date, end: date) -> list[tuple[date, date]]:
    """``[start, end]`` cut at federal fiscal-year boundaries (1 October)."""
    if end < start:
        raise VendorwatchError(f"the window ends ({end}) before it starts ({start})")
    windows = []
    for year in range(fiscal_year_of(start), fiscal_year_of(end) + 1):
        first, last = date(year - 1, 10, 1), date(year, 9, 30)
        windows.append((max(first, start), min(last, end)))
    return windows


def download_body(agencies: Sequence[str], start: date, end: date) -> dict[str, Any]:
    """The ``bulk_download/awards/`` request: contract and IDV prime awards by action date."""
    unknown = [a for a in agencies if a not in AGENCIES]
    if unknown:
        raise VendorwatchError(
            f"unknown agency {', '.join(unknown)}; choose from {', '.join(AGENCIES)}"
        )
    return {
        "filters": {
            "prime_award_types": [*AWARD_TYPE_GROUPS["contracts"], *AWARD_TYPE_GROUPS["idvs"]],
            "date_type": "action_date",
            "date_range": {"start_date": start.isoformat(), "end_date": end.isoformat()},
            "agencies": [AGENCIES[a].as_filter() for a in agencies],
        },
        "file_format": "csv",
    }


def bulk_seed(
    warehouse: Path,
    client: UsaspendingClient,
    agencies: Sequence[str],
    start: date,
    end: date,
    *,
    con: duckdb.DuckDBPyConnection | None = None,
    progress: Progress | None = None,
    poll_every: float = 10.0,
) -> BulkResult:
    """Download each fiscal year's contract awards of ``agencies`` and load them.

    ``warehouse`` names the warehouse (the downloads are kept beside it); ``con``, when given,
    is the open read-write connection to write through, else the file is opened to load.
    """
    windows = fiscal_year_windows(start, end)
    bodies = [download_body(agencies, first, last) for first, last in windows]
    journal = Journal(warehouse)
    started_at = utc_now()
    result = BulkResult(run_id=started_at.strftime("%Y%m%dT%H%M%S-bulk-") + uuid.uuid4().hex[:8])
    report = progress or (lambda step, done, total: None)
    with journal.locked():
        for done, body in enumerate(bodies):
            report("downloads", done, len(bodies))
            result.downloads.append(
                client.bulk_download(body, journal.downloads, poll_every=poll_every)
            )
        report("downloads", len(bodies), len(bodies))
        with warehouse_connection(warehouse, con) as db:
            _load(db, result, client=client, agencies=agencies, window=(start, end),
                  started_at=started_at, report=report)  # fmt: skip
            summary, result.facts = ensure_derived(
                db, rows_changed=any(m.new_rows for m in result.members)
            )
    result.identities = summary.identities if summary else None
    return result


def _load(
    con: duckdb.DuckDBPyConnection,
    result: BulkResult,
    *,
    client: UsaspendingClient,
    agencies: Sequence[str],
    window: tuple[date, date],
    started_at: datetime,
    report: Progress,
) -> None:
    """Load every download, record each new file's changes, then the run."""
    scopes = [f"bulk:{a}" for a in agencies]
    changes = BulkChanges(con, result.run_id, scopes)
    try:
        for done, zip_path in enumerate(result.downloads):
            report("loading", done, len(result.downloads))
            result.members += load_archive(con, zip_path, before_provenance=changes.record)
        report("loading", len(result.downloads), len(result.downloads))
    finally:
        changes.close()
    result.changes = dict(sorted(changes.counts.items()))
    loaded = [m.result for m in result.members if m.new_rows and m.result.sha256]
    seen = con.execute(
        """
        WITH files AS (SELECT unnest($shas::VARCHAR[]) AS sha)
        SELECT count(DISTINCT contract_award_unique_key) FROM (
            SELECT contract_award_unique_key FROM awards WHERE source_sha256 IN (FROM files)
            UNION ALL
            SELECT contract_award_unique_key FROM transactions
            WHERE source_sha256 IN (FROM files))
        """,
        {"shas": [r.sha256 for r in loaded]},
    ).fetchall()[0][0]
    con.execute(
        "INSERT INTO sync_runs VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, NULL, NULL)",
        [
            result.run_id,
            started_at,
            utc_now(),
            client.base_url,
            window[0],
            window[1],
            scopes,
            client.stats.requests,
            seen,
            sum(r.rows for r in loaded if r.table == "awards"),
            sum(r.rows for r in loaded if r.table == "transactions"),
            sum(changes.counts.values()),
        ],
    )
