"""The load scorecard's cases: each writes its file from real rows and says what must happen.

A case either must be refused (one line naming the file, and the line and column where the
builder put the fault, found again in the written bytes rather than trusted), or must load
correctly (rows and obligations equal to a csv + Decimal reading of the written file).
"""

from __future__ import annotations

import csv
import gzip
import io
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from tests.warehouse.helpers import read_rows, real_files

HEADER_LINE = 1


@dataclass(frozen=True)
class Built:
    path: Path
    line: int | None = None
    column: int | None = None
    column_name: str | None = None


@dataclass(frozen=True)
class Case:
    name: str
    build: Callable[[Path, Path], Built]  # (tmp folder, raw data folder)
    says: str = ""  # a fragment of the one-line message; "" when the file must load
    fault: str | None = None  # "point=action": a fault injected in the running CLI
    exit_status: int = 1

    @property
    def loads(self) -> bool:
        return not self.says


def _source(raw: Path, records: int = 40) -> tuple[list[str], list[list[str]]]:
    """Real API-export rows (FY2021): a header and the first ``records`` records."""
    header, rows = read_rows(real_files(raw)["FY2021"])
    return header, [list(r) for r in rows[:records]]


def _csv(rows: list[list[str]], *, end: str = "\n", delimiter: str = ",") -> str:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator=end, delimiter=delimiter).writerows(rows)
    return buffer.getvalue()


def _line_of(data: bytes, marker: bytes) -> int:
    """The 1-based line (split at LF) where ``marker`` first occurs in the written bytes."""
    assert data.count(marker) == 1, marker
    return data[: data.index(marker)].count(b"\n") + 1


def _put(tmp: Path, name: str, data: bytes) -> Path:
    path = tmp / name
    path.write_bytes(data)
    return path


def _value_at(tmp: Path, raw: Path, name: str, record: int, column: str, value: str) -> Built:
    header, rows = _source(raw)
    rows[record - 1][header.index(column)] = value
    data = _csv([header, *rows]).encode()
    path = _put(tmp, name, data)
    return Built(path, _line_of(data, value.encode()), header.index(column) + 1, column)


def long_line(size: int) -> Callable[[Path, Path], Built]:
    """CRLF file whose 4th record is one ``size``-byte line ending in LF (the issue's case)."""

    def build(tmp: Path, raw: Path) -> Built:
        header, rows = _source(raw)
        rows[3][header.index("Transaction Description")] = "LONGMARK"
        parts = [_csv([r], end="\r\n") for r in [header, *rows]]
        parts[4] = _csv([rows[3]], end="\n")
        data = "".join(parts).encode().replace(b"LONGMARK", b"LONG" + b"x" * size)
        return Built(_put(tmp, f"long-line-{size}.csv", data), _line_of(data, b"LONGx"))

    return build


def nul_in_piid(tmp: Path, raw: Path) -> Built:
    _, rows = _source(raw)
    piid = rows[9][1]
    return _value_at(tmp, raw, "nul.csv", 10, "Award ID", piid[:4] + "\x00" + piid[4:])


def bell_in_name(tmp: Path, raw: Path) -> Built:
    return _value_at(tmp, raw, "bell.csv", 7, "Recipient Name", "ACME\x07 DATA LLC")


def utf16(tmp: Path, raw: Path) -> Built:
    header, rows = _source(raw)
    data = _csv([header, *rows], end="\r\n").encode("utf-16-le")
    return Built(_put(tmp, "utf16.csv", data), HEADER_LINE)


def truncated_gz(tmp: Path, raw: Path) -> Built:
    header, rows = _source(raw, 2000)
    data = gzip.compress(_csv([header, *rows]).encode())
    return Built(_put(tmp, "cut.csv.gz", data[: len(data) // 2]))


def semicolons(tmp: Path, raw: Path) -> Built:
    header, rows = _source(raw)
    return Built(_put(tmp, "semi.csv", _csv([header, *rows], delimiter=";").encode()), 1)


def _duplicate(column: str, name: str) -> Callable[[Path, Path], Built]:
    def build(tmp: Path, raw: Path) -> Built:
        header, rows = _source(raw)
        at = header.index(column)
        data = _csv([[*header, column], *[[*r, r[at]] for r in rows]]).encode()
        return Built(_put(tmp, name, data), 1, len(header) + 1, column)

    return build


def missing_column(tmp: Path, raw: Path) -> Built:
    header, rows = _source(raw)
    at = header.index("Action Date")
    data = _csv(
        [[h for i, h in enumerate(header) if i != at]]
        + [[v for i, v in enumerate(r) if i != at] for r in rows]
    ).encode()
    return Built(_put(tmp, "no-date.csv", data), 1)


def cr_cr_lf(tmp: Path, raw: Path) -> Built:
    header, rows = _source(raw)
    return Built(_put(tmp, "crcrlf.csv", _csv([header, *rows], end="\r\r\n").encode()), 1)


def stray_lf(tmp: Path, raw: Path) -> Built:
    header, rows = _source(raw)
    parts = [_csv([r], end="\r\n") for r in [header, *rows]]
    parts[20] = _csv([rows[19]], end="\n")
    data = "".join(parts).encode()
    bare = next(i for i, b in enumerate(data) if b == 0x0A and data[i - 1] != 0x0D)
    return Built(_put(tmp, "stray-lf.csv", data), data[:bare].count(b"\n") + 1)


def cr_only(tmp: Path, raw: Path) -> Built:
    header, rows = _source(raw)
    return Built(_put(tmp, "mac.csv", _csv([header, *rows], end="\r").encode()), 1)


def header_only(tmp: Path, raw: Path) -> Built:
    header, _ = _source(raw)
    return Built(_put(tmp, "header-only.csv", _csv([header]).encode()), 2)


def gzip_bomb(tmp: Path, raw: Path) -> Built:
    """Valid rows, each with a 1 MB description, in 80 gzip members: 80 MB from about 80 KB."""
    header, rows = _source(raw, 1)
    rows[0][header.index("Transaction Description")] = "A" * 1_000_000
    block = _csv(rows).encode()
    data = gzip.compress(_csv([header]).encode() + block) + gzip.compress(block) * 79
    return Built(_put(tmp, "bomb.csv.gz", data))


def empty(tmp: Path, raw: Path) -> Built:
    return Built(_put(tmp, "empty.csv", b""), 1)


def binary(tmp: Path, raw: Path) -> Built:
    png = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x01\x00" + bytes(range(256)) * 4
    return Built(_put(tmp, "picture.csv", png), 1)


def gz_named_csv(tmp: Path, raw: Path) -> Built:
    header, rows = _source(raw)
    return Built(_put(tmp, "really-gzip.csv", gzip.compress(_csv([header, *rows]).encode())))


def truncated_zip(tmp: Path, raw: Path) -> Built:
    header, rows = _source(raw)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("transactions.csv", _csv([header, *rows]))
    data = buffer.getvalue()
    return Built(_put(tmp, "download.zip", data[: len(data) // 2]))


def bom(tmp: Path, raw: Path) -> Built:
    header, rows = _source(raw)
    return Built(_put(tmp, "bom.csv", b"\xef\xbb\xbf" + _csv([header, *rows], end="\r\n").encode()))


def latin1_name(tmp: Path, raw: Path) -> Built:
    header, rows = _source(raw)
    rows[6][header.index("Recipient Name")] = "CAFÉ LATINO SA"
    data = _csv([header, *rows]).encode("utf-8").replace("É".encode(), b"\xc9")
    path = _put(tmp, "latin1.csv", data)
    return Built(path, _line_of(data, b"CAF\xc9"), 3, "Recipient Name")


def negative_and_blank_money(tmp: Path, raw: Path) -> Built:
    header, rows = _source(raw)
    money = header.index("Federal Action Obligation")
    rows[2][money] = "-1234.56"
    rows[5][money] = ""
    rows[8][money] = "-0.01"
    return Built(_put(tmp, "money.csv", _csv([header, *rows]).encode()))


def bad_money(tmp: Path, raw: Path) -> Built:
    return _value_at(tmp, raw, "bad-money.csv", 12, "Federal Action Obligation", "1,234.56")


def _slash_dates(day_first: bool, decisive: bool) -> Callable[[Path, Path], Built]:
    def build(tmp: Path, raw: Path) -> Built:
        header, rows = _source(raw)
        at = header.index("Action Date")
        for r in rows:
            year, month, day = r[at].split("-")
            if not decisive:  # every day 12 or less: either order reads
                day = f"{int(day) % 12 + 1:02d}"
            first, second = (day, month) if day_first else (month, day)
            r[at] = f"{int(first)}/{int(second)}/{year}"
        data = _csv([header, *rows]).encode()
        path = _put(tmp, f"dates-{'dmy' if day_first else 'mdy'}-{decisive}.csv", data)
        return Built(path, 2, at + 1, "Action Date")

    return build


def long_field(tmp: Path, raw: Path) -> Built:
    """A 3 MB description (past DuckDB's default 2 MB line) within vendorwatch's limit."""
    header, rows = _source(raw)
    rows[4][header.index("Transaction Description")] = "D" * 3_000_000
    return Built(_put(tmp, "long-field.csv", _csv([header, *rows]).encode()))


def short_row(tmp: Path, raw: Path) -> Built:
    """Record 15 loses its last field: the first missing column is the 10th."""
    header, rows = _source(raw)
    rows[14] = rows[14][:-1]
    data = _csv([header, *rows]).encode()
    return Built(_put(tmp, "short.csv", data), 16, len(header))


def plain(tmp: Path, raw: Path, records: int = 400) -> Built:
    header, rows = _source(raw, records)
    return Built(_put(tmp, f"plain-{records}.csv", _csv([header, *rows]).encode()))


CASES: list[Case] = [
    Case("34 MB line ending LF in a CRLF file", long_line(34 << 20), "longer than"),
    Case("3 MB line ending LF in a CRLF file", long_line(3 << 20), "mixed line endings"),
    Case("NUL inside a PIID", nul_in_piid, "NUL (U+0000)"),
    Case("control character in a name", bell_in_name, "(U+0007)"),
    Case("UTF-16LE without a BOM", utf16, "UTF-16 (little-endian, without a byte-order mark)"),
    Case("truncated .csv.gz", truncated_gz, "cut short"),
    Case("semicolon-delimited", semicolons, "separated by semicolons"),
    Case("duplicated required column", _duplicate("Action Date", "dup-date.csv"), "twice"),
    Case("duplicated other column", _duplicate("NAICS Description", "dup-naics.csv"), "twice"),
    Case("missing required column", missing_column, "lacks its required column 'Action Date'"),
    Case("CR CR LF line endings", cr_cr_lf, "CR CR LF"),
    Case("a stray LF row in a CRLF file", stray_lf, "mixed line endings"),
    Case("header only", header_only, "no rows"),
    Case("gzip bomb", gzip_bomb, "compression bomb"),
    Case("empty file", empty, "the file is empty"),
    Case("binary file", binary, "binary data"),
    Case("gzip named .csv", gz_named_csv),
    Case("truncated zip", truncated_zip, "ZIP archive"),
    Case("UTF-8 BOM and CRLF", bom),
    Case("Latin-1 name", latin1_name, "0xc9 is not UTF-8"),
    Case("negative and blank money", negative_and_blank_money),
    Case("bad money", bad_money, "'1,234.56' is not an amount"),
    Case("day-first dates", _slash_dates(day_first=True, decisive=True)),
    Case("dates either way", _slash_dates(day_first=True, decisive=False), "--dates"),
    Case("3 MB field", long_field),
    Case("short row", short_row, "expected 10 fields"),
    Case(
        "Ctrl-C while reading",
        plain,
        "interrupted; nothing changed",
        fault="reading-started=interrupt",
        exit_status=130,
    ),
    Case("disk full at COMMIT", plain, "disk is full", fault="before-commit=enospc"),
]
