"""What one audit may read, checked before the reading starts: sizes, rows, texts, time.

A small file can unpack into a large one. A 48 KB gzip of blank lines took 108 s and 780 MB
before its error; an 820 KB workbook whose shared-strings part unpacks to hundreds of MB took
2.6 GB; a 1 MB workbook with 3M rows held the site for 40 s. So before a reader sees a file:
a gzip is unpacked only up to the limit; a workbook's parts are measured from the ZIP's
directory (the sizes `zipfile` then holds each part to) and its shared strings and each
sheet's rows are counted by scanning the XML as bytes, without parsing it; a text's lines are
counted before it is split. Reading itself runs within a time budget (`Budget`). Each refusal
names the file, the limit and what the file holds. The site and ``vendorwatch audit`` share
these checks; the values are settings (``audit_*``).
"""

from __future__ import annotations

import io
import re
import struct
import time
import zipfile
import zlib
from collections.abc import Iterable
from dataclasses import dataclass, field

from vendorwatch.errors import BadInputError
from vendorwatch.limits import LimitError, size
from vendorwatch.settings import get_settings

CHUNK = 1024 * 1024
MAX_PARTS = 10_000  # parts in one workbook (a real one has tens)


def _setting(name: str) -> object:
    return field(default_factory=lambda: getattr(get_settings(), f"audit_{name}"))


@dataclass(frozen=True)
class Limits:
    """What one audit accepts: a web upload and the command line share these (settings)."""

    max_file_bytes: int = _setting("max_file_bytes")  # type: ignore[assignment]
    max_total_bytes: int = _setting("max_total_bytes")  # type: ignore[assignment]
    max_files: int = _setting("max_files")  # type: ignore[assignment]
    max_rows: int = _setting("max_rows")  # type: ignore[assignment]
    max_unpacked_bytes: int = _setting("max_unpacked_bytes")  # type: ignore[assignment]
    max_shared_strings: int = _setting("max_shared_strings")  # type: ignore[assignment]
    max_seconds: float = _setting("max_seconds")  # type: ignore[assignment]

    def budget(self, name: str) -> Budget:
        return Budget(name, self.max_seconds)


class Budget:
    """The time one file's reading may take; `check` every so many rows."""

    def __init__(self, name: str, seconds: float) -> None:
        self.name = name
        self.seconds = seconds
        self.deadline = time.monotonic() + seconds

    def check(self, line: int, unit: str = "line") -> None:
        """Past the deadline: stop, naming the file and where (``unit``: a JSON report's
        "item", which has no lines)."""
        if time.monotonic() > self.deadline:
            raise LimitError(
                f"{self.name}: reading it took longer than the {self.seconds:g} s allowed per "
                f"file (stopped at {unit} {line:,}); split it into smaller files"
            )


def check_lines(data: bytes, name: str, limits: Limits) -> None:
    """Refuse a text with more lines than the row limit allows, before it is decoded and
    split (counted as bytes: in UTF-16 too every line break holds a 0A or 0D byte)."""
    lines = max(data.count(b"\n"), data.count(b"\r"))
    # Far past the limit only: a file a little over it is read to the row past the limit,
    # whose line the readers name; room too for blank lines and a COUNTER header block.
    allowed = 2 * limits.max_rows + 100
    if lines > allowed:
        raise LimitError(
            f"{name} has {lines:,} lines; the limit is {limits.max_rows:,} rows per file"
        )


def _entries(data: bytes) -> int | None:
    """How many parts the ZIP's end record says it has (None: no end record found)."""
    end = data.rfind(b"PK\x05\x06", max(0, len(data) - 65_557))
    if end < 0 or end + 22 > len(data):
        return None
    (count,) = struct.unpack_from("<H", data, end + 10)
    if count == 0xFFFF:  # ZIP64: the count is in the ZIP64 end record
        end64 = data.rfind(b"PK\x06\x06", 0, end)
        if end64 >= 0 and end64 + 40 <= len(data):
            (count,) = struct.unpack_from("<Q", data, end64 + 32)
    return int(count)


def _count(part: Iterable[bytes], root: bytes, tag: bytes) -> int:
    """How many ``tag`` elements a part holds, counted as bytes in a stream of chunks.

    The root element's start says the namespace prefix the part uses (usually none); in
    these parts no other element's name starts with ``row`` but ``rowBreaks`` (one per
    sheet), none with ``si`` but ``si``, and text cannot hold a ``<``.
    """
    head = b""
    chunks = iter(part)
    for chunk in chunks:  # the root element's start is within its first bytes
        head += chunk
        if len(head) >= 65_536:
            break
    opened = re.search(rb"<([A-Za-z_][\w.-]*:)?" + root + rb"[\s>/]", head)
    needle = b"<" + (opened[1] if opened and opened[1] else b"") + tag
    found = head.count(needle)
    tail = head[-(len(needle) - 1) :]
    for chunk in chunks:
        window = tail + chunk
        found += window.count(needle) - tail.count(needle)
        tail = window[-(len(needle) - 1) :]
    return found


def _chunks(book: zipfile.ZipFile, info: zipfile.ZipInfo) -> Iterable[bytes]:
    with book.open(info) as stream:
        while chunk := stream.read(CHUNK):
            yield chunk


def check_workbook(data: bytes, name: str, limits: Limits) -> None:
    """Measure an XLSX workbook before openpyxl opens it: parts, unpacked size, shared
    strings, rows of each sheet."""
    entries = _entries(data)
    if entries is not None and entries > MAX_PARTS:
        raise LimitError(
            f"{name}: a workbook of {entries:,} parts; the limit is {MAX_PARTS:,} per workbook"
        )
    try:
        book = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, ValueError) as exc:
        raise BadInputError(f"{name}: an XLSX workbook that cannot be opened ({exc})") from None
    with book:
        parts = book.infolist()
        unpacked = sum(p.file_size for p in parts)
        if unpacked > limits.max_unpacked_bytes:
            largest = max(parts, key=lambda p: p.file_size)
            raise LimitError(
                f"{name}: unpacked, the workbook is {size(unpacked)} ({largest.filename} alone "
                f"{size(largest.file_size)}); the limit is {size(limits.max_unpacked_bytes)} "
                "per file"
            )
        try:
            for part in parts:
                lower = part.filename.lower()
                if lower.endswith("sharedstrings.xml"):
                    texts = _count(_chunks(book, part), b"sst", b"si")
                    if texts > limits.max_shared_strings:
                        raise LimitError(
                            f"{name}: the workbook holds {texts:,} distinct texts (shared "
                            f"strings); the limit is {limits.max_shared_strings:,}"
                        )
                elif lower.startswith("xl/worksheets/") and lower.endswith(".xml"):
                    rows = _count(_chunks(book, part), b"worksheet", b"row")
                    if rows > limits.max_rows:
                        sheet = part.filename.rsplit("/", 1)[-1].removesuffix(".xml")
                        raise LimitError(
                            f"{name}: {sheet} has {rows:,} rows; the limit is "
                            f"{limits.max_rows:,} rows per file"
                        )
        except (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError) as exc:
            raise BadInputError(f"{name}: an XLSX workbook that cannot be opened ({exc})") from None
