"""Look at a file before loading it: compression, encoding, delimiter, header, content hash."""

from __future__ import annotations

import codecs
import csv
import gzip
import hashlib
import io
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from vendorwatch.errors import BadInputError, Location, NotContractDataError
from vendorwatch.warehouse.textcheck import refuse_unreadable

GZIP_MAGIC = b"\x1f\x8b"
_HASH_CHUNK = 1 << 20


@dataclass(frozen=True)
class Sniffed:
    path: Path
    compression: str  # "gzip" or "none"
    delimiter: str
    headers: list[str]
    sha256: str


def is_gzip(path: Path) -> bool:
    with path.open("rb") as handle:
        return handle.read(2) == GZIP_MAGIC


def open_binary(path: Path) -> IO[bytes]:
    """The file's bytes, decompressed if it is gzip (told from its magic bytes, not its name)."""
    if is_gzip(path):
        return gzip.GzipFile(path, "rb")  # type: ignore[return-value]
    return path.open("rb")


def content_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(_HASH_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def decoded_lines(path: Path) -> Iterator[str]:
    """Lines as text; a byte that is not UTF-8 stops with its line and column."""
    decoder = codecs.getincrementaldecoder("utf-8-sig")()
    with open_binary(path) as handle:
        for number, raw in enumerate(handle, start=1):
            try:
                yield decoder.decode(raw)
            except UnicodeDecodeError as exc:
                raise BadInputError(
                    f"byte 0x{raw[exc.start]:02x} is not UTF-8; re-save the file as UTF-8",
                    Location(path, number, exc.start + 1),
                ) from None


def _first_line(path: Path) -> str:
    """The header line, read no further than the longest line a load accepts (a gzip bomb of
    one endless line must not be read into memory whole)."""
    from vendorwatch.settings import get_settings  # noqa: PLC0415 - settings only when loading

    limit = get_settings().load_max_line_bytes
    with open_binary(path) as handle:
        raw = handle.readline(limit + 1)
    if len(raw) > limit:
        raise BadInputError(
            "line 1 is longer than the longest line a load reads (the load_max_line_bytes "
            "setting): not a CSV header",
            Location(path, 1),
        )
    body = raw.removeprefix(codecs.BOM_UTF8)
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise BadInputError(
            f"byte 0x{body[exc.start]:02x} is not UTF-8; re-save the file as UTF-8",
            Location(path, 1, exc.start + 1),
        ) from None


_NOT_TABULAR = {
    b"PK": "a ZIP archive or XLSX workbook (save the sheet as CSV)",
    b"<": "XML that is not an FPDS ATOM feed (no Atom feed element)",
    b"{": "JSON",
    b"[": "JSON",
    b"#": "a text note",
}


def sniff(path: Path) -> Sniffed:
    if not path.is_file():
        raise BadInputError("no such file", Location(path))
    try:
        with open_binary(path) as handle:
            opening = handle.read(64)
    except (OSError, EOFError) as exc:  # a gzip file cut short in its first block
        raise BadInputError(f"cannot read the file: {exc}", Location(path)) from None
    start = opening.lstrip(codecs.BOM_UTF8).lstrip()
    for magic, kind in _NOT_TABULAR.items():
        if start.startswith(magic):
            raise NotContractDataError(f"not a contract file: it is {kind}", Location(path))
    refuse_unreadable(path, opening)
    try:
        first = _first_line(path)
    except (OSError, EOFError) as exc:  # gzip.BadGzipFile is an OSError
        raise BadInputError(f"cannot read the file: {exc}", Location(path)) from None
    if not first.strip():
        raise BadInputError("the file is empty; expected a header row", Location(path, 1))
    delimiter = "\t" if first.count("\t") > first.count(",") else ","
    try:
        headers = [h.strip() for h in next(csv.reader(io.StringIO(first), delimiter=delimiter))]
    except csv.Error as exc:
        raise BadInputError(f"malformed CSV header: {exc}", Location(path, 1)) from None
    return Sniffed(
        path=path,
        compression="gzip" if is_gzip(path) else "none",
        delimiter=delimiter,
        headers=headers,
        sha256=content_sha256(path),
    )


def check_unique_headers(sniffed: Sniffed) -> None:
    seen: dict[str, int] = {}
    for index, name in enumerate(sniffed.headers, start=1):
        if name in seen:
            raise BadInputError(
                f"header {name!r} appears twice (columns {seen[name]} and {index})",
                Location(sniffed.path, 1, index, name),
            )
        seen[name] = index


def record_line(path: Path, delimiter: str, record: int) -> int:
    """The physical line where data record number ``record`` (1-based) starts."""
    reader = csv.reader(decoded_lines(path), delimiter=delimiter)
    next(reader, None)
    start = reader.line_num + 1
    for number, _ in enumerate(reader, start=1):
        if number == record:
            return start
        start = reader.line_num + 1
    return start


def find_structural_problem(path: Path, delimiter: str, expected: int) -> BadInputError | None:
    """Walk the file as CSV to name the first record DuckDB refused (field count, bad bytes)."""
    try:
        reader = csv.reader(decoded_lines(path), delimiter=delimiter, strict=True)
        next(reader, None)
        start = reader.line_num + 1
        for fields in reader:
            if len(fields) != expected:
                column = min(len(fields), expected) + 1  # the first missing or extra one
                return BadInputError(
                    f"expected {expected} fields as in the header, found {len(fields)}",
                    Location(path, start, column),
                )
            start = reader.line_num + 1
    except csv.Error as exc:
        return BadInputError(f"malformed CSV: {exc}", Location(path, reader.line_num))
    except BadInputError as exc:
        return exc
    return None
