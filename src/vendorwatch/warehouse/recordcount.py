"""An independent count of a file's records, so that a load proves it read every one.

DuckDB's CSV reader is fast, but some files it misreads without an error: a 34 MB line ending
in LF inside a CRLF file gave 3 rows of 2,000. So before DuckDB reads a file, `census` walks
it once with Python's csv module (streaming, the same dialect: the sniffed delimiter, ``"``
quotes doubled inside quoted fields) and counts its records. On the way it refuses, with the
line, what DuckDB cannot be trusted with: mixed line endings, a line longer than the limit, a
record with the wrong number of fields, more decompressed bytes than the limits allow (a gzip
bomb), a gzip file cut short. After DuckDB has read the file, `confirm_staged` compares the
counts (on a difference: both counts and the first line where the two readings part), and
`confirm_loaded` checks the rows written, just before COMMIT. Memory stays at one line.
An FPDS ATOM feed's records are counted the same way apart from its reader: `count_entries`
counts its ``<entry>`` elements with a streaming SAX parser.
"""

from __future__ import annotations

import codecs
import csv
import time
import xml.sax
import xml.sax.handler
import xml.sax.xmlreader
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import defusedxml.sax  # type: ignore[import-untyped]
import duckdb
from defusedxml import DefusedXmlException

from vendorwatch.errors import BadInputError, Location
from vendorwatch.settings import get_settings
from vendorwatch.warehouse.sniff import Sniffed, open_binary

RATIO_GRACE = 64 << 20  # bytes read before the compression ratio counts


@dataclass(frozen=True)
class Limits:
    """How much of one file `census` reads before refusing it (from the settings)."""

    max_bytes: int
    max_ratio: float
    max_line: int

    @classmethod
    def from_settings(cls) -> Limits:
        s = get_settings()
        return cls(
            s.load_max_decompressed_bytes, s.load_max_compression_ratio, s.load_max_line_bytes
        )


@dataclass(frozen=True)
class Census:
    records: int  # data records: the header and blank lines not counted
    lines: int  # physical lines (split at LF)
    decompressed_bytes: int
    line_ending: str  # "LF" or "CRLF", the header's
    seconds: float


def _size(number: float) -> str:
    for unit, scale in (("GiB", 1 << 30), ("MiB", 1 << 20), ("KiB", 1 << 10)):
        if number >= scale:
            return f"{number / scale:,.1f} {unit}"
    return f"{number:,.0f} bytes"


class _Lines:
    """The decompressed text's physical lines (split at LF only, as editors number them),
    each checked against the limits as it is read. Read in 1 MiB blocks (a line at a time is
    3x slower); ``number`` and ``ending`` describe the last line handed out."""

    def __init__(self, sniffed: Sniffed, limits: Limits) -> None:
        self.sniffed = sniffed
        self.path = sniffed.path
        self.limits = limits
        self.number = 0
        self.bytes = 0
        self._last = ""  # the last line, without its LF
        self._terminated = False

    @property
    def ending(self) -> str:
        """The last line's ending: "CRLF", "LF", "CR CR LF", or "" (the end of the file)."""
        if not self._terminated:
            return ""
        if self._last.endswith("\r"):
            return "CR CR LF" if self._last.endswith("\r\r") else "CRLF"
        return "LF"

    def _budget(self) -> tuple[int, str]:
        compressed = self.path.stat().st_size
        by_ratio = max(RATIO_GRACE, int(compressed * self.limits.max_ratio))
        if self.sniffed.compression != "none" and by_ratio < self.limits.max_bytes:
            return by_ratio, (
                f"over {self.limits.max_ratio:g} times its compressed size of "
                f"{_size(compressed)}, the load_max_compression_ratio setting"
            )
        return self.limits.max_bytes, "the load_max_decompressed_bytes setting"

    def _too_long(self, line: int) -> BadInputError:
        return BadInputError(
            f"the line is longer than {_size(self.limits.max_line)} (the load_max_line_bytes "
            "setting); nothing from this file was loaded",
            Location(self.path, line),
        )

    def _not_utf8(self) -> BadInputError:
        """Where the first byte that is not UTF-8 sits: walked again a line at a time, its
        column the CSV field it falls in (the bytes before it read as CSV)."""
        headers = self.sniffed.headers
        with open_binary(self.path) as handle:
            number = 0
            while raw := handle.readline(self.limits.max_line + 1):
                number += 1
                body = raw.removeprefix(codecs.BOM_UTF8) if number == 1 else raw
                try:
                    body.decode("utf-8")
                except UnicodeDecodeError as exc:
                    before = body[: exc.start].decode("utf-8")
                    try:
                        cells = next(csv.reader([before], delimiter=self.sniffed.delimiter), [])
                    except csv.Error:  # inside a quoted field
                        cells = []
                    field = max(len(cells), 1)
                    return BadInputError(
                        f"byte 0x{body[exc.start]:02x} is not UTF-8 (Latin-1 or Windows-1252?), at "
                        f"character {len(before) + 1} of the line; re-save the file as UTF-8",
                        Location(
                            self.path,
                            number,
                            field,
                            headers[field - 1] if field <= len(headers) else None,
                        ),
                    )
        return BadInputError("not UTF-8; re-save the file as UTF-8", Location(self.path))

    def __iter__(self) -> Iterator[str]:
        budget, why = self._budget()
        decoder = codecs.getincrementaldecoder("utf-8-sig")()
        limit = self.limits.max_line
        pending = ""
        try:
            with open_binary(self.path) as handle:
                while block := handle.read(1 << 20):
                    self.bytes += len(block)
                    if self.bytes > budget:
                        raise BadInputError(
                            f"decompressed, the file holds more than {_size(budget)} ({why}): "
                            "a compression bomb or a file too large to load; nothing was loaded",
                            Location(self.path),
                        )
                    try:
                        text = decoder.decode(block)
                    except UnicodeDecodeError:
                        raise self._not_utf8() from None
                    parts = (pending + text).split("\n")
                    pending = parts.pop()
                    self._terminated = True
                    for part in parts:
                        self.number += 1
                        if len(part) >= limit:
                            raise self._too_long(self.number)
                        self._last = part
                        yield part + "\n"
                    if len(pending) >= limit:
                        raise self._too_long(self.number + 1)
                decoder.decode(b"", final=True)
        except EOFError:
            raise BadInputError(
                "the gzip file is cut short (an interrupted download or copy?); nothing was loaded",
                Location(self.path),
            ) from None
        except UnicodeDecodeError:
            raise self._not_utf8() from None
        except (OSError, zlib.error) as exc:  # gzip.BadGzipFile is an OSError
            raise BadInputError(f"cannot read the file: {exc}", Location(self.path)) from None
        if pending:
            self.number += 1
            self._last, self._terminated = pending, False
            yield pending


def _records(sniffed: Sniffed, lines: _Lines) -> Iterator[tuple[int, list[str]]]:
    """(line where it starts, fields) of every record after the header (blank lines skipped,
    as DuckDB skips them), each checked."""
    path, expected = sniffed.path, len(sniffed.headers)
    before = csv.field_size_limit(max(csv.field_size_limit(), lines.limits.max_line))
    reader = csv.reader(lines, delimiter=sniffed.delimiter, quotechar='"', strict=True)
    try:
        next(reader, None)
        header_ending = lines.ending
        if header_ending == "CR CR LF":
            raise BadInputError(
                "the header ends in CR CR LF (line endings converted twice), which DuckDB "
                "misreads; re-save the file with LF or CRLF line endings",
                Location(path, 1),
            )
        start = lines.number + 1
        for fields in reader:
            if fields:
                if len(fields) != expected:
                    column = min(len(fields), expected) + 1  # the first missing or extra one
                    raise BadInputError(
                        f"expected {expected} fields as in the header, found {len(fields)}",
                        Location(path, start, column),
                    )
                if lines.ending and lines.ending != header_ending:
                    raise BadInputError(
                        f"the line ends in {lines.ending} but the header (line 1) ends in "
                        f"{header_ending}: mixed line endings, which DuckDB misreads; "
                        "re-save the file with one kind of line ending",
                        Location(path, lines.number),
                    )
                yield start, fields
            start = lines.number + 1
    except csv.Error as exc:
        problem = str(exc)
        if "new-line character" in problem:
            problem = (
                "a carriage return (CR) inside a line (old Mac line endings?); re-save the "
                "file with LF or CRLF line endings"
            )
        raise BadInputError(f"malformed CSV: {problem}", Location(path, lines.number)) from None
    finally:
        csv.field_size_limit(before)  # one setting for the whole process: put it back


def census(sniffed: Sniffed, limits: Limits | None = None) -> Census:
    """Count the file's records with the csv module, refusing what DuckDB would misread."""
    started = time.perf_counter()
    lines = _Lines(sniffed, limits or Limits.from_settings())
    records = sum(1 for _ in _records(sniffed, lines))
    return Census(
        records=records,
        lines=lines.number,
        decompressed_bytes=lines.bytes,
        line_ending=lines.ending or "LF",
        seconds=time.perf_counter() - started,
    )


def _first_difference(
    con: duckdb.DuckDBPyConnection, stage: str, sniffed: Sniffed, columns: list[str]
) -> int:
    """The line of the first record where DuckDB's staged rows and the csv module disagree."""
    indexes = [int(c[1:]) for c in columns]
    cursor = con.execute(f"SELECT {', '.join(columns)} FROM {stage} ORDER BY rowid")
    lines = _Lines(sniffed, Limits.from_settings())
    batch: list[tuple[object, ...]] = []
    line = 2
    for line, fields in _records(sniffed, lines):
        if not batch:
            batch = list(reversed(cursor.fetchmany(4096)))
            if not batch:
                return line  # DuckDB stopped before this record
        row = batch.pop()
        if tuple("" if v is None else v for v in row) != tuple(fields[i] for i in indexes):
            return line
    return lines.number + 1  # DuckDB read rows past the csv module's last record


def confirm_staged(
    con: duckdb.DuckDBPyConnection, stage: str, sniffed: Sniffed, columns: list[str], count: Census
) -> None:
    """Fail unless DuckDB staged exactly the records the csv module counted."""
    found = con.execute(f"SELECT count(*) FROM {stage}").fetchone()
    rows = int(found[0]) if found else 0
    if rows == count.records:
        return
    line = _first_difference(con, stage, sniffed, columns)
    raise BadInputError(
        f"Python's csv module reads {count.records:,} records but DuckDB read {rows:,} rows; "
        f"the two readings part at line {line}; nothing from this file was loaded",
        Location(sniffed.path, line),
    )


def confirm_loaded(
    con: duckdb.DuckDBPyConnection, table: str, sniffed: Sniffed, count: Census
) -> None:
    """Just before COMMIT: the rows written for this file are its records, no more, no fewer."""
    found = con.execute(
        f"SELECT count(*) FROM {table} WHERE source_sha256 = ?", [sniffed.sha256]
    ).fetchone()
    rows = int(found[0]) if found else 0
    if rows != count.records:
        raise BadInputError(
            f"{rows:,} rows were written to {table} but the file holds {count.records:,} "
            "records; nothing from this file was loaded",
            Location(sniffed.path),
        )


ATOM = "http://www.w3.org/2005/Atom"


@dataclass(frozen=True)
class EntryCensus:
    """An Atom feed's ``<entry>`` elements (the feed's own children) and the line of each."""

    lines: tuple[int, ...]
    seconds: float

    @property
    def records(self) -> int:
        return len(self.lines)

    def as_census(self) -> Census:
        return Census(self.records, 0, 0, "LF", self.seconds)


class _Entries(xml.sax.handler.ContentHandler):
    def __init__(self) -> None:
        super().__init__()
        self.depth = 0
        self.lines: list[int] = []
        self.locator: xml.sax.xmlreader.Locator | None = None

    def setDocumentLocator(self, locator: xml.sax.xmlreader.Locator) -> None:
        self.locator = locator

    def startElementNS(self, name: tuple[str | None, str], qname: object, attrs: object) -> None:
        self.depth += 1
        if self.depth == 2 and name == (ATOM, "entry"):
            self.lines.append((self.locator.getLineNumber() if self.locator else None) or 0)

    def endElementNS(self, name: tuple[str | None, str], qname: object) -> None:
        self.depth -= 1


def count_entries(path: Path) -> EntryCensus:
    """Count a feed's entries as SAX events stream by (defusedxml: no entity expansion, no
    external references), apart from the ElementTree reading `fpds_atom` loads from: a record
    that reading skips or doubles then shows as a difference. Memory stays at one event."""
    started = time.perf_counter()
    handler = _Entries()
    parser = defusedxml.sax.make_parser()
    parser.setFeature(xml.sax.handler.feature_namespaces, True)
    parser.setContentHandler(handler)
    try:
        with open_binary(path) as handle:
            parser.parse(handle)
    except xml.sax.SAXParseException as exc:
        where = Location(path, exc.getLineNumber(), (exc.getColumnNumber() or 0) + 1)
        raise BadInputError(f"not well-formed XML: {exc.getMessage()}", where) from None
    except (DefusedXmlException, OSError, EOFError, zlib.error) as exc:
        raise BadInputError(f"cannot count the feed's entries: {exc}", Location(path)) from None
    return EntryCensus(tuple(handler.lines), time.perf_counter() - started)
