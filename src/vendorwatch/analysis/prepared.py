"""Ibis expressions compiled to SQL once per process, then run with new parameters.

Compiling an expression costs Ibis ~25 ms, more than DuckDB takes to answer it from the
family-sorted ``facts`` table even at 10M rows; a family dossier asks about ten questions whose
shape is the same for every family. So each question is built once with ``ibis.param``
placeholders, compiled with a unique stand-in value per parameter, and the stand-ins are swapped
for DuckDB's named parameters (``$family``). Later calls only bind values: no SQL is ever built
by pasting a value in.

The expression still comes from Ibis (the portable query layer): moving to another backend
means compiling to its dialect and its placeholder style here, nowhere else.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from vendorwatch.analysis.base import is_duckdb, plain
from vendorwatch.analysis.facts import FACTS, enriched, facts_are_current
from vendorwatch.analysis.lazy import engine, ibis, ir
from vendorwatch.errors import VendorwatchError

Builder = Callable[..., "ir.Table"]
"""Takes the facts table and one Ibis scalar per parameter (by name); returns the question."""

_SQL: dict[tuple[str, bool, tuple[str, ...]], str] = {}
_DISK: dict[Path, dict[str, str]] = {}  # sql_cache files read by this process
_ANSWERS: dict[Path, dict[str, Any]] = {}  # answer_cache files read by this process


def _stand_in(name: str) -> str:
    return f"__vendorwatch_parameter_{name}__"


def compile_prepared(
    facts: ir.Table,
    build: Builder,
    names: tuple[str, ...],
    columns: list[tuple[str, str, str]] | None = None,
) -> str:
    """The question as DuckDB SQL with ``$name`` where each parameter goes; given the
    warehouse's ``columns``, without the subquery columns nobody reads (`sql_trim`)."""
    params = {name: ibis.param("string") for name in names}
    expr = build(facts, **params)
    sql = ibis.to_sql(expr, dialect="duckdb", params={params[n]: _stand_in(n) for n in names})
    if columns is not None:  # the stand-ins are plain string literals to sqlglot
        from vendorwatch.analysis.sql_trim import trimmed  # noqa: PLC0415

        sql = trimmed(str(sql), columns)
    for name in names:
        quoted = f"'{_stand_in(name)}'"
        if quoted not in sql:
            raise VendorwatchError(f"parameter {name!r} is not used by the question it was given")
        sql = sql.replace(quoted, f"${name}")
        if _stand_in(name) in sql:  # quoted some other way: refuse rather than run it wrong
            raise VendorwatchError(f"parameter {name!r} compiled to an unexpected form")
    return str(sql)


class Prepared:
    """Questions asked of one connection's warehouse, compiled once per process.

    Whether ``facts`` is current is asked once, when this is made: make one per request (a
    dossier, a page), not one per process.
    """

    def __init__(self, con: Any) -> None:
        self.con = con
        self.current = facts_are_current(con)
        self.duckdb = is_duckdb(con)
        self._cache: Path | None = None  # the sql_cache file, named on first use

    def _compiled(self, question: str, build: Builder, names: tuple[str, ...]) -> str:
        """The question's SQL: from the cache between processes (`sql_cache`) when it is over
        the materialised ``facts`` table, else compiled now."""
        if not self.current:
            return compile_prepared(enriched(self.con), build, names)
        from vendorwatch.analysis import sql_cache  # noqa: PLC0415 - first compile only

        if self._cache is None:
            self._cache = sql_cache.cache_path(self.con)
        path = self._cache
        known = _DISK.get(path)
        if known is None:  # read once per process, not once per question
            known = _DISK[path] = sql_cache.read(path)
        key = f"{question}|{','.join(names)}"
        if key not in known:
            columns = sql_cache.columns_of(self.con)
            known[key] = compile_prepared(self.con.table(FACTS), build, names, columns)
            sql_cache.write(path, known)
        return known[key]

    def rows(self, question: str, build: Builder, /, **values: str) -> list[dict[str, Any]]:
        """`records`, JSON-ready (exact decimals as strings, dates ISO)."""
        records = self.records(question, build, **values)
        return [{c: plain(v) for c, v in r.items()} for r in records]

    def records(self, question: str, build: Builder, /, **values: str) -> list[dict[str, Any]]:
        """Rows of ``question`` (built by ``build``) for these values, as Python values.

        ``question`` names the shape: two builders must not share a name. The SQL is kept
        per key, parameter names and whether ``facts`` is current (the live expression reads
        other tables).
        """
        if not self.duckdb:  # another engine: the same expression, its values as literals
            table = self.con.table(FACTS) if self.current else enriched(self.con)
            literals = {name: ibis.literal(value) for name, value in values.items()}
            return engine.rows(build(table, **literals))
        names = tuple(sorted(values))
        cache_key = (question, self.current, names)
        sql = _SQL.get(cache_key)
        if sql is None:
            sql = _SQL[cache_key] = self._compiled(question, build, names)
        if not values and self.current:  # the same answer for every family: kept per file
            columns, rows = self._whole_warehouse(sql)
        else:
            columns, rows = self._run(sql, values)
        return [dict(zip(columns, row, strict=True)) for row in rows]

    def _run(self, sql: str, values: dict[str, str]) -> tuple[list[str], list[tuple[Any, ...]]]:
        result = self.con.con.execute(sql, values)
        columns = [d[0] for d in result.description]
        # fetchall, not fetchone: DuckDB 2.0 refuses new work on a connection with unread rows
        return columns, result.fetchall()

    def _whole_warehouse(self, sql: str) -> tuple[list[str], list[tuple[Any, ...]]]:
        """A question without values: its answer from `answer_cache` when this file's data
        and this SQL were answered before, else asked now and kept."""
        from vendorwatch.analysis import answer_cache, sql_cache  # noqa: PLC0415

        if self._cache is None:
            self._cache = sql_cache.cache_path(self.con)
        path = answer_cache.answers_path(self.con, self._cache)
        if path is None or not answer_cache.keepable(sql):
            return self._run(sql, {})
        known = _ANSWERS.get(path)
        if known is None:
            known = _ANSWERS[path] = answer_cache.read(path)
        key = answer_cache.sql_key(sql)
        if key not in known:
            known[key] = self._run(sql, {})
            answer_cache.write(path, {key: known[key]})
        columns, rows = known[key]
        return list(columns), list(rows)
