"""The checked registry, kept between runs: reading and checking the YAML takes ~0.4 s, which
every CLI command used to pay before doing anything.

A pickle in the user cache folder (``~/.cache/vendorwatch/registry`` on Linux), named by the
registry's content fingerprint (every file's path and bytes), the vendorwatch version and the
registry code's files: any edit to a registry file, or to the code that checks it, misses the
cache and the registry is read and checked again. Only a registry that checked clean is
stored. Each table keyed by id is stored entry by entry (`PackedTable`): a command unpickles
the few organisations it reads, not all 2,223. The cache is an optimisation only: an
unreadable, corrupt or read-only cache folder means reading the YAML, never an error.
"""

from __future__ import annotations

import copy
import dataclasses
import hashlib
import os
import pickle
from collections.abc import Mapping
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

from platformdirs import user_cache_path

from vendorwatch.cachefile import keep_newest, write_whole
from vendorwatch.registry.load.packed import PackedTable
from vendorwatch.registry.load.registry import Registry

_LOAD = ("__init__", "problems", "registry", "read", "checks", "fingerprint", "shipped", "roots",
         "packed")  # fmt: skip
_MODELS = ("__init__", "base", "organisations", "foia", "claims", "rules", "sections")
_CODE = (
    "yamlfile.py",
    "cache.py",
    *(f"load/{name}.py" for name in _LOAD),
    *(f"models/{name}.py" for name in _MODELS),
)


def cache_folder() -> Path:
    """Where the pickles live (``VENDORWATCH_CACHE_DIR``, else the platform's user cache)."""
    if folder := os.environ.get("VENDORWATCH_CACHE_DIR"):
        return Path(folder) / "registry"
    return user_cache_path("vendorwatch", appauthor=False) / "registry"


def _code_signature() -> str:
    """vendorwatch's version and the registry code's sizes and times: a changed model or
    check must not be answered from a pickle made by the old code."""
    try:
        parts = [version("vendorwatch")]
    except PackageNotFoundError:
        parts = ["unknown"]
    here = Path(__file__).parent
    for name in _CODE:
        stat = (here / name).stat()
        parts.append(f"{name}:{stat.st_size}:{stat.st_mtime_ns}")
    return "|".join(parts)


def cache_file(root: Path, fingerprint: str) -> Path:
    """The pickle for the registry at ``root`` with that content fingerprint."""
    place = hashlib.sha256(str(Path(root).resolve()).encode()).hexdigest()[:12]
    key = hashlib.sha256(f"{fingerprint}\0{_code_signature()}".encode()).hexdigest()[:24]
    return cache_folder() / f"{place}-{key}.pickle"


def read_cached(root: Path, fingerprint: str) -> Registry | None:
    """The registry stored for this content and code, or None (missing, unreadable, stale)."""
    try:
        data = cache_file(root, fingerprint).read_bytes()
        # Our own file in the user's own cache folder, written by `write_cached`.
        registry = pickle.loads(data)  # noqa: S301
    except Exception:  # noqa: BLE001 - any failure means: read the YAML instead
        return None
    if not isinstance(registry, Registry) or Path(registry.root) != Path(root):
        return None
    return registry


def write_cached(root: Path, fingerprint: str, registry: Registry) -> None:
    """Store a checked registry (atomically); older pickles of the same folder are removed.
    A cache folder that cannot be written is left alone."""
    target = cache_file(root, fingerprint)
    registry.members("")  # every family's members, worked out once and kept in the pickle
    stored = copy.copy(registry)
    stored._inherited = None  # keyed by object ids, which a pickle does not keep
    for table in dataclasses.fields(Registry):  # every table keyed by id, entry by entry
        value = getattr(registry, table.name)
        if not table.name.startswith("_") and isinstance(value, Mapping):
            setattr(stored, table.name, PackedTable.of(value))
    try:
        write_whole(target, lambda out: pickle.dump(stored, out, protocol=pickle.HIGHEST_PROTOCOL))
        keep_newest(target, f"{target.name.split('-', 1)[0]}-*.pickle", keep=1)
    except OSError:
        return
