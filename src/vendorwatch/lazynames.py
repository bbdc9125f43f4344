"""A package's names imported from their modules when first used (PEP 562).

A package whose ``__init__`` imports every module makes importing any one module of it pay
for all of them (``vendorwatch.registry.load.fingerprint`` paid for every registry model).
With this, ``__init__`` says where each name lives and imports nothing until a name is asked
for; type checkers read the same names from an ``if TYPE_CHECKING:`` import beside it.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterable, Mapping
from importlib import import_module
from typing import Any


def lazy_names(package: str, modules: Mapping[str, Iterable[str]]) -> Callable[[str], Any]:
    """The ``__getattr__`` for ``package``: ``modules`` maps each submodule to the names it
    gives; a name is imported once, then kept on the package as an ordinary attribute."""
    where = {name: module for module, names in modules.items() for name in names}

    def __getattr__(name: str) -> Any:
        module = where.get(name)
        if module is None:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        value = getattr(import_module(f"{package}.{module}"), name)
        setattr(sys.modules[package], name, value)
        return value

    return __getattr__
