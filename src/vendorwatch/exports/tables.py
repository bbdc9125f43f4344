"""Rollups and award lists as typed Arrow tables, built from the analysis functions' rows.

A rollup comes back from the analysis layer as JSON-ready rows (money as exact decimal strings)
and is typed again here without passing through a float; the award list is read straight from
its Ibis expression. Money is ``decimal128(38, 2)`` (what DuckDB's ``SUM`` of a
``DECIMAL(18,2)`` gives), counts ``int64``, days ``date32``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from decimal import Decimal
from typing import Any

import pyarrow as pa  # type: ignore[import-untyped]

from vendorwatch.analysis import rollup
from vendorwatch.analysis.browse import Filters, award_list
from vendorwatch.analysis.rollups import award_values
from vendorwatch.errors import VendorwatchError
from vendorwatch.exports.metadata import with_coverage

MONEY = pa.decimal128(38, 2)
_INT_DIMENSIONS = {"fiscal_year"}

AWARD_SCHEMA = pa.schema(
    [
        ("award_key", pa.string()),
        ("piid", pa.string()),
        ("recipient", pa.string()),
        ("family", pa.string()),
        ("sub_agency", pa.string()),
        ("classification", pa.string()),
        ("competition", pa.string()),
        ("obligations", MONEY),
        ("transactions", pa.int64()),
        ("first_action", pa.date32()),
        ("last_action", pa.date32()),
    ]
)


def money(text: str | None) -> Decimal | None:
    """An exact decimal from the analysis layer's money string (None stays None)."""
    return None if text is None else Decimal(text)


def rollup_schema(by: Sequence[str]) -> pa.Schema:
    dims = [(n, pa.int64() if n in _INT_DIMENSIONS else pa.string()) for n in dict.fromkeys(by)]
    return pa.schema(
        [*dims, ("obligations", MONEY), ("transactions", pa.int64()), ("awards", pa.int64())]
    )


def rollup_table(
    con: Any,
    by: Sequence[str],
    *,
    where: Mapping[str, str] | None = None,
    limit: int | None = None,
) -> pa.Table:
    """`vendorwatch.analysis.rollup` as a typed table, in the same order (largest first)."""
    rows = rollup(con, by, where=where, limit=limit)
    schema = rollup_schema(by)
    typed = [{**row, "obligations": money(row["obligations"])} for row in rows]
    return with_coverage(pa.Table.from_pylist(typed, schema=schema), con, where)


_VALUE_MONEY = ("obligated", "current_value", "potential_value")
_VALUE_COUNTS = ("awards", "running", "ended", "not_started", "no_period")


def award_values_table(
    con: Any,
    by: Sequence[str],
    *,
    as_of: date | None = None,
    where: Mapping[str, str] | None = None,
    limit: int | None = None,
) -> pa.Table:
    """`vendorwatch.analysis.rollups.award_values` (award-summary values) as a typed table."""
    rows = award_values(con, by, as_of=as_of, where=where, limit=limit)
    dims = [(n, pa.int64() if n in _INT_DIMENSIONS else pa.string()) for n in dict.fromkeys(by)]
    schema = pa.schema(
        [*dims, ("awards", pa.int64()), *((m, MONEY) for m in _VALUE_MONEY),
         *((c, pa.int64()) for c in _VALUE_COUNTS[1:])]
    )  # fmt: skip
    typed = [{**row, **{m: money(row[m]) for m in _VALUE_MONEY}} for row in rows]
    return pa.Table.from_pylist(typed, schema=schema)  # award summaries: not the transactions


def award_table(
    con: Any,
    filters: Filters,
    *,
    sort: str = "obligations",
    descending: bool = True,
    limit: int | None = None,
) -> pa.Table:
    """Every award `browse.awards` lists for the filters (one row each, obligations within the
    selection, in the same order), read in one query rather than page by page."""
    _, ordered = award_list(con, filters, sort=sort, descending=descending)
    if limit is not None:
        if limit < 1:
            raise VendorwatchError("limit must be 1 or more")
        ordered = ordered.limit(limit)
    table = ordered.to_pyarrow().select(AWARD_SCHEMA.names).cast(AWARD_SCHEMA)
    return with_coverage(table, con, filters)
