"""A bulk history one archive at a time: killed part-way, the re-run skips what was published
and journaled, redoes the archive it died in, and ends with the figures of every file loaded.

Real files: the CBP/ICE dashboard exports in ``../shared/data/raw`` (as .csv.gz, as a plain
CSV, and zipped here in the test's folder); the ``sync --bulk`` case uses the recorded
``bulk_download/awards/`` and ``download/status`` answers with zips of real award summaries.
Expected figures are summed from the raw bytes with the csv module and Decimal.
"""

from __future__ import annotations

import csv
import gzip
import io
import json
import subprocess
import sys
import zipfile
from decimal import Decimal
from pathlib import Path
from typing import Any

import duckdb

from tests import crash
from tests.sources.replay import exchange, file_exchange, serve

from .test_bulk import run_bulk
from .test_client import fixture_from, real_award_summaries_csv

DASHBOARD = "cbp-ice-dashboard"
AMOUNT = "Federal Action Obligation"


def figures(content: bytes) -> tuple[int, Decimal]:
    """(records, sum of obligations) of one dashboard export, read as csv."""
    rows = list(csv.DictReader(io.StringIO(content.decode("utf-8-sig"))))
    return len(rows), sum((Decimal(r[AMOUNT]) for r in rows if r[AMOUNT].strip()), Decimal(0))


def bulk_folder(raw_data: Path, folder: Path) -> dict[str, bytes]:
    """Four archives of real rows in the three forms a bulk folder holds: name -> CSV bytes."""
    folder.mkdir()
    sources = sorted((raw_data / DASHBOARD).glob("*.csv.gz"))[:4]
    contents = {p.name.removesuffix(".csv.gz"): gzip.decompress(p.read_bytes()) for p in sources}
    names = list(contents)
    (folder / f"{names[0]}.csv.gz").write_bytes(
        (raw_data / DASHBOARD / sources[0].name).read_bytes()
    )
    (folder / f"{names[1]}.csv").write_bytes(contents[names[1]])
    for name in names[2:]:
        with zipfile.ZipFile(folder / f"{name}.zip", "w", zipfile.ZIP_DEFLATED) as archive:
            archive.writestr(f"{name}.csv", contents[name])
            archive.writestr("Data_Dictionary_Readme.txt", "Not data.\n")
    return contents


def load_bulk(folder: Path, warehouse: Path, kill_at: str | None = None) -> Any:
    args = ("load", "--bulk", str(folder), "--warehouse", str(warehouse), "--json")
    if kill_at:
        return crash.run(kill_at, *args, timeout=600)
    return subprocess.run(
        [sys.executable, "-m", "vendorwatch", *args],
        capture_output=True, text=True, check=False, timeout=600,
    )  # fmt: skip


def held(warehouse: Path) -> tuple[int, Decimal]:
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        (row,) = con.execute(
            "SELECT count(*), coalesce(sum(federal_action_obligation), 0) FROM transactions"
        ).fetchall()
    finally:
        con.close()
    return int(row[0]), Decimal(row[1])


def test_a_bulk_folder_killed_mid_archive_resumes_with_the_rest(
    raw_data: Path, tmp_path: Path
) -> None:
    folder, warehouse = tmp_path / "bulk", tmp_path / "w.duckdb"
    contents = bulk_folder(raw_data, folder)
    per_file = [figures(c) for c in contents.values()]
    assert len(per_file) == 4

    killed = load_bulk(folder, warehouse, kill_at="archive-3-loaded")  # in the first zip
    assert killed.returncode == -9, killed.stderr
    journal = tmp_path / "w.duckdb.sync" / "archives.jsonl"
    assert len(journal.read_text().splitlines()) == 2
    first_two = (sum(n for n, _ in per_file[:2]), sum((a for _, a in per_file[:2]), Decimal(0)))
    assert held(warehouse) == first_two  # published; the third's rows were never published

    resumed = load_bulk(folder, warehouse)
    assert resumed.returncode == 0, resumed.stderr
    document = json.loads(resumed.stdout)
    assert [d["status"] for d in document] == ["done before", "done before", "loaded", "loaded"]
    assert [d["rows"] for d in document[2:]] == [n for n, _ in per_file[2:]]
    everything = (sum(n for n, _ in per_file), sum((a for _, a in per_file), Decimal(0)))
    assert held(warehouse) == everything

    # the same as loading each file on its own, file by file
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        by_file = con.execute(
            "SELECT f.file_name, count(*), sum(t.federal_action_obligation) FROM transactions t "
            "JOIN source_files f ON f.sha256 = t.source_sha256 GROUP BY 1 ORDER BY 1"
        ).fetchall()
    finally:
        con.close()
    names = list(contents)
    expected_names = [f"{names[0]}.csv.gz", f"{names[1]}.csv",
                      *(f"{n}.zip!{n}.csv" for n in names[2:])]  # fmt: skip
    assert sorted(by_file) == sorted(
        (name, n, a) for name, (n, a) in zip(expected_names, per_file, strict=True)
    )

    again = load_bulk(folder, warehouse)  # nothing left to do: every archive said so
    assert [d["status"] for d in json.loads(again.stdout)] == ["done before"] * 4
    assert held(warehouse) == everything


def test_sync_bulk_all_agencies_resumes_at_the_year_it_died_in(
    raw_data: Path, tmp_path: Path
) -> None:
    warehouse = tmp_path / "w.duckdb"
    members = {
        2024: real_award_summaries_csv(raw_data, 10),
        2025: real_award_summaries_csv(raw_data, 25),
    }
    zips = {}
    for year, member in members.items():
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w") as archive:
            archive.writestr("Contracts_PrimeAwardSummaries_1.csv", member)
        zips[year] = buffer.getvalue()
    recording: list[dict[str, Any]] = []
    for year in members:
        name = f"FY{year}_All_Contracts_Full.zip"
        requested = {**fixture_from(raw_data, "bulk_download__awards.response-200.2.json")}
        status = {**fixture_from(raw_data, "download__status.response-200.1.json")}
        requested["file_name"] = status["file_name"] = name
        status["file_url"] = f"/csv_downloads/{name}"
        window = {"start_date": f"{year - 1}-10-01", "end_date": f"{year}-09-30"}
        recording += [
            exchange("POST", "/api/v2/bulk_download/awards/", requested,
                     match={"filters": {"date_range": window,
                                        "agencies": [{"tier": "toptier", "name": "All"}]}}),
            exchange("GET", "/api/v2/download/status", status, match={"file_name": name}),
            file_exchange(status["file_url"], zips[year]),
        ]  # fmt: skip
    args = ("--all-agencies", "--fiscal-years", "2024-2025", "--json")
    with serve(recording) as (base, replay):
        killed = crash.run("archive-2-loaded", "sync", "--bulk", "--api-base", base,
                           "--warehouse", str(warehouse), "--rate", "0", "--poll-every", "0",
                           *args, timeout=300)  # fmt: skip
        assert killed.returncode == -9, killed.stderr
        asked_before = len(replay.log)
        resumed = run_bulk(base, warehouse, *args)
        asked = [(e["method"], e["path"]) for e in replay.log[asked_before:]]
    assert resumed.returncode == 0, resumed.stderr
    document = json.loads(resumed.stdout)
    assert [Path(p).name for p in document["done_before"]] == ["FY2024_All_Contracts_Full.zip"]
    assert [Path(p).name for p in document["downloads"]] == ["FY2025_All_Contracts_Full.zip"]
    assert asked.count(("POST", "/api/v2/bulk_download/awards/")) == 1  # FY2025 only
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        awards = con.execute("SELECT count(*), sum(total_obligated_amount) FROM awards").fetchall()
    finally:
        con.close()
    rows = [r for m in members.values() for r in csv.DictReader(io.StringIO(m.decode()))]
    total = sum((Decimal(r["total_obligated_amount"]) for r in rows), Decimal(0))
    assert awards == [(len(rows), total)]
