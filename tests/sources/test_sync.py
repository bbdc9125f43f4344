"""The sync library in process, against the replay server: what counts as a change."""

from __future__ import annotations

import csv
from dataclasses import replace
from datetime import date
from decimal import Decimal
from pathlib import Path

import duckdb
import pytest

from tests.sources.api import ICE, Award, Tx, make_awards
from tests.sources.replay import serve
from tests.sources.scenario import recording
from vendorwatch.errors import VendorwatchError
from vendorwatch.sources import SyncOptions, UsaspendingClient, recent_changes, sync
from vendorwatch.warehouse import load_file, open_warehouse

OPTIONS = SyncOptions(agencies=("ice",), groups=("contracts",), page_size=2)
FIRST = replace(OPTIONS, since=date(2024, 10, 1), until=date(2025, 1, 31))
SECOND = replace(OPTIONS, until=date(2025, 2, 28))


def run(awards: list[Award], warehouse: Path, options: SyncOptions, start: str):  # type: ignore[no-untyped-def]
    exchanges = recording({"ice:contracts": awards}, start=start, page_size=options.page_size)
    with serve(exchanges) as (base, _), UsaspendingClient(base, requests_per_second=0) as client:
        return sync(warehouse, client, options)


def test_deobligation_and_moved_end_date_are_told_apart(tmp_path: Path) -> None:
    warehouse = tmp_path / "w.duckdb"
    awards = make_awards(3, ICE)
    first = run(awards, warehouse, FIRST, "2024-10-01")
    assert [c.kind for c in first.changes] == ["new_award"] * 3

    cut = replace(
        awards[0],
        transactions=[*awards[0].transactions, Tx("P00007", date(2025, 2, 3), Decimal("-1200.10"))],
        last_modified=date(2025, 2, 3),
    )
    extended = replace(awards[1], end_date=date(2026, 10, 14), last_modified=date(2025, 2, 4))
    second = run([cut, extended], warehouse, SECOND, "2025-01-31")
    got = sorted(
        (c.kind, c.award_id_piid, c.amount, c.obligation_change, c.old_value, c.new_value)
        for c in second.changes
    )
    assert got == [
        ("end_date_changed", extended.piid, None, "none", "2025-10-14", "2026-10-14"),
        ("new_modification", cut.piid, Decimal("-1200.10"), "deobligation", None, None),
    ]
    con = open_warehouse(warehouse, read_only=True)
    stored = recent_changes(con)
    con.close()
    assert sorted(r["kind"] for r in stored) == ["end_date_changed", "new_modification"]
    assert {r["scopes"][0] for r in stored} == {"ice:contracts:*"}


def test_an_award_known_from_an_api_export_is_not_new(tmp_path: Path) -> None:
    """A keyless row (the API export layout) with the same award, mod, date and amount."""
    warehouse = tmp_path / "w.duckdb"
    award = make_awards(1, ICE)[0]
    base_tx = award.transactions[0]
    export = tmp_path / "export.csv"
    with export.open("w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out)
        writer.writerow(
            [
                "Agency",
                "Award ID",
                "Recipient Name",
                "Federal Action Obligation",
                "Action Date",
                "Modification",
                "Product/Service Description",
                "NAICS Description",
                "Transaction Description",
                "Generated Award ID",
            ]
        )
        writer.writerow(
            [
                "ICE",
                award.piid,
                award.recipient,
                str(base_tx.amount),
                base_tx.action_date.isoformat(),
                "0",
                "",
                "",
                base_tx.description,
                award.generated_id,
            ]
        )
    con = open_warehouse(warehouse)
    load_file(con, export)
    con.close()
    result = run([award], warehouse, FIRST, "2024-10-01")
    assert [c.kind for c in result.changes] == ["new_modification"] * (len(award.transactions) - 1)
    assert result.transactions_inserted == len(award.transactions) - 1
    con = duckdb.connect(str(warehouse), read_only=True)
    assert con.execute("SELECT count(*) FROM transactions").fetchone() == (len(award.transactions),)
    con.close()


def test_first_sync_of_a_scope_starts_at_the_newest_record_held(tmp_path: Path) -> None:
    warehouse = tmp_path / "w.duckdb"
    awards = make_awards(2, ICE)
    run(awards, warehouse, replace(FIRST, agencies=("ice",)), "2024-10-01")
    con = open_warehouse(warehouse)
    con.execute("DELETE FROM sync_watermarks")  # as if only bulk files had been loaded
    con.close()
    result = run([], warehouse, SECOND, "2025-01-10")  # newest last_modified_date held
    assert [(w.start, w.start_reason) for w in result.windows] == [
        (date(2025, 1, 10), "newest record already in the warehouse")
    ]


def test_an_unknown_agency_is_a_user_error(tmp_path: Path) -> None:
    with pytest.raises(VendorwatchError, match="unknown agency 'fbi'; known: ice, cbp"):
        run([], tmp_path / "w.duckdb", replace(FIRST, agencies=("fbi",)), "2024-10-01")


def test_sync_writes_through_a_connection_it_is_given(tmp_path: Path) -> None:
    """A caller that owns the read-write connection passes it in (a snapshot writer's, open on
    the next version's file): the sync writes and derives through it and leaves it open; the
    journal stays beside ``warehouse``, which the sync never opens."""
    warehouse = tmp_path / "w.duckdb"
    awards = make_awards(3, ICE)
    exchanges = recording({"ice:contracts": awards}, start="2024-10-01", page_size=2)
    con = open_warehouse(tmp_path / "next-version.duckdb")
    try:
        with serve(exchanges) as (base, _), UsaspendingClient(base, requests_per_second=0) as api:
            result = sync(warehouse, api, FIRST, con=con)
        expected = sum(len(a.transactions) for a in awards)
        assert result.transactions_inserted == expected
        assert con.execute("SELECT family, count(*) FROM facts GROUP BY family").fetchall() == [
            ("relx-plc", expected)
        ]
    finally:
        con.close()
    assert not warehouse.exists()
    assert Path(result.batch_files[0]).parent.parent.parent == tmp_path / "w.duckdb.sync"
