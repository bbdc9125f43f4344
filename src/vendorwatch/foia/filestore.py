"""Where released records' bytes live: content-addressed by SHA-256, each file once.

Two places, chosen per app database (`store_for`):

- a folder (``records_dir``; default: ``<name>-records`` beside a SQLite file), one file per
  hash under ``ab/abcdef…``, written to a temporary name and renamed, so a crash never leaves
  half a file under a hash;
- the ``record_blobs`` table, for PostgreSQL (several web servers share no folder) or an
  in-memory SQLite database, unless ``records_dir`` is set.

Reading looks in ``record_blobs`` first and then the folder, and checks the hash either way, so
a backup restored across engines (folder to table or back) reads whatever it carried.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, insert, inspect, select
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session

from vendorwatch.errors import VendorwatchError
from vendorwatch.foia.record_models import RecordBlob, RecordDocument


def sha256_of(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def default_folder(database_url: str) -> Path | None:
    """``<name>-records`` beside a SQLite file; None for PostgreSQL or in-memory SQLite."""
    url = make_url(database_url)
    if url.get_backend_name() != "sqlite" or url.database in (None, "", ":memory:"):
        return None
    db = Path(str(url.database)).expanduser()
    return db.parent / f"{db.stem}-records"


@dataclass(frozen=True)
class FileStore:
    """The store of one app database; ``folder`` None means the ``record_blobs`` table."""

    folder: Path | None

    def _path(self, sha: str) -> Path:
        assert self.folder is not None
        return self.folder / sha[:2] / sha

    def put(self, session: Session | Connection, sha: str, data: bytes) -> None:
        """Keep ``data`` under ``sha`` (nothing to do if it is there already)."""
        if self.folder is None:
            if session.scalar(select(RecordBlob.sha256).where(RecordBlob.sha256 == sha)) is None:
                session.execute(insert(RecordBlob).values(sha256=sha, size=len(data), data=data))
            return
        path = self._path(sha)
        if path.is_file() and path.stat().st_size == len(data):
            return
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            handle, temp = tempfile.mkstemp(prefix=".upload-", dir=path.parent)
            with os.fdopen(handle, "wb") as out:
                out.write(data)
                out.flush()
                os.fsync(out.fileno())
            os.replace(temp, path)
        except OSError as exc:
            raise VendorwatchError(
                f"could not store the file in {self.folder} (records_dir): {exc.strerror}"
            ) from None

    def get(self, session: Session | Connection, sha: str) -> bytes:
        """The bytes stored under ``sha``, checked against it."""
        data = session.scalar(select(RecordBlob.data).where(RecordBlob.sha256 == sha))
        if data is None and self.folder is not None and self._path(sha).is_file():
            data = self._path(sha).read_bytes()
        if data is None:
            where = f"the folder {self.folder}" if self.folder else "the database"
            raise VendorwatchError(
                f"the file {sha[:12]}… is missing from {where} (records_dir); restore it "
                "from a backup"
            )
        if sha256_of(bytes(data)) != sha:
            raise VendorwatchError(f"the stored file {sha[:12]}… is damaged (its hash differs)")
        return bytes(data)


def store_for(database_url: str, records_dir: Path | None = None) -> FileStore:
    """The store for the app database at ``database_url``; ``records_dir`` overrides the
    default (the ``records_dir`` setting when None is given)."""
    if records_dir is None:
        from vendorwatch.settings import get_settings  # noqa: PLC0415

        records_dir = get_settings().records_dir
    return FileStore(records_dir if records_dir is not None else default_folder(database_url))


# --- backups (vendorwatch.appdb.backup) ------------------------------------------------------


def write_files(
    conn: Connection, zf: zipfile.ZipFile, store: FileStore, stamp: tuple[int, ...]
) -> list[dict[str, Any]]:
    """Every released record's file not already in ``record_blobs``, as ``files/<sha256>``.

    Files are compressed on their own (PDFs barely shrink; the zip stays one portable file).
    A file the rows name but the folder lacks stops the backup: a backup must be complete.
    """
    if "foia_documents" not in inspect(conn).get_table_names():
        return []  # a database at a revision before released records
    in_table = set(conn.scalars(select(RecordBlob.sha256)))
    wanted = sorted(set(conn.scalars(select(RecordDocument.sha256).distinct())) - in_table)
    entries: list[dict[str, Any]] = []
    for sha in wanted:
        data = store.get(conn, sha)
        member = zipfile.ZipInfo(f"files/{sha}", date_time=stamp)  # type: ignore[arg-type]
        member.compress_type = zipfile.ZIP_DEFLATED
        zf.writestr(member, data)
        entries.append({"sha256": sha, "size": len(data)})
    return entries


def read_files(
    conn: Connection, zf: zipfile.ZipFile, name: Path, store: FileStore, entries: Any
) -> int:
    """Put each backed-up file into ``store``, checking its size and hash first."""
    if not isinstance(entries, list):
        raise VendorwatchError(f"{name}: manifest.json has no valid list of files")
    for entry in entries:
        sha = entry.get("sha256") if isinstance(entry, dict) else None
        if not isinstance(sha, str) or len(sha) != 64:
            raise VendorwatchError(f"{name}: manifest.json lists a file without its SHA-256")
        try:
            data = zf.read(f"files/{sha}")
        except KeyError:
            raise VendorwatchError(f"{name}: files/{sha} is missing") from None
        if len(data) != entry.get("size") or sha256_of(data) != sha:
            raise VendorwatchError(
                f"{name}: files/{sha} does not match its manifest (damaged or edited)"
            )
        store.put(conn, sha, data)
    return len(entries)
