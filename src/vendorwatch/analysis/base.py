"""Reading the warehouse through Ibis: the same expressions run on DuckDB or a larger backend."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import ibis
import ibis.expr.types as ir

from vendorwatch.errors import VendorwatchError


def connect(warehouse: Path) -> Any:
    """A read-only Ibis connection to the warehouse file."""
    if not Path(warehouse).exists():
        raise VendorwatchError(f"no warehouse at {warehouse}; run `vendorwatch load` first")
    return ibis.duckdb.connect(str(warehouse), read_only=True)


def fiscal_year(day: ir.DateValue) -> ir.IntegerValue:
    """Federal fiscal year: October to September, named by the year it ends in."""
    return day.year() + (day.month() >= 10).cast("int32")


def fiscal_year_of(day: date) -> int:
    return day.year + (1 if day.month >= 10 else 0)


def transactions(con: Any, where: Callable[[ir.Table], ir.BooleanValue] | None = None) -> ir.Table:
    """Transactions with exact repeats dropped (first by provenance kept).

    A repeat is the same ``contract_transaction_unique_key`` or, where a layout has none (the
    API export), the same award, modification, date, amount and description. The real FY files
    hold 126 such repeats (125 of $0.00, one of $2,972,195.00), each pair straddling a
    100-row page boundary of the scraper (rows 400/401, 4297/4301 …): pages that overlapped
    where the sort order had ties.
    """
    t = con.table("transactions")
    if where is not None:  # filter first: repeats are found within what is asked for
        t = t.filter(where(t))
    fallback = ibis.literal("|").join(
        [
            t.contract_award_unique_key.fill_null(""),
            t.modification_number.fill_null(""),
            t.action_date.cast("string").fill_null(""),
            t.federal_action_obligation.cast("string").fill_null(""),
            t.transaction_description.fill_null(""),
        ]
    )
    key = t.contract_transaction_unique_key.fill_null(fallback)
    window = ibis.window(group_by=key, order_by=[t.source_sha256, t.source_row])
    return (
        t.mutate(_copy=ibis.row_number().over(window)).filter(lambda r: r._copy == 0).drop("_copy")
    )


def plain(value: Any) -> Any:
    """JSON-ready: exact decimals as strings with two places, dates ISO."""
    if isinstance(value, Decimal):
        return f"{value:.2f}"
    if isinstance(value, date):
        return value.isoformat()
    return value
