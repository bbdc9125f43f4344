"""The registry's content fingerprint: what derived data (the warehouse's resolution, the
compiled SQL, the registry pickle) records to know it was built from this registry."""

from __future__ import annotations

import hashlib
import time
from pathlib import Path

from vendorwatch.registry.load.roots import active_root


def registry_fingerprint(root: Path | None = None, *, fresh: bool = False) -> str:
    """A hash of the registry's content (every YAML file's path and bytes): derived data built
    from a registry records it, and a different fingerprint means it must be rebuilt. Files are
    read again only when their size or modification time changed, and looked at no more than
    once a second (the site asks on every query)."""
    root = Path(root or active_root())
    known = _FINGERPRINTS.get(root)
    now = time.monotonic()
    if known is not None and not fresh and now - known[2] < 1.0:
        return known[1]
    files = sorted(root.rglob("*.y*ml"))
    signature = tuple((f.as_posix(), f.stat().st_size, f.stat().st_mtime_ns) for f in files)
    if known is not None and known[0] == signature:
        _FINGERPRINTS[root] = (signature, known[1], now)
        return known[1]
    digest = hashlib.sha256()
    for file in files:
        digest.update(file.relative_to(root).as_posix().encode() + b"\0")
        digest.update(file.read_bytes() + b"\0")
    _FINGERPRINTS[root] = (signature, digest.hexdigest(), now)
    return digest.hexdigest()


_FINGERPRINTS: dict[Path, tuple[tuple[tuple[str, int, int], ...], str, float]] = {}
