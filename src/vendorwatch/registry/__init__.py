"""The curated registry: who owns whom (and since when), what each company sells, and sources.

Curated knowledge lives in YAML under ``registry/data``; this package loads it, validates it and
answers questions about it (an organisation's family on a date).
"""

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
