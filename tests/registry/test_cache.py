"""The registry pickle is keyed by the code that made it: every schema and loading module
counts."""

from __future__ import annotations

from pathlib import Path

import pytest

from vendorwatch.registry import cache
from vendorwatch.registry.load import Registry, default_root, load_registry, registry_fingerprint


def test_every_model_and_loading_module_is_in_the_cache_key() -> None:
    """A field added to any model module, or a change to how the registry is read, checked or
    held (the pickled `Registry` lives in ``load/``), must miss the old pickles, not load them."""
    here = Path(cache.__file__).parent
    for package in ("models", "load"):
        modules = {f"{package}/{p.name}" for p in (here / package).glob("*.py")}
        assert len(modules) > 1, f"the registry's {package} are a package"
        assert modules <= set(cache._CODE), package
    assert not (here / "load.py").exists()
    assert all((here / name).is_file() for name in cache._CODE)


def test_a_stored_registry_reads_back_whole(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The pickled classes resolve where they now live, and the copy answers as the original."""
    monkeypatch.setenv("VENDORWATCH_CACHE_DIR", str(tmp_path))
    root = default_root()
    fingerprint = registry_fingerprint(root, fresh=True)
    registry = load_registry(root)
    cache.write_cached(root, fingerprint, registry)
    copy = cache.read_cached(root, fingerprint)
    assert isinstance(copy, Registry) and copy is not registry
    assert list(copy.organisations) == list(registry.organisations)
    assert copy.organisations == registry.organisations  # every Entry, value and place
    for family in ("relx-plc", "thomson-reuters-corp"):
        assert copy.members(family) == registry.members(family) != []
    facts = [entry.value for entry in registry.claims.values()]
    copied = [entry.value for entry in copy.claims.values()]
    assert [registry.cited(f) for f in facts] == [copy.cited(f) for f in copied]
    assert [registry.is_verified(f) for f in facts] == [copy.is_verified(f) for f in copied]
