"""The one place an Ibis expression is run and its answer turned into Python values.

Ibis's own execution goes through Apache Arrow (``to_pyarrow``) and pandas (``execute``):
together with numpy about 330 MB of the runtime virtual environment and ~45 MB of the serving
process, only to turn a few hundred rows into dicts. On DuckDB the expression is compiled to
SQL by the backend (Ibis stays the portable query layer) and fetched with DuckDB's own cursor,
whose Python values are already the ones the analysis wants: ``Decimal`` stays ``Decimal``,
dates stay dates. Any other Ibis backend (Spark, issue 15) runs the expression itself.

Ibis's DuckDB backend also reads a table's schema through Arrow (``DESCRIBE`` fetched as an
Arrow table); :class:`DuckDB` reads it as rows instead, so ``con.table()`` needs no Arrow
either. Connections are made with :func:`connect` and :func:`from_connection`.
"""

from __future__ import annotations

from typing import Any

import duckdb
import ibis.expr.types as ir
import sqlglot.expressions as sge
from ibis import get_backend
from ibis.common.exceptions import TableNotFound
from ibis.expr import schema as sch

from vendorwatch.analysis.lazy import only_the_compilers_used

only_the_compilers_used()  # before the DuckDB backend: it imports the compilers package

from ibis.backends.duckdb import Backend as _IbisDuckDB  # noqa: E402


class DuckDB(_IbisDuckDB):  # type: ignore[misc]
    """Ibis's DuckDB backend, reading table schemas without Arrow."""

    def get_schema(
        self, table_name: str, *, catalog: str | None = None, database: str | None = None
    ) -> sch.Schema:
        """The table's columns and types (``DESCRIBE``, fetched as rows)."""
        table = sge.table_(table_name, db=database, catalog=catalog, quoted=self.compiler.quoted)
        query = sge.Describe(this=table).sql(self.dialect)
        try:
            cursor = self.con.execute(query)
        except duckdb.CatalogException as e:
            raise TableNotFound(table_name) from e
        columns = [d[0] for d in cursor.description]
        described = [dict(zip(columns, row, strict=True)) for row in cursor.fetchall()]
        mapper = self.compiler.type_mapper
        return sch.Schema(
            {
                r["column_name"]: mapper.from_string(r["column_type"], nullable=r["null"] == "YES")
                for r in described
            }
        )


def connect(path: str, *, read_only: bool = True) -> Any:
    """An Ibis DuckDB connection to the file at ``path`` (read-only unless asked)."""
    return DuckDB().connect(path, read_only=read_only)


def from_connection(raw: duckdb.DuckDBPyConnection) -> Any:
    """An Ibis DuckDB backend over an open DuckDB connection or cursor."""
    return DuckDB.from_connection(raw)


def _duckdb(expr: ir.Expr) -> Any:
    """The expression's DuckDB backend, or None when it belongs to another engine."""
    backend = get_backend(expr)
    return backend if backend.name == "duckdb" else None


def rows(expr: ir.Expr) -> list[dict[str, Any]]:
    """The expression's rows as dicts of Python values (a column or scalar as a one-column
    table)."""
    table = expr.as_table()
    backend = _duckdb(table)
    if backend is None:
        found: list[dict[str, Any]] = table.to_pyarrow().to_pylist()
        return found
    backend._run_pre_execute_hooks(table)  # what Ibis does first: in-memory tables, UDFs
    result = backend.con.execute(backend.compile(table))
    names = [d[0] for d in result.description]
    # fetchall, not fetchone: DuckDB 2.0 refuses new work on a connection with unread rows
    return [dict(zip(names, row, strict=True)) for row in result.fetchall()]


def values(expr: ir.Expr) -> list[Any]:
    """A one-column expression's values, in order."""
    return [next(iter(r.values())) for r in rows(expr)]


def scalar(expr: ir.Expr) -> Any:
    """A scalar expression's value (``None`` for SQL NULL)."""
    (value,) = values(expr)
    return value
