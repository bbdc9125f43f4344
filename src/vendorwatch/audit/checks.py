"""Checks that turn an awkward holdings file into one clear refusal instead of a wrong reading.

Each answers one question about the bytes or the header the readers found; the readers
(`readers`, `text`, `table`, `kbart`, `counter`) call them and raise `BadInputError` with the
file, line and column. Kept apart from the readers so their parsing stays as it is.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Sequence

# UTF-16 without a byte-order mark: text whose every other byte is NUL.
_SAMPLE = 4096


def utf16_without_bom(data: bytes) -> str | None:
    """``utf-16-le`` or ``utf-16-be`` when the bytes look like UTF-16 text with no mark: in
    the first few KB most bytes at even (big-endian) or odd (little-endian) offsets are NUL and
    the others are not."""
    head = data[:_SAMPLE]
    if len(head) < 4:
        return None
    even, odd = head[0::2], head[1::2]
    share_even = even.count(0) / len(even)
    share_odd = odd.count(0) / len(odd)
    if share_odd > 0.7 and share_even < 0.1:
        return "utf-16-le"
    if share_even > 0.7 and share_odd < 0.1:
        return "utf-16-be"
    return None


_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def encrypted_office(data: bytes) -> bool:
    """An OLE2 compound file holding an ``EncryptedPackage`` stream: how Excel (and Word)
    store a password-protected XLSX (MS-OFFCRYPTO); its directory is near the start."""
    return data.startswith(_OLE) and "EncryptedPackage".encode("utf-16-le") in data[:1_048_576]


def zip_problem(data: bytes) -> str | None:
    """Why bytes starting ``PK`` cannot be opened as a ZIP archive, or None when they can."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            z.namelist()
    except zipfile.BadZipFile:
        return (
            "an XLSX workbook (ZIP archive) that is cut short or damaged: its table of "
            "contents is missing (truncated download or copy); save or download it again"
        )
    return None


def column_letter(index: int) -> str:
    """0 → A, 26 → AA (as a spreadsheet names columns)."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return letters


def uncomputed_formula(data: bytes, sheet_index: int = 0) -> tuple[int, int, str] | None:
    """The first formula cell of a worksheet that has no saved value (row, 0-based column,
    formula), or None. A program that writes formulas without calculating them (scripts,
    openpyxl) leaves the value empty; reading such a sheet would silently drop the names."""
    import openpyxl  # type: ignore[import-untyped]  # noqa: PLC0415 - only for workbooks

    if not _has_formulas(data, sheet_index):
        return None
    formulas = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=False)
    values = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    try:
        rows = zip(
            formulas.worksheets[sheet_index].iter_rows(values_only=True),
            values.worksheets[sheet_index].iter_rows(values_only=True),
            strict=False,
        )
        for number, (with_formula, with_value) in enumerate(rows, start=1):
            for i, cell in enumerate(with_formula):
                value = with_value[i] if i < len(with_value) else None
                if isinstance(cell, str) and cell.startswith("=") and value is None:
                    return number, i, cell
    finally:
        formulas.close()
        values.close()
    return None


_FORMULA_TAG = re.compile(rb"<(?:\w+:)?f[ >/]")


def _has_formulas(data: bytes, sheet_index: int) -> bool:
    """Whether the worksheet's XML has any ``<f>`` element, read in chunks."""
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        sheets = sorted(
            (n for n in z.namelist() if re.fullmatch(r"xl/worksheets/sheet\d+\.xml", n)),
            key=lambda n: int(re.sub(r"\D", "", n)),
        )
        if sheet_index >= len(sheets):
            return False
        with z.open(sheets[sheet_index]) as handle:
            tail = b""
            while chunk := handle.read(1 << 20):
                if _FORMULA_TAG.search(tail + chunk):
                    return True
                tail = chunk[-8:]
    return False


def repeated_columns(headers: Sequence[str], columns: Sequence[int]) -> tuple[int, int] | None:
    """Two of ``columns`` (0-based) with the same header, told apart by case and spacing
    only: a list with two ``Name`` columns cannot say which one holds the names."""
    seen: dict[str, int] = {}
    for i in columns:
        key = re.sub(r"[^0-9a-z]+", " ", headers[i].lower()).strip()
        if key in seen:
            return seen[key], i
        seen[key] = i
    return None
