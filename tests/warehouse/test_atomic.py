"""A load killed with SIGKILL leaves the warehouse exactly as it was before the load began."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests import crash
from vendorwatch.warehouse import load_file, open_warehouse

from .helpers import read_rows, real_files, snapshot, write_rows


def _load_command(path: Path, warehouse: Path) -> list[str]:
    return [sys.executable, "-m", "vendorwatch", "load", str(path), "--warehouse", str(warehouse)]


def test_kill_just_before_commit_leaves_nothing(raw_data: Path, warehouse_path: Path) -> None:
    files = real_files(raw_data)
    con = open_warehouse(warehouse_path)
    load_file(con, files["FY2021"])
    before = snapshot(con)
    con.close()

    # killed by the crash-test hook (tests/crash.py) at the loader's fault point before COMMIT
    killed = crash.run(
        "before-commit", "load", str(files["summaries"]), "--warehouse", str(warehouse_path)
    )
    assert killed.returncode == -signal.SIGKILL

    con = open_warehouse(warehouse_path)
    assert snapshot(con) == before
    # The same file then loads whole: no lock, no half-row left behind to collide with.
    assert load_file(con, files["summaries"]).rows == 1_369
    con.close()


@pytest.fixture(scope="module")
def big_file(raw_data: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Every real export row, repeated, so a load takes long enough to be killed mid-way."""
    rows: list[list[str]] = []
    header: list[str] = []
    for key in ("FY2021", "FY2022", "FY2023", "FY2024", "FY2025", "FY2026"):
        header, part = read_rows(real_files(raw_data)[key])
        rows += part
    return write_rows(tmp_path_factory.mktemp("big") / "all-years-x8.csv", header, rows * 8)


@pytest.mark.slow
@pytest.mark.parametrize("delay", [0.3, 0.8, 1.5, 2.5])
def test_kill_at_any_moment_is_all_or_nothing(
    raw_data: Path, big_file: Path, warehouse_path: Path, delay: float
) -> None:
    con = open_warehouse(warehouse_path)
    load_file(con, real_files(raw_data)["subawards"])
    before = snapshot(con)
    con.close()

    process = subprocess.Popen(
        _load_command(big_file, warehouse_path),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    time.sleep(delay)
    process.send_signal(signal.SIGKILL)
    process.wait()

    con = open_warehouse(warehouse_path)
    after = snapshot(con)
    transactions = con.execute("SELECT count(*) FROM transactions").fetchone()
    con.close()
    if process.returncode == -signal.SIGKILL and transactions == (0,):
        assert after == before
    else:  # the load finished before the signal: then it is whole
        assert transactions == (57_476 * 8,)


def test_no_environment_variable_arms_a_fault_point(raw_data: Path, warehouse_path: Path) -> None:
    """The old ``VENDORWATCH_KILL_AT`` switch is gone: only the test hook can kill a load."""
    done = subprocess.run(
        _load_command(real_files(raw_data)["summaries"], warehouse_path),
        env={**os.environ, "VENDORWATCH_KILL_AT": "before-commit"},
        capture_output=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    con = open_warehouse(warehouse_path, read_only=True)
    assert con.execute("SELECT count(*) FROM awards").fetchall() == [(1_369,)]
    con.close()
