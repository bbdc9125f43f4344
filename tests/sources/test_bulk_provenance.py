"""``sync --bulk`` end to end: the rows name the kept archive and member (both hashes), and
what the seed changed is recorded for the alerts like an incremental sync's changes.

Real award-summary rows (the ICE PrimeAwardSummaries download) in zips served by the replay
server with the recorded ``bulk_download/awards/`` and ``download/status`` answers. Expected
values are read from the bytes the test zipped (csv module, Decimal, hashlib).
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import zipfile
from datetime import datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import duckdb

from tests import crash
from tests.sources.replay import exchange, file_exchange, serve
from vendorwatch.alerts.matching import read_changes
from vendorwatch.analysis import connect
from vendorwatch.registry import shipped_registry
from vendorwatch.sources import recent_changes
from vendorwatch.sources.changes import change_id

from .test_bulk import run_bulk
from .test_client import fixture_from, real_award_summaries_csv

SUMMARIES = "Contracts_PrimeAwardSummaries_1.csv"
TRANSACTIONS = "Contracts_PrimeTransactions_1.csv"


def zipped(files: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in files.items():
            archive.writestr(name, content)
    return buffer.getvalue()


def seed(
    raw_data: Path,
    warehouse: Path,
    archive: bytes,
    name: str,
    window: tuple[str, str],
    *,
    kill_at: str | None = None,
) -> dict[str, Any]:
    """One bulk seed over ``window`` whose download is ``archive``, named ``name`` (killed at
    the fault point ``kill_at``, if given: then ``{}``)."""
    requested = {**fixture_from(raw_data, "bulk_download__awards.response-200.2.json")}
    status = {**fixture_from(raw_data, "download__status.response-200.1.json")}
    requested["file_name"] = status["file_name"] = name
    status["file_url"] = f"/csv_downloads/{name}"
    recording = [
        exchange("POST", "/api/v2/bulk_download/awards/", requested,
                 match={"filters": {"date_range": {"start_date": window[0],
                                                   "end_date": window[1]}}}),
        exchange("GET", "/api/v2/download/status", status),
        file_exchange(status["file_url"], archive),
    ]  # fmt: skip
    args = ("--agency", "ice", "--since", window[0], "--until", window[1], "--json")
    with serve(recording) as (base, _):
        if kill_at:
            killed = crash.run(kill_at, "sync", "--bulk", "--api-base", base, "--warehouse",
                               str(warehouse), "--rate", "0", "--poll-every", "0", *args,
                               timeout=300)  # fmt: skip
            assert killed.returncode == -9, killed.stderr
            return {}
        run = run_bulk(base, warehouse, *args)
    assert run.returncode == 0, run.stderr
    document: dict[str, Any] = json.loads(run.stdout)
    return document


def rows_of(content: bytes) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(content.decode("utf-8"))))


def query(warehouse: Path, sql: str, *params: Any) -> list[tuple[Any, ...]]:
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        return con.execute(sql, list(params)).fetchall()
    finally:
        con.close()


def us_date(text: str) -> str:
    return datetime.strptime(text, "%m/%d/%y").date().isoformat()


def test_bulk_rows_name_the_kept_archive_and_member_with_both_hashes(
    raw_data: Path, tmp_path: Path
) -> None:
    warehouse = tmp_path / "w.duckdb"
    member = real_award_summaries_csv(raw_data, 12)
    archive = zipped({SUMMARIES: member, "Data_Dictionary_Readme.txt": b"Not data.\n"})
    name = "FY2025_070_Contracts_Full_20250301.zip"
    seed(raw_data, warehouse, archive, name, ("2024-10-01", "2025-03-31"))

    kept = tmp_path / "w.duckdb.sync" / "downloads" / name
    assert kept.read_bytes() == archive  # kept beside the warehouse, as downloaded
    member_sha = hashlib.sha256(member).hexdigest()
    assert query(warehouse, "SELECT sha256, path, file_name FROM source_files") == [
        (member_sha, str(kept), f"{name}!{SUMMARIES}")
    ]
    assert query(
        warehouse, "SELECT sha256, member, archive_path, archive_sha256 FROM source_archive_members"
    ) == [(member_sha, SUMMARIES, str(kept), hashlib.sha256(archive).hexdigest())]

    # every row traces to its record in the member of the kept archive
    with zipfile.ZipFile(kept) as opened:
        records = rows_of(opened.read(SUMMARIES))
    held = query(
        warehouse,
        "SELECT source_row, contract_award_unique_key, total_obligated_amount FROM awards "
        "WHERE source_sha256 = ? ORDER BY source_row",
        member_sha,
    )
    assert [(r, k, a) for r, k, a in held] == [
        (n, rec["contract_award_unique_key"], Decimal(rec["total_obligated_amount"]))
        for n, rec in enumerate(records, start=1)
    ]


def test_a_bulk_seed_records_its_changes_for_the_alerts(raw_data: Path, tmp_path: Path) -> None:
    warehouse = tmp_path / "w.duckdb"
    first_member = real_award_summaries_csv(raw_data, 12)
    first = seed(raw_data, warehouse, zipped({SUMMARIES: first_member}),
                 "FY2025_a.zip", ("2024-10-01", "2025-03-31"))  # fmt: skip

    # into an empty warehouse: every award is new, with its total obligation
    records = rows_of(first_member)
    expected = {}
    for rec in records:
        expected.setdefault(
            rec["contract_award_unique_key"], Decimal(rec["total_obligated_amount"])
        )
    got = query(
        warehouse,
        "SELECT change_id, kind, contract_award_unique_key, amount, run_id FROM sync_changes",
    )
    assert sorted((k, a) for _, kind, k, a, _ in got if kind == "new_award") == sorted(
        expected.items()
    )
    assert {kind for _, kind, *_ in got} == {"new_award"}
    # the same ids an incremental sync gives, so neither path records a change twice
    assert {cid for cid, _, k, *_ in got} == {change_id("new_award", k) for k in expected}
    assert {run for *_, run in got} == {first["run_id"]}
    assert first["changes"] == {"new_award": len(expected)}
    con = duckdb.connect(str(warehouse), read_only=True)
    assert len(recent_changes(con)) == len(expected)  # the seed is the latest run
    con.close()
    ibis_con = connect(warehouse)
    alerts_see = read_changes(ibis_con, datetime(2000, 1, 1), shipped_registry())
    ibis_con.disconnect()
    assert sorted(c.award_key for c in alerts_see) == sorted(expected)

    # the next year's download: one award's end date moved, three more awards, and a
    # transactions file with a new action on a known award and one on an unknown award
    more = rows_of(real_award_summaries_csv(raw_data, 15))
    moved = dict(more[0], period_of_performance_current_end_date="5/31/26")
    summaries = io.StringIO()
    writer = csv.DictWriter(summaries, fieldnames=list(more[0]), lineterminator="\n")
    writer.writeheader()
    writer.writerows([moved, *more[1:]])
    known, fresh_key = more[1], "CONT_AWD_70CDCR25P00000099_7012_-NONE-_-NONE-"
    actions = [
        {"contract_transaction_unique_key": f"7012_-NONE-_{known['award_id_piid']}_P00042_-NONE-_0",
         "contract_award_unique_key": known["contract_award_unique_key"],
         "award_id_piid": known["award_id_piid"], "modification_number": "P00042",
         "federal_action_obligation": "-1250.75", "action_date": "2025-02-10",
         "recipient_name": known["recipient_name"],
         "awarding_sub_agency_name": known["awarding_sub_agency_name"]},
        {"contract_transaction_unique_key": "7012_-NONE-_70CDCR25P00000099_0_-NONE-_0",
         "contract_award_unique_key": fresh_key, "award_id_piid": "70CDCR25P00000099",
         "modification_number": "0", "federal_action_obligation": "4000.00",
         "action_date": "2025-02-11", "recipient_name": "RELX INC.",
         "awarding_sub_agency_name": known["awarding_sub_agency_name"]},
    ]  # fmt: skip
    tx_file = io.StringIO()
    tx_writer = csv.DictWriter(tx_file, fieldnames=list(actions[0]), lineterminator="\n")
    tx_writer.writeheader()
    tx_writer.writerows(actions)
    second = seed(
        raw_data,
        warehouse,
        zipped(
            {SUMMARIES: summaries.getvalue().encode(), TRANSACTIONS: tx_file.getvalue().encode()}
        ),
        "FY2025_b.zip",
        ("2025-04-01", "2025-09-30"),
    )
    got = query(
        warehouse,
        "SELECT kind, contract_award_unique_key, amount, old_value, new_value, "
        "modification_number, obligation_change FROM sync_changes WHERE run_id = ?",
        second["run_id"],
    )
    new_keys = [r["contract_award_unique_key"] for r in more[12:] if r["contract_award_unique_key"]
                not in expected]  # fmt: skip
    assert sorted(got, key=str) == sorted(
        [
            ("end_date_changed", moved["contract_award_unique_key"], None,
             us_date(more[0]["period_of_performance_current_end_date"]), "2026-05-31", None,
             "none"),
            ("new_modification", known["contract_award_unique_key"], Decimal("-1250.75"), None,
             None, "P00042", "deobligation"),
            ("new_award", fresh_key, Decimal("4000.00"), None, None, None, "obligation"),
            *[("new_award", k, Decimal(r["total_obligated_amount"]), None, None, None,
               "obligation") for k, r in ((r["contract_award_unique_key"], r) for r in more[12:])
              if k in new_keys],
        ],
        key=str,
    )  # fmt: skip
    # the transactions file's rows name their member too, and have their family
    assert query(
        warehouse,
        "SELECT f.file_name, count(*) FROM transactions t JOIN source_files f "
        "ON f.sha256 = t.source_sha256 GROUP BY f.file_name",
    ) == [(f"FY2025_b.zip!{TRANSACTIONS}", 2)]
    assert query(
        warehouse, "SELECT family FROM facts WHERE contract_award_unique_key = ?", fresh_key
    ) == [("relx-plc",)]


def test_killed_between_a_members_load_and_its_provenance_the_next_seed_completes_it(
    raw_data: Path, tmp_path: Path
) -> None:
    """The seed is one new warehouse version: killed between a member's load and its
    provenance, nothing of it is published (no row naming a vanished temporary file), and the
    next seed loads the member whole, with its provenance and its changes."""
    warehouse = tmp_path / "w.duckdb"
    member = real_award_summaries_csv(raw_data, 12)
    archive = zipped({SUMMARIES: member})
    name, window = "FY2025_c.zip", ("2024-10-01", "2025-03-31")
    seed(raw_data, warehouse, archive, name, window, kill_at="bulk-member-loaded")
    assert not warehouse.exists()  # nothing was published
    assert list((tmp_path / "w.duckdb.versions").glob("*.duckdb")) == []

    again = seed(raw_data, warehouse, archive, name, window)
    assert [f["status"] for f in again["files"]] == ["loaded"]
    kept = tmp_path / "w.duckdb.sync" / "downloads" / name
    assert query(warehouse, "SELECT path, file_name FROM source_files") == [
        (str(kept), f"{name}!{SUMMARIES}")
    ]
    keys = {r["contract_award_unique_key"] for r in rows_of(member)}
    got = query(warehouse, "SELECT kind, contract_award_unique_key FROM sync_changes")
    assert sorted(got) == sorted(("new_award", k) for k in keys)  # as if never interrupted
    assert query(warehouse, "SELECT count(*) FROM awards") == [(12,)]
