"""``vendorwatch sync``: bring the warehouse up to date from the USAspending API.

One sync, each step its own module:

1. **Plan** (`vendorwatch.sources.plan`): one scope per agency x award-type group x watched
   name, each with its date window (from its watermark, ``--since`` or what is held).
2. **Fetch** (`vendorwatch.sources.fetch`): every search page, then each award's detail and
   transactions; every answer kept in the journal first, so a stopped sync resumes.
3. **Apply, in one warehouse transaction** (`vendorwatch.sources.apply`, with
   `vendorwatch.sources.stage` for the batch files and staging, `vendorwatch.sources.changes`
   for what changed, `vendorwatch.sources.mapping` for the columns).
4. **Derive**: resolutions and ``facts`` brought up to date with the new rows
   (`vendorwatch.build.ensure_derived`), so every synced row has its family at once.

The journal is held for the whole run (`Journal.locked`): a second sync of the same warehouse
stops with a clear message instead of sharing its pending plan and answers.
"""

from __future__ import annotations

import time
import uuid
from dataclasses import asdict, dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import duckdb

from vendorwatch.build import ensure_derived
from vendorwatch.faults import fault_point
from vendorwatch.sources.apply import apply
from vendorwatch.sources.changes import Change
from vendorwatch.sources.current import held_current
from vendorwatch.sources.fetch import FetchedAwards, fetch_awards, search
from vendorwatch.sources.journal import Journal
from vendorwatch.sources.plan import Progress, ScopeWindow, SyncError, SyncOptions, plan_windows
from vendorwatch.sources.stage import utc_now, warehouse_connection
from vendorwatch.sources.usaspending import Exchange, UsaspendingClient, UsaspendingError


@dataclass
class SyncResult:
    run_id: str
    api_base: str
    resumed: bool
    windows: list[ScopeWindow]
    awards_seen: int = 0
    awards_fetched: int = 0  # asked for detail and transactions: their version moved
    awards_current: int = 0  # found, held at the version found: no request
    awards_inserted: int = 0
    transactions_inserted: int = 0
    transactions_corrected: int = 0
    transactions_deleted: int = 0
    search_requests: int = 0
    award_requests: int = 0  # detail and transactions requests sent
    changes: list[Change] = field(default_factory=list)
    requests: int = 0
    answered_from_journal: int = 0
    retries: int = 0
    seconds: float = 0.0
    batch_files: list[str] = field(default_factory=list)
    identities: int | None = None  # recipient identities resolved afterwards (None: current)
    facts: int | None = None  # rows of the rebuilt facts table (None: it was current)

    @property
    def requests_per_award(self) -> str:
        """Detail and transactions requests sent per award found, to two places."""
        return f"{self.award_requests / self.awards_seen:.2f}" if self.awards_seen else "0.00"

    def as_dict(self) -> dict[str, Any]:
        return {
            "run_id": self.run_id,
            "api_base": self.api_base,
            "resumed": self.resumed,
            "windows": [w.as_dict() for w in self.windows],
            "awards_seen": self.awards_seen,
            "awards_fetched": self.awards_fetched,
            "awards_current": self.awards_current,
            "awards_inserted": self.awards_inserted,
            "transactions_inserted": self.transactions_inserted,
            "transactions_corrected": self.transactions_corrected,
            "transactions_deleted": self.transactions_deleted,
            "search_requests": self.search_requests,
            "award_requests": self.award_requests,
            "requests_per_award": self.requests_per_award,
            "changes": [c.as_dict() for c in self.changes],
            "requests": self.requests,
            "answered_from_journal": self.answered_from_journal,
            "retries": self.retries,
            "seconds": round(self.seconds, 3),
            "batch_files": self.batch_files,
            "identities": self.identities,
            "facts": self.facts,
        }


def _plan(
    journal: Journal,
    con: duckdb.DuckDBPyConnection,
    client: UsaspendingClient,
    options: SyncOptions,
    today: date | None,
) -> tuple[str, datetime, list[ScopeWindow], bool]:
    """(run id, start, windows, resumed): the pending run's if its options match, else new."""
    fingerprint = options.fingerprint(client.base_url)
    pending = journal.pending()
    if pending is not None and pending.get("fingerprint") == fingerprint:
        windows = [ScopeWindow.from_dict(w) for w in pending["windows"]]
        return str(pending["run_id"]), datetime.fromisoformat(pending["started_at"]), windows, True
    run_id = utc_now().strftime("%Y%m%dT%H%M%S-") + uuid.uuid4().hex[:8]
    started_at = utc_now()
    windows = plan_windows(con, options, today or datetime.now(UTC).date())
    journal.start(
        {
            "run_id": run_id,
            "fingerprint": fingerprint,
            "started_at": started_at.isoformat(),
            "api_base": client.base_url,
            "options": asdict(options),
            "windows": [w.as_dict() for w in windows],
        }
    )
    return run_id, started_at, windows, False


def _fetch(
    warehouse: Path,
    con: duckdb.DuckDBPyConnection | None,
    client: UsaspendingClient,
    *,
    options: SyncOptions,
    windows: list[ScopeWindow],
    progress: Progress | None,
) -> FetchedAwards:
    """Search, then ask only for the awards whose version moved (`vendorwatch.sources.current`);
    the warehouse is open only to read what it holds, between the two."""
    found = search(client, options, windows, progress)
    with warehouse_connection(warehouse, con) as reading:
        current = held_current(reading, found.modified)
    return fetch_awards(client, found, current, progress)


def sync(
    warehouse: Path,
    client: UsaspendingClient,
    options: SyncOptions | None = None,
    *,
    con: duckdb.DuckDBPyConnection | None = None,
    progress: Progress | None = None,
    today: date | None = None,
) -> SyncResult:
    """Bring the warehouse up to date; resumable; all-or-nothing in the warehouse.

    ``warehouse`` names it (its journal lives beside it); ``con``, when given, is the open
    read-write connection to write through (a snapshot writer's, say); without it the file is
    opened for planning and for applying, and left closed while the API is asked.
    """
    options = options or SyncOptions()
    started = time.perf_counter()
    journal = Journal(warehouse)
    with journal.locked():
        with warehouse_connection(warehouse, con) as planning:
            run_id, started_at, windows, resumed = _plan(journal, planning, client, options, today)
        result = SyncResult(
            run_id=run_id, api_base=client.base_url, resumed=resumed, windows=windows
        )
        network_requests = 0

        def after_exchange(exchange: Exchange) -> None:
            nonlocal network_requests
            if not exchange.from_cache:
                network_requests += 1
                fault_point(f"sync-request-{network_requests}")

        client.attach(journal, after_exchange)
        try:
            fetched = _fetch(
                warehouse, con, client, options=options, windows=windows, progress=progress
            )
        except UsaspendingError as exc:
            raise SyncError(
                f"sync stopped, the warehouse is unchanged: {exc}. The "
                f"{journal.cached_responses()} answers so far are kept; run the same command "
                "again to resume"
            ) from None
        finally:
            client.detach()
        result.awards_seen = len(fetched.scopes) + len(fetched.current)
        result.awards_fetched = len(fetched.scopes)
        result.awards_current = len(fetched.current)
        result.search_requests = fetched.search_requests
        result.award_requests = fetched.award_requests
        if progress:
            progress("writing to the warehouse", 0, None)
        with warehouse_connection(warehouse, con) as writing:
            applied = apply(
                writing,
                journal=journal,
                run_id=run_id,
                started_at=started_at,
                api_base=client.base_url,
                windows=windows,
                fetched=fetched,
                requests=client.stats.requests + client.stats.cached,
            )
            if progress:
                progress("resolving recipients and rebuilding facts", 0, None)
            # a resumed run may be one killed after its COMMIT and before this step
            changed = (
                bool(applied.awards_inserted or applied.transactions_inserted)
                or bool(applied.transactions_corrected or applied.transactions_deleted)
                or resumed
            )
            summary, facts = ensure_derived(writing, rows_changed=changed)
        journal.discard()
    result.awards_inserted = applied.awards_inserted
    result.transactions_inserted = applied.transactions_inserted
    result.transactions_corrected = applied.transactions_corrected
    result.transactions_deleted = applied.transactions_deleted
    result.changes = applied.changes
    result.batch_files = applied.batch_files
    result.identities = summary.identities if summary else None
    result.facts = facts
    result.requests = client.stats.requests
    result.answered_from_journal = client.stats.cached
    result.retries = client.stats.retries
    result.seconds = time.perf_counter() - started
    return result
