"""The browse cube's child process (`vendorwatch.cubefile`): a child killed mid-build is said
plainly and the next build works; no temporary file outlives an open, a failed build or a
snapshot swap. Real processes, a real SIGKILL, the real sample warehouse."""

from __future__ import annotations

import os
import shutil
import signal
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

from vendorwatch.analysis import browse
from vendorwatch.analysis.cube import Cube
from vendorwatch.errors import VendorwatchError
from vendorwatch.web.state import SiteState

from ..versions import first_version, publish


@pytest.fixture
def temp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A temporary folder of the test's own, so that what is left in it is the cube's."""
    folder = tmp_path / "tmp"
    folder.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(folder))
    return folder


def _cube_children() -> list[int]:
    """This process's children running `vendorwatch.cubefile`, read from /proc."""
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            ppid = int(stat.read_text().rsplit(")", 1)[1].split()[1])
            if (
                ppid == os.getpid()
                and b"vendorwatch.cubefile" in (stat.parent / "cmdline").read_bytes()
            ):
                found.append(int(stat.parent.name))
        except (OSError, ValueError, IndexError):
            continue  # a process that ended while we looked
    return found


@contextmanager
def _killing_builds() -> Iterator[list[int]]:
    """While inside, a cube child that starts is killed at once; yields the pids killed."""
    stop, killed = threading.Event(), []
    killer = threading.Thread(target=_kill_the_build, args=(stop, killed), daemon=True)
    killer.start()
    try:
        yield killed
    finally:
        stop.set()
        killer.join(10)


def _kill_the_build(stop: threading.Event, killed: list[int]) -> None:
    while not stop.is_set() and not killed:
        for pid in _cube_children():
            os.kill(pid, signal.SIGKILL)
            killed.append(pid)
        time.sleep(0.005)


def test_a_killed_build_is_said_plainly_and_the_next_build_works(con: Any, temp: Path) -> None:
    with (
        _killing_builds() as killed,
        pytest.raises(VendorwatchError, match=r"build was killed \(SIGKILL\); try again"),
    ):
        Cube(con)
    assert len(killed) == 1
    assert list(temp.iterdir()) == []  # the half-written file went with the failed build
    cube = Cube(con)
    try:
        assert cube.facets({}) == browse.facets(con, {})
        assert list(temp.iterdir()) == []  # open and answering, with no file left behind
    finally:
        cube.close()


def test_a_build_that_fails_says_why_and_leaves_no_file(con: Any, temp: Path) -> None:
    with pytest.raises(
        VendorwatchError, match="could not build the browse aggregate: Out of Memory Error"
    ):
        Cube(con, memory_limit="1MB")  # DuckDB's own out-of-memory error, in the child
    assert list(temp.iterdir()) == []


@pytest.fixture(params=[0.0])
def site(
    sample_warehouse: Path, tmp_path: Path, request: pytest.FixtureRequest
) -> Iterator[tuple[SiteState, Path]]:
    """A site on its own version; ``cube_retry_seconds`` from the test's parameter (0: a failed
    build is tried again on the next request)."""
    link, versions, _ = first_version(sample_warehouse, tmp_path)
    state = SiteState(link, check_interval=0.0, cube_retry_seconds=request.param)
    state.start(warm=False)
    yield state, versions
    state.close()


def test_a_snapshot_swap_leaves_no_cube_file(site: tuple[SiteState, Path], temp: Path) -> None:
    state, versions = site
    chosen = {"family": ["relx-plc"]}
    before = state.facets(chosen)
    old = state.snapshot()
    second = versions / "v000002.duckdb"
    shutil.copyfile(versions / "v000001.duckdb", second)
    publish(state.warehouse, second)
    state.refresh()
    deadline = time.monotonic() + 120
    while state.snapshot().version != str(second):
        assert time.monotonic() < deadline, "the new version was never swapped in"
        time.sleep(0.1)
    assert "cube" not in state.snapshot().memo
    assert state.facets(chosen) == before  # the same data, from the new version's own cube
    assert "cube" in state.snapshot().memo and old.closed
    assert list(temp.iterdir()) == []


def test_the_site_answers_from_the_facts_while_the_cube_cannot_be_built(
    site: tuple[SiteState, Path], temp: Path
) -> None:
    state, _ = site
    chosen = {"family": ["relx-plc"], "fiscal_year": ["2024"]}
    with _killing_builds() as killed:
        fallen_back = state.facets(chosen)  # the cube's child killed: answered from the facts
    assert len(killed) == 1 and "cube" not in state.snapshot().memo
    listed = state.listing("awards", chosen, sort="obligations", descending=True, offset=0,
                           limit=50)  # fmt: skip
    assert "cube" in state.snapshot().memo  # the next request built it again
    state.snapshot().recent.clear()
    assert state.facets(chosen) == fallen_back  # now from the cube: the same answer
    assert list(temp.iterdir()) == []
    assert listed.rows


@pytest.mark.parametrize("site", [600.0], indirect=True)
def test_after_a_failed_build_the_site_waits_before_building_again(
    site: tuple[SiteState, Path], temp: Path
) -> None:
    """With ``cube_retry_seconds``, a request after a failed build answers from the facts
    without starting a child of its own (else, while the cube cannot be built, every browse
    request would pay for a build that fails)."""
    state, _ = site
    chosen = {"family": ["relx-plc"], "fiscal_year": ["2024"]}
    with _killing_builds() as killed:
        fallen_back = state.facets(chosen)
    assert len(killed) == 1
    with _killing_builds() as seen:
        state.snapshot().recent.clear()
        assert state.facets(chosen) == fallen_back  # from the facts again
        state.listing("awards", chosen, sort="obligations", descending=True, offset=0, limit=50)
    assert seen == [], "a build was started within the retry interval"
    assert "cube" not in state.snapshot().memo
    assert list(temp.iterdir()) == []
