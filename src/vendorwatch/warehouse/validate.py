"""Checks that turn a confusing failure into one line saying what is wrong and where.

(Text that is not UTF-8 at all is refused earlier, by `vendorwatch.warehouse.textcheck`.)

* `explain_header`: a header that matches no layout but nearly does (a regional spreadsheet's
  ``;`` separator, a required column missing), so the user is told which instead of "not
  contract data".
* `refuse_control_characters`: identifiers and names (PIIDs, award keys, UEIs, DUNS, codes,
  names: every text column but the free-text descriptions) holding a control character (NUL
  or any other C0 but tab, or DEL) would be stored and break matching silently; refused with
  file, line and column.
"""

from __future__ import annotations

import duckdb

from vendorwatch.errors import BadInputError, Location
from vendorwatch.warehouse import failures, recordcount  # the loader's other checks, here too
from vendorwatch.warehouse.layouts import LAYOUTS, detect_layout
from vendorwatch.warehouse.schema import Kind, Table
from vendorwatch.warehouse.sniff import Sniffed, record_line

__all__ = [
    "explain_header",
    "failures",
    "identifier_columns",
    "recordcount",
    "refuse_control_characters",
]

CONTROL_PATTERN = r"[\x00-\x08\x0a-\x1f\x7f]"
_SEPARATORS = {";": "semicolons", "|": "vertical bars", ":": "colons"}
_CONTROL_NAMES = {0: "NUL", 0x0A: "line feed", 0x0D: "carriage return", 0x7F: "DEL"}


def explain_header(sniffed: Sniffed) -> BadInputError | None:
    """Why a header that matches no layout nearly matches one, or None if it is not close."""
    if len(sniffed.headers) == 1:
        for separator, name in _SEPARATORS.items():
            parts = [h.strip() for h in sniffed.headers[0].split(separator)]
            if len(parts) > 3 and detect_layout(parts) is not None:
                return BadInputError(
                    f"the header's columns are separated by {name} ({separator!r}), as some "
                    "spreadsheets export CSV; save it as comma-separated CSV (UTF-8)",
                    Location(sniffed.path, 1),
                )
    present = set(sniffed.headers)
    for layout in LAYOUTS:
        missing = sorted(layout.signature - present)
        if len(layout.signature) >= 3 and len(missing) == 1 and not layout.excludes & present:
            return BadInputError(
                f"the header looks like {layout.title} but lacks its required column "
                f"{missing[0]!r}",
                Location(sniffed.path, 1),
            )
    return None


def identifier_columns(table: Table) -> list[str]:
    """The text columns that identify or name something (all but free-text descriptions)."""
    return [
        name
        for name, kind in table.columns.items()
        if kind is Kind.TEXT and "description" not in name
    ]


def refuse_control_characters(
    con: duckdb.DuckDBPyConnection,
    stage: str,
    sniffed: Sniffed,
    table: Table,
    *,
    sources: dict[str, str],
    staged: dict[str, str],
) -> None:
    """Refuse the first identifier holding a control character, with line and column.

    ``sources``: table column -> staged column; ``staged``: staged column -> source header.
    """
    checked = sorted({sources[c] for c in identifier_columns(table) if c in sources})
    if not checked:
        return
    firsts = ", ".join(
        f"min(CASE WHEN regexp_matches({c}, '{CONTROL_PATTERN}') THEN rowid END)" for c in checked
    )
    row = con.execute(f"SELECT {firsts} FROM {stage}").fetchone()
    found = sorted((r, c) for r, c in zip(row or (), checked, strict=True) if r is not None)
    if not found:
        return
    rowid, column = found[0]
    value_row = con.execute(f"SELECT {column} FROM {stage} WHERE rowid = ?", [rowid]).fetchone()
    value = str(value_row[0]) if value_row else ""
    position, char = next(
        (i, ch)
        for i, ch in enumerate(value, start=1)
        if (ord(ch) < 0x20 and ch != "\t") or ch == "\x7f"
    )
    code = ord(char)
    name = _CONTROL_NAMES.get(code, "control character")
    header = staged[column]
    raise BadInputError(
        f"{value!r} holds a {name} (U+{code:04X}) at character {position}; identifiers and "
        "names may not hold control characters; nothing from this file was loaded",
        Location(
            sniffed.path,
            record_line(sniffed.path, sniffed.delimiter, int(rowid) + 1),
            sniffed.headers.index(header) + 1,
            header,
        ),
    )
