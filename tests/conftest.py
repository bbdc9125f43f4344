"""Shared fixtures: the real public data beside the checkout, and warehouses built from it."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import duckdb
import pytest
from hypothesis import settings

from vendorwatch.build import build
from vendorwatch.settings import find_sample_data
from vendorwatch.warehouse import open_warehouse

# No per-example deadline: it is a timing assert, and the first example pays for whatever
# loads on first use (the FOIA calendar's holidays) on a shared, loaded machine.
settings.register_profile("vendorwatch", deadline=None)
settings.load_profile("vendorwatch")

RAW = find_sample_data()


@pytest.fixture(scope="session", autouse=True)
def _own_cache_folder(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """The registry pickles and compiled SQL (user cache folder) per test session, also for
    the CLI's subprocesses: a test must not be answered from another run's cache."""
    import os

    before = os.environ.get("VENDORWATCH_CACHE_DIR")
    os.environ["VENDORWATCH_CACHE_DIR"] = str(tmp_path_factory.mktemp("user-cache"))
    yield
    if before is None:
        del os.environ["VENDORWATCH_CACHE_DIR"]
    else:
        os.environ["VENDORWATCH_CACHE_DIR"] = before


@pytest.fixture(scope="session")
def raw_data() -> Path:
    """``../shared/data/raw``: real USAspending, KBART and COUNTER files (never copied here)."""
    if RAW is None:
        pytest.fail("../shared/data/raw is missing: the tests run on the real sample data")
    return RAW


@pytest.fixture(scope="session")
def sample_warehouse(raw_data: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Every real contract file loaded and every recipient resolved; open it read-only."""
    path = tmp_path_factory.mktemp("warehouse") / "sample.duckdb"
    con = open_warehouse(path)
    result = build(con, [raw_data])
    con.close()
    assert [r for r in result.loads if r.status == "error"] == []
    assert result.resolution is not None
    return path


@pytest.fixture
def sample_con(sample_warehouse: Path) -> Iterator[duckdb.DuckDBPyConnection]:
    con = open_warehouse(sample_warehouse, read_only=True)
    yield con
    con.close()


@pytest.fixture
def warehouse_path(tmp_path: Path) -> Path:
    return tmp_path / "warehouse.duckdb"
