"""The curated registry: who owns whom (and since when), what each company sells, and sources.

Curated knowledge lives in YAML under ``registry/data``; this package loads it, validates it and
answers questions about it (an organisation's family on a date).

Its names are imported when first used (`vendorwatch.lazynames`): importing
``vendorwatch.registry.cache`` or ``.lookup`` does not import every model.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from vendorwatch.lazynames import lazy_names

if TYPE_CHECKING:
    from vendorwatch.registry.load import (
        Entry,
        Problem,
        Registry,
        RegistryError,
        check_registry,
        default_root,
        load_registry,
        recipient_id,
        shipped_registry,
    )

__all__ = [
    "Entry",
    "Problem",
    "Registry",
    "RegistryError",
    "check_registry",
    "default_root",
    "load_registry",
    "recipient_id",
    "shipped_registry",
]

# each from vendorwatch.registry.load, which imports it from its own module in turn
__getattr__ = lazy_names(__name__, {"load": __all__})
