"""Answers to whole-warehouse questions kept between processes, for the data they were read from.

A question asked without values (what every loaded source file's lists look like, for the
coverage caveats) has the same answer for every family and award, but reading it scans every
transaction: ~40 ms of a ~0.8 s CLI command, each time. Its answer depends only on the SQL
(named by `sql_cache`'s key: the code, the Ibis and DuckDB versions, the registry, the columns)
and on the data, so it is kept in the user cache folder under both: the SQL's hash and the
database file's identity (its path, inode, size and modification time, and its write-ahead
log's). Any change to the file or the SQL names another entry, so a stale answer is never read.
Like `sql_cache`, a missing, corrupt or read-only cache means asking DuckDB, never an error.
"""

from __future__ import annotations

import hashlib
import pickle
import re
from pathlib import Path
from typing import Any

from vendorwatch.cachefile import keep_newest, write_whole
from vendorwatch.registry.cache import cache_folder

KEEP_FILES = 8  # answer files kept (this one and the seven used last)
# SQL whose answer could change without the file changing (the clock, randomness): never kept.
# Column names such as ``period_of_performance_current_end_date`` do not match.
_CLOCK = re.compile(
    r"\bcurrent_(date|time|timestamp|localtime|localtimestamp)\b"
    r"|\b(current_\w+|get_current_\w+|now|today|transaction_timestamp|random|uuid"
    r"|gen_random_uuid|uuidv4|uuidv7|setseed)\s*\(",
    re.IGNORECASE,
)

Answer = tuple[list[str], list[tuple[Any, ...]]]  # column names, rows


def data_identity(con: Any) -> str | None:
    """What names the data ``con`` reads: its file's path and stat, and its WAL's (None when
    the connection does not say which file it opened)."""
    file = getattr(con, "__dict__", {}).get("file")  # not through Ibis (__getattr__)
    if not isinstance(file, Path):
        return None
    parts = [str(file)]
    for path in (file, file.with_name(file.name + ".wal")):
        try:
            stat = path.stat()
        except FileNotFoundError:
            parts.append("-")
            continue
        except OSError:
            return None
        parts.append(f"{stat.st_ino}:{stat.st_size}:{stat.st_mtime_ns}")
    return "|".join(parts)


def keepable(sql: str) -> bool:
    """Whether the answer depends on the data and the SQL alone (no clock, no randomness)."""
    return _CLOCK.search(sql) is None


def answers_path(con: Any, sql_file: Path) -> Path | None:
    """The answers file for this SQL cache file's code and this connection's data, if known."""
    identity = data_identity(con)
    if identity is None:
        return None
    key = hashlib.sha256(f"{sql_file.name}\0{identity}".encode()).hexdigest()
    return cache_folder().parent / "answers" / f"{key[:24]}.pickle"


def sql_key(sql: str) -> str:
    return hashlib.sha256(sql.encode()).hexdigest()


def read(path: Path) -> dict[str, Answer]:
    try:
        # Our own file in the user's own cache folder, written by `write`.
        data = pickle.loads(path.read_bytes())  # noqa: S301
    except Exception:  # noqa: BLE001 - any failure means: ask DuckDB instead
        return {}
    return data if isinstance(data, dict) else {}


def write(path: Path, known: dict[str, Answer]) -> None:
    """Store ``known`` (merged with what another process stored meanwhile), atomically; keep
    the few answer files used last (other data, other code)."""
    try:
        merged = {**read(path), **known}
        write_whole(path, lambda out: pickle.dump(merged, out, protocol=pickle.HIGHEST_PROTOCOL))
        keep_newest(path, "*.pickle", KEEP_FILES)
    except (OSError, pickle.PicklingError):
        return
