"""Serving that does not stall: a bounded pool of worker threads over read-only snapshots.

Datasette's pattern. The event loop only accepts requests and writes answers; every query,
render, PDF and audit runs on one of ``query_threads`` worker threads, each with its own
DuckDB cursor (``con.cursor()``) on the published snapshot, wrapped as the Ibis backend the
analysis functions take. A request that runs past the time limit is interrupted
(``cursor.interrupt()``) and answered with a clear "narrow it" message, never a hang.

A :class:`Snapshot` is one published version of the warehouse (see
`vendorwatch.warehouse.snapshots`), opened read-only, with the caches that belong to it: when
a new version is published, the site opens it, warms it in the background while still
answering from the old one, swaps, and closes the old one once its last request has finished.
"""

from __future__ import annotations

import functools
import threading
import time
from collections import OrderedDict
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, ParamSpec, TypeVar

import duckdb
from starlette.requests import Request

from vendorwatch.analysis import engine
from vendorwatch.errors import VendorwatchError
from vendorwatch.warehouse.cursors import Cursors

TOO_LARGE = (
    "This selection is too large to answer in time; narrow it (add a family, a fiscal year or a "
    "sub-agency)."
)


P = ParamSpec("P")
T = TypeVar("T")


OUT_OF_MEMORY = (
    "This selection needs more memory than the site sets aside for one question; narrow it "
    "(add a family, a fiscal year or a sub-agency)."
)


class OutOfMemory(VendorwatchError):
    """A request's query needed more than DuckDB's memory limit (`duckdb_memory_limit`):
    answered 503 with advice, like a query past the time limit, never a 500."""

    status = 503

    def __init__(self) -> None:
        super().__init__(OUT_OF_MEMORY)


class TooSlow(VendorwatchError):
    """A request ran past the time limit and was interrupted."""

    def __init__(self) -> None:
        super().__init__(TOO_LARGE)


class Snapshot:
    """One published version of the warehouse, read-only, and what the site keeps about it.

    DuckDB's memory limit and thread count are set here because the site's own threads are
    the parallelism: a query per worker, not every core per query.
    """

    def __init__(
        self, file: Path, version: str | None, *, memory_limit: str, threads: int | None
    ) -> None:
        self.file = file
        self.version = version
        # Set after connecting, not as connect() config: DuckDB refuses a second connection
        # to one file in a process with a different config (a CLI query, a test).
        self.db = duckdb.connect(str(file), read_only=True)
        self.db.execute("SET enable_progress_bar = false")
        self.db.execute("SET memory_limit = ?", [memory_limit])
        if threads:
            self.db.execute(f"SET threads = {int(threads)}")
        self.warmed = False
        # The caches: they describe this version only, and go with it.
        self.dossiers: dict[str, tuple[dict[str, Any], dict[str, str]]] = {}
        self.memo: dict[str, Any] = {}
        self.recent: OrderedDict[str, Any] = OrderedDict()
        self.prepared: dict[Any, Any] = {}  # compiled statements per selection shape
        self._local = threading.local()
        self._lock = threading.Lock()
        self._cursors = Cursors()
        self._computing: dict[str, threading.Lock] = {}
        self._in_flight = 0
        self._retired = False

    def backend(self) -> Any:
        """This thread's Ibis backend over its own cursor (created on first use)."""
        found = getattr(self._local, "backend", None)
        if found is None:
            cursor = self._cursors.open(self.db)
            cursor.execute("SET enable_progress_bar = false")
            found = engine.from_connection(cursor)
            self._local.backend = found
        return found

    def computing(self, key: str) -> threading.Lock:
        """The lock held while ``key`` of this version's memo is worked out: visitors arriving
        during the warm-up wait for the home page it is computing instead of computing it
        again each (which, on a busy machine, made every one of them too slow)."""
        with self._lock:
            found = self._computing.get(key)
            if found is None:
                found = self._computing[key] = threading.Lock()
            return found

    def enter(self) -> None:
        with self._lock:
            self._in_flight += 1

    def leave(self) -> None:
        with self._lock:
            self._in_flight -= 1
            done = self._retired and self._in_flight == 0
        if done:
            self.close()

    def retire(self) -> None:
        """No new requests come here; close once the requests still running have finished."""
        with self._lock:
            self._retired = True
            done = self._in_flight == 0
        if done:
            self.close()

    def interrupt(self) -> None:
        """Interrupt whatever query each of this version's cursors is running."""
        self._cursors.interrupt()
        cube = self.memo.get("cube")
        if cube is not None:
            cube.interrupt()

    @property
    def closed(self) -> bool:
        return self._cursors.closed

    def close(self) -> None:
        if not self._cursors.close():
            return
        cube = self.memo.get("cube")
        if cube is not None:
            cube.close()
        self.db.close()


@dataclass
class Job:
    """One request's work: where it runs, so that a time limit can interrupt its query."""

    snapshot: Snapshot | None  # None: no warehouse is open (app-database work only)
    abandoned: bool = False
    cursors: list[Any] = field(default_factory=list, repr=False)  # the snapshot's, the cube's
    waiting: int = 0  # waiting on another's computation of the same thing (single flight)
    since: float = field(default_factory=time.monotonic)  # its own clock started here

    def wait_for(self, lock: threading.Lock) -> None:
        """Take ``lock``; while another holds it (computing what this request needs), the
        time limit does not run: the wait ends when that work does, and the request's own
        time starts again then. Cutting it would throw away a wait for nearly-done work."""
        if lock.acquire(blocking=False):
            return
        self.waiting += 1
        try:
            lock.acquire()
        finally:
            self.waiting -= 1
            self.since = time.monotonic()

    def interrupt(self) -> None:
        self.abandoned = True
        for cursor in list(self.cursors):
            cursor.interrupt()


async def run(
    request: Request, fn: Callable[..., T], *args: Any, time_limit: float | None = None
) -> T:
    """``fn(*args)`` on the site's pool (see `SiteState.run`): for handlers that must await
    something on the loop first (an upload) and then do the heavy part. ``time_limit``
    overrides the site's for work bounded otherwise (an audit, by its upload limits)."""
    result: T = await request.app.state.site.run(fn, *args, time_limit=time_limit)
    return result


# A day stands for "never cut": an infinite timer is refused by some event loops (uvloop).
WRITE_TIME = 24 * 60 * 60.0


async def write(request: Request, fn: Callable[..., T], *args: Any) -> T:
    """``fn(*args)`` on the site's pool for work that writes the app database, not cut by the
    query time limit.

    The limit can only interrupt DuckDB cursors; a SQLAlchemy transaction on the worker runs
    on to its commit or rollback whatever the loop does (`vendorwatch.appdb.transaction`: whole
    or not at all). Cutting a write would answer "too large, narrow it" for a row that is then
    committed, and a visitor who tries again would save it twice. So a write is answered with
    what really happened, bounded by the app database's own lock timeouts and by the upload
    limits, not by the site's time limit.
    """
    return await run(request, fn, *args, time_limit=WRITE_TIME)


def offloop(fn: Callable[P, T]) -> Callable[P, Awaitable[T]]:
    """A plain handler body run on the site's pool, within its time limit.

    Put under the route decorator of a ``def`` handler that takes ``request``; FastAPI reads
    the original signature (parameters, dependencies, response model) through ``__wrapped__``.
    """

    @functools.wraps(fn)
    async def endpoint(*args: P.args, **kwargs: P.kwargs) -> T:
        request = kwargs["request"]
        assert isinstance(request, Request)
        return await run(request, functools.partial(fn, *args, **kwargs))

    return endpoint
