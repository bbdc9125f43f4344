"""Refuse text that is not UTF-8 at all before any CSV parser sees it.

UTF-16 or UTF-32 (with or without a byte-order mark: Excel's "Unicode text") and binary data
are told from a file's first bytes; a CSV parser would otherwise fail on them with an error
about new-line characters or state machines that says nothing of the cause.
"""

from __future__ import annotations

import codecs
from pathlib import Path

from vendorwatch.errors import BadInputError, Location

_WIDE = (
    (codecs.BOM_UTF32_LE, "UTF-32 (little-endian, with a byte-order mark)"),
    (codecs.BOM_UTF32_BE, "UTF-32 (big-endian, with a byte-order mark)"),
    (codecs.BOM_UTF16_LE, "UTF-16 (little-endian, with a byte-order mark)"),
    (codecs.BOM_UTF16_BE, "UTF-16 (big-endian, with a byte-order mark)"),
)


def refuse_unreadable(path: Path, start: bytes) -> None:
    """Refuse a file whose first bytes show it is not UTF-8 text (``start``: decompressed)."""
    kind = next((name for bom, name in _WIDE if start.startswith(bom)), None)
    if kind is None and b"\x00" in start:
        sample = start[: len(start) // 2 * 2]
        half = len(sample) // 2 or 1
        if sample[1::2].count(0) >= half * 0.8:
            kind = "UTF-16 (little-endian, without a byte-order mark)"
        elif sample[0::2].count(0) >= half * 0.8:
            kind = "UTF-16 (big-endian, without a byte-order mark)"
        else:
            raise BadInputError(
                "binary data, not a CSV file (NUL bytes at its start)", Location(path, 1)
            )
    if kind is not None:
        raise BadInputError(
            f"the file is {kind} text; vendorwatch reads UTF-8: re-save it as CSV UTF-8",
            Location(path, 1),
        )
