"""The warehouse in versions: readers open the published one, a writer builds the next beside it.

The warehouse path a user names (``warehouse.duckdb``) is a symbolic link to the published
version, a file in ``warehouse.duckdb.versions/``. A load or sync copies the published version
to a new file, writes it, brings its derived data up to date, and publishes it by replacing the
link in one atomic rename. So a reader (the site, a CLI query) never sees a half-built state and
never blocks a writer: it opened a file that no writer touches again. An interrupted build
leaves only a ``*.building`` file, removed by the next writer. One writer at a time: a file lock
beside the warehouse (``warehouse.duckdb.lock``), released by the kernel if the writer dies.

A warehouse made before versions (a plain file at the path) is read as it is; the first write
copies it into ``.versions/`` and puts the link in its place.
"""

from __future__ import annotations

import os
import re
import shutil
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path

import duckdb

from vendorwatch.errors import VendorwatchError
from vendorwatch.faults import fault_point

VERSION_PATTERN = re.compile(r"^v(\d{6})\.duckdb$")


@dataclass(frozen=True)
class Layout:
    """Where a warehouse's link, versions and lock live."""

    link: Path

    @property
    def versions(self) -> Path:
        return self.link.with_name(self.link.name + ".versions")

    @property
    def lock(self) -> Path:
        return self.link.with_name(self.link.name + ".lock")

    def version_file(self, number: int) -> Path:
        return self.versions / f"v{number:06d}.duckdb"


def layout(path: Path) -> Layout:
    return Layout(Path(path).expanduser().absolute())


def reader_path(path: Path) -> Path:
    """The published version's file, to open read-only; an error if nothing is published."""
    where = layout(path).link
    if not where.exists():
        raise VendorwatchError(f"no warehouse at {where}; run `vendorwatch load` first")
    return where.resolve()


def version_id(path: Path) -> str | None:
    """What identifies the published version, cheaply (no file is opened): the version's file
    name, or for a warehouse made before versions its inode and modification time. None when
    nothing is published. A change means a new version to open."""
    where = layout(path).link
    try:
        if where.is_symlink():
            return os.readlink(where)
        stat = where.stat()
    except FileNotFoundError:
        return None
    return f"file:{stat.st_ino}:{stat.st_mtime_ns}"


def _numbers(folder: Path) -> list[int]:
    if not folder.is_dir():
        return []
    found = []
    for entry in folder.iterdir():
        match = re.match(r"^v(\d{6})\.duckdb", entry.name)
        if match:
            found.append(int(match.group(1)))
    return found


def dataset_folder(file: Path) -> Path:
    """Where a version file's Parquet dataset lives (`vendorwatch.analysis.spark`)."""
    return file.with_suffix(".parquet")


def _remove(file: Path) -> None:
    for each in (file, file.with_name(file.name + ".wal")):
        each.unlink(missing_ok=True)
    # its Parquet dataset, and any left half-built by a process that died
    dataset = dataset_folder(file)
    for folder in [dataset, *dataset.parent.glob(f"{dataset.name}.*.building")]:
        shutil.rmtree(folder, ignore_errors=True)


def _fsync_dir(folder: Path) -> None:
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


class Writer:
    """The next version being built: ``con`` is a read-write connection to its file.

    Leaving the ``writing`` block normally publishes it, unless `discard` was called (nothing
    changed: no new version is worth its copy); leaving it with an error deletes it.
    """

    def __init__(self, place: Layout, number: int, building: Path, con: duckdb.DuckDBPyConnection):
        self.layout = place
        self.number = number
        self.building = building
        self.con = con
        self.discarded = False
        self.changed = False  # set by whoever wrote rows (or migrated the schema)
        self.published: Path | None = None
        self.derived: object = None  # what the before-publish step reports

    def discard(self) -> None:
        self.discarded = True

    def _publish(self) -> Path:
        self.con.execute("CHECKPOINT")
        self.con.close()
        final = self.layout.version_file(self.number)
        os.replace(self.building, final)
        self.building.with_name(self.building.name + ".wal").unlink(missing_ok=True)
        link = self.layout.link
        temporary = link.with_name(f".{link.name}.{os.getpid()}.link")
        temporary.unlink(missing_ok=True)
        os.symlink(os.path.relpath(final, link.parent), temporary)
        os.replace(temporary, link)  # the one atomic step: readers now open the new version
        _fsync_dir(link.parent)
        return final


def prune(place: Layout, *, keep: int = 2) -> list[Path]:
    """Remove versions older than the last ``keep`` published. A reader that still has one
    open keeps reading it (the file lives until its last handle closes); a reader that resolved
    the link just before a swap finds the previous version still there."""
    numbers = sorted(n for n in _numbers(place.versions) if place.version_file(n).exists())
    removed = []
    current = reader_path(place.link) if place.link.is_symlink() else None
    for number in numbers[:-keep] if keep else numbers:
        file = place.version_file(number)
        if current is not None and file.resolve() == current:
            continue
        _remove(file)
        removed.append(file)
    return removed


@contextmanager
def writing(
    path: Path,
    *,
    wait: float = 0.0,
    prepare: Callable[[Writer], None] | None = None,
    before_publish: Callable[[Writer], None] | None = None,
) -> Iterator[Writer]:
    """Build the next version of the warehouse at ``path`` and publish it on success.

    ``wait``: seconds to wait for another writer (0: refuse at once with a clear message).
    ``prepare`` runs on the new file first (the schema and its migrations); ``before_publish``
    last (bringing derived data up to date), so what is published is always whole and current.
    """
    from filelock import FileLock, Timeout  # noqa: PLC0415 - readers never lock (~25-40 ms)

    place = layout(path)
    place.versions.mkdir(parents=True, exist_ok=True)
    lock = FileLock(place.lock, timeout=wait)
    try:
        lock.acquire()
    except Timeout:
        raise VendorwatchError(
            f"another vendorwatch command (a load, sync or rebuild) is writing {place.link}; "
            "run this again when it has finished"
            + (f" (waited {wait:g} s)" if wait else " (or pass --wait SECONDS to wait for it)")
        ) from None
    try:
        for leftover in place.versions.glob("*.building*"):  # an interrupted build's remains
            leftover.unlink(missing_ok=True)
        number = max(_numbers(place.versions), default=0) + 1
        building = place.versions / f"v{number:06d}.duckdb.building"
        if place.link.exists():
            source = place.link.resolve()
            fault_point("copy")  # a test may fail the copy here (a full disk)
            shutil.copyfile(source, building)
            wal = source.with_name(source.name + ".wal")
            if wal.exists():  # a warehouse from before versions, left with a journal
                shutil.copyfile(wal, building.with_name(building.name + ".wal"))
        try:
            con = duckdb.connect(str(building))
        except duckdb.Error as exc:
            _remove(building)
            raise VendorwatchError(f"cannot write the warehouse {place.link}: {exc}") from None
        con.execute("SET enable_progress_bar = false")
        writer = Writer(place, number, building, con)
        try:
            if prepare is not None:
                prepare(writer)
            yield writer
            if not writer.discarded and before_publish is not None:
                before_publish(writer)
        except BaseException:
            with suppress(duckdb.Error):
                con.close()
            _remove(building)
            raise
        if writer.discarded:
            con.close()
            _remove(building)
        else:
            writer.published = writer._publish()
            prune(place)
    finally:
        lock.release()
