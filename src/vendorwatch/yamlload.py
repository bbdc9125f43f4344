"""Curated YAML read with libyaml's safe loader when PyYAML has it (the same documents, parsed
in C): the pure-Python parser was a tenth of a CLI command's start-up for three small files."""

from __future__ import annotations

from typing import Any

import yaml

_LOADER: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def safe_load(text: str) -> Any:
    """`yaml.safe_load`, in C where available."""
    return yaml.load(text, Loader=_LOADER)  # noqa: S506 - a safe loader either way
