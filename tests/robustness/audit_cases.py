"""Bad (and awkward) holdings files for the audit, each built here from the real samples.

Every case is a file a librarian could upload: ``error`` cases must be refused with one line
naming the file (and line, column where there is one); ``ok`` cases must read, with what was
read checked against the file itself (csv module, not the reader under test).
"""

from __future__ import annotations

import csv
import io
import json
import random
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

RAW_KBART = "kbart/ScienceDirectStandard_Global_EBook-AgriculturalAndBiologicalSciencesPre-2007_2016-05-23.txt"  # noqa: E501
RAW_CAMBRIDGE = "kbart/journals.cambridge.org_AllTitles_2015-07-14.txt"
RAW_DR = "counter/DRD1_sample_r51.tsv"
RAW_PR_JSON = "counter/PRP1_sample_r51.json"


@dataclass(frozen=True)
class Expect:
    """``error``: these words (and this location) in the one line; ``ok``: these titles read."""

    error: tuple[str, ...] = ()
    line: int | None = None
    column: int | None = None
    titles: tuple[str, ...] | None = None
    warning: str | None = None
    options: dict[str, object] = field(default_factory=dict)


@dataclass(frozen=True)
class File:
    name: str
    data: bytes
    expect: Expect


def kbart_rows(data: bytes) -> list[list[str]]:
    text = data.decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text, newline=""), delimiter="\t", quoting=csv.QUOTE_NONE))


def titles_of(data: bytes) -> tuple[str, ...]:
    """The publication_title of every non-blank data row, by the csv module."""
    rows = kbart_rows(data)
    at = rows[0].index("publication_title")
    return tuple(r[at].strip() for r in rows[1:] if any(c.strip() for c in r))


def kbart_text(rows: list[list[str]], end: str = "\n") -> bytes:
    return "".join("\t".join(r) + end for r in rows).encode("utf-8")


def xlsx(rows: list[list[object]], title: str = "Sheet1") -> bytes:
    import openpyxl  # type: ignore[import-untyped]

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = title
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def counter_rows(raw: Path) -> list[list[str]]:
    text = (raw / RAW_DR).read_text(encoding="utf-8-sig")
    return list(csv.reader(io.StringIO(text, newline=""), delimiter="\t"))


def to_csv(rows: list[list[str]], delimiter: str = ",") -> bytes:
    out = io.StringIO()
    csv.writer(out, delimiter=delimiter, lineterminator="\r\n").writerows(rows)
    return out.getvalue().encode("utf-8")


DATABASES = [
    ["Name", "Vendor", "URL"],
    ["ScienceDirect", "Elsevier", "https://www.sciencedirect.com"],
    ["Westlaw", "Thomson Reuters", "https://www.westlaw.com"],
    ["JSTOR", "ITHAKA", "https://www.jstor.org"],
]


def _drop(rows: list[list[str]], names: set[str]) -> list[list[str]]:
    keep = [i for i, h in enumerate(rows[0]) if h not in names]
    return [[r[i] if i < len(r) else "" for i in keep] for r in rows]


def _encrypted_ooxml() -> bytes:
    """The start of a password-protected workbook: an OLE2 compound file whose directory holds
    the ``EncryptionInfo`` and ``EncryptedPackage`` streams (MS-OFFCRYPTO 2.3.4)."""
    header = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(16) + b"\x3e\x00\x03\x00\xfe\xff\x09\x00"
    header = header.ljust(512, b"\x00")
    entries = b""
    for name in ("Root Entry", "EncryptionInfo", "EncryptedPackage"):
        encoded = name.encode("utf-16-le") + b"\x00\x00"
        entries += (encoded.ljust(64, b"\x00") + len(encoded).to_bytes(2, "little")).ljust(
            128, b"\x00"
        )
    rng = random.Random(18)
    return header + entries.ljust(512, b"\x00") + bytes(rng.randrange(256) for _ in range(4096))


def cases(raw: Path) -> dict[str, list[File]]:
    """The audit scorecard: 23 cases, each one or more files."""
    kbart = (raw / RAW_KBART).read_bytes()
    titles = titles_of(kbart)
    rows = kbart_rows(kbart)
    header, body = rows[0], [r for r in rows[1:] if any(c.strip() for c in r)]
    cambridge = (raw / RAW_CAMBRIDGE).read_bytes()
    dr = counter_rows(raw)
    blank = next(i for i, r in enumerate(dr) if not any(c.strip() for c in r))
    pr_json = json.loads((raw / RAW_PR_JSON).read_text(encoding="utf-8"))
    book = xlsx([list(r) for r in [header, *body]])
    out: dict[str, list[File]] = {}

    out["empty file"] = [
        File("empty.txt", b"", Expect(error=("empty",))),
        File("blank.txt", b"\n\r\n  \n", Expect(error=("empty",))),
    ]
    rng = random.Random(16)
    junk = bytes(rng.randrange(256) for _ in range(4096))
    out["binary junk"] = [File("junk.txt", junk, Expect(error=("binary",)))]
    out["wrong extension"] = [
        File("holdings.xlsx", kbart, Expect(titles=titles)),
        File("holdings.csv", b"%PDF-1.7\n" + junk, Expect(error=("PDF",))),
    ]
    out["UTF-16 without BOM"] = [
        File("utf16.txt", kbart.decode("utf-8-sig").encode("utf-16-le"),
             Expect(error=("UTF-16", "--encoding utf-16-le"))),
        File("utf16.txt", kbart.decode("utf-8-sig").encode("utf-16-le"),
             Expect(titles=titles, options={"encoding": "utf-16-le"})),
    ]  # fmt: skip
    latin = [list(r) for r in [header, *body] if all(ord(c) < 256 for c in "".join(r))]
    latin[3][0] = "Caf\u00e9 " + latin[3][0]
    latin_bytes = kbart_text(latin).decode("utf-8").encode("latin-1")
    column = 4  # "Caf" then the byte 0xE9
    out["Latin-1"] = [
        File("latin1.txt", latin_bytes,
             Expect(error=("0xE9", "--encoding"), line=4, column=column)),
        File("latin1.txt", latin_bytes,
             Expect(titles=titles_of(kbart_text(latin)), options={"encoding": "latin-1"})),
    ]  # fmt: skip
    plain = kbart.removeprefix(b"\xef\xbb\xbf")
    out["UTF-8 BOM"] = [
        File("bom.txt", b"\xef\xbb\xbf" + plain, Expect(titles=titles)),
        File("no-bom.txt", plain, Expect(titles=titles)),
        File("two-boms.txt", b"\xef\xbb\xbf" * 2 + plain, Expect(titles=titles)),
    ]
    out["semicolon CSV"] = [
        File("databases.csv", to_csv(DATABASES, ";"),
             Expect(titles=tuple(r[0] for r in DATABASES[1:]))),
        File("kbart-semicolons.txt", to_csv([header, *body[:5]], ";"),
             Expect(error=("semicolons", "tab-separated"), line=1)),
    ]  # fmt: skip
    twice = [["Name", "Vendor", "Name"], ["ScienceDirect", "Elsevier", "Scopus"]]
    out["two name columns"] = [
        File("twice.csv", to_csv(twice), Expect(error=("column 1", "column 3", "Name"), line=1)),
        File("twice.csv", to_csv(twice),
             Expect(error=("column 1", "column 3"), line=1, options={"columns": {"name": "Name"}})),
    ]  # fmt: skip
    out["missing title column"] = [
        File("ids.csv", to_csv([["ISSN", "URL"], ["1234-5678", "https://x.org"]]),
             Expect(error=("expected", "'ISSN'"), line=1)),
        File("no-title.txt", kbart_text(_drop([header, *body], {"publication_title"})),
             Expect(error=("publication_title",), line=1)),
    ]  # fmt: skip
    missing = _drop([header, *body], {"title_id", "coverage_depth"})
    out["KBART missing required columns"] = [
        File("missing.txt", kbart_text(missing),
             Expect(titles=titles, warning="title_id, coverage_depth")),
    ]  # fmt: skip
    extra = [[*r, "local note" if i else "local_note"] for i, r in enumerate([header, *body])]
    out["KBART extra columns"] = [
        File("extra.txt", kbart_text(extra), Expect(titles=titles, warning="local_note")),
    ]
    no_id = [r for r in dr if r[:1] != ["Report_ID"]]
    no_metric = [list(r) for r in dr]
    no_metric[blank + 1] = ["Metric" if c == "Metric_Type" else c for c in dr[blank + 1]]
    out["COUNTER tabular wrong header rows"] = [
        File("dr.tsv", "\n".join("\t".join(r) for r in no_id).encode(),
             Expect(error=("Report_ID",), line=1)),
        File("dr.csv", to_csv(no_metric), Expect(error=("Metric_Type",), line=blank + 2)),
        File("dr.xlsx", xlsx([list(r) for r in no_id]), Expect(error=("Report_ID",), line=1)),
    ]  # fmt: skip
    no_report_id = json.loads(json.dumps(pr_json))
    del no_report_id["Report_Header"]["Report_ID"]
    listed = json.loads(json.dumps(pr_json))
    listed["Report_Header"] = [listed["Report_Header"]]
    out["COUNTER JSON wrong header"] = [
        File("pr.json", json.dumps(no_report_id).encode(), Expect(error=("Report_ID",))),
        File("pr.json", json.dumps(listed).encode(), Expect(error=("Report_Header",))),
    ]
    out["JSON not COUNTER"] = [
        File("other.json", b'{"data": [1, 2, 3]}', Expect(error=("not a COUNTER report",))),
        File("broken.json", b'{"Report_Header": {', Expect(error=("not valid JSON",), line=1)),
    ]
    out["truncated XLSX"] = [
        File("cut.xlsx", book[: len(book) // 2], Expect(error=("cut short",))),
    ]
    out["XLSX with no sheets"] = [
        File("nosheets.xlsx", _without_sheets(book), Expect(error=("no sheets",)))
    ]
    out["password-protected XLSX"] = [
        File("locked.xlsx", _encrypted_ooxml(), Expect(error=("password",))),
    ]
    out["very long cell"] = [
        File("long.csv", to_csv([DATABASES[0], ["x" * 200_000, "Elsevier", ""]]),
             Expect(error=("longer than",), line=2)),
    ]  # fmt: skip
    camb = cambridge.split(b"\n")
    at = next(i for i in range(len(camb)) if sum(len(x) + 1 for x in camb[:i]) > 70_000)
    camb[at] = camb[at][:5] + b"\x00" + camb[at][5:]
    out["NUL bytes"] = [
        File("nul.txt", b"\n".join(camb), Expect(error=("NUL",), line=at + 1, column=6)),
    ]
    lines = kbart.split(b"\n")
    mixed = b"".join(x + (b"\r\n" if i % 2 else b"\n") for i, x in enumerate(lines[:-1]))
    out["CRLF/LF mixed"] = [File("mixed.txt", mixed + lines[-1], Expect(titles=titles))]
    out["header only"] = [
        File("header.txt", kbart_text([header]), Expect(error=("no title rows",), line=2)),
        File("header.csv", to_csv(DATABASES[:1]), Expect(error=("no rows",), line=2)),
    ]
    out["duplicate rows"] = [
        File("twice.txt", kbart_text([header, *body, *body]), Expect(titles=titles + titles)),
    ]
    formula = [["Name", "Vendor"], ["JSTOR", "ITHAKA"], ['=CONCAT("Science","Direct")', "Elsevier"]]
    out["formula cells in XLSX"] = [
        File("formula.xlsx", xlsx(formula), Expect(error=("formula", "A3"), line=3, column=1)),
    ]
    assert len(out) == 23, len(out)
    return out


def _without_sheets(book: bytes) -> bytes:
    """The workbook with the ``<sheets>`` of xl/workbook.xml emptied."""
    import re

    source = zipfile.ZipFile(io.BytesIO(book))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as target:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename == "xl/workbook.xml":
                data = re.sub(rb"<sheets>.*</sheets>", b"<sheets/>", data, flags=re.S)
            target.writestr(item, data)
    return out.getvalue()


Builder = Callable[[Path], dict[str, list[File]]]
