"""The sync journal: a folder beside the warehouse that makes a sync resumable.

``<warehouse>.sync/``

- ``pending.json`` — the plan of a sync that has not committed yet (its run id, its date
  windows and the options it was started with). A sync started with the same options resumes
  it: the same windows, so the same requests, answered from …
- ``cache/<sha256>.json`` — every answered request of the pending run, written atomically
  (temporary file, then rename), so a process killed at any moment leaves only whole answers.
- ``lock`` — held (an OS file lock) while a sync or a bulk seed runs: a second one started on
  the same warehouse stops at once with a clear message instead of sharing the journal.
- ``downloads/`` — the bulk seed's zips, kept: the provenance of the rows loaded from them.
- ``runs/<run id>/awards.jsonl`` and ``transactions.jsonl`` — the records each committed run
  loaded, one JSON record a line; their SHA-256 is the run's key in ``source_files`` and a
  warehouse row's ``source_row`` is its line number. They are kept: they are the provenance.

Nothing here is needed to read the warehouse; deleting the folder only loses resumability and
the raw records behind synced rows (the rows keep their hashes).
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from filelock import FileLock, Timeout

from vendorwatch.errors import VendorwatchError


class SyncBusyError(VendorwatchError):
    """Another sync (or bulk seed) of the same warehouse holds the journal."""


def _atomic_write(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-", suffix=path.suffix)
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


class Journal:
    """The folder for one warehouse file."""

    def __init__(self, warehouse: Path) -> None:
        # absolute, not resolved: once published the warehouse path is a link to a version
        # file, and the journal belongs beside the link (the name the user gave), not a version
        warehouse = Path(warehouse).expanduser().absolute()
        self.root = warehouse.with_name(warehouse.name + ".sync")
        self.cache_dir = self.root / "cache"
        self.pending_path = self.root / "pending.json"
        self.downloads = self.root / "downloads"
        self.lock_path = self.root / "lock"

    @contextmanager
    def locked(self) -> Iterator[None]:
        """Hold the journal for one run; refuse at once (no waiting) if another run holds it."""
        self.root.mkdir(parents=True, exist_ok=True)
        lock = FileLock(self.lock_path, timeout=0)
        try:
            lock.acquire()
        except Timeout:
            raise SyncBusyError(
                f"another sync of this warehouse is running (it holds {self.lock_path}); "
                "wait for it to finish, then run this again"
            ) from None
        try:
            yield
        finally:
            lock.release()

    # ResponseCache
    def get(self, key: str) -> bytes | None:
        try:
            return (self.cache_dir / f"{key}.json").read_bytes()
        except FileNotFoundError:
            return None

    def put(self, key: str, body: bytes) -> None:
        _atomic_write(self.cache_dir / f"{key}.json", body)

    def cached_responses(self) -> int:
        return sum(1 for _ in self.cache_dir.glob("*.json")) if self.cache_dir.is_dir() else 0

    def pending(self) -> dict[str, Any] | None:
        try:
            data = json.loads(self.pending_path.read_text("utf-8"))
        except (FileNotFoundError, ValueError):
            return None
        return data if isinstance(data, dict) else None

    def start(self, plan: dict[str, Any]) -> None:
        """Begin a new pending run, dropping the answers of any other one."""
        self.discard()
        _atomic_write(self.pending_path, json.dumps(plan, indent=2, default=str).encode())

    def discard(self) -> None:
        shutil.rmtree(self.cache_dir, ignore_errors=True)
        self.pending_path.unlink(missing_ok=True)

    def run_dir(self, run_id: str) -> Path:
        return self.root / "runs" / run_id

    def write_batch(self, run_id: str, name: str, lines: list[bytes]) -> Path:
        path = self.run_dir(run_id) / name
        _atomic_write(path, b"".join(line + b"\n" for line in lines))
        return path
