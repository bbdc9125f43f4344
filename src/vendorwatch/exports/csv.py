"""CSV: a header row, then one row per rollup group or award; UTF-8, ``\\n`` line ends.

Money is written as exact decimal text with two places (``1234.50``, ``-12.00``), never through a
float; dates ISO 8601; an empty field is NULL (an unresolved family, an unknown state).

Every CSV the project writes (exports, the site's ``browse.csv`` and ``award/*.csv``, the audit
report) goes through `safe_cell`, so a cell a spreadsheet would run as a formula (a recipient
named ``=HYPERLINK(…)``, a vendor's KBART title ``@SUM(…)``) opens as text. ``raw=True`` (the
CLI's ``--raw``) writes every value verbatim, for programs. See docs/exports.md.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal
from pathlib import Path
from typing import Any, TextIO

from vendorwatch.exports.metadata import write_sidecar
from vendorwatch.exports.typed import Table

# OWASP "CSV injection": a cell starting with one of these may be read as a formula.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
# A number as the code writes it (money ``-1234.56``, a count): a spreadsheet reads it as a
# number, never as a formula, so it keeps its sign and stays a number.
_NUMBER = re.compile(r"[+-]?[0-9]+(?:\.[0-9]+)?")


def safe_cell(value: Any, *, raw: bool = False) -> Any:
    """``value`` as it may go into a CSV cell: text that a spreadsheet would run as a formula
    gets a leading ``'`` (the OWASP rule); numbers, plain number text and everything when
    ``raw`` are unchanged."""
    if raw or not isinstance(value, str) or not value.startswith(FORMULA_STARTS):
        return value
    if _NUMBER.fullmatch(value):
        return value
    return "'" + value


def safe_row(cells: Iterable[Any], *, raw: bool = False) -> list[Any]:
    return [safe_cell(c, raw=raw) for c in cells]


def write_rows(
    handle: TextIO, header: Sequence[str], rows: Iterable[Sequence[Any]], *, raw: bool = False
) -> int:
    """A header and rows of cells to ``handle``, every cell through `safe_cell`; returns the
    number of rows."""
    writer = csv.writer(handle, lineterminator="\n")
    writer.writerow(safe_row(header, raw=raw))
    count = 0
    for row in rows:
        writer.writerow(safe_row(row, raw=raw))
        count += 1
    return count


def dict_rows_csv(
    rows: Iterable[Mapping[str, Any]], fieldnames: Sequence[str], *, raw: bool = False
) -> str:
    """Dicts (one per row, keys ``fieldnames``) as CSV text with a header."""
    out = io.StringIO()
    write_rows(out, fieldnames, ([row.get(k, "") for k in fieldnames] for row in rows), raw=raw)
    return out.getvalue()


def _cell(value: Any) -> str | int | float:
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return f"{value:.2f}"
    if isinstance(value, int | float):  # a number stays a number (safe_cell leaves it be)
        return value
    if hasattr(value, "isoformat"):
        return str(value.isoformat())
    return str(value)


def write_csv(table: Table, path: Path, *, raw: bool = False) -> int:
    """Write ``table`` to ``path`` (and, if it carries coverage, ``FILE.csv-metadata.json``
    beside it); returns the number of data rows. Text cells are made spreadsheet-safe
    (`safe_cell`) unless ``raw``."""

    def rows() -> Iterable[list[Any]]:
        for row in table.rows:
            yield [_cell(v) for v in row]

    with Path(path).open("w", encoding="utf-8", newline="") as handle:
        write_rows(handle, table.column_names, rows(), raw=raw)
    write_sidecar(table, Path(path))
    return int(table.num_rows)
