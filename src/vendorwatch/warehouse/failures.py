"""Faults a write can meet that are no bug: a full disk and Ctrl-C, each said in one line.

A full disk surfaces in many forms (``OSError`` ENOSPC from a copy, DuckDB's ``IOException``
"No space left on device" from a write or a checkpoint, and then DuckDB's own follow-up errors
such as "cannot rollback - no transaction is active"). `plain_failures` wraps a versioned write
(`vendorwatch.build.writing`) and turns the first of them into `DiskFullError`, and Ctrl-C
into `InterruptedByUser`, each saying whether the published version changed (it does not:
only the last atomic rename publishes, so an interrupted or failed build left it as it was).
"""

from __future__ import annotations

import errno
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import duckdb

from vendorwatch.errors import DiskFullError, InterruptedByUser
from vendorwatch.warehouse import snapshots

_FULL = (errno.ENOSPC, errno.EDQUOT)
_FULL_TEXT = ("No space left on device", "Disk quota exceeded")


def is_disk_full(exc: BaseException) -> bool:
    """Whether ``exc`` (or what caused it) says the disk or the user's quota is full."""
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        if isinstance(current, OSError) and current.errno in _FULL:
            return True
        if isinstance(current, duckdb.Error) and any(t in str(current) for t in _FULL_TEXT):
            return True
        current = current.__cause__ or current.__context__
    return False


def _outcome(path: Path, before: str | None) -> str:
    after = snapshots.version_id(path)
    if after == before:
        return "nothing changed (the published version is as it was)"
    return f"the new version {after} had been published"


@contextmanager
def plain_failures(path: Path) -> Iterator[None]:
    """Around a write to the warehouse at ``path``: disk full and Ctrl-C as one clear line."""
    before = snapshots.version_id(path)
    try:
        yield
    except KeyboardInterrupt:
        raise InterruptedByUser(f"interrupted; {_outcome(path, before)}") from None
    except (OSError, duckdb.Error) as exc:
        if not is_disk_full(exc):
            raise
        where = snapshots.layout(path).versions
        raise DiskFullError(
            f"the disk is full (no space left on device) writing the next version in {where}; "
            f"{_outcome(path, before)}; free some space and run this again"
        ) from None
