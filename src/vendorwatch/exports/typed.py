"""A typed table of Python values: what the CSV and Parquet writers share.

Column types are DuckDB's SQL types, because DuckDB writes the Parquet (`exports.parquet`):
money ``DECIMAL(38,2)`` (what DuckDB's ``SUM`` of a ``DECIMAL(18,2)`` gives, and what Parquet
stores exactly), counts ``BIGINT``, days ``DATE``, text ``VARCHAR``. Values are the analysis
layer's: ``Decimal``, ``int``, ``date``, ``str`` or ``None``. No Arrow: the site and CLI run
without pyarrow.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

MONEY = "DECIMAL(38,2)"
COUNT = "BIGINT"
DAY = "DATE"
TEXT = "VARCHAR"


@dataclass(frozen=True)
class Table:
    """Named, typed columns and rows in order, with string metadata that travels with it."""

    schema: tuple[tuple[str, str], ...]  # (name, DuckDB type)
    rows: list[tuple[Any, ...]]
    metadata: Mapping[str, str] = field(default_factory=dict)

    @classmethod
    def from_dicts(
        cls, rows: Iterable[Mapping[str, Any]], schema: Sequence[tuple[str, str]]
    ) -> Table:
        """Rows given as dicts (keys at least the schema's names), in the schema's order."""
        names = [n for n, _ in schema]
        return cls(tuple(schema), [tuple(r[n] for n in names) for r in rows])

    @property
    def column_names(self) -> list[str]:
        return [n for n, _ in self.schema]

    @property
    def num_rows(self) -> int:
        return len(self.rows)

    def type_of(self, name: str) -> str:
        return dict(self.schema)[name]

    def column(self, name: str) -> list[Any]:
        i = self.column_names.index(name)
        return [r[i] for r in self.rows]

    def to_pylist(self) -> list[dict[str, Any]]:
        names = self.column_names
        return [dict(zip(names, r, strict=True)) for r in self.rows]

    def with_metadata(self, key: str, value: str) -> Table:
        return replace(self, metadata={**self.metadata, key: value})
