"""Seeding the warehouse from USAspending's bulk award downloads.

A first full-history `sync` of ICE is tens of thousands of awards at two requests each; a bulk
download is one request, a wait and a zip per federal fiscal year. Each fiscal year is asked
for separately (as the API's own example does), the zips are kept beside the warehouse
(``<warehouse>.sync/downloads/``, so an interrupted download resumes, a re-run re-uses them,
and they remain the source the loaded rows name: `vendorwatch.sources.downloads`), each CSV
inside is loaded all or nothing (the loader knows a file it already holds by its content),
what the new rows change is recorded in ``sync_changes`` for the alerts
(`vendorwatch.sources.bulk_changes`) with the archive as a ``sync_runs`` row, recipients are
resolved and the facts rebuilt, and the archive's version is published. One fiscal year at a
time, each journaled when published (`vendorwatch.sources.archives`): the whole history of
every agency (``--all-agencies``, FY2008 on) is a day of downloads, and a re-run after a crash
skips the years already in.
"""

from __future__ import annotations

import hashlib
import json
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

import duckdb

from vendorwatch.analysis.base import fiscal_year_of
from vendorwatch.build import writing
from vendorwatch.errors import VendorwatchError
from vendorwatch.faults import fault_point
from vendorwatch.sources.archives import ArchiveJournal
from vendorwatch.sources.bulk_changes import BulkChanges
from vendorwatch.sources.downloads import Member, load_archive
from vendorwatch.sources.journal import Journal
from vendorwatch.sources.plan import Progress
from vendorwatch.sources.stage import utc_now
from vendorwatch.sources.usaspending import (
    AGENCIES,
    AWARD_TYPE_GROUPS,
    Agency,
    UsaspendingClient,
)
from vendorwatch.warehouse import LoadResult
from vendorwatch.warehouse.sniff import content_sha256


@dataclass
class BulkResult:
    run_id: str = ""  # the latest archive's run (each archive is its own sync_runs row)
    runs: list[str] = field(default_factory=list)
    downloads: list[Path] = field(default_factory=list)
    done_before: list[str] = field(default_factory=list)  # archives the journal names
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
            "runs": self.runs,
            "downloads": [str(p) for p in self.downloads],
            "done_before": self.done_before,
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


ALL_AGENCIES = Agency("all", "All", tier="toptier", toptier_name=None)
"""The Download Center's every-agency filter: ``{"tier": "toptier", "name": "All"}``."""


def fiscal_years_window(first: int, last: int, today: date | None = None) -> tuple[date, date]:
    """Fiscal years ``first``..``last`` as one date window (ending today at the latest)."""
    if last < first:
        raise VendorwatchError(f"fiscal year {last} comes before {first}")
    end = min(date(last, 9, 30), today or date.today())
    return date(first - 1, 10, 1), end


def download_body(agencies: Sequence[str], start: date, end: date) -> dict[str, Any]:
    """The ``bulk_download/awards/`` request: contract and IDV prime awards by action date
    (``agencies`` ``["all"]``: every agency)."""
    known = {**AGENCIES, "all": ALL_AGENCIES}
    unknown = [a for a in agencies if a not in known]
    if unknown:
        raise VendorwatchError(
            f"unknown agency {', '.join(unknown)}; choose from {', '.join(known)}"
        )
    return {
        "filters": {
            "prime_award_types": [*AWARD_TYPE_GROUPS["contracts"], *AWARD_TYPE_GROUPS["idvs"]],
            "date_type": "action_date",
            "date_range": {"start_date": start.isoformat(), "end_date": end.isoformat()},
            "agencies": [known[a].as_filter() for a in agencies],
        },
        "file_format": "csv",
    }


def request_key(body: dict[str, Any]) -> str:
    """The journal's name for a download: the hash of its request."""
    return "request:" + hashlib.sha256(json.dumps(body, sort_keys=True).encode()).hexdigest()


def bulk_seed(
    warehouse: Path,
    client: UsaspendingClient,
    agencies: Sequence[str],
    start: date,
    end: date,
    *,
    progress: Progress | None = None,
    poll_every: float = 10.0,
    wait: float | None = None,
) -> BulkResult:
    """Download each fiscal year's contract awards of ``agencies`` and load it, one archive at
    a time: each is published as its own warehouse version (with its changes, its
    ``sync_runs`` row and derived data) and then journaled (`vendorwatch.sources.archives`),
    so a re-run skips the finished years and a crash costs only the year it was in."""
    windows = fiscal_year_windows(start, end)
    bodies = [download_body(agencies, first, last) for first, last in windows]
    journal, finished = Journal(warehouse), ArchiveJournal(warehouse)
    seed_id = utc_now().strftime("%Y%m%dT%H%M%S-bulk-") + uuid.uuid4().hex[:8]
    result = BulkResult(run_id=seed_id)
    report = progress or (lambda step, done, total: None)
    with journal.locked():
        for done, (window, body) in enumerate(zip(windows, bodies, strict=True)):
            report("archives", done, len(bodies))
            key = request_key(body)
            entry = finished.find(key)
            if entry is not None:
                result.done_before.append(str(entry.get("archive")))
                continue
            started_at = utc_now()
            zip_path = client.bulk_download(body, journal.downloads, poll_every=poll_every)
            result.downloads.append(zip_path)
            run_id = seed_id if len(bodies) == 1 else f"{seed_id}-fy{fiscal_year_of(window[0])}"
            with writing(warehouse, wait=wait) as writer:
                members = _load(writer.con, run_id, zip_path, client=client, agencies=agencies,
                                window=window, started_at=started_at, result=result)  # fmt: skip
                writer.changed = True
                fault_point(f"archive-{done + 1}-loaded")  # a crash test may kill it here
            result.run_id = run_id  # the latest run
            result.runs.append(run_id)
            if isinstance(writer.derived, tuple):
                summary, result.facts = writer.derived
                result.identities = summary.identities if summary else result.identities
            finished.record({"key": key, "sha256": content_sha256(zip_path),
                             "archive": str(zip_path),
                             "files": [{"file": m.name, "status": m.result.status,
                                        "rows": m.result.rows} for m in members]})  # fmt: skip
        report("archives", len(bodies), len(bodies))
    return result


def _load(
    con: duckdb.DuckDBPyConnection,
    run_id: str,
    zip_path: Path,
    *,
    client: UsaspendingClient,
    agencies: Sequence[str],
    window: tuple[date, date],
    started_at: datetime,
    result: BulkResult,
) -> list[Member]:
    """Load one download, record each new file's changes, then its run."""
    scopes = [f"bulk:{a}" for a in agencies]
    changes = BulkChanges(con, run_id, scopes)
    try:
        members = load_archive(con, zip_path, before_provenance=changes.record)
    finally:
        changes.close()
    result.members += members
    for kind, count in changes.counts.items():
        result.changes[kind] = result.changes.get(kind, 0) + count
    result.changes = dict(sorted(result.changes.items()))
    loaded = [m.result for m in members if m.new_rows and m.result.sha256]
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
            run_id,
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
    return members
