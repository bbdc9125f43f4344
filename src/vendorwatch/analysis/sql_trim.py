"""Ibis's SQL without the columns nobody reads: DuckDB parses and binds the whole statement on
every run, and Ibis carries every column of a table through each subquery.

A family dossier's per-award questions compile to 35-38 KB of SQL (the awards table's 56
columns through a dozen subqueries); parsing one costs DuckDB ~15 ms and binding ~8 ms, more
than answering it. sqlglot's own optimiser rules, given the warehouse's tables and columns,
qualify the statement, push the projections down (each subquery keeps only the columns its
readers use) and merge the chains of subqueries Ibis writes one step at a time. Only done when
a question is compiled (`vendorwatch.analysis.prepared`); the result is kept in the SQL cache
like any compiled question, and used only when it is clearly shorter. Anything sqlglot cannot
do leaves the SQL as Ibis wrote it.
"""

from __future__ import annotations

from typing import Any

SHORTER = 0.8  # the trimmed statement is used when at most this share of Ibis's length


def trimmed(sql: str, columns: list[tuple[str, str, str]]) -> str:
    """``sql`` with unread subquery columns dropped (the same rows), or ``sql`` itself."""
    try:
        import sqlglot  # noqa: PLC0415 - compiling only: Ibis has imported it already
        from sqlglot.optimizer.merge_subqueries import merge_subqueries  # noqa: PLC0415
        from sqlglot.optimizer.pushdown_projections import (  # noqa: PLC0415
            pushdown_projections,
        )
        from sqlglot.optimizer.qualify import qualify  # noqa: PLC0415

        tables: dict[str, dict[str, str]] = {}
        for table, column, type_ in columns:
            tables.setdefault(table, {})[column] = type_
        schema: dict[str, object] = dict(tables)
        tree: Any = sqlglot.parse_one(sql, dialect="duckdb")
        tree = qualify(
            tree, schema=schema, dialect="duckdb", quote_identifiers=True,
            validate_qualify_columns=False,
        )  # fmt: skip
        # Columns first, then Ibis's one-step-per-subquery chains merged where sqlglot can,
        # then the columns again (a merge can leave some unread).
        tree = pushdown_projections(merge_subqueries(pushdown_projections(tree)))
        out = str(tree.sql(dialect="duckdb"))
    except Exception:  # noqa: BLE001 - an optimisation only: Ibis's SQL is right as it is
        return sql
    return out if len(out) <= SHORTER * len(sql) else sql
