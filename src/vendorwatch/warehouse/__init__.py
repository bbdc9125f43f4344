"""The warehouse: public contract data in normalised DuckDB tables, each row with provenance.

The public surface that the CLI and the web app both call. Its names are imported when first
used (PEP 562): a command that only reads the warehouse (``family``, ``award``) must not pay
for the loader's readers (the FPDS ATOM parser, the layouts' YAML, the checks) at start-up.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

# Light (DuckDB only), and eager: ``status`` is also a submodule's name, which a lazy
# attribute would be shadowed by once ``vendorwatch.warehouse.status`` is imported.
from vendorwatch.warehouse.dates import DateConvention
from vendorwatch.warehouse.status import status
from vendorwatch.warehouse.store import open_warehouse

if TYPE_CHECKING:
    from vendorwatch.warehouse.loader import LoadResult, load_file, load_paths

_WHERE = {
    name: "vendorwatch.warehouse.loader" for name in ("LoadResult", "load_file", "load_paths")
}

__all__ = ["DateConvention", "LoadResult", "load_file", "load_paths", "open_warehouse", "status"]


def __getattr__(name: str) -> Any:
    if name in _WHERE:
        value = getattr(import_module(_WHERE[name]), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
