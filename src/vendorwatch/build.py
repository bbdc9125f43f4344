"""Bring a warehouse up to date: load what is new, resolve every recipient, publish.

Resolution and the ``facts`` table are derived data. They record what they were built from
(`vendorwatch.analysis.inputs`: source files, registry, code) and are rebuilt whenever any of
it differs: before every new version is published (`writing`), and by any command that finds
the published version stale (`ensure_current`). There is no rebuild step to forget.
"""

from __future__ import annotations

import errno
import logging
import threading
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import duckdb

from vendorwatch.analysis.inputs import stale_reasons
from vendorwatch.errors import VendorwatchError
from vendorwatch.registry.load import registry_fingerprint
from vendorwatch.warehouse import DateConvention, snapshots
from vendorwatch.warehouse.failures import plain_failures
from vendorwatch.warehouse.schema import SCHEMA_VERSION, check_schema_version, migrate
from vendorwatch.warehouse.snapshots import Writer

# The loader, the resolver (rapidfuzz) and the facts builder are imported when a build needs
# them: every reading command calls `ensure_current`, which usually finds nothing to do.
if TYPE_CHECKING:
    from vendorwatch.resolve.warehouse import ResolveSummary
    from vendorwatch.warehouse.loader import LoadResult, Progress

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class BuildResult:
    loads: list[LoadResult]
    resolution: ResolveSummary | None  # None: nothing new, resolutions were current
    facts: int | None  # rows of the rebuilt facts table; None: it was current


def build(
    con: duckdb.DuckDBPyConnection,
    paths: Iterable[Path],
    *,
    progress: Callable[[Path], Progress] | None = None,
    dates_override: DateConvention | None = None,
) -> BuildResult:
    from vendorwatch.warehouse.loader import load_paths  # noqa: PLC0415

    loads = load_paths(con, paths, progress=progress, dates_override=dates_override)
    changed = any(r.status == "loaded" for r in loads)
    summary, facts = ensure_derived(con, rows_changed=changed)
    return BuildResult(loads, summary, facts)


def build_warehouse(
    path: Path,
    paths: Iterable[Path],
    *,
    progress: Callable[[Path], Progress] | None = None,
    dates_override: DateConvention | None = None,
    wait: float | None = None,
) -> BuildResult:
    """`build` as a new published version of the warehouse at ``path`` (nothing is published
    when no file was new and the derived data was current)."""
    from vendorwatch.warehouse.loader import load_paths  # noqa: PLC0415

    with writing(path, wait=wait) as writer:
        loads = load_paths(writer.con, paths, progress=progress, dates_override=dates_override)
        writer.changed = any(r.status == "loaded" for r in loads)
    summary, facts = writer.derived if isinstance(writer.derived, tuple) else (None, None)
    return BuildResult(loads, summary, facts)


def ensure_derived(
    con: duckdb.DuckDBPyConnection, *, rows_changed: bool = False
) -> tuple[ResolveSummary | None, int | None]:
    """Bring resolutions and ``facts`` up to date with the rows (call after any write that added
    or changed rows: a load, a sync, a bulk seed). Returns the resolution summary and the facts
    row count, each None when it was already current."""
    if not rows_changed and not stale_reasons(con):
        return None, None
    from vendorwatch.analysis.facts import build_facts  # noqa: PLC0415
    from vendorwatch.registry import shipped_registry  # noqa: PLC0415
    from vendorwatch.resolve import Resolver  # noqa: PLC0415
    from vendorwatch.resolve.warehouse import resolve_warehouse  # noqa: PLC0415

    summary = resolve_warehouse(con, Resolver(shipped_registry()))
    return summary, build_facts(con)


def _prepare(writer: Writer) -> None:
    # A bounded writer: a million-row load with its derivation peaked at 4.7 GB under
    # DuckDB's default limit (80% of memory), 1.7 GB at 1 GB (docs/performance.md).
    from vendorwatch.settings import get_settings  # noqa: PLC0415 - pydantic-settings: writers only

    writer.con.execute("SET memory_limit = ?", [get_settings().write_memory_limit])
    check_schema_version(writer.con, writer.layout.link)
    if migrate(writer.con):
        writer.changed = True


def _derive(writer: Writer) -> None:
    summary, facts = ensure_derived(writer.con, rows_changed=writer.changed)
    writer.derived = (summary, facts)
    if not writer.changed and summary is None and facts is None:
        writer.discard()  # nothing new: keep the published version, skip a copy


@contextmanager
def writing(path: Path, *, wait: float | None = None) -> Iterator[Writer]:
    """The next version of the warehouse at ``path``: its schema current first, its derived
    data current last, published whole or not at all (`vendorwatch.warehouse.snapshots`).
    Set ``writer.changed`` after writing rows; a writer that changed nothing publishes nothing.
    """
    from vendorwatch.settings import get_settings  # noqa: PLC0415 - pydantic-settings: writers only

    wait = get_settings().write_wait if wait is None else wait
    with (
        plain_failures(path),  # disk full, Ctrl-C: one line saying nothing changed
        snapshots.writing(path, wait=wait, prepare=_prepare, before_publish=_derive) as writer,
    ):
        yield writer


def ensure_current(
    path: Path,
    *,
    notify: Callable[[str], None] | None = None,
    wait: float = 600.0,
    reader: Any = None,
) -> list[str]:
    """Rebuild the published version's derived data if it is stale (returns why, in words;
    empty when it was current). Commands that read call this first, so a changed registry or an
    older warehouse is caught by whichever command next needs the figures. If another writer is
    running, waits for it (its version will be current). A warehouse that cannot be written
    (a read-only copy) is read as it is: the figures are then worked out live from the rows.

    ``reader``: the caller's read connection to the published version (a
    `vendorwatch.analysis.readcon.ReadConnection`), asked instead of opening another; it still
    reads the old version after a rebuild (reasons returned): open a new one then.
    """
    if snapshots.version_id(path) is None:
        return []
    if reader is not None:
        reasons = stale_reasons_of(path, reader.con, version=reader.version)
    else:
        raw = duckdb.connect(str(snapshots.reader_path(path)), read_only=True)
        try:
            reasons = stale_reasons_of(path, raw)
        finally:
            raw.close()
    if not reasons:
        return []
    return rebuild(path, reasons, notify=notify, wait=wait)


def stale_reasons_of(
    path: Path, raw: duckdb.DuckDBPyConnection, *, version: int | None = None
) -> list[str]:
    """Why the published version's derived data must be rebuilt (empty: it is current); an
    error if a newer vendorwatch wrote it. ``version``: its layout version, if already read."""
    if version is None or version > SCHEMA_VERSION:
        version = check_schema_version(raw, path)
    reasons = [] if version == SCHEMA_VERSION else ["the warehouse's layout is older"]
    return reasons + stale_reasons(raw)


def rebuild(
    path: Path, reasons: list[str], *, notify: Callable[[str], None] | None, wait: float
) -> list[str]:
    """A new version with the derived data rebuilt, for ``reasons`` (returned; empty when the
    warehouse cannot be written and is read as it is)."""
    if notify is not None:
        notify("; ".join(reasons) + ": rebuilding families and facts")
    try:
        with writing(path, wait=wait) as writer:
            writer.changed = True
    except OSError as exc:  # a read-only folder or file system
        if exc.errno not in (errno.EACCES, errno.EPERM, errno.EROFS):
            raise
        if str(path) not in _read_only:  # said once, not every few seconds by keep_current
            _read_only.add(str(path))
            log.warning("cannot rebuild %s (%s); reading it as it is", path, exc)
        return []  # nothing was rebuilt
    return reasons


_read_only: set[str] = set()  # warehouses found not writable (ensure_current warned once)


def keep_current(path: Path, stop: threading.Event, interval: float = 5.0) -> None:
    """While a site serves ``path``: every ``interval`` seconds, rebuild the derived data if the
    registry (or anything else it was built from) changed; the site then picks up the new
    version like any other. Problems are logged, never raised: serving goes on.

    What derived data depends on is the published version (its files) and the registry (the
    code cannot change under a running process), so the warehouse is opened only when one of
    the two moved since it was last found current: one ``readlink`` and a stat of the registry
    files per tick otherwise.
    """
    checked: tuple[str | None, str] | None = None
    while not stop.wait(interval):
        try:
            inputs = (snapshots.version_id(path), registry_fingerprint())
            if inputs == checked:
                continue
            reasons = ensure_current(path, wait=0)
            checked = (snapshots.version_id(path), registry_fingerprint())
        except VendorwatchError as exc:  # another writer is at work: it derives as it publishes
            log.debug("not rebuilding now: %s", exc)
            continue
        except Exception:
            log.exception("could not bring %s up to date", path)
            continue
        if reasons:
            log.info("rebuilt families and facts: %s", "; ".join(reasons))
