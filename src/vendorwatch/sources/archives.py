"""Loading a bulk history one archive at a time, resumable: the archive journal.

The whole federal history is hundreds of archives (a zip per fiscal year per agency, or a
folder of them). Loading them as one warehouse version would lose every finished archive to a
crash in the last; so each archive (a zip, or a plain CSV / CSV.gz) is loaded into its own
version and published (`vendorwatch.build.writing`: its members all or nothing, derived data
current), and then written to the journal ``<warehouse>.sync/archives.jsonl``, one JSON line
per finished archive. A re-run skips an archive the journal names (by its content hash, or by
the request that downloaded it) and says so; a process killed mid-archive published nothing of
it, so only that one is redone. A kill between publishing and the journal line costs nothing
either: the re-run finds every member already held (by content) and writes the line.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from vendorwatch.build import writing
from vendorwatch.errors import NoRowsError, NotContractDataError, VendorwatchError
from vendorwatch.faults import fault_point
from vendorwatch.sources.downloads import Member, load_archive
from vendorwatch.sources.journal import Journal
from vendorwatch.sources.stage import utc_now
from vendorwatch.warehouse.loader import LoadResult, load_file
from vendorwatch.warehouse.sniff import content_sha256

ARCHIVE_SUFFIXES = (".zip", ".csv", ".csv.gz", ".tsv", ".txt", ".gz")

FolderProgress = Callable[[str, int, int | None], None]
"""Told the step (the archive's name), how many archives are done, and how many in all."""


class ArchiveJournal:
    """``<warehouse>.sync/archives.jsonl``: the archives whose load was published."""

    def __init__(self, warehouse: Path) -> None:
        self.path = Journal(warehouse).root / "archives.jsonl"

    def entries(self) -> list[dict[str, Any]]:
        """Every whole line (a line cut short by a kill is ignored)."""
        try:
            lines = self.path.read_text("utf-8").splitlines()
        except FileNotFoundError:
            return []
        found = []
        for line in lines:
            try:
                entry = json.loads(line)
            except ValueError:
                continue
            if isinstance(entry, dict):
                found.append(entry)
        return found

    def find(self, key: str) -> dict[str, Any] | None:
        """The entry for an archive's content hash or its request key, if it finished."""
        return next((e for e in self.entries() if key in (e.get("sha256"), e.get("key"))), None)

    def record(self, entry: dict[str, Any]) -> None:
        """Append one finished archive, flushed to disk before returning."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        line = json.dumps({**entry, "finished_at": utc_now().isoformat()}, default=str)
        with self.path.open("a", encoding="utf-8") as out:
            out.write(line + "\n")
            out.flush()
            os.fsync(out.fileno())


@dataclass
class ArchiveLoad:
    """One archive of a folder (or a download): loaded now, or skipped as finished before."""

    path: Path
    sha256: str
    status: str  # "loaded" | "done before" | "error"
    files: list[LoadResult] = field(default_factory=list)
    error: str | None = None

    @property
    def rows(self) -> int:
        return sum(r.rows for r in self.files if r.status == "loaded")

    def as_dict(self) -> dict[str, Any]:
        return {
            "archive": str(self.path),
            "sha256": self.sha256,
            "status": self.status,
            "rows": self.rows,
            "error": self.error,
            "files": [r.as_dict() for r in self.files],
        }


def archive_files(folder: Path) -> list[Path]:
    """The bulk files under ``folder`` (zip, csv, csv.gz), in name order."""
    if not folder.is_dir():
        return [folder]
    return sorted(
        p for p in folder.rglob("*") if p.is_file() and p.name.lower().endswith(ARCHIVE_SUFFIXES)
    )


def load_members(
    con: Any, path: Path, before_provenance: Callable[[Member], object] | None = None
) -> list[LoadResult]:
    """Every file in one archive (a zip's members, or the file itself), each all or nothing."""
    if path.name.lower().endswith(".zip"):
        return [m.result for m in load_archive(con, path, before_provenance=before_provenance)]
    try:
        return [load_file(con, path)]
    except (NotContractDataError, NoRowsError) as exc:
        return [LoadResult(path=path, status="skipped", error=str(exc))]
    except VendorwatchError as exc:
        return [LoadResult(path=path, status="error", error=str(exc))]


def journal_entry(load: ArchiveLoad, key: str | None = None) -> dict[str, Any]:
    return {
        "key": key,
        "sha256": load.sha256,
        "archive": str(load.path),
        "files": [{"file": r.path.name, "status": r.status, "rows": r.rows} for r in load.files],
    }


def load_one(
    warehouse: Path, path: Path, number: int, *, sha256: str, wait: float | None
) -> ArchiveLoad:
    """One archive as one published version (``number`` names its fault point for the crash
    tests: ``archive-N-loaded``, after its rows are in and before the version is published)."""
    load = ArchiveLoad(path=path, sha256=sha256, status="loaded")
    with writing(warehouse, wait=wait) as writer:
        load.files = load_members(writer.con, path)
        writer.changed = any(r.status == "loaded" for r in load.files)
        fault_point(f"archive-{number}-loaded")  # a crash test may kill the process here
    if any(r.status == "error" for r in load.files):
        load.status = "error"
        load.error = "; ".join(r.error or "" for r in load.files if r.status == "error")
    return load


def load_folder(
    warehouse: Path,
    paths: Iterable[Path],
    *,
    wait: float | None = None,
    progress: FolderProgress | None = None,
) -> list[ArchiveLoad]:
    """Load every bulk file under ``paths``, one at a time, skipping those the journal names.

    An archive with a bad member is published with its good members (as `vendorwatch load`
    keeps the good files) but not journaled, so a re-run tries it again and says why."""
    journal = ArchiveJournal(warehouse)
    files = list(_unique([f for p in paths for f in archive_files(Path(p))]))
    report = progress or (lambda step, done, total: None)
    loads: list[ArchiveLoad] = []
    for done, path in enumerate(files):
        report(path.name, done, len(files))
        sha = content_sha256(path)
        if journal.find(sha) is not None:
            loads.append(ArchiveLoad(path=path, sha256=sha, status="done before"))
            continue
        load = load_one(warehouse, path, done + 1, sha256=sha, wait=wait)
        if load.status == "loaded":
            journal.record(journal_entry(load))
        loads.append(load)
    report("done", len(files), len(files))
    return loads


def _unique(files: list[Path]) -> Iterator[Path]:
    seen: set[Path] = set()
    for f in files:
        if f.resolve() not in seen:
            seen.add(f.resolve())
            yield f
