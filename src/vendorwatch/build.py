"""Bring a warehouse up to date from files: load what is new, then resolve every recipient.

Resolution and the ``facts`` table are derived data, rebuilt whenever a load added rows (or
they were never built): the family and class of every row then always reflect both the data
and the registry on disk.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

import duckdb
import ibis

from vendorwatch.analysis.facts import build_facts, facts_are_current
from vendorwatch.registry import shipped_registry
from vendorwatch.resolve import Resolver
from vendorwatch.resolve.warehouse import ResolveSummary, resolve_warehouse
from vendorwatch.warehouse import DateConvention, LoadResult, load_paths
from vendorwatch.warehouse.loader import Progress


@dataclass(frozen=True)
class BuildResult:
    loads: list[LoadResult]
    resolution: ResolveSummary | None  # None: nothing new, resolutions were current
    facts: int | None  # rows of the rebuilt facts table; None: it was current


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
    dates_override: DateConvention | None = None,
) -> BuildResult:
    loads = load_paths(con, paths, progress=progress, dates_override=dates_override)
    changed = any(r.status == "loaded" for r in loads)
    summary, facts = ensure_derived(con, rows_changed=changed)
    return BuildResult(loads, summary, facts)


def ensure_derived(
    con: duckdb.DuckDBPyConnection, *, rows_changed: bool = False
) -> tuple[ResolveSummary | None, int | None]:
    """Bring resolutions and ``facts`` up to date with the rows (call after any write that added
    or changed rows: a load, a sync, a bulk seed). Returns the resolution summary and the facts
    row count, each None when it was already current."""
    summary = None
    if rows_changed or not _resolved(con):
        summary = resolve_warehouse(con, Resolver(shipped_registry()))
    facts = None
    if summary is not None or not facts_are_current(ibis.duckdb.from_connection(con)):
        facts = build_facts(con)
    return summary, facts
