"""Ibis and our Ibis engine, imported on first use rather than with the module.

Importing Ibis and its DuckDB backend takes most of a second, longer than a CLI command's own
work. A warm command (`vendorwatch.analysis.prepared` finds every question's SQL in the cache)
runs plain SQL on DuckDB and never touches Ibis; the analysis modules name Ibis through these
stand-ins, so importing them costs nothing until an expression is actually built.
(tests/cli/test_startup.py checks that a warm `family` and `award` import no Ibis.)

Once Ibis is imported, :func:`only_the_compilers_used` keeps its SQL compilers from being
imported all at once (tests/web/test_serve_memory.py checks both for the site).
"""

from __future__ import annotations

import importlib
import importlib.util
import sys
from types import ModuleType
from typing import TYPE_CHECKING, Any

COMPILERS = "ibis.backends.sql.compilers"


def only_the_compilers_used() -> None:
    """Make ``ibis.backends.sql.compilers`` import each compiler on first use.

    The package's ``__init__`` imports all twenty of Ibis's SQL compilers, and with them
    every sqlglot dialect they build on (Athena, BigQuery, ClickHouse, Trino …): ~9 MB of a
    process that only ever compiles DuckDB SQL (``ibis.backends.duckdb`` and
    ``ibis.to_sql(dialect="duckdb")`` both import the package). In its place goes the same
    package without its ``__init__``: ``compilers.duckdb`` is imported when asked for, and
    any other name (a class like ``PySparkCompiler``) runs Ibis's own ``__init__`` first, so
    every name the package had still resolves. Nothing is done once the package is imported.
    """
    if COMPILERS in sys.modules:
        return
    import ibis.backends.sql  # noqa: PLC0415 - the parent package, imported with Ibis anyway

    spec = importlib.util.find_spec(COMPILERS)
    if spec is None or spec.loader is None:  # pragma: no cover - Ibis without compilers
        return
    package = importlib.util.module_from_spec(spec)
    loader = spec.loader

    def __getattr__(name: str) -> Any:  # the package's PEP 562 hook
        if name.startswith("__"):
            raise AttributeError(name)
        try:
            importlib.import_module(f"{COMPILERS}.{name}")  # a compiler's module: .duckdb
        except ModuleNotFoundError as e:
            if e.name != f"{COMPILERS}.{name}":
                raise
            loader.exec_module(package)  # any other name: Ibis's __init__, all compilers
        return package.__dict__[name] if name in package.__dict__ else _missing(name)

    package.__getattr__ = __getattr__  # type: ignore[method-assign]
    sys.modules[COMPILERS] = package
    ibis.backends.sql.compilers = package


def _missing(name: str) -> Any:
    raise AttributeError(f"module {COMPILERS!r} has no attribute {name!r}")


class Deferred:
    """A module imported on first attribute access, then used as itself."""

    def __init__(self, name: str) -> None:
        self._name = name
        self._module: ModuleType | None = None

    def __getattr__(self, attribute: str) -> Any:
        if self._module is None:
            if self._name.startswith("ibis"):
                only_the_compilers_used()
            self._module = importlib.import_module(self._name)
        return getattr(self._module, attribute)

    def __repr__(self) -> str:
        return f"<deferred module {self._name!r}>"


if TYPE_CHECKING:
    import ibis
    import ibis.expr.types as ir

    from vendorwatch.analysis import engine
else:
    ibis = Deferred("ibis")
    ir = Deferred("ibis.expr.types")
    engine = Deferred("vendorwatch.analysis.engine")

__all__ = ["Deferred", "engine", "ibis", "ir", "only_the_compilers_used"]
