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
from dataclasses import dataclass
from pathlib import Path

from vendorwatch.errors import VendorwatchError

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
