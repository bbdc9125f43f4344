"""Reading the warehouse through Ibis: the same expressions run on DuckDB or a larger backend."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from decimal import Decimal
from typing import Any

from vendorwatch.analysis.lazy import ibis, ir
from vendorwatch.errors import VendorwatchError
from vendorwatch.warehouse.versions import DELETED


def fiscal_year(day: ir.DateValue) -> ir.IntegerValue:
    """Federal fiscal year: October to September, named by the year it ends in."""
    return day.year() + (day.month() >= 10).cast("int32")


def fiscal_year_of(day: date) -> int:
    return day.year + (1 if day.month >= 10 else 0)


def transactions(con: Any, where: Callable[[ir.Table], ir.BooleanValue] | None = None) -> ir.Table:
    """Transactions as they stand: each key's counting version, deleted keys dropped, exact
    repeats of keyless rows dropped (first by provenance kept).

    A key seen again is a new version of it (`vendorwatch.warehouse.versions`): the one with
    the latest ``last_modified_date`` (its load day where it has none), then the latest
    loaded, then the first by provenance counts; one marked ``correction_delete_ind`` D means
    the key was deleted and it counts nowhere. Versions are chosen over every row, before
    ``where`` (a delta file's deletion carries the key and little else). Where a layout has no
    key (the API export) a repeat is the same award, modification, date, amount and
    description, found within what is asked for: the real FY files hold 126 (125 of $0.00,
    one of $2,972,195.00), each pair straddling a 100-row page boundary of the scraper.
    """
    t = con.table("transactions")
    files = con.table("source_files").select(_sha="sha256", _loaded="loaded_at")
    keyed = t.filter(t.contract_transaction_unique_key.notnull())
    keyed = keyed.join(files, keyed.source_sha256 == files._sha)
    newest = ibis.window(
        group_by=keyed.contract_transaction_unique_key,
        order_by=[
            keyed.last_modified_date.fill_null(keyed._loaded.cast("date")).desc(),
            keyed._loaded.desc(),
            keyed.source_sha256,
            keyed.source_row,
        ],
    )
    keyed = keyed.mutate(_version=ibis.row_number().over(newest)).filter(
        lambda r: (r._version == 0) & (r.correction_delete_ind.fill_null("") != DELETED)
    )
    keyed = keyed.drop("_sha", "_loaded", "_version")
    if where is not None:
        keyed = keyed.filter(where(keyed))
    loose = t.filter(t.contract_transaction_unique_key.isnull())
    if where is not None:  # filter first: repeats are found within what is asked for
        loose = loose.filter(where(loose))
    fallback = ibis.literal("|").join(
        [
            loose.contract_award_unique_key.fill_null(""),
            loose.modification_number.fill_null(""),
            loose.action_date.cast("string").fill_null(""),
            loose.federal_action_obligation.cast("string").fill_null(""),
            loose.transaction_description.fill_null(""),
        ]
    )
    window = ibis.window(group_by=fallback, order_by=[loose.source_sha256, loose.source_row])
    loose = (
        loose.mutate(_copy=ibis.row_number().over(window))
        .filter(lambda r: r._copy == 0)
        .drop("_copy")
    )
    return keyed.cast(loose.schema()).union(loose)


def plain(value: Any) -> Any:
    """JSON-ready: exact decimals as strings with two places, dates ISO."""
    if isinstance(value, Decimal):
        return f"{value:.2f}"
    if isinstance(value, date):
        return value.isoformat()
    return value


def is_duckdb(con: Any) -> bool:
    """Whether ``con`` reads the DuckDB file (its raw connection as ``.con``), not another
    Ibis engine (Spark over the Parquet dataset, `vendorwatch.analysis.spark`)."""
    import duckdb  # noqa: PLC0415 - already imported by whoever made a DuckDB connection

    return isinstance(getattr(con, "con", None), duckdb.DuckDBPyConnection)


def require_duckdb(con: Any, what: str) -> None:
    """Refuse, in words, a question only the DuckDB engine answers yet."""
    if not is_duckdb(con):
        raise VendorwatchError(f"not available on the Spark engine: {what} (use --engine duckdb)")


def table_names(con: Any) -> set[str]:
    """The tables ``con`` can read.

    Asked of DuckDB directly: Ibis 12's ``list_tables`` calls a method DuckDB 2.0 removed.
    """
    if not is_duckdb(con):
        return set(con.list_tables())
    found = con.con.execute("SELECT table_name FROM duckdb_tables()").fetchall()
    return {name for (name,) in found}


def has_resolutions(con: Any) -> bool:
    """Whether ``vendorwatch resolve --all`` has written its tables."""
    return {"recipient_resolutions", "organisation_families"} <= table_names(con)


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


def with_source(con: Any, t: ir.Table, *names: str, **columns: ir.Value) -> ir.Table:
    """``t``'s chosen columns beside the file, layout and row each one came from: every figure
    the analysis shows can be traced back to its source row."""
    files = con.table("source_files").select("sha256", "file_name", "layout")
    return t.join(files, t.source_sha256 == files.sha256).select(
        *names,
        **columns,
        file=files.file_name,
        layout=files.layout,
        row=t.source_row,
        sha256=t.source_sha256,
    )
