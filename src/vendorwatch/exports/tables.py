"""Rollups and award lists as typed tables (`exports.typed`), built from the analysis rows.

A rollup comes back from the analysis layer as JSON-ready rows (money as exact decimal strings)
and is typed again here without passing through a float; the award list is read straight from
its Ibis expression. Money is ``DECIMAL(38,2)`` (what DuckDB's ``SUM`` of a ``DECIMAL(18,2)``
gives), counts ``BIGINT``, days ``DATE``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from decimal import Decimal
from typing import Any

import ibis.expr.types as ir

from vendorwatch.analysis import engine, rollup
from vendorwatch.analysis.browse import Filters, award_list
from vendorwatch.analysis.rollups import award_values
from vendorwatch.errors import VendorwatchError
from vendorwatch.exports.metadata import with_coverage
from vendorwatch.exports.typed import COUNT, DAY, MONEY, TEXT, Table

_INT_DIMENSIONS = {"fiscal_year"}
Schema = tuple[tuple[str, str], ...]

AWARD_SCHEMA: Schema = (
    ("award_key", TEXT),
    ("piid", TEXT),
    ("recipient", TEXT),
    ("family", TEXT),
    ("sub_agency", TEXT),
    ("classification", TEXT),
    ("competition", TEXT),
    ("obligations", MONEY),
    ("transactions", COUNT),
    ("first_action", DAY),
    ("last_action", DAY),
)


def money(text: str | None) -> Decimal | None:
    """An exact decimal from the analysis layer's money string (None stays None)."""
    return None if text is None else Decimal(text)


def _dimensions(by: Sequence[str]) -> Schema:
    return tuple((n, COUNT if n in _INT_DIMENSIONS else TEXT) for n in dict.fromkeys(by))


def rollup_schema(by: Sequence[str]) -> Schema:
    return (*_dimensions(by), ("obligations", MONEY), ("transactions", COUNT), ("awards", COUNT))


def rollup_table(
    con: Any,
    by: Sequence[str],
    *,
    where: Mapping[str, str] | None = None,
    limit: int | None = None,
) -> Table:
    """`vendorwatch.analysis.rollup` as a typed table, in the same order (largest first)."""
    rows = rollup(con, by, where=where, limit=limit)
    schema = rollup_schema(by)
    typed = [{**row, "obligations": money(row["obligations"])} for row in rows]
    return with_coverage(Table.from_dicts(typed, schema), con, where)


_VALUE_MONEY = ("obligated", "current_value", "potential_value")
_VALUE_COUNTS = ("awards", "running", "ended", "not_started", "no_period", "from_records")


def award_values_table(
    con: Any,
    by: Sequence[str],
    *,
    as_of: date | None = None,
    where: Mapping[str, str] | None = None,
    limit: int | None = None,
) -> Table:
    """`vendorwatch.analysis.rollups.award_values` (award-summary values) as a typed table."""
    rows = award_values(con, by, as_of=as_of, where=where, limit=limit)
    schema: Schema = (
        *_dimensions(by), ("awards", COUNT), *((m, MONEY) for m in _VALUE_MONEY),
        *((c, COUNT) for c in _VALUE_COUNTS[1:]),
    )  # fmt: skip
    typed = [{**row, **{m: money(row[m]) for m in _VALUE_MONEY}} for row in rows]
    return Table.from_dicts(typed, schema)  # award summaries: not the transactions


def award_expr(
    con: Any,
    filters: Filters,
    *,
    sort: str = "obligations",
    descending: bool = True,
    limit: int | None = None,
) -> ir.Table:
    """The awards `award_table` lists, as the Ibis expression (the award schema's columns)."""
    _, ordered = award_list(con, filters, sort=sort, descending=descending)
    if limit is not None:
        if limit < 1:
            raise VendorwatchError("limit must be 1 or more")
        ordered = ordered.limit(limit)
    return ordered.select(*(n for n, _ in AWARD_SCHEMA))


def award_table(
    con: Any,
    filters: Filters,
    *,
    sort: str = "obligations",
    descending: bool = True,
    limit: int | None = None,
) -> Table:
    """Every award `browse.awards` lists for the filters (one row each, obligations within the
    selection, in the same order), read in one query rather than page by page."""
    expr = award_expr(con, filters, sort=sort, descending=descending, limit=limit)
    table = Table.from_dicts(engine.rows(expr), AWARD_SCHEMA)
    return with_coverage(table, con, filters)
