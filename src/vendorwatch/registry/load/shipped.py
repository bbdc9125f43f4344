"""The one registry shared by everything that only reads it: checked once per content and
kept between runs (`vendorwatch.registry.cache`)."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

from vendorwatch.registry.load.fingerprint import registry_fingerprint
from vendorwatch.registry.load.roots import active_root

if TYPE_CHECKING:
    from vendorwatch.registry.load.registry import Registry


@lru_cache(maxsize=4)
def _checked(root: Path, fingerprint: str) -> Registry:
    from vendorwatch.registry.cache import read_cached, write_cached  # noqa: PLC0415

    if (registry := read_cached(root, fingerprint)) is not None:
        return registry
    # reading and checking the YAML (its reader, checks and every model) only on a miss
    from vendorwatch.registry.load.checks import load_registry  # noqa: PLC0415

    registry = load_registry(root)
    write_cached(root, fingerprint, registry)
    return registry


def shipped_registry() -> Registry:
    """The registry in use (`active_root`), read and checked once per content (~0.5 s), and
    kept between runs in the user cache folder (`vendorwatch.registry.cache`).

    Shared by everything that only reads it (classification rules, resolution during a build,
    the site, dossiers, FOIA offices); load a copy with `load_registry` to change one. Keyed
    by the files' fingerprint, so an edited registry is read again.
    """
    root = active_root()
    return _checked(root, registry_fingerprint(root))
