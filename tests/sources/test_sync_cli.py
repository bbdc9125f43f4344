"""``vendorwatch sync --api-base http://127.0.0.1:PORT`` end to end, against the replay server."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import duckdb
from filelock import FileLock

from tests import crash
from tests.sources.api import Tx
from tests.sources.replay import serve
from tests.sources.scenario import (
    FIRST_WINDOW,
    SECOND_END,
    incremental_recording,
    initial_recording,
    with_new_modification,
)
from vendorwatch.sources.journal import Journal

TOTAL_AWARDS = 152  # 120 ICE + 30 CBP contracts, 2 ICE BPAs
# 6 search pages (ICE contracts 3, CBP 1, ICE IDVs 1, CBP IDVs 1) + a detail and a
# transactions request per award
TOTAL_REQUESTS = 6 + 2 * TOTAL_AWARDS


def vendorwatch_sync(
    base: str, warehouse: Path, *args: str, kill_at: str | None = None
) -> subprocess.CompletedProcess[str]:
    """The CLI in a subprocess; ``kill_at`` names a fault point where it is SIGKILLed."""
    start = crash.command(kill_at) if kill_at else [sys.executable, "-m", "vendorwatch"]
    return subprocess.run(
        [
            *start,
            "sync",
            "--api-base",
            base,
            "--warehouse",
            str(warehouse),
            "--rate",
            "0",
            "--page-size",
            "50",
            "--json",
            *args,
        ],
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )


def first_sync_args() -> tuple[str, ...]:
    return ("--since", FIRST_WINDOW[0], "--until", FIRST_WINDOW[1])


def counts(warehouse: Path) -> dict[str, Any]:
    """What the published version holds; none published yet (a first run that never finished)
    holds nothing."""
    if not warehouse.exists():
        names = "awards award_keys transactions transaction_keys runs changes files"
        return {name: 0 for name in names.split()} | {"obligations": None}
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        one = lambda sql: con.execute(sql).fetchone()[0]  # noqa: E731
        return {
            "awards": one("SELECT count(*) FROM awards"),
            "award_keys": one("SELECT count(DISTINCT contract_award_unique_key) FROM awards"),
            "transactions": one("SELECT count(*) FROM transactions"),
            "transaction_keys": one(
                "SELECT count(DISTINCT contract_transaction_unique_key) FROM transactions"
            ),
            "obligations": one("SELECT sum(federal_action_obligation) FROM transactions"),
            "runs": one("SELECT count(*) FROM sync_runs"),
            "changes": one("SELECT count(*) FROM sync_changes"),
            "files": one("SELECT count(*) FROM source_files"),
        }
    finally:
        con.close()


def test_multi_page_sync_then_incremental_with_one_new_modification(tmp_path: Path) -> None:
    warehouse = tmp_path / "w.duckdb"
    exchanges, groups = initial_recording()
    all_awards = [a for awards in groups.values() for a in awards]
    expected_tx = sum(len(a.transactions) for a in all_awards)

    with serve(exchanges) as (base, replay):
        first = vendorwatch_sync(base, warehouse, *first_sync_args())
    assert first.returncode == 0, first.stderr
    result = json.loads(first.stdout)
    assert result["awards_seen"] == TOTAL_AWARDS
    assert result["transactions_inserted"] == expected_tx
    assert len(replay.log) == TOTAL_REQUESTS
    pages = {w["scope"]: w["pages"] for w in result["windows"]}
    assert pages == {
        "ice:contracts:*": 3,
        "ice:idvs:*": 1,
        "cbp:contracts:*": 1,
        "cbp:idvs:*": 1,
    }
    assert {c["kind"] for c in result["changes"]} == {"new_award"}
    assert len(result["changes"]) == TOTAL_AWARDS
    after_first = counts(warehouse)
    assert after_first["awards"] == after_first["award_keys"] == TOTAL_AWARDS
    assert after_first["transactions"] == after_first["transaction_keys"] == expected_tx
    assert after_first["obligations"] == sum(t.amount for a in all_awards for t in a.transactions)

    # one ICE award gets a new modification
    award = groups["ice:contracts"][6]
    new_tx = Tx("P00009", date(2025, 2, 10), Decimal("2500.00"), "OPTION YEAR EXERCISED")
    changed = with_new_modification(award, new_tx)
    with serve(incremental_recording(groups, [changed])) as (base, replay):
        second = vendorwatch_sync(base, warehouse, "--until", SECOND_END)
    assert second.returncode == 0, second.stderr
    result = json.loads(second.stdout)
    searches = [r for r in replay.log if r["path"].endswith("spending_by_award/")]
    # the window starts where the last one ended (inclusive), per scope
    assert {r["request"]["filters"]["time_period"][0]["start_date"] for r in searches} == {
        FIRST_WINDOW[1]
    }
    assert [(c["kind"], c["modification_number"], c["amount"]) for c in result["changes"]] == [
        ("new_modification", "P00009", "2500.00")
    ]
    change = result["changes"][0]
    assert change["obligation_change"] == "obligation"
    assert change["award_id_piid"] == award.piid
    assert change["contract_transaction_unique_key"] == award.transaction_id(new_tx).removeprefix(
        "CONT_TX_"
    )
    assert result["transactions_inserted"] == 1
    assert result["awards_inserted"] == 1  # a new snapshot: its total obligation moved
    after_second = counts(warehouse)
    assert after_second["transactions"] == expected_tx + 1
    assert after_second["changes"] == TOTAL_AWARDS + 1
    assert after_second["runs"] == 2

    # the same window again: nothing new, nothing recorded twice
    with serve(incremental_recording(groups, [changed])) as (base, _):
        third = vendorwatch_sync(base, warehouse, "--since", FIRST_WINDOW[1], "--until", SECOND_END)
    assert third.returncode == 0, third.stderr
    result = json.loads(third.stdout)
    assert (result["changes"], result["transactions_inserted"], result["awards_inserted"]) == (
        [],
        0,
        0,
    )
    assert counts(warehouse) == after_second | {"runs": 3}


def test_synced_rows_point_at_their_record(tmp_path: Path) -> None:
    """Provenance: source_files has the batch's hash; source_row is the line holding the record."""
    warehouse = tmp_path / "w.duckdb"
    exchanges, _ = initial_recording()
    with serve(exchanges) as (base, _):
        done = vendorwatch_sync(base, warehouse, *first_sync_args())
    assert done.returncode == 0, done.stderr
    con = duckdb.connect(str(warehouse), read_only=True)
    rows = con.execute(
        """
        SELECT f.path, f.layout, t.source_row, t.contract_transaction_unique_key,
               t.federal_action_obligation, t.extent_competed_code, t.awarding_sub_agency_name
        FROM transactions t JOIN source_files f ON f.sha256 = t.source_sha256
        ORDER BY t.source_row
        """
    ).fetchall()
    award = con.execute(
        """
        SELECT potential_total_value_of_award, extent_competed_code, recipient_parent_uei,
               number_of_offers_received, period_of_performance_potential_end_date, f.layout
        FROM awards a JOIN source_files f ON f.sha256 = a.source_sha256 LIMIT 1
        """
    ).fetchone()
    con.close()
    assert award == (
        Decimal("610000.50"),
        "C",
        "TUZXND87M5A1",
        1,
        date(2029, 10, 14),
        "usaspending_api_sync_awards",
    )
    path, layout = rows[0][0], rows[0][1]
    assert layout == "usaspending_api_sync_transactions"
    lines = Path(path).read_text("utf-8").splitlines()
    assert len(lines) == len(rows)
    for _, _, source_row, key, amount, competed, agency in rows:
        line = json.loads(lines[source_row - 1])
        assert line["record"]["id"] == f"CONT_TX_{key}"
        assert Decimal(str(line["record"]["federal_action_obligation"])) == amount
        assert line["endpoint"].startswith("POST /api/v2/transactions/ (award CONT_")
        assert line["request"]["award_id"] == line["endpoint"].split()[3].rstrip(",")
        assert competed == "C"
        assert agency in {
            "U.S. Immigration and Customs Enforcement",
            "U.S. Customs and Border Protection",
        }


def test_killed_mid_fetch_resumes_without_duplicates(tmp_path: Path) -> None:
    warehouse = tmp_path / "w.duckdb"
    exchanges, _ = initial_recording()
    with serve(exchanges) as (base, replay):
        killed = vendorwatch_sync(base, warehouse, *first_sync_args(), kill_at="sync-request-40")
        assert killed.returncode == -9
        assert len(replay.log) == 40
        before = counts(warehouse)
        assert (before["awards"], before["transactions"], before["runs"]) == (0, 0, 0)
        resumed = vendorwatch_sync(base, warehouse, *first_sync_args())
    assert resumed.returncode == 0, resumed.stderr
    result = json.loads(resumed.stdout)
    assert result["resumed"] is True
    assert result["answered_from_journal"] == 40
    assert result["requests"] == TOTAL_REQUESTS - 40
    assert len(replay.log) == TOTAL_REQUESTS  # nothing asked twice
    after = counts(warehouse)
    assert after["awards"] == after["award_keys"] == TOTAL_AWARDS
    assert after["transactions"] == after["transaction_keys"]
    assert after["changes"] == TOTAL_AWARDS


def test_killed_before_commit_leaves_the_warehouse_as_it_was(tmp_path: Path) -> None:
    warehouse = tmp_path / "w.duckdb"
    exchanges, _ = initial_recording()
    with serve(exchanges) as (base, replay):
        killed = vendorwatch_sync(base, warehouse, *first_sync_args(), kill_at="sync-before-commit")
        assert killed.returncode == -9
        assert counts(warehouse) == counts(warehouse) | {
            "awards": 0,
            "transactions": 0,
            "runs": 0,
            "changes": 0,
            "files": 0,
        }
        again = vendorwatch_sync(base, warehouse, *first_sync_args())
    assert again.returncode == 0, again.stderr
    result = json.loads(again.stdout)
    assert (result["resumed"], result["requests"]) == (True, 0)
    assert len(replay.log) == TOTAL_REQUESTS
    assert counts(warehouse)["awards"] == TOTAL_AWARDS


def test_a_request_failing_half_way_names_it_and_changes_nothing(tmp_path: Path) -> None:
    warehouse = tmp_path / "w.duckdb"
    exchanges, groups = initial_recording()
    broken = groups["ice:contracts"][59]
    for ex in exchanges:
        if ex["path"] == f"/api/v2/awards/{broken.generated_id}/":
            del ex["body"]["period_of_performance"]
            ex["body"]["period_of_performance"] = "2025-10-14"  # the API changed shape
    with serve(exchanges) as (base, _):
        failed = vendorwatch_sync(base, warehouse, *first_sync_args())
    assert failed.returncode == 1
    message = " ".join(failed.stderr.split())
    assert f"GET /api/v2/awards/{broken.generated_id}/" in message
    assert "period_of_performance" in message
    assert "warehouse is unchanged" in message
    assert "Traceback" not in failed.stderr
    after = counts(warehouse)
    assert (after["awards"], after["transactions"], after["runs"], after["files"]) == (0, 0, 0, 0)


def test_a_second_sync_of_the_same_warehouse_refuses_and_leaves_the_journal(
    tmp_path: Path,
) -> None:
    warehouse = tmp_path / "w.duckdb"
    exchanges, _ = initial_recording()
    journal = Journal(warehouse)
    with serve(exchanges) as (base, replay):
        killed = vendorwatch_sync(base, warehouse, *first_sync_args(), kill_at="sync-request-10")
        assert killed.returncode == -9
        pending = journal.pending_path.read_bytes()
        answers = journal.cached_responses()
        with FileLock(journal.lock_path):  # what a running sync (or bulk seed) holds
            second = vendorwatch_sync(base, warehouse, *first_sync_args())
            other = vendorwatch_sync(base, warehouse, "--since", "2025-01-01")  # other options
        asked = len(replay.log)
    for run in (second, other):
        assert run.returncode == 1
        assert "another sync of this warehouse is running" in run.stderr
        assert "Traceback" not in run.stderr
    assert asked == 10  # neither asked the API anything
    assert journal.pending_path.read_bytes() == pending  # the pending run is intact
    assert journal.cached_responses() == answers
