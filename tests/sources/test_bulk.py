"""Seeding from bulk award downloads: the request per fiscal year, and the CLI end to end
against the replay server (recorded API answers, a zip of real award-summary rows). Polling a
running job and resuming a broken download are tested on the client (test_client.py)."""

from __future__ import annotations

import io
import json
import subprocess
import sys
import zipfile
from datetime import date
from pathlib import Path
from typing import Any

import duckdb
import pytest

from tests.sources.replay import exchange, file_exchange, serve
from vendorwatch.errors import VendorwatchError
from vendorwatch.sources.bulk import download_body, fiscal_year_windows

from .test_client import fixture_from, real_award_summaries_csv


def test_windows_are_cut_at_fiscal_years() -> None:
    assert fiscal_year_windows(date(2021, 3, 1), date(2022, 12, 31)) == [
        (date(2021, 3, 1), date(2021, 9, 30)),
        (date(2021, 10, 1), date(2022, 9, 30)),
        (date(2022, 10, 1), date(2022, 12, 31)),
    ]
    assert fiscal_year_windows(date(2024, 10, 1), date(2024, 10, 1)) == [
        (date(2024, 10, 1), date(2024, 10, 1))
    ]
    with pytest.raises(VendorwatchError, match="ends"):
        fiscal_year_windows(date(2024, 2, 1), date(2024, 1, 1))


def test_the_request_has_the_shape_of_the_published_example(raw_data: Path) -> None:
    example = fixture_from(raw_data, "bulk_download__awards.request.1.json")
    body = download_body(["ice", "cbp"], date(2023, 10, 1), date(2024, 9, 30))
    assert body.keys() == example.keys()
    assert body["filters"].keys() == example["filters"].keys()
    assert set(body["filters"]["prime_award_types"]) <= set(example["filters"]["prime_award_types"])
    assert {"A", "B", "C", "D", "IDV_A"} <= set(body["filters"]["prime_award_types"])
    assert body["filters"]["date_range"] == {"start_date": "2023-10-01", "end_date": "2024-09-30"}
    assert [a["name"] for a in body["filters"]["agencies"]] == [
        "U.S. Immigration and Customs Enforcement",
        "U.S. Customs and Border Protection",
    ]
    with pytest.raises(VendorwatchError, match="unknown agency fbi"):
        download_body(["fbi"], date(2024, 1, 1), date(2024, 2, 1))


def a_zip(raw_data: Path, rows: int) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(
            "Contracts_PrimeAwardSummaries_1.csv", real_award_summaries_csv(raw_data, rows)
        )
        archive.writestr("Data_Dictionary_Readme.txt", "Not data.\n")
    return buffer.getvalue()


def run_bulk(base: str, warehouse: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "vendorwatch", "sync", "--bulk", "--api-base", base,
         "--warehouse", str(warehouse), "--rate", "0", "--poll-every", "0", *args],
        capture_output=True, text=True, check=False, timeout=300,
    )  # fmt: skip


def test_cli_downloads_loads_and_resolves(raw_data: Path, tmp_path: Path) -> None:
    requested = fixture_from(raw_data, "bulk_download__awards.response-200.2.json")
    status = fixture_from(raw_data, "download__status.response-200.1.json")
    window = {"start_date": "2024-10-01", "end_date": "2025-03-31"}
    recording: list[dict[str, Any]] = [
        exchange("POST", "/api/v2/bulk_download/awards/", requested,
                 match={"filters": {"date_range": window}}),
        exchange("GET", "/api/v2/download/status", status),
        file_exchange(status["file_url"], a_zip(raw_data, 12)),
    ]  # fmt: skip
    warehouse = tmp_path / "w.duckdb"
    with serve(recording) as (base, replay):
        run = run_bulk(base, warehouse, "--agency", "ice", "--since", "2024-10-01",
                       "--until", "2025-03-31", "--json")  # fmt: skip
        asked = [(e["method"], e["path"]) for e in replay.log]
    assert run.returncode == 0, run.stderr
    document = json.loads(run.stdout)
    assert [(f["file"], f["status"], f["rows"]) for f in document["files"]] == [
        ("Contracts_PrimeAwardSummaries_1.csv", "loaded", 12),
        ("Data_Dictionary_Readme.txt", "skipped", 0),
    ]
    assert document["identities"] > 0
    assert document["facts"] is not None
    assert asked[0] == ("POST", "/api/v2/bulk_download/awards/")
    assert asked[-1] == ("GET", status["file_url"])
    assert Path(document["downloads"][0]).parent == tmp_path / "w.duckdb.sync" / "downloads"
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        assert con.execute("SELECT count(*) FROM awards").fetchall() == [(12,)]
        resolved = con.execute("SELECT count(*) FROM recipient_resolutions").fetchall()
        assert resolved[0][0] > 0
    finally:
        con.close()


def test_cli_bulk_needs_a_start_and_names_a_failed_request(tmp_path: Path) -> None:
    with serve([]) as (base, _):
        no_start = run_bulk(base, tmp_path / "w.duckdb", "--agency", "ice")
        refused = run_bulk(base, tmp_path / "w.duckdb", "--since", "2024-10-01",
                           "--until", "2024-12-31")  # fmt: skip
    assert no_start.returncode == 1
    assert "--bulk needs --since" in no_start.stderr
    assert refused.returncode == 1
    assert "bulk_download/awards" in refused.stderr
    assert "Traceback" not in refused.stderr + no_start.stderr
