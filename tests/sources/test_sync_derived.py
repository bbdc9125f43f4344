"""After a sync the new rows have their families: resolutions and facts are rebuilt at once.

The expected figures come from the recorded API answers themselves (the JSON the replay
server sends, read with ``parse_float=Decimal``), not from anything the code computed.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from dataclasses import replace
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import duckdb

from tests.sources.api import Tx
from tests.sources.replay import save, serve
from tests.sources.scenario import (
    FIRST_WINDOW,
    SECOND_END,
    incremental_recording,
    initial_recording,
    with_new_modification,
)
from vendorwatch.sources import SyncOptions, UsaspendingClient, sync

RELX = re.compile(r"\b(RELX|LEXISNEXIS)\b")
OPTIONS = SyncOptions(agencies=("ice", "cbp"), page_size=50)


def relx_transactions(recording: Path) -> tuple[int, Decimal]:
    """(count, total obligation) of the transactions of awards whose recipient is RELX or
    LexisNexis, from the recorded answers: award details name the recipient, the
    ``transactions/`` answers hold the actions."""
    exchanges = json.loads(recording.read_text("utf-8"), parse_float=Decimal)
    relx_awards = {
        ex["body"]["generated_unique_award_id"]
        for ex in exchanges
        if ex["method"] == "GET"
        and ex["path"].startswith("/api/v2/awards/")
        and RELX.search(ex["body"]["recipient"]["recipient_name"])
    }
    actions = [
        t
        for ex in exchanges
        if ex["path"] == "/api/v2/transactions/" and ex["match"]["award_id"] in relx_awards
        for t in ex["body"]["results"]
    ]
    return len(actions), sum((t["federal_action_obligation"] for t in actions), Decimal(0))


def families(warehouse: Path) -> list[tuple[Any, ...]]:
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        return con.execute(
            "SELECT family, count(*), sum(federal_action_obligation) FROM facts "
            "GROUP BY family ORDER BY family"
        ).fetchall()
    finally:
        con.close()


def rollup_by_family(warehouse: Path) -> list[dict[str, Any]]:
    done = subprocess.run(
        [sys.executable, "-m", "vendorwatch", "rollup", "--by", "family", "--json",
         "--warehouse", str(warehouse)],
        capture_output=True, text=True, check=False, timeout=300,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    rows: list[dict[str, Any]] = json.loads(done.stdout, parse_float=Decimal)
    return rows


def test_every_synced_relx_row_is_in_the_relx_family(tmp_path: Path) -> None:
    warehouse = tmp_path / "w.duckdb"
    exchanges, groups = initial_recording()
    expected_count, expected_total = relx_transactions(save(exchanges, tmp_path / "first.json"))
    assert expected_count > 300  # the scenario's 120 + 30 contracts and 2 BPAs

    first = replace(OPTIONS, since=date.fromisoformat(FIRST_WINDOW[0]), until=date(2025, 1, 31))
    with serve(exchanges) as (base, _), UsaspendingClient(base, requests_per_second=0) as api:
        result = sync(warehouse, api, first)
    assert result.transactions_inserted == expected_count
    assert result.identities is not None and result.facts == expected_count
    assert families(warehouse) == [("relx-plc", expected_count, expected_total)]
    rollup = rollup_by_family(warehouse)
    assert [(r["family"], r["transactions"], Decimal(str(r["obligations"]))) for r in rollup] == [
        ("relx-plc", expected_count, expected_total)
    ]

    # the incremental sync's new modification joins the family too, with no other step
    new_tx = Tx("P00009", date(2025, 2, 10), Decimal("2500.00"), "OPTION YEAR EXERCISED")
    changed = with_new_modification(groups["ice:contracts"][6], new_tx)
    second_recording = incremental_recording(groups, [changed])
    more = relx_transactions(save(second_recording, tmp_path / "second.json"))
    second = replace(OPTIONS, until=date.fromisoformat(SECOND_END))
    with (
        serve(second_recording) as (base, _),
        UsaspendingClient(base, requests_per_second=0) as api,
    ):
        result = sync(warehouse, api, second)
    assert result.transactions_inserted == 1
    assert families(warehouse) == [("relx-plc", expected_count + 1, expected_total + new_tx.amount)]
    assert more[1] == sum(t.amount for t in changed.transactions)  # the award, all of it
