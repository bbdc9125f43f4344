"""Warehouse versions published by hand, as `vendorwatch.warehouse.snapshots` publishes them:
a file in ``<warehouse>.versions/`` and the link replaced in one ``os.replace``."""

from __future__ import annotations

import os
import shutil
from pathlib import Path


def publish(link: Path, version: Path) -> None:
    temporary = link.with_name(link.name + ".next")
    os.symlink(version, temporary)
    os.replace(temporary, link)


def first_version(sample_warehouse: Path, folder: Path) -> tuple[Path, Path, Path]:
    """The link, the versions folder and its first version (a copy of the sample), published."""
    link = folder / "warehouse.duckdb"
    versions = folder / "warehouse.duckdb.versions"
    versions.mkdir()
    first = versions / "v000001.duckdb"
    shutil.copyfile(sample_warehouse, first)
    publish(link, first)
    return link, versions, first
