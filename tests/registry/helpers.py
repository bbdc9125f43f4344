"""Broken copies of the shipped registry, and where in them a problem must be reported."""

from __future__ import annotations

import shutil
from pathlib import Path

from vendorwatch.registry import default_root


def copy_registry(tmp_path: Path) -> Path:
    root = tmp_path / "registry"
    shutil.copytree(default_root(), root)
    return root


def line_of(path: Path, needle: str, occurrence: int = 1) -> int:
    """1-based line of the n-th line containing ``needle`` (the test fails if absent)."""
    seen = 0
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if needle in line:
            seen += 1
            if seen == occurrence:
                return number
    raise AssertionError(f"{needle!r} not in {path}")


def replace(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, f"{old!r} must occur exactly once in {path}"
    path.write_text(text.replace(old, new), encoding="utf-8")
