"""Fetch a sync's records: every search page of every scope, then each award that moved.

Page through ``spending_by_award`` for every scope (`search`), then, for every award found
whose ``Last Modified Date`` moved since the warehouse last held it (`vendorwatch.sources.
current`), fetch its detail (``awards/<id>/``: competition, potential value, parent
recipient, period of performance) and its transactions (``POST transactions/``)
(`fetch_awards`). An award the warehouse holds at the version the search names costs no
request: a sync costs its search pages plus two requests per award that changed. The client
keeps every answer in the journal before it is used, so an interrupted sync resumes without
asking again.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from vendorwatch.sources.models import AwardDetail, AwardTransaction
from vendorwatch.sources.plan import Progress, ScopeWindow, SyncError, SyncOptions, scopes_for
from vendorwatch.sources.usaspending import AwardQuery, DateWindow, Fetched, UsaspendingClient

SEARCH_FIELDS = (
    "Award ID",
    "generated_internal_id",
    "Last Modified Date",
    "Recipient Name",
    "Awarding Sub Agency",
)


@dataclass
class Found:
    """What the searches found: each award's scopes and the version the search names."""

    scopes: dict[str, list[str]]  # generated award id -> scope keys, in first-seen order
    modified: dict[str, str | None]  # generated award id -> its "Last Modified Date"
    search_requests: int = 0


@dataclass
class FetchedAwards:
    """What a sync fetched, in the order it was found (``scopes``: the awards asked for)."""

    scopes: dict[str, list[str]]  # generated award id -> scope keys, in first-seen order
    details: dict[str, Fetched[AwardDetail]]
    transactions: dict[str, list[Fetched[AwardTransaction]]]
    modified: dict[str, str | None] = field(default_factory=dict)
    current: list[str] = field(default_factory=list)  # found, held at that version: not asked
    award_requests: int = 0  # detail and transactions requests sent (not from the journal)
    search_requests: int = 0


def search(
    client: UsaspendingClient,
    options: SyncOptions,
    windows: list[ScopeWindow],
    progress: Progress | None,
) -> Found:
    found = Found({}, {})
    before = client.stats.requests
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
                found.scopes.setdefault(result.generated_internal_id, []).append(scope.key)
                found.modified[result.generated_internal_id] = result.last_modified
            if progress:
                progress(f"searching {scope.key}", window.awards, None)
    found.search_requests = client.stats.requests - before
    return found


def fetch_awards(
    client: UsaspendingClient, found: Found, current: set[str], progress: Progress | None
) -> FetchedAwards:
    """Detail and transactions of every award found but those ``current`` (held as found)."""
    wanted = {k: v for k, v in found.scopes.items() if k not in current}
    details: dict[str, Fetched[AwardDetail]] = {}
    transactions: dict[str, list[Fetched[AwardTransaction]]] = {}
    before = client.stats.requests
    for done, award_id in enumerate(wanted, start=1):
        detail = client.award(award_id)
        if detail.model.generated_unique_award_id != award_id:
            raise SyncError(
                f"{detail.exchange.endpoint}: asked for {award_id}, "
                f"got {detail.model.generated_unique_award_id}"
            )
        details[award_id] = detail
        transactions[award_id] = client.award_transactions(award_id)
        if progress:
            progress("award details and transactions", done, len(wanted))
    return FetchedAwards(
        wanted,
        details,
        transactions,
        modified={k: found.modified.get(k) for k in wanted},
        current=[k for k in found.scopes if k in current],
        award_requests=client.stats.requests - before,
        search_requests=found.search_requests,
    )
