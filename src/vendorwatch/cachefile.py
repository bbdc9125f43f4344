"""Cache files written whole, and the older ones beside them let go.

The registry pickle, the compiled-SQL cache, the whole-warehouse answers and the light
settings' field table are each one file in the user cache, read by many processes: a reader
must see the old file or the new one, never part of one, and the files of other code or data
must not pile up. Imports only the standard library (the light settings use it).
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import IO


def write_whole(path: Path, write: Callable[[IO[bytes]], object]) -> None:
    """Write ``path`` through ``write`` into a temporary file beside it, then rename it over
    ``path`` (atomic on POSIX); the temporary file is removed if ``write`` fails."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.NamedTemporaryFile(
        dir=path.parent, prefix=".tmp-", suffix=path.suffix, delete=False
    ) as out:
        try:
            write(out)
        except BaseException:
            out.close()
            Path(out.name).unlink(missing_ok=True)
            raise
    os.replace(out.name, path)


def keep_newest(path: Path, pattern: str, keep: int) -> None:
    """Of the files beside ``path`` matching ``pattern``, keep ``path`` and the ``keep - 1``
    written last (other code or data in turn do not wipe each other's); remove the rest."""
    others = sorted(
        (p for p in path.parent.glob(pattern) if p != path),
        key=lambda p: p.stat().st_mtime_ns,
        reverse=True,
    )
    for old in others[max(keep - 1, 0) :]:
        old.unlink(missing_ok=True)
