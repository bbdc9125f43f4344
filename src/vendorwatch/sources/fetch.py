"""Fetch a sync's records: every search page of every scope, then each award found.

Page through ``spending_by_award`` for every scope, then for every award found fetch its
detail (``awards/<id>/``: competition, potential value, parent recipient, period of
performance) and its transactions (``POST transactions/``). The client keeps every answer in
the journal before it is used, so an interrupted sync resumes without asking again.
"""

from __future__ import annotations

from dataclasses import dataclass

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
class FetchedAwards:
    """What a sync fetched, in the order it was found."""

    scopes: dict[str, list[str]]  # generated award id -> scope keys, in first-seen order
    details: dict[str, Fetched[AwardDetail]]
    transactions: dict[str, list[Fetched[AwardTransaction]]]


def fetch(
    client: UsaspendingClient,
    options: SyncOptions,
    windows: list[ScopeWindow],
    progress: Progress | None,
) -> FetchedAwards:
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
    return FetchedAwards(found, details, transactions)
