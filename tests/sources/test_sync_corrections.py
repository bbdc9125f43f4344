"""A sync that finds a transaction corrected or deleted, and a sync that asks only for what moved.

The replay server tells three ICE contracts, then one of them again with a modification's
amount corrected and another modification gone (USAspending deleted it), then all three with
only one changed. The expected figures are summed here from the transactions the server
tells, with Decimal, never read back from the code.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from decimal import Decimal
from pathlib import Path

import duckdb
from fastapi.testclient import TestClient

from tests.sources.api import ICE, Award, Tx, make_awards
from tests.sources.replay import serve
from tests.sources.scenario import recording
from vendorwatch.analysis import award_history, connect
from vendorwatch.analysis.corrections import corrections_of
from vendorwatch.sources import SyncOptions, UsaspendingClient, sync
from vendorwatch.sources.sync import SyncResult
from vendorwatch.web import create_app

OPTIONS = SyncOptions(agencies=("ice",), groups=("contracts",), page_size=2)
FIRST = replace(OPTIONS, since=date(2024, 10, 1), until=date(2025, 1, 31))
SECOND = replace(OPTIONS, until=date(2025, 2, 28))
AGAIN = replace(OPTIONS, since=date(2024, 10, 1), until=date(2025, 3, 31))


def run(
    awards: list[Award], warehouse: Path, options: SyncOptions, start: str
) -> tuple[SyncResult, list[str]]:
    """The sync's result and the per-award requests the server saw (detail, transactions)."""
    exchanges = recording({"ice:contracts": awards}, start=start, page_size=options.page_size)
    with serve(exchanges) as (base, replay), UsaspendingClient(base, requests_per_second=0) as api:
        result = sync(warehouse, api, options)
    asked = [
        e["path"] if e["method"] == "GET" else f"transactions:{e['request']['award_id']}"
        for e in replay.log
        if e["path"].startswith("/api/v2/awards/") or e["path"] == "/api/v2/transactions/"
    ]
    return result, asked


def obligations(warehouse: Path) -> dict[str, Decimal]:
    con = duckdb.connect(str(warehouse), read_only=True)
    rows = con.execute(
        "SELECT contract_award_unique_key, sum(federal_action_obligation) FROM facts GROUP BY 1"
    ).fetchall()
    con.close()
    return dict(rows)


def told(awards: list[Award]) -> dict[str, Decimal]:
    return {a.generated_id: sum((t.amount for t in a.transactions), Decimal(0)) for a in awards}


def corrected(award: Award) -> Award:
    """P00001 from 100.50 to 90.50 and P00002 gone, on 5 February 2025."""
    kept = [
        replace(t, amount=Decimal("90.50")) if t.mod == "P00001" else t
        for t in award.transactions
        if t.mod != "P00002"
    ]
    return replace(award, transactions=kept, last_modified=date(2025, 2, 5))


def test_a_correction_and_a_deletion_change_the_figures(tmp_path: Path) -> None:
    warehouse = tmp_path / "w.duckdb"
    awards = make_awards(3, ICE)  # 2, 3 and 1 transactions
    first, _ = run(awards, warehouse, FIRST, "2024-10-01")
    assert first.transactions_inserted == 6
    assert obligations(warehouse) == told(awards)

    changed = corrected(awards[1])
    assert [t.mod for t in awards[1].transactions] == ["0", "P00001", "P00002"]
    second, asked = run([changed], warehouse, SECOND, "2025-01-31")
    assert (second.transactions_corrected, second.transactions_deleted) == (1, 1)
    assert second.transactions_inserted == 0
    assert obligations(warehouse) == told([awards[0], changed, awards[2]])
    assert asked == [
        f"/api/v2/awards/{changed.generated_id}/",
        f"transactions:{changed.generated_id}",
    ]
    kinds = sorted((c.kind, c.modification_number, c.amount) for c in second.changes)
    assert kinds == [
        ("transaction_corrected", "P00001", Decimal("-10.00")),
        ("transaction_deleted", "P00002", Decimal("-200.50")),
    ]

    ibis_con = connect(warehouse)
    history = award_history(ibis_con, changed.piid, date(2025, 12, 31))
    assert history.obligated == told([changed])[changed.generated_id]
    assert [a.modification_number for a in history.transactions] == ["0", "P00001"]
    sentences = [c.sentence for c in corrections_of(ibis_con, changed.generated_id)]
    ibis_con.con.close()
    assert [s.split("; source")[0] for s in sentences] == [
        "modification P00001 corrected on 5 February 2025: was $100.50, now $90.50",
        "modification P00002 deleted on 5 February 2025 (was $200.50)",
    ]
    assert all("transactions.jsonl row" in s for s in sentences)

    # The same figures again: a sync that finds nothing new writes nothing new.
    third, asked = run([awards[0], changed, awards[2]], warehouse, AGAIN, "2024-10-01")
    assert asked == []
    assert (third.transactions_corrected, third.transactions_deleted) == (0, 0)
    assert obligations(warehouse) == told([awards[0], changed, awards[2]])

    # The award page says it too, with both versions' source rows.
    with TestClient(create_app(warehouse, time_limit=300.0)) as site:
        page = site.get(f"/award/{changed.generated_id}")
    assert page.status_code == 200
    text = " ".join(page.text.split())
    assert "corrected on 5 February 2025: was $100.50, now $90.50" in text
    assert "deleted on 5 February 2025 (was $200.50)" in text


def test_only_awards_whose_last_modified_date_moved_are_asked_for(tmp_path: Path) -> None:
    warehouse = tmp_path / "w.duckdb"
    awards = make_awards(5, ICE)
    first, asked = run(awards, warehouse, FIRST, "2024-10-01")
    assert (first.awards_seen, first.award_requests, len(asked)) == (5, 10, 10)
    assert first.as_dict()["requests_per_award"] == "2.00"

    # The whole window again, nothing changed: the search pages only.
    again, asked = run(awards, warehouse, AGAIN, "2024-10-01")
    assert asked == []
    assert (again.awards_seen, again.awards_current, again.award_requests) == (5, 5, 0)
    assert again.as_dict()["requests_per_award"] == "0.00"
    assert again.search_requests == 3  # five awards, two a page

    # One award moved: exactly its own two requests.
    moved = replace(
        awards[3],
        transactions=[*awards[3].transactions, Tx("P00009", date(2025, 3, 3), Decimal("7.25"))],
        last_modified=date(2025, 3, 3),
    )
    now = [*awards[:3], moved, awards[4]]
    once, asked = run(now, warehouse, AGAIN, "2024-10-01")
    assert asked == [f"/api/v2/awards/{moved.generated_id}/", f"transactions:{moved.generated_id}"]
    assert (once.awards_fetched, once.awards_current, once.transactions_inserted) == (1, 4, 1)
    assert once.as_dict()["requests_per_award"] == "0.40"
    assert obligations(warehouse) == told(now)
