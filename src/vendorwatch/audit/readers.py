"""One entry point for every holdings file: the kind is told from the content, never the name.

``read_holdings(data, name)`` takes the file's bytes (an upload, or a file read from disk) and
returns a `ReadResult`; `BadInputError` says what was expected and what was found, with the
line and column. Order of the checks:

1. size limit; gzip is unpacked (within the same limit);
2. a ZIP that is an XLSX workbook → its first sheet's rows; any other binary → refused;
3. text (UTF-8 with or without BOM, or UTF-16 with a BOM) starting ``{`` → COUNTER JSON;
4. first cell ``Report_Name`` → a tabular COUNTER report (tab, comma or semicolon);
5. a KBART header (publication_title + other KBART names) → KBART, which must be tab-separated;
6. anything else → a generic list whose header names its columns, or the "expected …" error.
"""

from __future__ import annotations

import csv
import io
import zipfile
import zlib
from collections.abc import Iterator, Mapping, Sequence
from typing import Literal

from vendorwatch.audit.checks import (
    column_letter,
    encrypted_office,
    uncomputed_formula,
    zip_problem,
)
from vendorwatch.audit.counter import read_counter_json, read_counter_rows
from vendorwatch.audit.kbart import kbart_without_title, looks_like_kbart, read_kbart
from vendorwatch.audit.limits import Budget, Limits, check_lines, check_workbook
from vendorwatch.audit.models import ReadResult
from vendorwatch.audit.table import expected_message, read_table
from vendorwatch.audit.text import clip, decode, split_lines, where
from vendorwatch.errors import BadInputError, VendorwatchError

Kind = Literal["auto", "kbart", "counter", "table"]
Row = tuple[int, Sequence[str]]

MB = 1024 * 1024


def _size(n: int) -> str:
    return f"{n / MB:.1f} MB" if n >= MB else f"{n:,} bytes"


def _gunzip(data: bytes, name: str, limit: int) -> bytes:
    out = zlib.decompressobj(wbits=31)
    try:
        chunk = out.decompress(data, limit + 1)
    except zlib.error as exc:
        raise BadInputError(f"a gzip file that cannot be unpacked ({exc})", where(name)) from None
    if len(chunk) > limit:
        raise VendorwatchError(
            f"{name}: unpacked, the file is larger than the {_size(limit)} limit per file"
        )
    if not out.eof:
        raise BadInputError("the gzip file is cut short (truncated)", where(name))
    return chunk


def _xlsx_rows(data: bytes, name: str, budget: Budget) -> tuple[str, Iterator[Row]]:
    import openpyxl  # type: ignore[import-untyped]  # noqa: PLC0415 - only for workbooks

    try:
        book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        formula = uncomputed_formula(data) if book.worksheets else None
    except VendorwatchError:
        raise
    except Exception as exc:  # noqa: BLE001 - openpyxl raises anything on a damaged workbook
        raise BadInputError(
            f"an XLSX workbook that cannot be opened ({type(exc).__name__}: {clip(str(exc))})",
            where(name),
        ) from None
    if not book.worksheets:
        raise BadInputError("an XLSX workbook with no sheets: nothing to read", where(name))
    sheet = book.worksheets[0]
    if formula is not None:
        row, column, text = formula
        raise BadInputError(
            f"cell {column_letter(column)}{row} of sheet {sheet.title!r} holds a formula "
            f"({clip(text, 40)}) with no saved value, so its name cannot be read; open the "
            "workbook in a spreadsheet program and save it (or save it as CSV)",
            where(name, row, column + 1),
        )

    def rows() -> Iterator[Row]:
        number = 0
        try:
            for number, values in enumerate(sheet.iter_rows(values_only=True), start=1):
                if number % 1024 == 0:
                    budget.check(number)
                yield number, ["" if v is None else str(v) for v in values]
        except VendorwatchError:
            raise
        except Exception as exc:  # noqa: BLE001 - a damaged sheet fails inside openpyxl
            raise BadInputError(
                f"the XLSX sheet {sheet.title!r} is damaged after row {number} "
                f"({type(exc).__name__}: {clip(str(exc))})",
                where(name, number + 1),
            ) from None

    return str(sheet.title), rows()


def _is_xlsx(data: bytes) -> bool:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            return "xl/workbook.xml" in z.namelist()
    except zipfile.BadZipFile:
        return False


def _delimiter(line: str) -> str:
    counts = {sep: line.count(sep) for sep in ("\t", ",", ";", "|")}
    return max(counts, key=lambda s: counts[s]) if any(counts.values()) else ","


MAX_CELL = 131_072  # characters in one cell of a holdings list (the csv module's default)


def _too_long(name: str, line: int) -> BadInputError:
    return BadInputError(
        f"a cell is longer than {MAX_CELL:,} characters, the most a list's cell may hold "
        "(is a quote left open?)",
        where(name, line),
    )


def _csv_rows(text: str, delimiter: str, name: str, budget: Budget) -> Iterator[Row]:
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    start = 1
    try:
        for count, cells in enumerate(reader, start=1):
            if count % 1024 == 0:
                budget.check(start)
            # Checked here, not left to csv.field_size_limit: that is one setting for the whole
            # process, and the loader raises it for contract files.
            if any(len(cell) > MAX_CELL for cell in cells):
                raise _too_long(name, start)
            yield start, cells
            start = reader.line_num + 1
    except csv.Error as exc:
        if "field larger than field limit" in str(exc):
            raise _too_long(name, reader.line_num) from None
        raise BadInputError(
            f"cannot be read as CSV ({exc})", where(name, reader.line_num)
        ) from None


def _first_cell(line: str) -> str:
    return line.split(_delimiter(line), maxsplit=1)[0].strip().strip('"').strip()


def read_holdings(
    data: bytes,
    name: str,
    *,
    kind: Kind = "auto",
    encoding: str | None = None,
    columns: Mapping[str, str] | None = None,
    limits: Limits | None = None,
) -> ReadResult:
    """Read one holdings or usage file from its bytes."""
    limits = limits or Limits()
    if len(data) > limits.max_file_bytes:
        raise VendorwatchError(
            f"{name} is {_size(len(data))}; the limit is {_size(limits.max_file_bytes)} per file"
        )
    if not data.strip():
        raise BadInputError("the file is empty", where(name))
    if data.startswith(b"\x1f\x8b"):
        inner = name[:-3] if name.lower().endswith(".gz") else name
        return read_holdings(
            _gunzip(data, name, limits.max_unpacked_bytes),
            inner,
            kind=kind,
            encoding=encoding,
            columns=columns,
            limits=limits,
        )
    if encrypted_office(data):
        raise BadInputError(
            "a password-protected (encrypted) workbook, which cannot be read; open it, remove "
            "the password, save it as .xlsx (or CSV) and audit that",
            where(name),
        )
    if data.startswith(b"PK\x03\x04"):
        if (problem := zip_problem(data)) is not None:
            raise BadInputError(problem, where(name))
        if not _is_xlsx(data):
            raise BadInputError(
                "a ZIP archive that is not an XLSX workbook; unpack it and audit the files inside",
                where(name),
            )
        check_workbook(data, name, limits)  # its parts measured before openpyxl opens it
        sheet, rows = _xlsx_rows(data, name, limits.budget(name))
        peek = [next(rows, (1, []))]
        first = peek[0][1]
        if kind == "counter" or (
            kind == "auto" and first and str(first[0]).strip() == "Report_Name"
        ):
            return read_counter_rows(
                name, _chain(peek, rows), f"XLSX sheet {sheet!r}", max_rows=limits.max_rows
            )
        if kind == "kbart":
            raise BadInputError(
                "an XLSX workbook, not a KBART text file; read it as a spreadsheet (--kind table)",
                where(name),
            )
        return read_table(
            name, _chain(peek, rows), "XLSX", columns=columns, max_rows=limits.max_rows
        )

    check_lines(data, name, limits)  # before the text is decoded and split into lines
    text = decode(data, name, encoding)
    lines = split_lines(text)
    first_index = next((i for i, line in enumerate(lines.lines) if line.strip()), 0)
    first = lines.lines[first_index] if lines.lines else ""
    stripped = text.lstrip()
    if kind in ("counter", "auto") and stripped.startswith(("{", "[")):
        return read_counter_json(name, text, max_rows=limits.max_rows, budget=limits.budget(name))
    if kind == "counter" or (kind == "auto" and _first_cell(first) == "Report_Name"):
        return read_counter_rows(
            name,
            _csv_rows(text, _delimiter(first), name, limits.budget(name)),
            "TSV" if _delimiter(first) == "\t" else "CSV",
            max_rows=limits.max_rows,
        )
    if kind in ("kbart", "auto") and kbart_without_title(first):
        raise BadInputError(
            "a KBART header without the publication_title column, which every KBART file "
            f"must have; found {clip(first, 80)!r}",
            where(name, first_index + 1),
        )
    if kind == "kbart" or (kind == "auto" and looks_like_kbart(first)):
        return read_kbart(
            name, lines, max_rows=limits.max_rows, skip=first_index, budget=limits.budget(name)
        )
    delimiter = _delimiter(first)
    try:
        return read_table(
            name,
            _csv_rows(text, delimiter, name, limits.budget(name)),
            {"\t": "TSV", ",": "CSV", ";": "CSV (semicolons)", "|": "text (vertical bars)"}[
                delimiter
            ],
            columns=columns,
            max_rows=limits.max_rows,
        )
    except BadInputError as exc:
        if kind == "table" or columns:
            raise
        if exc.message.startswith("expected a KBART"):
            raise BadInputError(
                expected_message(first_index + 1, first.split(delimiter)), exc.where
            ) from None
        raise


def _chain(first: list[Row], rest: Iterator[Row]) -> Iterator[Row]:
    yield from first
    yield from rest
