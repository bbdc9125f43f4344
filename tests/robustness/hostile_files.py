"""Hostile files, written by the tests (and `benchmarks/hostile.py`) themselves, in memory.

Each is small on the wire and large once unpacked, as an attacker's would be: a gzip of
zeros, XLSX workbooks whose shared strings or rows unpack to far more than the file's size,
and a streamed request body that never exists in memory at once.
"""

from __future__ import annotations

import gzip
import io
import struct
import zipfile
import zlib
from collections.abc import Iterable, Iterator

MB = 1024 * 1024


def gzip_bomb(unpacked: int = 1024 * MB) -> bytes:
    """``unpacked`` bytes of zeros (whole MB), gzipped (about 1 KB per MB): a valid gzip file.

    Compressing a gigabyte of zeros takes seconds; a deflate block after a full flush does not
    depend on what came before, so one MB's block is compressed once and repeated, and the
    trailer's CRC is summed over the zeros (a tenth of the time).
    """
    count = unpacked // MB
    zeros = b"\0" * MB
    deflate = zlib.compressobj(6, zlib.DEFLATED, 31)  # 31: with a gzip header
    first = deflate.compress(zeros) + deflate.flush(zlib.Z_FULL_FLUSH)
    block = deflate.compress(zeros) + deflate.flush(zlib.Z_FULL_FLUSH)
    final = zlib.compressobj(6, zlib.DEFLATED, -15).flush()  # an empty last block
    crc = 0
    for _ in range(count):
        crc = zlib.crc32(zeros, crc)
    trailer = struct.pack("<II", crc, (count * MB) & 0xFFFFFFFF)
    return first + block * (count - 1) + final + trailer


def gzip_of_lines(lines: int, line: bytes = b"a,b\n") -> bytes:
    """A small gzip of a CSV list with ``lines`` short lines under a header."""
    out = io.BytesIO()
    with gzip.GzipFile(fileobj=out, mode="wb", compresslevel=6) as g:
        g.write(b"name,vendor\n")
        block = line * 10_000
        for _ in range(lines // 10_000):
            g.write(block)
    return out.getvalue()


_OOXML = "application/vnd.openxmlformats-officedocument.spreadsheetml"
_PKG = "http://schemas.openxmlformats.org/package/2006"
_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_CONTENT_TYPES = (
    f'<?xml version="1.0" encoding="UTF-8"?><Types xmlns="{_PKG}/content-types">'
    '<Default Extension="rels" '
    'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    f'<Override PartName="/xl/workbook.xml" ContentType="{_OOXML}.sheet.main+xml"/>'
    f'<Override PartName="/xl/worksheets/sheet1.xml" ContentType="{_OOXML}.worksheet+xml"/>'
    f'<Override PartName="/xl/sharedStrings.xml" ContentType="{_OOXML}.sharedStrings+xml"/>'
    "</Types>"
)
_RELS = (
    f'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="{_PKG}/relationships">'
    f'<Relationship Id="rId1" Type="{_REL}/officeDocument" Target="xl/workbook.xml"/>'
    "</Relationships>"
)
_WORKBOOK = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
    f'xmlns:r="{_REL}"><sheets><sheet name="Databases" sheetId="1" r:id="rId1"/></sheets>'
    "</workbook>"
)
_WORKBOOK_RELS = (
    f'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="{_PKG}/relationships">'
    f'<Relationship Id="rId1" Type="{_REL}/worksheet" Target="worksheets/sheet1.xml"/>'
    f'<Relationship Id="rId2" Type="{_REL}/sharedStrings" Target="sharedStrings.xml"/>'
    "</Relationships>"
)
_MAIN = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'


def _sheet(rows: int) -> Iterator[bytes]:
    """A header row (shared string 0, "Name") and ``rows`` rows of shared string 1 (rows
    without numbers, as the format allows: they compress to almost nothing)."""
    yield f'<?xml version="1.0" encoding="UTF-8"?><worksheet {_MAIN}><sheetData>'.encode()
    yield b'<row><c t="s"><v>0</v></c></row>'
    block = b'<row><c t="s"><v>1</v></c></row>' * 10_000
    for _ in range(rows // 10_000):
        yield block
    yield b'<row><c t="s"><v>1</v></c></row>' * (rows % 10_000)
    yield b"</sheetData></worksheet>"


def _strings(texts: Iterable[bytes], count: int) -> Iterator[bytes]:
    yield (
        f'<?xml version="1.0" encoding="UTF-8"?><sst {_MAIN} count="{count}" uniqueCount="{count}">'
    ).encode()
    yield from texts
    yield b"</sst>"


def xlsx(sheet: Iterable[bytes], strings: Iterable[bytes]) -> bytes:
    """A workbook with one sheet, its parts written by hand and streamed into the ZIP."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as book:
        for name, text in (
            ("[Content_Types].xml", _CONTENT_TYPES),
            ("_rels/.rels", _RELS),
            ("xl/workbook.xml", _WORKBOOK),
            ("xl/_rels/workbook.xml.rels", _WORKBOOK_RELS),
        ):
            book.writestr(name, text)
        parts = (("xl/worksheets/sheet1.xml", sheet), ("xl/sharedStrings.xml", strings))
        for name, chunks in parts:
            with book.open(name, "w", force_zip64=True) as part:
                for chunk in chunks:
                    part.write(chunk)
    return out.getvalue()


def small_list() -> bytes:
    """A real-looking two-row list of databases (so a bomb's neighbour is fine)."""
    texts = [b"<si><t>Name</t></si>", b"<si><t>JSTOR</t></si>"]
    return xlsx(_sheet(2), _strings(texts, 2))


def many_rows(rows: int = 3_000_000) -> bytes:
    """``rows`` rows naming one database: 96 MB of XML in a ZIP of ~300 KB."""
    texts = [b"<si><t>Name</t></si>", b"<si><t>JSTOR</t></si>"]
    return xlsx(_sheet(rows), _strings(texts, 2))


def one_huge_text(unpacked: int = 300 * MB) -> bytes:
    """One shared string of ``unpacked`` letters: a ZIP of under 1 MB."""

    def texts() -> Iterator[bytes]:
        yield b"<si><t>Name</t></si><si><t>"
        letters = b"A" * MB
        for _ in range(unpacked // MB):
            yield letters
        yield b"</t></si>"

    return xlsx(_sheet(1), _strings(texts(), 2))


def many_texts(count: int = 1_500_000) -> bytes:
    """``count`` distinct short shared strings (each a few bytes of XML)."""

    def texts() -> Iterator[bytes]:
        yield b"<si><t>Name</t></si>"
        block: list[bytes] = []
        for n in range(1, count):
            block.append(b"<si><t>%x</t></si>" % n)
            if len(block) == 10_000:
                yield b"".join(block)
                block.clear()
        yield b"".join(block)

    return xlsx(_sheet(1), _strings(texts(), count))


def multipart_stream(
    boundary: str, filename: str, body_bytes: int, chunk: int = MB
) -> Iterator[bytes]:
    """A multipart form with one file of ``body_bytes`` bytes, produced chunk by chunk."""
    yield (
        f'--{boundary}\r\nContent-Disposition: form-data; name="files"; '
        f'filename="{filename}"\r\nContent-Type: text/plain\r\n\r\n'
    ).encode()
    line = b"Some Database,Some Vendor\n"
    block = line * (chunk // len(line))
    sent = 0
    while sent < body_bytes:
        part = block if body_bytes - sent >= len(block) else block[: body_bytes - sent]
        yield part
        sent += len(part)
    yield f"\r\n--{boundary}--\r\n".encode()
