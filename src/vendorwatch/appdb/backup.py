"""Backups of the app database: one portable, versioned file, restored whole or not at all.

The app database is never rebuilt, so a backup must carry every row exactly and restore on
either engine (a SQLite laptop's tracker moved to PostgreSQL, and back). The file is a zip:

- ``manifest.json``: the format and its version, the Alembic revision the rows were read at,
  when, from which engine, and per table its columns, row count and the SHA-256 of its rows;
- ``tables/<table>.jsonl``: one JSON array per row, values in the manifest's column order;
- ``files/<sha256>``: the released records' files kept in a folder (``records_dir``), listed
  in the manifest with their sizes (files kept in the database travel as ``record_blobs`` rows).

Values are written by column type so nothing is rounded or reinterpreted (`appdb.values`:
decimals as strings, dates and times as ISO 8601 in UTC, JSON columns as JSON). The file
holds password hashes and webhook secrets: it is written readable by its owner only.

`restore` reads into an empty (or freshly migrated) database after bringing its schema to the
newest revision; a backup from an older revision loads into the newer schema (migrations
only add, so added columns take their defaults). It refuses a database that holds rows unless
``replace`` (then the old rows go, in the same transaction), a backup newer than this
vendorwatch, and any file whose counts or hashes do not match its manifest. Everything
happens in one transaction: on any error nothing changed.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, Any

from alembic.script import ScriptDirectory
from sqlalchemy import (
    Column,
    Connection,
    Engine,
    Integer,
    Table,
    func,
    inspect,
    select,
    text,
)
from sqlalchemy.exc import SQLAlchemyError

from vendorwatch.appdb.base import import_models
from vendorwatch.appdb.engine import make_engine
from vendorwatch.appdb.migrate import alembic_config, current_revision, upgrade
from vendorwatch.appdb.values import decode, encode
from vendorwatch.errors import VendorwatchError
from vendorwatch.foia.filestore import FileStore, read_files, store_for, write_files

FORMAT = "vendorwatch-appdb-backup"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"
BATCH = 500


@dataclass(frozen=True)
class BackupSummary:
    """What a backup holds (or a restore wrote): the file, its revision, rows per table."""

    path: Path
    revision: str
    tables: dict[str, int]
    files: int = 0  # released records' files carried beside the rows

    def as_dict(self) -> dict[str, Any]:
        return {
            "file": str(self.path),
            "revision": self.revision,
            "rows": sum(self.tables.values()),
            "tables": self.tables,
            "files": self.files,
        }


def known_revisions() -> list[str]:
    """Every schema revision this vendorwatch ships, oldest first."""
    script = ScriptDirectory.from_config(alembic_config(make_engine("sqlite://")))
    return [r.revision for r in script.walk_revisions()][::-1]


def known_revision(engine: Engine) -> str | None:
    """The database's schema revision (None: no schema yet); refused if newer than ours."""
    revision = current_revision(engine)
    revisions = known_revisions()
    if revision is not None and revision not in revisions:
        raise VendorwatchError(
            f"{url_of(engine)} is at schema revision {revision}, newer than this vendorwatch "
            f"(up to {revisions[-1]}): use a newer vendorwatch"
        )
    return revision


# --- backup --------------------------------------------------------------------------------


# Counts that expire within minutes (the sign-in throttle's): neither user data nor kept.
TRANSIENT = frozenset({"throttle_counters"})


def _tables() -> list[Table]:
    """The app's tables of user data in foreign-key order (parents first)."""
    return [t for t in import_models().sorted_tables if t.name not in TRANSIENT]


@contextmanager
def _snapshot(engine: Engine) -> Iterator[Connection]:
    """A connection that sees one consistent state of the whole database while it reads."""
    if engine.dialect.name == "postgresql":
        options = {"isolation_level": "REPEATABLE READ", "postgresql_readonly": True}
        with engine.connect().execution_options(**options) as conn, conn.begin():
            yield conn
        return
    with engine.connect() as conn:
        conn.exec_driver_sql("BEGIN")  # SQLite: a read transaction holds one snapshot (WAL)
        try:
            yield conn
        finally:
            conn.rollback()


def _write_table(
    conn: Connection, table: Table, columns: list[Column[Any]], out: IO[bytes]
) -> tuple[int, str]:
    digest = hashlib.sha256()
    rows = 0
    query = select(*columns).order_by(*table.primary_key.columns)
    for row in conn.execution_options(yield_per=BATCH).execute(query):
        values = [encode(c, v) for c, v in zip(columns, row, strict=True)]
        line = (json.dumps(values, ensure_ascii=False, separators=(",", ":")) + "\n").encode()
        digest.update(line)
        out.write(line)
        rows += 1
    return rows, digest.hexdigest()


def backup(url: str, out_file: Path, records_dir: Path | None = None) -> BackupSummary:
    """Write every row of the app database at ``url`` to ``out_file`` (replaced whole), with
    the released records' files from ``records_dir`` (None: the setting or its default)."""
    out_file = Path(out_file)
    if not out_file.parent.is_dir():
        raise VendorwatchError(f"{out_file}: folder {out_file.parent} does not exist")
    engine = make_engine(url)
    database = engine.url.database
    local = engine.dialect.name == "sqlite" and database not in (None, "", ":memory:")
    if local and not Path(str(database)).expanduser().is_file():
        engine.dispose()  # connecting would create an empty file: say what is missing instead
        raise VendorwatchError(f"no app database at {database}")
    try:
        revision = known_revision(engine)
        if revision is None:
            raise VendorwatchError(
                f"{url_of(engine)}: not a vendorwatch app database (no schema revision)"
            )
        handle, temp = tempfile.mkstemp(prefix=".backup-", suffix=".zip", dir=out_file.parent)
        os.close(handle)
        try:
            counts, files = _write_zip(engine, Path(temp), revision, store_for(url, records_dir))
            os.replace(temp, out_file)
        finally:
            Path(temp).unlink(missing_ok=True)
    except SQLAlchemyError as exc:
        raise VendorwatchError(
            f"backup of {url_of(engine)} failed: {str(exc).splitlines()[0]}"
        ) from None
    finally:
        engine.dispose()
    return BackupSummary(out_file, revision, counts, files)


def _write_zip(
    engine: Engine, path: Path, revision: str, store: FileStore
) -> tuple[dict[str, int], int]:
    tables: list[dict[str, Any]] = []
    stamp = datetime.now(UTC).timetuple()[:6]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf, _snapshot(engine) as conn:
        # A database at an older revision (backed up before an upgrade) has fewer tables and
        # columns than the models: write what it has.
        present = inspect(conn)
        names = set(present.get_table_names())
        for table in _tables():
            if table.name not in names:
                continue
            held = {c["name"] for c in present.get_columns(table.name)}
            columns = [c for c in table.columns if c.name in held]
            member = zipfile.ZipInfo(f"tables/{table.name}.jsonl", date_time=stamp)
            member.compress_type = zipfile.ZIP_DEFLATED
            with zf.open(member, "w", force_zip64=True) as out:
                rows, sha = _write_table(conn, table, columns, out)
            tables.append(
                {
                    "name": table.name,
                    "columns": [c.name for c in columns],
                    "rows": rows,
                    "sha256": sha,
                }
            )
        files = write_files(conn, zf, store, stamp)
        manifest = {
            "format": FORMAT,
            "format_version": FORMAT_VERSION,
            "revision": revision,
            "created_at": datetime.now(UTC).isoformat(),
            "engine": engine.dialect.name,
            "tables": tables,
            "files": files,
        }
        zf.writestr(MANIFEST, json.dumps(manifest, indent=2) + "\n")
    return {t["name"]: t["rows"] for t in tables}, len(files)


# --- restore -------------------------------------------------------------------------------


def read_manifest(zf: zipfile.ZipFile, name: Path) -> dict[str, Any]:
    """The backup's manifest, checked: format, version, revision, a table list."""
    try:
        manifest = json.loads(zf.read(MANIFEST))
    except KeyError:
        raise VendorwatchError(f"{name} is not a vendorwatch backup (no {MANIFEST})") from None
    except (ValueError, UnicodeDecodeError):
        raise VendorwatchError(f"{name}: {MANIFEST} is not valid JSON") from None
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise VendorwatchError(f"{name} is not a vendorwatch backup (format is not {FORMAT})")
    version = manifest.get("format_version")
    if not isinstance(version, int) or version > FORMAT_VERSION:
        raise VendorwatchError(
            f"{name} is backup format {version!r}; this vendorwatch reads up to "
            f"{FORMAT_VERSION}: restore it with a newer vendorwatch"
        )
    revisions = known_revisions()
    revision = manifest.get("revision")
    if revision not in revisions:
        raise VendorwatchError(
            f"{name} holds schema revision {revision!r}, newer than this vendorwatch "
            f"(up to {revisions[-1]}): restore it with a newer vendorwatch"
        )
    tables = manifest.get("tables")
    ok = isinstance(tables, list) and all(
        isinstance(t, dict)
        and isinstance(t.get("name"), str)
        and isinstance(t.get("columns"), list)
        and isinstance(t.get("rows"), int)
        and isinstance(t.get("sha256"), str)
        for t in tables
    )
    if not ok:
        raise VendorwatchError(f"{name}: {MANIFEST} has no valid list of tables")
    return manifest


def _rows_held(conn: Connection) -> dict[str, int]:
    counts = {
        t.name: conn.execute(select(func.count()).select_from(t)).scalar_one() for t in _tables()
    }
    return {name: n for name, n in counts.items() if n}


def _load_table(
    conn: Connection, zf: zipfile.ZipFile, name: Path, table: Table, entry: dict[str, Any]
) -> int:
    member = f"tables/{table.name}.jsonl"
    unknown = [c for c in entry["columns"] if c not in table.columns]
    if unknown:
        raise VendorwatchError(f"{name}: table {table.name} has unknown columns {unknown}")
    columns = [table.columns[c] for c in entry["columns"]]
    missing = [
        c.name
        for c in table.columns
        if c.name not in entry["columns"]
        and not c.nullable
        and c.default is None
        and c.server_default is None
    ]
    if missing:
        raise VendorwatchError(f"{name}: table {table.name} lacks required columns {missing}")
    digest = hashlib.sha256()
    rows = 0
    batch: list[dict[str, Any]] = []
    try:
        with zf.open(member) as raw:
            for number, line in enumerate(raw, start=1):
                digest.update(line)
                where = f"{name}: {member} line {number}"
                try:
                    values = json.loads(line)
                except ValueError:
                    raise VendorwatchError(f"{where}: not valid JSON") from None
                if not isinstance(values, list) or len(values) != len(columns):
                    raise VendorwatchError(f"{where}: expected {len(columns)} values")
                batch.append(
                    {c.name: decode(c, v, where) for c, v in zip(columns, values, strict=True)}
                )
                rows += 1
                if len(batch) >= BATCH:
                    conn.execute(table.insert(), batch)
                    batch = []
    except KeyError:
        raise VendorwatchError(f"{name}: {member} is missing") from None
    if batch:
        conn.execute(table.insert(), batch)
    if rows != entry["rows"] or digest.hexdigest() != entry["sha256"]:
        raise VendorwatchError(
            f"{name}: {member} holds {rows} rows, its manifest says {entry['rows']}"
            if rows != entry["rows"]
            else f"{name}: {member} does not match its manifest's checksum (damaged or edited)"
        )
    return rows


def _reset_sequences(conn: Connection, tables: list[Table]) -> None:
    """PostgreSQL hands out ids from sequences; after explicit ids they must move past them."""
    if conn.dialect.name != "postgresql":
        return  # SQLite's next id is one past the largest
    for table in tables:
        for column in table.primary_key.columns:
            if isinstance(column.type, Integer) and column.autoincrement in (True, "auto"):
                conn.execute(
                    text(
                        "SELECT setval(pg_get_serial_sequence(:t, :c), "
                        f'COALESCE((SELECT MAX("{column.name}") FROM "{table.name}"), 0) + 1, '
                        "false)"
                    ),
                    {"t": table.name, "c": column.name},
                )


def restore(
    url: str, in_file: Path, *, replace: bool = False, records_dir: Path | None = None
) -> BackupSummary:
    """Load a backup into the app database at ``url``, in one transaction; its files go to
    the store of that database (``records_dir``; None: the setting or its default)."""
    in_file = Path(in_file)
    try:
        zf = zipfile.ZipFile(in_file)
    except FileNotFoundError:
        raise VendorwatchError(f"{in_file}: no such file") from None
    except (zipfile.BadZipFile, IsADirectoryError, PermissionError) as exc:
        raise VendorwatchError(f"{in_file} is not a vendorwatch backup ({exc})") from None
    engine = make_engine(url)
    try:
        with zf:
            manifest = read_manifest(zf, in_file)
            known_revision(engine)
            upgrade(engine)
            store = store_for(url, records_dir)
            counts, files = _restore_rows(engine, zf, in_file, manifest, replace, store=store)
    except zipfile.BadZipFile as exc:
        raise VendorwatchError(f"{in_file} is damaged ({exc}); nothing was restored") from None
    except SQLAlchemyError as exc:
        first = str(exc).splitlines()[0]
        raise VendorwatchError(
            f"restore into {url_of(engine)} failed, nothing changed: {first}"
        ) from None
    finally:
        engine.dispose()
    return BackupSummary(in_file, str(manifest["revision"]), counts, files)


def _restore_rows(
    engine: Engine,
    zf: zipfile.ZipFile,
    name: Path,
    manifest: dict[str, Any],
    replace: bool,
    *,
    store: FileStore,
) -> tuple[dict[str, int], int]:
    tables = _tables()
    by_name = {t.name: t for t in tables}
    entries = {e["name"]: e for e in manifest["tables"]}
    unknown = sorted(set(entries) - set(by_name))
    if unknown:
        raise VendorwatchError(f"{name}: tables this vendorwatch does not have: {unknown}")
    with engine.connect() as conn:
        if conn.dialect.name == "sqlite":
            conn.exec_driver_sql("BEGIN IMMEDIATE")  # no other writer until we are done
        try:
            held = _rows_held(conn)
            if held and not replace:
                listed = ", ".join(f"{n} {t}" for t, n in held.items())
                raise VendorwatchError(
                    f"{url_of(engine)} is not empty ({listed}); restore into an empty "
                    "database, or pass --replace to replace its rows"
                )
            for table in reversed(tables):
                if replace and table.name in held:
                    conn.execute(table.delete())
            counts = {
                t.name: _load_table(conn, zf, name, t, entries[t.name])
                for t in tables
                if t.name in entries
            }
            _reset_sequences(conn, tables)
            files = read_files(conn, zf, name, store, manifest.get("files", []))
        except BaseException:
            conn.rollback()
            raise
        conn.commit()
    return counts, files


def url_of(engine: Engine) -> str:
    """The database's URL for messages: never with its password."""
    return engine.url.render_as_string(hide_password=True)
