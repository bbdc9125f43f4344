"""The warehouse in versions: readers keep what they opened, a writer publishes whole or not at all.

These run the real CLI in subprocesses on the real files: one writer at a time (a second is
refused with a clear message), a SIGKILL in the middle of a build leaves the previous version
serving and the next build succeeds, a reader opened before a swap keeps reading its version.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import pytest

from vendorwatch.build import build_warehouse, writing
from vendorwatch.errors import VendorwatchError
from vendorwatch.settings import get_settings
from vendorwatch.warehouse import open_warehouse, snapshots
from vendorwatch.warehouse.schema import SCHEMA_VERSION

from .helpers import read_rows, real_files, write_rows


def _cli(*args: str, **kwargs: object) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "vendorwatch", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        **kwargs,  # type: ignore[call-overload]
    )


def _rows(path: Path) -> int:
    con = open_warehouse(path, read_only=True)
    try:
        ((count,),) = con.execute("SELECT count(*) FROM transactions").fetchall()
    finally:
        con.close()
    return int(count)


def _csv_records(path: Path) -> int:
    return len(read_rows(path)[1])


def test_versions_are_published_whole_and_readers_keep_theirs(
    raw_data: Path, warehouse_path: Path
) -> None:
    files = real_files(raw_data)
    first = build_warehouse(warehouse_path, [files["FY2021"]])
    assert [r.status for r in first.loads] == ["loaded"]
    assert first.resolution is not None  # families derived before publishing
    assert warehouse_path.is_symlink()
    v1 = snapshots.version_id(warehouse_path)
    assert v1 == "warehouse.duckdb.versions/v000001.duckdb"
    fy2021 = _csv_records(files["FY2021"])
    assert _rows(warehouse_path) == fy2021

    reader = open_warehouse(warehouse_path, read_only=True)  # opened before the next version
    build_warehouse(warehouse_path, [files["FY2022"]])
    assert snapshots.version_id(warehouse_path) == "warehouse.duckdb.versions/v000002.duckdb"
    assert _rows(warehouse_path) == fy2021 + _csv_records(files["FY2022"])
    # The old reader still reads the version it opened, unchanged.
    assert reader.execute("SELECT count(*) FROM transactions").fetchall() == [(fy2021,)]
    reader.close()

    # Nothing new: no version is published (no copy for nothing).
    again = build_warehouse(warehouse_path, [files["FY2022"]])
    assert [r.status for r in again.loads] == ["already loaded"]
    assert snapshots.version_id(warehouse_path).endswith("v000002.duckdb")  # type: ignore[union-attr]


def test_a_failed_write_publishes_nothing(raw_data: Path, warehouse_path: Path) -> None:
    build_warehouse(warehouse_path, [real_files(raw_data)["FY2021"]])
    before = snapshots.version_id(warehouse_path)
    with pytest.raises(RuntimeError), writing(warehouse_path) as writer:
        writer.con.execute("DELETE FROM transactions")
        writer.changed = True
        raise RuntimeError("boom")
    assert snapshots.version_id(warehouse_path) == before
    assert list(snapshots.layout(warehouse_path).versions.glob("*.building*")) == []
    assert _rows(warehouse_path) > 0


def test_a_second_writer_is_refused_with_a_clear_message(
    raw_data: Path, warehouse_path: Path
) -> None:
    files = real_files(raw_data)
    build_warehouse(warehouse_path, [files["FY2021"]])
    with writing(warehouse_path):  # this process holds the write lock
        second = _cli("load", str(files["FY2022"]), "--warehouse", str(warehouse_path))
        _, err = second.communicate(timeout=120)
    assert second.returncode == 1
    assert "another vendorwatch command" in err
    assert "Traceback" not in err
    assert "--wait" in err


@pytest.fixture(scope="module")
def big_file(raw_data: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Every real export row, repeated, so that a build lasts long enough to be killed."""
    rows: list[list[str]] = []
    header: list[str] = []
    for key in ("FY2022", "FY2023", "FY2024", "FY2025", "FY2026"):
        header, part = read_rows(real_files(raw_data)[key])
        rows += part
    return write_rows(tmp_path_factory.mktemp("big") / "all-years-x4.csv", header, rows * 4)


@pytest.mark.slow
def test_kill_during_a_build_leaves_the_previous_version_serving(
    raw_data: Path, big_file: Path, warehouse_path: Path
) -> None:
    files = real_files(raw_data)
    build_warehouse(warehouse_path, [files["FY2021"]])
    before = snapshots.version_id(warehouse_path)
    rows_before = _rows(warehouse_path)
    versions = snapshots.layout(warehouse_path).versions

    load = _cli("load", str(big_file), "--warehouse", str(warehouse_path))
    deadline = time.monotonic() + 120
    while not list(versions.glob("*.building")) and time.monotonic() < deadline:
        time.sleep(0.02)
    time.sleep(0.5)  # well inside the load of the big file
    assert load.poll() is None, "the build finished before it could be killed"
    os.kill(load.pid, signal.SIGKILL)
    load.wait()
    assert load.returncode == -signal.SIGKILL

    assert snapshots.version_id(warehouse_path) == before
    assert _rows(warehouse_path) == rows_before  # readers see the previous version, whole

    # The next build cleans up what the killed one left and succeeds.
    done = _cli("load", str(files["FY2022"]), "--warehouse", str(warehouse_path))
    _, err = done.communicate(timeout=300)
    assert done.returncode == 0, err
    assert _rows(warehouse_path) == rows_before + _csv_records(files["FY2022"])
    assert list(versions.glob("*.building*")) == []


def test_a_newer_warehouse_is_refused_and_an_older_one_upgraded(
    raw_data: Path, warehouse_path: Path
) -> None:
    build_warehouse(warehouse_path, [real_files(raw_data)["FY2021"]])
    with writing(warehouse_path) as writer:  # as a future vendorwatch would leave it
        writer.con.execute("UPDATE schema_version SET version = 99")
        writer.changed = True
    with pytest.raises(VendorwatchError, match="newer vendorwatch"):
        open_warehouse(warehouse_path, read_only=True)
    shown = _cli("status", "--warehouse", str(warehouse_path))
    _, err = shown.communicate(timeout=120)
    assert shown.returncode == 1
    assert "newer vendorwatch" in err
    assert "upgrade" in err
    assert "Traceback" not in err

    # A version-1 warehouse (facts_state, no derivation_state) is upgraded by the next command.
    target = snapshots.reader_path(warehouse_path)
    con = duckdb.connect(str(target))
    con.execute("UPDATE schema_version SET version = 1")
    con.execute("DROP TABLE derivation_state")
    con.execute(
        "CREATE TABLE facts_state (files BIGINT, last_load TIMESTAMP, resolved_at TIMESTAMP)"
    )
    con.execute("DROP TABLE facts")  # it holds every transactions column
    for table in ("transactions", "awards"):  # version 3 added the place's county and city
        for column in ("county_name", "city_name"):
            con.execute(f"ALTER TABLE {table} DROP COLUMN primary_place_of_performance_{column}")
    con.close()
    rollup = _cli("rollup", "--by", "family", "--json", "--warehouse", str(warehouse_path))
    _, err = rollup.communicate(timeout=300)
    assert rollup.returncode == 0, err
    assert "rebuilding families and facts" in err
    con = open_warehouse(warehouse_path, read_only=True)
    assert con.execute("SELECT version FROM schema_version").fetchall() == [(SCHEMA_VERSION,)]
    added = con.execute(
        "SELECT table_name, count(*) FROM duckdb_columns() "
        "WHERE column_name LIKE 'primary_place_of_performance_c%_name' GROUP BY 1 ORDER BY 1"
    ).fetchall()
    assert added == [("awards", 2), ("facts", 2), ("transactions", 2)]
    names = {n for (n,) in con.execute("SELECT table_name FROM duckdb_tables()").fetchall()}
    assert "derivation_state" in names
    assert "facts_state" not in names
    con.close()


@pytest.mark.parametrize("limit", [None, "300MB"])
def test_a_writer_is_bounded_by_the_write_memory_limit(
    warehouse_path: Path, monkeypatch: pytest.MonkeyPatch, limit: str | None
) -> None:
    """DuckDB's own default (80% of the machine) let a million-row load reach 4.7 GB."""
    if limit is not None:
        monkeypatch.setenv("VENDORWATCH_WRITE_MEMORY_LIMIT", limit)
    get_settings.cache_clear()
    try:
        with writing(warehouse_path) as writer:
            ((seen,),) = writer.con.execute("SELECT current_setting('memory_limit')").fetchall()
            writer.discard()
    finally:
        get_settings.cache_clear()
    reference = duckdb.connect()
    reference.execute(f"SET memory_limit = '{limit or '1GB'}'")
    ((wanted,),) = reference.execute("SELECT current_setting('memory_limit')").fetchall()
    default = duckdb.connect().execute("SELECT current_setting('memory_limit')").fetchall()[0][0]
    assert seen == wanted != default
