"""Load a downloaded zip into the warehouse, each member all or nothing, with its provenance.

The loader reads files, not archives, so each CSV inside is extracted to a temporary file and
loaded (`vendorwatch.warehouse.load_file`; a member already held is known by its content and
skipped). The temporary file is gone afterwards, so the member's ``source_files`` row is then
pointed at what remains: ``path`` is the archive (kept beside the warehouse, in
``<warehouse>.sync/downloads/``) and ``file_name`` is ``ARCHIVE!MEMBER``; and
``source_archive_members`` records both hashes (the member's, which is its ``source_files``
key and every row's ``source_sha256``, and the archive's), so a row traces to the exact bytes
downloaded. The load and its provenance are two transactions: a process killed between them
(the ``bulk-member-loaded`` fault point) leaves the temporary name and no provenance row; the
next seed, finding the member already loaded but never recorded, repairs the name and treats
its rows as new (`Member.new_rows`), so their changes are recorded then. What a caller records
about new rows (a bulk seed's changes: ``before_provenance``) is written in the provenance's
transaction, so the provenance row is the mark that a member is complete.
"""

from __future__ import annotations

import tempfile
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import duckdb

from vendorwatch.errors import NoRowsError, NotContractDataError, VendorwatchError
from vendorwatch.faults import fault_point
from vendorwatch.sources.stage import utc_now
from vendorwatch.warehouse.loader import LoadResult, load_file
from vendorwatch.warehouse.sniff import content_sha256

ARCHIVE_MEMBERS = """
CREATE TABLE IF NOT EXISTS source_archive_members (
    sha256 VARCHAR PRIMARY KEY,  -- the member's content hash: its source_files key
    member VARCHAR NOT NULL,  -- its name inside the archive
    archive_path VARCHAR NOT NULL,  -- the archive as kept beside the warehouse
    archive_sha256 VARCHAR NOT NULL,
    recorded_at TIMESTAMP NOT NULL  -- UTC
)
"""


@dataclass(frozen=True)
class Member:
    """A loaded (or already held) member of an archive."""

    result: LoadResult
    member: str
    archive: Path
    archive_sha256: str
    new_rows: bool = False  # loaded now, or by a seed killed before it recorded the member

    @property
    def name(self) -> str:
        """How the warehouse names it: ``ARCHIVE!MEMBER``."""
        return f"{self.archive.name}!{self.member}"


def _unrecorded(con: duckdb.DuckDBPyConnection, sha256: str) -> bool:
    """Held, but loaded by a seed that died before naming its source: no provenance row, and
    the temporary file it names is gone."""
    con.execute(ARCHIVE_MEMBERS)
    recorded = con.execute(
        "SELECT count(*) FROM source_archive_members WHERE sha256 = ?", [sha256]
    ).fetchall()
    held = con.execute("SELECT path FROM source_files WHERE sha256 = ?", [sha256]).fetchall()
    return recorded == [(0,)] and bool(held) and not Path(held[0][0]).is_file()


def record_provenance(con: duckdb.DuckDBPyConnection, member: Member) -> None:
    """Name the archive and member as the source of the member's rows (both hashes)."""
    sha = member.result.sha256
    if sha is None:
        return
    con.execute(ARCHIVE_MEMBERS)
    con.execute(
        """
        INSERT INTO source_archive_members VALUES (?, ?, ?, ?, ?)
        ON CONFLICT (sha256) DO UPDATE SET member = excluded.member,
            archive_path = excluded.archive_path, archive_sha256 = excluded.archive_sha256,
            recorded_at = excluded.recorded_at
        """,
        [sha, member.member, str(member.archive), member.archive_sha256, utc_now()],
    )
    (held,) = con.execute("SELECT path FROM source_files WHERE sha256 = ?", [sha]).fetchall()
    # a row loaded just now names the temporary file; one loaded before by `vendorwatch load`
    # from a file that still exists keeps its own (equally true) name
    if member.result.status == "loaded" or not Path(held[0]).is_file():
        con.execute(
            "UPDATE source_files SET path = ?, file_name = ? WHERE sha256 = ?",
            [str(member.archive), member.name, sha],
        )


def _complete(
    con: duckdb.DuckDBPyConnection,
    member: Member,
    before_provenance: Callable[[Member], object] | None,
) -> None:
    con.execute("BEGIN TRANSACTION")
    try:
        if member.new_rows and before_provenance is not None:
            before_provenance(member)
        record_provenance(con, member)
        con.execute("COMMIT")
    except BaseException:
        con.execute("ROLLBACK")
        raise


def load_download(
    con: duckdb.DuckDBPyConnection, zip_path: Path, *, workdir: Path | None = None
) -> list[LoadResult]:
    """Load each CSV in a download zip (each file all or nothing), naming the archive as the
    source of its rows."""
    return [m.result for m in load_archive(con, zip_path, workdir=workdir)]


def load_archive(
    con: duckdb.DuckDBPyConnection,
    zip_path: Path,
    *,
    workdir: Path | None = None,
    before_provenance: Callable[[Member], object] | None = None,
) -> list[Member]:
    """`load_download`, telling for each member its archive and the archive's hash;
    ``before_provenance`` is called for each member with new rows, in one transaction with
    its provenance."""
    zip_path = Path(zip_path).resolve()
    try:
        archive = zipfile.ZipFile(zip_path)
    except zipfile.BadZipFile:
        raise VendorwatchError(
            f"{zip_path}: not a zip archive (an interrupted download?)"
        ) from None
    archive_sha = content_sha256(zip_path)
    members: list[Member] = []
    with archive, tempfile.TemporaryDirectory(dir=workdir) as tmp:
        for info in archive.infolist():
            name = Path(info.filename).name  # never a path from inside the archive
            if info.is_dir() or not name.lower().endswith((".csv", ".tsv", ".txt")):
                continue
            target = Path(tmp) / name
            with archive.open(info) as source, target.open("wb") as out:
                while chunk := source.read(1 << 20):
                    out.write(chunk)
            try:
                result = load_file(con, target)
            except (NotContractDataError, NoRowsError) as exc:  # an empty member: no rows
                result = LoadResult(path=target, status="skipped", error=str(exc))
            except VendorwatchError as exc:
                result = LoadResult(path=target, status="error", error=str(exc))
            finally:
                target.unlink(missing_ok=True)
            if result.status == "loaded":
                fault_point("bulk-member-loaded")  # a crash test may kill the process here
            new_rows = result.status == "loaded" or (
                result.status == "already loaded"
                and result.sha256 is not None
                and _unrecorded(con, result.sha256)
            )
            member = Member(result, info.filename, zip_path, archive_sha, new_rows)
            if result.status in ("loaded", "already loaded"):
                _complete(con, member, before_provenance)
            members.append(member)
    return members
