"""Warehouses the load cases run against (imported by the test modules as fixtures)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest


@pytest.fixture(scope="module")
def versioned_sample(sample_warehouse: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The session's sample warehouse (every real file, resolved) published as version 1 of a
    versioned warehouse, as `load` leaves one: refusals must leave it exactly so."""
    folder = tmp_path_factory.mktemp("versioned")
    versions = folder / "warehouse.duckdb.versions"
    versions.mkdir()
    shutil.copyfile(sample_warehouse, versions / "v000001.duckdb")
    link = folder / "warehouse.duckdb"
    link.symlink_to("warehouse.duckdb.versions/v000001.duckdb")
    return link
