"""Ibis and our Ibis engine, imported on first use rather than with the module.

Importing Ibis and its DuckDB backend takes most of a second, longer than a CLI command's own
work. A warm command (`vendorwatch.analysis.prepared` finds every question's SQL in the cache)
runs plain SQL on DuckDB and never touches Ibis; the analysis modules name Ibis through these
stand-ins, so importing them costs nothing until an expression is actually built.
(tests/cli/test_startup.py checks that a warm `family` and `award` import no Ibis.)
"""

from __future__ import annotations

import importlib
from types import ModuleType
from typing import TYPE_CHECKING, Any


class Deferred:
    """A module imported on first attribute access, then used as itself."""

    def __init__(self, name: str) -> None:
        self._name = name
        self._module: ModuleType | None = None

    def __getattr__(self, attribute: str) -> Any:
        if self._module is None:
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

__all__ = ["Deferred", "engine", "ibis", "ir"]
