"""Reading the warehouse through Ibis: the same expressions run on DuckDB or a larger backend."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import ibis
import ibis.expr.types as ir

from vendorwatch.analysis import engine
from vendorwatch.warehouse.schema import check_schema_version
from vendorwatch.warehouse.snapshots import reader_path


def connect(warehouse: Path) -> Any:
    """A read-only Ibis connection to the warehouse's published version."""
    con = engine.connect(str(reader_path(warehouse)), read_only=True)
    con.con.execute("SET enable_progress_bar = false")
    check_schema_version(con.con, warehouse)
    return con


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


def has_resolutions(con: Any) -> bool:
    """Whether ``vendorwatch resolve --all`` has written its tables.

    Asked of DuckDB directly: Ibis 12's ``list_tables`` calls a method DuckDB 2.0 removed.
    """
    found = con.con.execute("SELECT table_name FROM duckdb_tables()").fetchall()
    return {"recipient_resolutions", "organisation_families"} <= {name for (name,) in found}


def with_family(con: Any, t: ir.Table, date_column: str = "action_date") -> ir.Table:
    """Add ``organisation`` and ``family`` as of each row's date (NULL where unresolved).

    The registry's ownership periods do not overlap (``registry check`` refuses that), so the
    join adds no rows: an award to Appriss in 2019 takes the family Appriss had in 2019.
    """
    if not has_resolutions(con):
        return t.mutate(organisation=ibis.null("string"), family=ibis.null("string"))
    r = con.table("recipient_resolutions").select(
        _name="recipient_name",
        _uei="recipient_uei",
        _duns="recipient_duns",
        _parent="recipient_parent_uei",
        organisation="organisation",
    )
    joined = t.left_join(
        r,
        [
            t.recipient_name == r._name,
            t.recipient_uei.identical_to(r._uei),
            t.recipient_duns.identical_to(r._duns),
            t.recipient_parent_uei.identical_to(r._parent),
        ],
    ).drop("_name", "_uei", "_duns", "_parent")
    f = con.table("organisation_families").select(
        _org="organisation", family="family", _from="valid_from", _until="valid_until"
    )
    day = joined[date_column]
    return joined.left_join(
        f,
        [
            joined.organisation == f._org,
            f._from.isnull() | (day >= f._from),
            f._until.isnull() | (day < f._until),
        ],
    ).drop("_org", "_from", "_until")
