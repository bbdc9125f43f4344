"""The DuckDB cursors one connection hands to threads, kept so that one call interrupts or
closes them all.

Shared by the site's snapshots (`vendorwatch.web.pool`) and the browse cube
(`vendorwatch.analysis.cube`): a request past its time limit interrupts every cursor of its
version, and a retired version closes them. Here, below both, so analysis never imports web.
"""

from __future__ import annotations

import threading

import duckdb

from vendorwatch.errors import VendorwatchError


class Cursors:
    """A connection's cursors: new ones refused once closed."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._cursors: list[duckdb.DuckDBPyConnection] = []
        self._closed = False

    @property
    def closed(self) -> bool:
        return self._closed

    def open(self, db: duckdb.DuckDBPyConnection) -> duckdb.DuckDBPyConnection:
        """A new cursor on ``db``, kept; an error once the version was closed."""
        with self._lock:
            if self._closed:
                raise VendorwatchError("the warehouse version was closed; try again")
            cursor = db.cursor()
            self._cursors.append(cursor)
        return cursor

    def interrupt(self) -> None:
        """Interrupt whatever query each cursor is running."""
        with self._lock:
            cursors = list(self._cursors)
        for cursor in cursors:
            cursor.interrupt()

    def close(self) -> bool:
        """Close every cursor; False when they were closed already (nothing done)."""
        with self._lock:
            if self._closed:
                return False
            self._closed = True
            cursors, self._cursors = self._cursors, []
        for cursor in cursors:
            cursor.close()
        return True
