"""The registry pickle is keyed by the code that made it: every schema and loading module
counts; read back, its organisations are unpickled one by one as they are read, and an edited
registry is read again."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from vendorwatch.registry import cache
from vendorwatch.registry.load import Registry, default_root, load_registry, registry_fingerprint
from vendorwatch.registry.load.packed import PackedTable

from .helpers import copy_registry, replace


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


def stored_and_read(
    cache_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> tuple[Registry, Registry | None]:
    """The shipped registry, read from its YAML, and its copy stored in and read from the
    cache in ``cache_dir``."""
    monkeypatch.setenv("VENDORWATCH_CACHE_DIR", str(cache_dir))
    root = default_root()
    fingerprint = registry_fingerprint(root, fresh=True)
    registry = load_registry(root)
    cache.write_cached(root, fingerprint, registry)
    return registry, cache.read_cached(root, fingerprint)


def test_a_stored_registry_reads_back_whole(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The pickled classes resolve where they now live, and the copy answers as the original."""
    registry, copy = stored_and_read(tmp_path, monkeypatch)
    assert isinstance(copy, Registry) and copy is not registry
    assert list(copy.organisations) == list(registry.organisations)
    assert copy.organisations == registry.organisations  # every Entry, value and place
    for family in ("relx-plc", "thomson-reuters-corp"):
        assert copy.members(family) == registry.members(family) != []
    facts = [entry.value for entry in registry.claims.values()]
    copied = [entry.value for entry in copy.claims.values()]
    assert [registry.cited(f) for f in facts] == [copy.cited(f) for f in copied]
    assert [registry.is_verified(f) for f in facts] == [copy.is_verified(f) for f in copied]


def test_organisations_are_unpickled_when_first_read_and_kept(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Read from the cache, no organisation is unpickled until one is asked for; an entry is
    the same object on every read (inherited sources are known by identity), and reading them
    all gives every entry in registry order."""
    registry, copy = stored_and_read(tmp_path, monkeypatch)
    assert copy is not None
    orgs = copy.organisations
    assert isinstance(orgs, PackedTable)
    assert len(orgs) == len(registry.organisations) > 2000
    assert "relx-plc" in orgs and "no-such-org" not in orgs
    assert orgs.opened == 0  # membership and size need no entry
    relx = orgs["relx-plc"]
    assert (
        orgs.opened == 1
        and orgs["relx-plc"] is relx
        and copy.organisation("relx-plc") is relx.value
    )
    assert relx == registry.organisations["relx-plc"]
    assert copy.family("lexisnexis-risk-solutions") == "relx-plc"  # ownership: not the table
    assert sorted(copy.members("relx-plc")) == sorted(registry.members("relx-plc"))
    assert orgs.opened == 1
    with pytest.raises(KeyError):
        orgs["no-such-org"]
    assert list(orgs) == list(registry.organisations)
    assert list(orgs.values()) == list(registry.organisations.values())
    assert orgs.opened == len(orgs) and orgs["relx-plc"] is relx


_NAME = """
import sys
from vendorwatch.registry import shipped_registry
registry = shipped_registry()
print(registry.organisation(sys.argv[1]).name)
print(registry.organisations.opened if hasattr(registry.organisations, "opened") else "read")
"""


def test_an_edited_organisation_is_read_again_never_served_stale(tmp_path: Path) -> None:
    """A fresh process takes organisations from the pickle (a planted name is what it
    shows), unpickling only the one asked for; once the YAML is edited it reads the YAML."""
    root = copy_registry(tmp_path)
    env = {**os.environ, "VENDORWATCH_CACHE_DIR": str(tmp_path / "cache"),
           "VENDORWATCH_REGISTRY": str(root)}  # fmt: skip

    def name(org_id: str) -> list[str]:
        done = subprocess.run([sys.executable, "-c", _NAME, org_id], capture_output=True,
                              text=True, check=False, env=env)  # fmt: skip
        assert done.returncode == 0, done.stderr[-2000:]
        return done.stdout.split()

    assert name("relx-plc") == ["RELX", "PLC", "read"]  # the first run reads the YAML
    assert name("relx-plc") == ["RELX", "PLC", "1"]  # then the pickle, one entry of it
    planted = load_registry(root)
    planted.organisations["relx-plc"].value.__dict__["name"] = "planted"
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("VENDORWATCH_CACHE_DIR", env["VENDORWATCH_CACHE_DIR"])
        cache.write_cached(root, registry_fingerprint(root, fresh=True), planted)
    assert name("relx-plc") == ["planted", "1"]
    replace(root / "families" / "relx.yaml", "    name: RELX PLC\n", "    name: RELX Group\n")
    assert name("relx-plc") == ["RELX", "Group", "read"]
    assert name("relx-plc") == ["RELX", "Group", "1"]
