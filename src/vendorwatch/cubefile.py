"""Writes the browse cube's file (`vendorwatch.analysis.cube`), run in a child process.

Only DuckDB and the standard library are imported: the child costs ~40 MB for a moment, and
the server keeps none of what the build allocated (its group-bys held ~100 MB resident in the
server for the rest of its life when built there). The cube's SQL comes compiled from the
parent on stdin, as one JSON object (`build`'s ``spec``).
"""

from __future__ import annotations

import json
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import duckdb


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


Progress = Callable[[str, float], None]


def build(file: Path, spec: dict[str, Any], progress: Progress | None = None) -> None:
    """Fill the cube's file (``spec``: the snapshot's database ``name`` and ``path``, the
    compiled ``rows_sql`` and ``described_sql``, ``memory_limit``, ``threads``, the listed
    ``names``, the ``facets``, and the ``lookup_sql`` that fills the facets under one or two
    filters, `vendorwatch.analysis.cube_lookup`) from the snapshot (attached read-only under
    its own name, which the compiled SQL may name): no Arrow (not a runtime dependency), no
    lock held after. ``progress`` hears each step's name and seconds as it ends."""
    name, path, threads = str(spec["name"]), str(spec["path"]), spec["threads"]
    db = duckdb.connect(str(file))

    def step(label: str, sql: str) -> None:
        started = time.perf_counter()
        db.execute(sql)
        if progress is not None:
            progress(label, time.perf_counter() - started)

    try:
        db.execute("SET enable_progress_bar = false")
        db.execute("SET memory_limit = ?", [spec["memory_limit"]])
        if threads:
            db.execute(f"SET threads = {int(threads)}")
        (cube_db,) = db.execute("SELECT current_database()").fetchone() or ("",)
        own = '"' + str(cube_db).replace('"', '""') + '"'
        quoted = '"' + name.replace('"', '""') + '"'
        db.execute(f"ATTACH {_literal(path)} AS {quoted} (READ_ONLY)")
        db.execute(f"USE {quoted}")
        step("rows", f"CREATE TEMP TABLE _rows AS {spec['rows_sql']}")
        step("described", f"CREATE TEMP TABLE _described AS {spec['described_sql']}")
        db.execute(f"USE {own}")
        db.execute(f"DETACH {quoted}")
        columns = [*spec["names"], *spec["facets"]]
        _encode(step, db, columns)
        # A page's 50 descriptions looked up by the awards' ids: the index answers in ~1 ms, a
        # scan of ~4M string keys (10M rows) took ~340 ms. An index is held in memory whole:
        # on integers it fits the 256 MB limit at 10M rows, where one on the keys did not;
        # past the limit the descriptions are scanned (slower, the same answers).
        try:
            step("index", "CREATE INDEX descriptions_by_award ON descriptions (award)")
        except duckdb.OutOfMemoryException:
            if progress is not None:
                progress("index skipped: past the memory limit", 0.0)
        facet_columns = " UNION ".join(f'SELECT "{c}" AS id FROM cube' for c in spec["facets"])
        step(
            "dims",
            f"CREATE TABLE dims AS SELECT id, value FROM strings WHERE id IN ({facet_columns})",
        )
        lookups = spec["lookup_sql"]
        started = time.perf_counter()
        for i, statement in enumerate(lookups, 1):  # the facets under one or two filters
            began = time.perf_counter()
            db.execute(statement)
            took = time.perf_counter() - began
            # one line per tenth (and per slow statement), not one per statement: a log
            # read through a pipe must not fill it with ~270 lines of "0.0 s"
            if progress is not None and (took > 5 or i % max(len(lookups) // 10, 1) == 0):
                progress(f"facets by filter {i}/{len(lookups)}", time.perf_counter() - started)
        step("checkpoint", "CHECKPOINT")
    finally:
        db.close()


# One value per award: each has ~4M values at 10M rows (the others have thousands at most).
WIDE = ("award", "piid")


def _encode(step: Callable[[str, str], None], db: Any, columns: list[str]) -> None:
    """The cube: ``_rows`` with every string replaced by its id in `strings` (one id per
    string, in string order), sorted; and the awards' ``descriptions`` by the same ids. One
    join per wide column and one pass for the others (their dictionary is small): twelve
    joins against all ~8.5M strings at once, at 10M rows, ran out of the 256 MB limit (each
    join's table must be held while the rows stream)."""
    step(
        "values",
        "CREATE TEMP TABLE _values AS "
        + " UNION ALL ".join(
            f'SELECT DISTINCT {i} AS c, "{c}" AS v FROM _rows' for i, c in enumerate(columns)
        ),
    )
    step(
        "strings",
        "CREATE TABLE strings AS SELECT CAST(row_number() OVER (ORDER BY v) AS INTEGER) AS id,"
        " v AS value FROM (SELECT DISTINCT v FROM _values WHERE v IS NOT NULL) ORDER BY id",
    )
    narrow = [c for c in columns if c not in WIDE]

    def dictionary(wanted: list[str]) -> str:
        indexes = ", ".join(str(columns.index(c)) for c in wanted)
        values = f"SELECT v FROM _values WHERE c IN ({indexes})"
        return f"(SELECT id, value FROM strings WHERE value IN ({values}))"

    step("narrow strings", f"CREATE TEMP TABLE _narrow AS {dictionary(narrow)}")
    joins = " ".join(
        f'LEFT JOIN _narrow s{i} ON s{i}.value = r."{c}"' for i, c in enumerate(narrow)
    )
    ids = ", ".join(f's{i}.id AS "{c}"' for i, c in enumerate(narrow))
    measures = "obligations, transactions, first_action, last_action"
    wide = ", ".join(f'r."{c}"' for c in WIDE)
    step(
        "narrow ids",
        f"CREATE TEMP TABLE _coded AS SELECT {wide}, {ids}, {measures} FROM _rows r {joins}",
    )
    db.execute("DROP TABLE _rows")
    db.execute("DROP TABLE _narrow")
    for column in WIDE:
        step(
            f"{column} ids",
            f'CREATE TEMP TABLE _recoded AS SELECT t.* REPLACE (s.id AS "{column}") FROM _coded t '
            f'LEFT JOIN {dictionary([column])} s ON s.value = t."{column}"',
        )
        db.execute("DROP TABLE _coded")
        db.execute("ALTER TABLE _recoded RENAME TO _coded")
    listed = ", ".join(f'"{c}"' for c in columns)
    # Family and year first: a family or year filter then skips most of the cube's rows.
    step(
        "cube",
        f'CREATE TABLE cube AS SELECT {listed}, {measures} FROM _coded ORDER BY "role", "family",'
        ' "fiscal_year"',
    )
    db.execute("DROP TABLE _coded")
    step(
        "descriptions",
        "CREATE TABLE descriptions AS SELECT s.id AS award, d.description FROM _described d "
        f"JOIN {dictionary(['award'])} s ON s.value = d.award WHERE d.description IS NOT NULL",
    )
    db.execute("DROP TABLE _values")


def _say(label: str, seconds: float) -> None:
    """A step's end, on stderr (the parent logs it; an error, if any, is the last line)."""
    sys.stderr.write(f"cube build: {label} in {seconds:.1f} s\n")
    sys.stderr.flush()


def main() -> None:
    """The child: build, and on a DuckDB error say its first line (the parent shows the
    last line of stderr; a traceback's last line is DuckDB's advice, not the error)."""
    try:
        build(Path(sys.argv[1]), json.loads(sys.stdin.read()), _say)
    except duckdb.Error as exc:
        sys.stderr.write((str(exc).splitlines() or [type(exc).__name__])[0] + "\n")
        sys.exit(1)


if __name__ == "__main__":
    main()
