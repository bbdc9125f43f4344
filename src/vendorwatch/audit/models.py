"""What the readers give the matcher: holdings (titles, databases) and usage rows.

Every record keeps the file and line it came from, so a librarian can find the row that put a
title into the report, and every column the reader did not need (standard or not) stays in
``extra``.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Literal

HoldingKind = Literal["title", "database", "platform"]


class RowFields(Mapping[str, str]):
    """Every non-empty column of a row by header name, built only when someone looks.

    A 100,000-title list keeps its rows as tuples sharing one header; the dict is made on
    demand (CSV export, the title samples), not for every row.
    """

    __slots__ = ("_names", "_values")

    def __init__(self, names: tuple[str, ...], values: tuple[str, ...]) -> None:
        self._names = names
        self._values = values

    def _dict(self) -> dict[str, str]:
        return {k: v.strip() for k, v in zip(self._names, self._values, strict=False) if v.strip()}

    def __getitem__(self, key: str) -> str:
        return self._dict()[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._dict())

    def __len__(self) -> int:
        return len(self._dict())

    def __repr__(self) -> str:
        return repr(self._dict())


@dataclass(slots=True)  # not frozen: a frozen init costs twice as much per row
class Holding:
    """One row of a title list or database list: what the library has."""

    file: str
    line: int
    kind: HoldingKind
    title: str
    publisher: str = ""
    platform: str = ""
    url: str = ""
    identifiers: tuple[str, ...] = ()
    extra: Mapping[str, str] = field(default_factory=dict)


@dataclass(slots=True)
class UsageRow:
    """One row of a COUNTER report: a metric's total for a platform, database or title."""

    file: str
    line: int
    report_id: str
    platform: str
    metric: str
    total: int
    database: str = ""
    publisher: str = ""
    title: str = ""
    data_type: str = ""
    identifiers: tuple[str, ...] = ()


FileKind = Literal["kbart", "counter", "table"]


@dataclass
class ReadResult:
    """Everything read from one file, and what the reader noticed on the way."""

    name: str
    kind: FileKind
    format: str  # e.g. "KBART Phase II", "COUNTER 5.1 PR_P1 (TSV)", "XLSX table"
    holdings: list[Holding] = field(default_factory=list)
    usage: list[UsageRow] = field(default_factory=list)
    columns: list[str] = field(default_factory=list)
    mapping: dict[str, str] = field(default_factory=dict)  # role → column, tables only
    header: dict[str, str] = field(default_factory=dict)  # COUNTER header block
    warnings: list[str] = field(default_factory=list)

    @property
    def rows(self) -> int:
        return len(self.holdings) + len(self.usage)

    def summary(self) -> dict[str, object]:
        return {
            "name": self.name,
            "kind": self.kind,
            "format": self.format,
            "rows": self.rows,
            "holdings": len(self.holdings),
            "usage_rows": len(self.usage),
            "columns": self.columns,
            "mapping": self.mapping,
            "header": self.header,
            "warnings": self.warnings,
        }
