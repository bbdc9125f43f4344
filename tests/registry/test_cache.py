"""The registry pickle is keyed by the code that made it: every schema module counts."""

from __future__ import annotations

from pathlib import Path

from vendorwatch.registry import cache


def test_every_model_module_is_in_the_cache_key() -> None:
    """A field added to any model module must miss the old pickles, not load them."""
    here = Path(cache.__file__).parent
    models = {f"models/{p.name}" for p in (here / "models").glob("*.py")}
    assert models, "the registry's models are a package"
    assert models <= set(cache._CODE)
    assert all((here / name).is_file() for name in cache._CODE)
