"""Bytes to text, and text to lines, for files that come from anywhere.

KBART and COUNTER files are UTF-8 (with or without a byte-order mark); spreadsheet programs
also write UTF-16 with a mark. Anything else is refused with the line and column of the first
byte that is not UTF-8 and the encoding it most likely is, unless the caller names the
encoding. Lines end in LF, CRLF or a bare CR (old Mac exports), mixed if need be.
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass
from pathlib import Path

from vendorwatch.audit.checks import utf16_without_bom
from vendorwatch.errors import BadInputError, Location

_LINE_BREAK = re.compile(r"\r\n|\r|\n")
# Characters `str.splitlines` also breaks on; when a text has none, it is the fast way.
_OTHER_BREAKS = re.compile("[\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029]")

# Leading bytes of files people upload by mistake, and what to call them.
_MAGIC: list[tuple[bytes, str]] = [
    (b"%PDF", "a PDF document"),
    (b"\xd0\xcf\x11\xe0", "an old Office file (Excel 97-2003 .xls or Word .doc)"),
    (b"\x89PNG", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF8", "a GIF image"),
    (b"Rar!", "a RAR archive"),
    (b"7z\xbc\xaf", "a 7-Zip archive"),
    (b"SQLite format 3\x00", "an SQLite database"),
]


def where(
    name: str, line: int | None = None, column: int | None = None, col: str | None = None
) -> Location:
    return Location(Path(name), line, column, col)


def _line_and_column(data: bytes, offset: int) -> tuple[int, int]:
    """1-based line and column (in characters of the valid prefix) of a byte offset."""
    head = data[:offset]
    lines = _LINE_BREAK.split(head.decode("utf-8", errors="replace"))
    return len(lines), len(lines[-1]) + 1


def guess_encoding(data: bytes) -> str | None:
    """The encoding charset-normalizer thinks most likely, or None."""
    from charset_normalizer import from_bytes  # noqa: PLC0415 - only on the error path

    best = from_bytes(data[:200_000]).best()
    return None if best is None else str(best.encoding)


def binary_kind(data: bytes) -> str | None:
    """What a non-text file is, if its first bytes say so, else None."""
    for magic, what in _MAGIC:
        if data.startswith(magic):
            return what
    return None


def decode(data: bytes, name: str, encoding: str | None = None) -> str:
    """The file's text; a clear `BadInputError` for binary data or the wrong encoding."""
    what = binary_kind(data)
    if what is not None:
        raise BadInputError(
            f"this is {what}, not a text file; expected a KBART or COUNTER text file, "
            "a CSV file or an XLSX workbook",
            where(name),
        )
    if encoding is not None:
        try:
            codecs.lookup(encoding)
        except LookupError:
            raise BadInputError(f"unknown encoding {encoding!r}", where(name)) from None
        try:
            return data.decode(encoding).removeprefix("\ufeff")
        except UnicodeDecodeError as exc:
            line, column = _line_and_column(data, exc.start)
            raise BadInputError(
                f"byte 0x{data[exc.start]:02X} cannot be read as {encoding}",
                where(name, line, column),
            ) from None
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return data.decode("utf-16").removeprefix("\ufeff")
        except UnicodeDecodeError:
            raise BadInputError(
                "the file starts with a UTF-16 byte-order mark but is not UTF-16 text "
                "(cut short, or not text at all)",
                where(name),
            ) from None
    utf16 = utf16_without_bom(data)
    if utf16 is not None:
        raise BadInputError(
            f"this is UTF-16 text without a byte-order mark; re-save it as UTF-8, or give "
            f"the encoding (--encoding {utf16})",
            where(name),
        )
    nul = data.find(b"\x00")
    if nul >= 0:
        line, column = _line_and_column(data, nul)
        raise BadInputError(
            "binary data (a NUL byte), not text; expected a KBART or COUNTER text file, "
            "a CSV file or an XLSX workbook",
            where(name, line, column),
        )
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line, column = _line_and_column(data, exc.start)
        at = where(name, line, column)
        if exc.reason == "unexpected end of data":
            raise BadInputError(
                "the file ends in the middle of a UTF-8 character: it looks cut short "
                "(truncated download or copy)",
                at,
            ) from None
        guess = guess_encoding(data)
        hint = (
            f"; it reads as {guess}: re-save it as UTF-8, or give the encoding (--encoding {guess})"
            if guess and guess.replace("_", "-").lower() not in ("utf-8", "ascii")
            else "; re-save it as UTF-8, or give the encoding (--encoding)"
        )
        raise BadInputError(
            f"byte 0x{data[exc.start]:02X} is not UTF-8, the encoding KBART and COUNTER "
            f"files use{hint}",
            at,
        ) from None


@dataclass(frozen=True)
class Lines:
    """A text's lines (without their breaks) and whether the last one was ended."""

    lines: list[str]
    ends_with_break: bool


def split_lines(text: str) -> Lines:
    """Split on LF, CRLF or a bare CR; never on the other characters `str.splitlines` takes."""
    if _OTHER_BREAKS.search(text) is None:
        return Lines(text.splitlines(), text.endswith(("\n", "\r")) or text == "")
    lines = _LINE_BREAK.split(text)
    ended = len(lines) > 1 and lines[-1] == ""
    if ended:
        lines.pop()
    return Lines(lines, ended or text == "")


def clip(text: str, width: int = 60) -> str:
    """A value short enough to quote in a one-line message."""
    return text if len(text) <= width else text[: width - 1] + "…"
