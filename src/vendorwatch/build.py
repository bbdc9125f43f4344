"""Bring a warehouse up to date from files: load what is new, then resolve every recipient.

Resolution is derived data, so it is rebuilt whenever a load added rows (or was never run):
the family of every row then always reflects both the data and the registry on disk.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

import duckdb

from vendorwatch.registry import load_registry
from vendorwatch.resolve import Resolver
from vendorwatch.resolve.warehouse import ResolveSummary, resolve_warehouse
from vendorwatch.warehouse import LoadResult, load_paths
from vendorwatch.warehouse.loader import Progress


@dataclass(frozen=True)
class BuildResult:
    loads: list[LoadResult]
    resolution: ResolveSummary | None  # None: nothing new, resolutions were current


def _resolved(con: duckdb.DuckDBPyConnection) -> bool:
    found = con.execute(
        "SELECT count(*) FROM duckdb_tables() WHERE table_name = 'recipient_resolutions'"
    ).fetchone()
    return found == (1,)


def build(
    con: duckdb.DuckDBPyConnection,
    paths: Iterable[Path],
    *,
    progress: Callable[[Path], Progress] | None = None,
) -> BuildResult:
    loads = load_paths(con, paths, progress=progress)
    changed = any(r.status == "loaded" for r in loads)
    summary = None
    if changed or not _resolved(con):
        summary = resolve_warehouse(con, Resolver(load_registry()))
    return BuildResult(loads, summary)
