"""Compiled questions kept between processes: a CLI command is one process, and compiling its
questions with Ibis cost it more than running them (a family summary compiles about a dozen).

One JSON file in the user cache folder (beside the registry's pickles), named by everything the
SQL depends on: the analysis code's files (sizes and times), the Ibis and DuckDB versions, the
registry's fingerprint and the columns and types of every table in the warehouse (``facts``
and those a question reads beside it: ``transactions``, ``source_files``). Any change names
another file, so stale SQL is never run (the few files used last are kept, the rest deleted); only
questions over the materialised ``facts`` table are kept. A missing, corrupt or read-only
cache means compiling, never an error.
"""

from __future__ import annotations

import hashlib
import json
from functools import cache
from pathlib import Path
from typing import Any

from vendorwatch.cachefile import keep_newest, write_whole
from vendorwatch.registry.cache import cache_folder
from vendorwatch.registry.load import registry_fingerprint

KEEP_FILES = 8  # cache files kept (this one and the seven used last)


@cache
def _code_signature() -> str:
    from importlib.metadata import version  # noqa: PLC0415 - only when a question is compiled

    here = Path(__file__).parent
    parts = [version("ibis-framework"), version("duckdb"), version("sqlglot")]  # sql_trim too
    for file in sorted(here.glob("*.py")):
        stat = file.stat()
        parts.append(f"{file.name}:{stat.st_size}:{stat.st_mtime_ns}")
    return "|".join(parts)


def columns_of(con: Any) -> list[tuple[str, str, str]]:
    """Every table's (table, column, type), in order."""
    # read by `readcon.connect` with the layout version, in one statement, when it could
    columns = getattr(con, "__dict__", {}).get("columns")  # not through Ibis (__getattr__)
    if columns is None:
        columns = con.con.execute(
            "SELECT table_name, column_name, data_type FROM information_schema.columns "
            "WHERE table_schema = 'main' ORDER BY table_name, ordinal_position"
        ).fetchall()
    return list(columns)


def cache_path(con: Any) -> Path:
    """The file for this code, this registry and this warehouse's tables and columns."""
    columns = columns_of(con)
    # The registry too: a question may carry curated values (a claim's subject) in its shape.
    registry = registry_fingerprint()
    key = hashlib.sha256(f"{_code_signature()}\0{registry}\0{columns!r}".encode()).hexdigest()
    return cache_folder().parent / "sql" / f"{key[:24]}.json"


def read(path: Path) -> dict[str, str]:
    try:
        data = json.loads(path.read_text("utf-8"))
    except (OSError, ValueError):
        return {}
    return {k: v for k, v in data.items() if isinstance(v, str)} if isinstance(data, dict) else {}


def write(path: Path, known: dict[str, str]) -> None:
    """Store ``known`` (merged with what another process stored meanwhile), atomically."""
    try:
        text = json.dumps({**read(path), **known}, sort_keys=True).encode("utf-8")
        write_whole(path, lambda out: out.write(text))
        # Other files are other code or warehouses (a second checkout, an older install): keep
        # the few used last, so two of them in turn do not wipe each other's SQL every run.
        keep_newest(path, "*.json", KEEP_FILES)
    except OSError:
        return
