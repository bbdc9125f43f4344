"""What the running site holds: the published warehouse version, the registry, the pool.

The warehouse is published in versions (`vendorwatch.warehouse.snapshots`). The site serves
one :class:`~vendorwatch.web.pool.Snapshot` at a time; at most once per ``check_interval`` it
asks whether a new version was published (one ``readlink``), and if so opens and warms the new
one in the background and swaps it in whole. Finished dossiers, charts and recent selections
are cached per snapshot: a version never changes, so they never go stale, and they go with it.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

import duckdb

from vendorwatch.analysis import selections
from vendorwatch.analysis.browse import Filters, Page, award_descriptions, transaction_list
from vendorwatch.analysis.cube import Cube, CubeBuildError
from vendorwatch.analysis.dossier import family_dossier
from vendorwatch.errors import VendorwatchError
from vendorwatch.registry import Registry, shipped_registry
from vendorwatch.reports.render import dossier_charts
from vendorwatch.warehouse.snapshots import reader_path, version_id
from vendorwatch.web.packed import pack
from vendorwatch.web.pool import Job, OutOfMemory, Snapshot, TooSlow

log = logging.getLogger("vendorwatch.web")
T = TypeVar("T")

_bound = threading.local()  # the snapshot a worker thread is answering from


def _key(chosen: Filters) -> str:
    return json.dumps({k: sorted(map(str, v)) for k, v in chosen.items()}, sort_keys=True)


def _quiet(future: Future[Any] | asyncio.Future[Any]) -> None:
    """Retrieve an abandoned job's outcome so that asyncio does not log it as lost."""
    if not future.cancelled():
        future.exception()


EVERY = 1_000_000  # facet values: more than any facet has


@dataclass
class SiteState:
    warehouse: Path
    threads: int = 4
    time_limit: float = 10.0
    check_interval: float = 1.0
    memory_limit: str = "256MB"
    duckdb_threads: int | None = None
    warmer: Callable[[SiteState], Any] | None = None
    recent_limit: int = 256
    # Facet values (and listed rows) the recent selections may hold in all: an unfiltered
    # selection's facets are ~2,000 values (~500 KB as dicts, ~90 KB packed: `web.packed`).
    recent_values: int = 60_000
    cube_retry_seconds: float = 30.0
    _current: Snapshot | None = field(default=None, repr=False)
    _pending: str | None = field(default=None, repr=False)
    _checked: float = field(default=0.0, repr=False)
    _executor: ThreadPoolExecutor | None = field(default=None, repr=False)
    _background: ThreadPoolExecutor | None = field(default=None, repr=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)
    problem: str | None = field(default=None, repr=False)
    _closing: threading.Event = field(default_factory=threading.Event, repr=False)

    # ---------------------------------------------------------------- snapshots

    def _open(self) -> Snapshot:
        version = version_id(self.warehouse)
        snap = Snapshot(
            reader_path(self.warehouse),
            version,
            memory_limit=self.memory_limit,
            threads=self.duckdb_threads,
        )
        snap.memo["registry"] = shipped_registry()  # the registry this version goes with
        return snap

    def snapshot(self) -> Snapshot:
        """The version this thread answers from: its request's, else the current one."""
        bound: Snapshot | None = getattr(_bound, "snapshot", None)
        if bound is not None:
            return bound
        with self._lock:
            if self._current is None:
                self._current = self._open()
                self.problem = None
            return self._current

    def con(self) -> Any:
        """An Ibis backend over this thread's own read-only cursor on the snapshot."""
        if self.closing:
            raise VendorwatchError("the site is shutting down")
        return self.snapshot().backend()

    @property
    def ready(self) -> tuple[bool, str]:
        """Whether the site answers from a warmed snapshot, and if not, why."""
        current = self._current
        if current is None:
            return False, self.problem or "no warehouse version is open yet"
        if self.warmer is not None and not current.warmed:
            return False, f"warming {current.version or current.file.name}"
        return True, f"serving {current.version or current.file.name}"

    def start(self, *, warm: bool) -> None:
        """Open the published version; warm it in the background when asked."""
        self._closing.clear()  # an app started again after a shutdown (a test client) serves
        try:
            snap = self.snapshot()
        except VendorwatchError as exc:
            self.problem = exc.message
            return
        if warm and self.warmer is not None:
            self._pool(background=True).submit(self._warm, snap).add_done_callback(_quiet)
        else:
            snap.warmed = True

    def _warm(self, snap: Snapshot) -> Snapshot:
        started = time.perf_counter()
        _bound.snapshot = snap
        try:
            found = self.warmer(self) if self.warmer is not None else []
        finally:
            _bound.snapshot = None
        snap.warmed = True
        log.info(
            "warmed the home page and %d dossiers in %.1f s",
            len(found or []),
            time.perf_counter() - started,
            extra={"version": snap.version},
        )
        return snap

    def _prepare(self, version: str) -> Snapshot:
        """Open and warm a newly published version (in the background thread)."""
        snap = self._open()
        return self._warm(snap) if self.warmer is not None else snap

    def refresh(self) -> None:
        """Notice a newly published version (at most once per ``check_interval``)."""
        now = time.monotonic()
        if now - self._checked < self.check_interval:
            return
        self._checked = now
        found = version_id(self.warehouse)
        current = self._current
        if found is None or found == self._pending or (current and found == current.version):
            return
        self._pending = found
        log.info("new warehouse version %s; opening it", found)
        job = self._pool(background=True).submit(self._prepare, found)
        job.add_done_callback(lambda f: self._swap(found, f))

    def _swap(self, version: str, done: Future[Snapshot]) -> None:
        with self._lock:
            self._pending = None if self._pending == version else self._pending
            error = done.exception()
            if error is not None:
                log.error("could not open warehouse version %s: %s", version, error)
                self._checked = 0.0  # try again on the next request
                return
            old, self._current = self._current, done.result()
        log.info("now serving warehouse version %s", version)
        if old is not None:
            old.retire()

    # ---------------------------------------------------------------- the pool

    def _pool(self, *, background: bool = False) -> ThreadPoolExecutor:
        with self._lock:
            if background:
                if self._background is None:
                    self._background = ThreadPoolExecutor(1, thread_name_prefix="vw-warm")
                return self._background
            if self._executor is None:
                self._executor = ThreadPoolExecutor(self.threads, thread_name_prefix="vw-query")
            return self._executor

    def _work(self, job: Job, fn: Callable[..., T], args: tuple[Any, ...]) -> T:
        try:
            if job.abandoned:
                raise TooSlow
            _bound.snapshot, _bound.job = job.snapshot, job
            if job.snapshot is not None:
                job.cursors.append(job.snapshot.backend().con)
            try:
                return fn(*args)
            except duckdb.OutOfMemoryException:
                raise OutOfMemory from None
            finally:
                _bound.snapshot = _bound.job = None
        finally:
            if job.snapshot is not None:
                job.snapshot.leave()

    def _acquire(self) -> Snapshot | None:
        """The current snapshot, counted as in use (so a swap cannot close it under us)."""
        with self._lock:
            if self._current is not None:
                self._current.enter()
            return self._current

    async def run(self, fn: Callable[..., T], *args: Any, time_limit: float | None = None) -> T:
        """``fn(*args)`` on a worker thread against the current snapshot, within the time
        limit (``time_limit``, else the site's); past it the query is interrupted and
        :class:`TooSlow` raised."""
        self.refresh()
        loop = asyncio.get_running_loop()
        snap = self._acquire()
        if snap is None:  # nothing open yet: open it off the loop
            # No warehouse to open: work that needs none (the FOIA tracker, on the app
            # database) still runs; a warehouse page asks again and is told why.
            with contextlib.suppress(VendorwatchError):
                await loop.run_in_executor(self._pool(), self.snapshot)
            snap = self._acquire()
        job = Job(snap)
        future = loop.run_in_executor(self._pool(), self._work, job, fn, args)
        limit = self.time_limit if time_limit is None else time_limit
        while True:
            left = limit - (time.monotonic() - job.since)
            try:
                return await asyncio.wait_for(asyncio.shield(future), max(left, 0.05))
            except TimeoutError:
                if job.waiting or time.monotonic() - job.since < limit:
                    continue  # waiting on work in flight, or its clock started again
                job.interrupt()
                future.add_done_callback(_quiet)
                raise TooSlow from None

    @property
    def closing(self) -> bool:
        """Set when the site shuts down: long background work (the warm-up) stops early."""
        return self._closing.is_set()

    def close(self) -> None:
        # Stop the warm-up and running queries first, so that shutting down never waits
        # for dozens of dossiers to finish (a supervisor's SIGTERM must be prompt).
        self._closing.set()
        for snap in (self._current,):
            if snap is not None:
                snap.interrupt()
        for pool in (self._background, self._executor):
            if pool is not None:
                pool.shutdown(wait=True, cancel_futures=True)
        self._background = self._executor = None
        with self._lock:
            current, self._current = self._current, None
        if current is not None:
            current.close()

    # ---------------------------------------------------------------- caches of the snapshot

    @property
    def _dossiers(self) -> dict[str, tuple[dict[str, Any], dict[str, str]]]:
        return self.snapshot().dossiers

    @property
    def _memo(self) -> dict[str, Any]:
        return self.snapshot().memo

    @property
    def _recent(self) -> OrderedDict[str, Any]:
        return self.snapshot().recent

    def dossier(self, family_id: str) -> tuple[dict[str, Any], dict[str, str]]:
        """The family's dossier data and its chart SVGs, built once per version (a visitor
        asking while the warm-up builds it waits for that one)."""
        snap = self.snapshot()
        cached = snap.dossiers.get(family_id)
        if cached is not None:
            return cached
        with self._single(snap, "dossier:" + family_id):
            cached = snap.dossiers.get(family_id)
            if cached is None:
                data = family_dossier(snap.backend(), self.registry, family_id)
                cached = (data, dossier_charts(data))
                snap.dossiers[family_id] = cached
            return cached

    @contextmanager
    def _single(self, snap: Snapshot, key: str) -> Iterator[None]:
        """One computation of ``key`` at a time: the others wait for it, and a request that
        waits is not cut by its time limit meanwhile (`Job.wait_for`)."""
        lock = snap.computing(key)
        job: Job | None = getattr(_bound, "job", None)
        if job is None:
            lock.acquire()
        else:
            job.wait_for(lock)
        try:
            yield
        finally:
            lock.release()

    def memo(self, key: str, compute: Callable[[], Any]) -> Any:
        """A value computed once per version (a version never changes)."""
        snap = self.snapshot()
        if key in snap.memo:
            return snap.memo[key]
        with self._single(snap, key):  # one computation per key: the others wait for it
            if key not in snap.memo:
                snap.memo[key] = compute()
            return snap.memo[key]

    def memo_ready(self, key: str) -> Any | None:
        """The current version's ``key`` if it is computed already, else None; touches no
        database, so a handler may call it on the event loop (see `pages.home`)."""
        self.refresh()
        with self._lock:
            current = self._current
            if current is None or current.closed:
                return None
            return current.memo.get(key)

    def recent(self, key: str, compute: Callable[[], T], weight: Callable[[T], int]) -> T:
        """A value kept among the last ``recent_limit`` asked for (a selection's facets, a page
        of awards), within ``recent_values`` in all (``weight``: a value's count of facet values
        or rows): at 10M rows the unfiltered facets take seconds, and people come back."""
        snap = self.snapshot()
        with self._lock:
            if key in snap.recent:
                snap.recent.move_to_end(key)
                found: T = snap.recent[key][0]
                return found
        value = compute()
        size = weight(value)
        with self._lock:
            snap.recent[key] = (value, size)
            held = sum(kept for _, kept in snap.recent.values())  # a few hundred entries
            while len(snap.recent) > 1 and (
                len(snap.recent) > self.recent_limit or held > self.recent_values
            ):
                _, (_, dropped) = snap.recent.popitem(last=False)
                held -= dropped
        return value

    def cube(self) -> Cube:
        """The version's browse aggregate (`vendorwatch.analysis.cube`), built once, in memory:
        the first to ask builds it (the warm-up does, before the swap); meanwhile, visitors
        answer from the facts and the warm-up waits."""
        snap = self.snapshot()
        # A visitor's request does not wait for a build in flight (minutes at 10M rows, and
        # waiting suspends the time limit): it answers from the facts meanwhile, within its
        # limit (else the 503 "narrow it" page), never a hang. The warm-up has no job: waits.
        visitor = getattr(_bound, "job", None) is not None
        if visitor and "cube" not in snap.memo and snap.computing("cube").locked():
            raise CubeBuildError("the browse aggregate is still being built")

        def build() -> Cube:
            # After a failure, requests (and those already waiting for that build) answer from
            # the facts for a while rather than each starting a build of its own.
            failed = snap.memo.get("cube-failed")
            if failed is not None and time.monotonic() - failed[0] < self.cube_retry_seconds:
                raise CubeBuildError(
                    f"{failed[1]} (not tried again for {self.cube_retry_seconds:g} s)"
                )
            try:
                return Cube(snap.backend(), memory_limit=self.memory_limit, threads=1)
            except CubeBuildError as exc:
                snap.memo["cube-failed"] = (time.monotonic(), exc.message)
                raise

        cube: Cube = self.memo("cube", build)
        job = getattr(_bound, "job", None)
        if job is not None:  # so that the time limit interrupts its queries too
            job.cursors.append(cube.cursor())
        return cube

    def facets(self, chosen: Filters, size: int | None = 12) -> dict[str, list[dict[str, Any]]]:
        """Each facet's largest ``size`` values (and the chosen ones) under the selection;
        ``None``: every value (the browse page's "show all"). One cache entry holds them all.
        From the cube, but a text search, which reads the transactions' words."""
        key = "facets:" + _key(chosen)
        snap = self.snapshot()

        def compute() -> dict[str, list[dict[str, Any]]]:
            if "q" not in chosen:
                try:
                    return self.cube().facets(chosen, size=EVERY)
                except CubeBuildError as exc:  # answered from the facts; rebuilt next time
                    log.error("%s; answering from the facts", exc.message)
            return selections.facets(snap.backend(), chosen, snap.prepared, size=EVERY)

        packed = self.recent(key, lambda: pack(compute()), lambda p: p.values)
        found = packed.unpack()  # fresh dicts: ~300 bytes a value less kept (`web.packed`)
        if size is None:
            return found
        return {
            name: [v for i, v in enumerate(values) if i < size or v["selected"]]
            for name, values in found.items()
        }

    def listing(
        self, view: str, chosen: Filters, *, sort: str, descending: bool, offset: int, limit: int
    ) -> Page:
        """A page of awards (or of transactions, ``view="transactions"``) of a selection."""
        snap = self.snapshot()

        def compute() -> Page:
            if view == "awards" and "q" not in chosen:
                try:
                    return self.cube().awards(
                        chosen, sort=sort, descending=descending, offset=offset, limit=limit
                    )
                except CubeBuildError as exc:  # as in `facets`
                    log.error("%s; answering from the facts", exc.message)
            if view == "awards":  # compiled once per shape of selection
                return selections.awards(
                    snap.backend(), chosen, snap.prepared, sort=sort, descending=descending,
                    offset=offset, limit=limit,
                )  # fmt: skip
            return transaction_list(
                snap.backend(), chosen, sort=sort, descending=descending, offset=offset,
                limit=limit,
            )  # fmt: skip

        key = json.dumps([view, _key(chosen), sort, descending, offset, limit])
        return self.recent(key, compute, lambda page: len(page.rows) + 1)

    def descriptions(self, award_keys: list[str]) -> dict[str, str]:
        """Each listed award's description (`browse.award_descriptions`), from the cube."""
        if not award_keys:
            return {}
        if "cube" in self.snapshot().memo:
            return self.cube().descriptions(award_keys)
        return award_descriptions(self.con(), award_keys)

    @property
    def registry(self) -> Registry:
        """The registry the served version goes with: read when the version was opened, so a
        registry edit reaches names and families together with the facts re-derived from it."""
        registry: Registry = self.memo("registry", shipped_registry)
        return registry

    @property
    def family_names(self) -> dict[str, str]:
        registry = self.registry
        names: dict[str, str] = self.memo(
            "family_names",
            lambda: {org_id: e.value.name for org_id, e in registry.organisations.items()},
        )
        return names

    @property
    def watched_families(self) -> set[str]:
        """Families with a curated 'what it sells' entry: the data and surveillance vendors."""
        registry = self.registry
        watched: set[str] = self.memo(
            "watched_families",
            lambda: {
                registry.family(org_id)
                for org_id, entry in registry.organisations.items()
                if entry.value.sells
            },
        )
        return watched
