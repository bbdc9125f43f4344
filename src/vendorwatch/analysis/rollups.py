"""Obligations and counts grouped by any of the dimensions people ask about.

Obligations are the sum of transactions (de-obligations included, exact repeats dropped);
award counts are distinct awards. Award-summary values (current and potential total value)
come from the ``awards`` table, which only bulk award-summary files fill.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import date
from typing import Any

from vendorwatch.analysis.base import fiscal_year, plain, with_family
from vendorwatch.analysis.classification import award_classes
from vendorwatch.analysis.competition import status_expr
from vendorwatch.analysis.facts import fact_table
from vendorwatch.analysis.lazy import engine, ibis, ir
from vendorwatch.analysis.subawards import with_roles
from vendorwatch.errors import VendorwatchError

Dimension = Callable[["ir.Table"], "ir.Value"]


def _carried(t: ir.Table, column: str) -> ir.Value:
    """A column only some rows' layouts carry (sub-award rows, with their role, have none of
    these): blank and missing both read as no value."""
    if column in t.columns:
        return t[column].nullif("")
    return ibis.null("string")


# Each dimension is a column of `facts` (or an expression over its columns).
DIMENSIONS: dict[str, Dimension] = {
    "agency": lambda t: t.awarding_agency_name,
    "sub_agency": lambda t: t.awarding_sub_agency_name,
    "office": lambda t: t.awarding_office_name,
    "fiscal_year": lambda t: t.fiscal_year,
    "family": lambda t: t.family,  # as of the action date
    "organisation": lambda t: t.organisation,
    "recipient": lambda t: t.recipient_name,
    "recipient_uei": lambda t: t.recipient_uei,
    # The API export has only the PSC and NAICS descriptions; bulk files have codes too.
    "psc": lambda t: ibis.coalesce(
        t.product_or_service_code + " " + t.product_or_service_code_description,
        t.product_or_service_code_description,
    ),
    "naics": lambda t: ibis.coalesce(t.naics_code + " " + t.naics_description, t.naics_description),
    "state": lambda t: t.primary_place_of_performance_state_code,
    # where the work is done, finer (bulk layouts; the API export carries only the state)
    "county": lambda t: _carried(t, "primary_place_of_performance_county_name"),
    "city": lambda t: _carried(t, "primary_place_of_performance_city_name"),
    # whose money it is, when another agency funds an order ICE or CBP awards (bulk layouts)
    "funding_agency": lambda t: _carried(t, "funding_agency_name"),
    "funding_sub_agency": lambda t: _carried(t, "funding_sub_agency_name"),
    "competition": lambda t: t.competition,
    "classification": lambda t: t.classification,
    # prime: from the government; sub: from a prime contractor (vendorwatch.analysis.subawards)
    "role": lambda t: t.role if "role" in t.columns else ibis.literal("prime"),
    # the IDV, BPA or schedule an order was placed under (its parent PIID; none for a
    # definitive contract): from the layouts that carry it and the generated award id
    "agreement": lambda t: t.parent_award_id_piid,
}


def rollup(
    con: Any,
    by: Sequence[str],
    *,
    where: Mapping[str, str] | None = None,
    limit: int | None = None,
) -> list[dict[str, Any]]:
    """Rows of {each dimension, obligations, transactions, awards}, largest obligations first.

    Sub-awards count only when ``role`` is a dimension (each role its own rows) or the filter
    (``role=sub``); otherwise the figures are the prime awards', as they always were.
    """
    facts = fact_table(con)
    if "role" in {*by, *(where or {})}:
        facts = with_roles(con, facts)
    return rollup_of(facts, by, where=where, limit=limit)


def rollup_of(
    facts: ir.Table,
    by: Sequence[str],
    *,
    where: Mapping[str, str] | None = None,
    limit: int | None = None,
) -> list[dict[str, Any]]:
    """`rollup` over a given facts table."""
    result = rollup_expr(facts, by, where=where, limit=limit)
    return [{k: plain(v) for k, v in row.items()} for row in engine.rows(result)]


def rollup_expr(
    facts: ir.Table,
    by: Sequence[str],
    *,
    where: Mapping[str, str] | None = None,
    limit: int | None = None,
) -> ir.Table:
    """The rollup as an Ibis expression (a dossier compiles it once and binds its family)."""
    t, keys = _grouping(facts, by, where)
    grouped = t.group_by(keys) if keys else t
    result = grouped.aggregate(
        obligations=t.federal_action_obligation.sum(),
        transactions=t.count(),
        awards=t.contract_award_unique_key.nunique(),
    ).order_by([ibis.desc("obligations"), *[ibis.asc(k) for k in keys]])
    return result.limit(limit) if limit else result


def _grouping(
    t: ir.Table, by: Sequence[str], where: Mapping[str, str] | None
) -> tuple[ir.Table, list[ir.Value]]:
    """``t`` with the dimensions added and the filters applied, and the keys to group by."""
    by = list(dict.fromkeys(by))  # a dimension asked for twice is grouped once
    unknown = [name for name in [*by, *(where or {})] if name not in DIMENSIONS]
    if unknown:
        raise VendorwatchError(
            f"unknown dimension {', '.join(unknown)}; choose from {', '.join(DIMENSIONS)}"
        )
    t = t.mutate(**{f"_{n}": DIMENSIONS[n](t) for n in {*by, *(where or {})}})
    for name, value in (where or {}).items():
        t = t.filter(t[f"_{name}"].cast("string") == value)
    return t, [t[f"_{n}"].name(n) for n in by]


def award_summaries(con: Any, *, classified: bool = True) -> ir.Table:
    """The latest summary of each award (only award-summary files fill ``awards``), with the
    dimensions the transactions have: family and organisation as of the award's latest action,
    fiscal year of its base action, competition and (``classified``) class — the class runs the
    rules over every award's texts, so it is left out when nobody asks for it."""
    a = con.table("awards")
    latest = ibis.window(
        group_by=a.contract_award_unique_key,
        order_by=[a.last_modified_date.desc(), a.source_sha256, a.source_row],
    )
    a = a.mutate(_n=ibis.row_number().over(latest)).filter(lambda r: r._n == 0).drop("_n")
    a = a.mutate(_on=ibis.coalesce(a.award_latest_action_date, a.award_base_action_date))
    a = with_family(con, a, "_on").drop("_on")
    if classified:
        classes = award_classes(con).select(_key="award_key", classification="category")
        a = a.left_join(classes, a.contract_award_unique_key == classes._key).drop("_key")
    return a.mutate(
        fiscal_year=fiscal_year(a.award_base_action_date),
        competition=status_expr(a.extent_competed_code),
    )


def valued_awards(con: Any, *, classified: bool = True, facts: ir.Table | None = None) -> ir.Table:
    """Awards with an award-level figure (current or potential value, period of performance)
    from the best source at hand (`vendorwatch.analysis.best_values`): the transactions that
    carry them, else the award summary or detail record; with the class when ``classified``."""
    from vendorwatch.analysis.best_values import best_awards  # noqa: PLC0415 - it imports facts

    a = best_awards(con, facts)
    a = a.filter(
        a.record_kind.notnull()
        | a.current_total_value_of_award.notnull()
        | a.potential_total_value_of_award.notnull()
        | a.period_of_performance_current_end_date.notnull()
    )
    if classified:
        classes = award_classes(con).select(_key="award_key", classification="category")
        a = a.left_join(classes, a.contract_award_unique_key == classes._key).drop("_key")
    return a


def award_values(
    con: Any,
    by: Sequence[str],
    *,
    as_of: date | None = None,
    where: Mapping[str, str] | None = None,
    limit: int | None = None,
) -> list[dict[str, Any]]:
    """Award-level figures grouped like `rollup`: how many awards, what they say was obligated,
    their current and potential total value, and how many were running on ``as_of`` (today if
    not given) by their period of performance, how many had ended or not started; how many of
    the awards' figures came from an award summary or detail record (``from_records``).

    Only awards with such a figure count (`valued_awards`: the API export carries none), so
    these are not the transaction sums `rollup` gives; largest potential value first.
    """
    classified = "classification" in {*by, *(where or {})}
    t, keys = _grouping(valued_awards(con, classified=classified), by, where)
    result = award_values_expr(t, keys, ibis.literal(as_of or date.today()))
    if limit:
        result = result.limit(limit)
    return [{k: plain(v) for k, v in row.items()} for row in engine.rows(result)]


def award_values_expr(t: ir.Table, keys: Sequence[ir.Value], day: ir.DateValue) -> ir.Table:
    """`award_values` over award summaries ``t`` grouped by ``keys``, as an Ibis expression."""
    start, end = t.period_of_performance_start_date, t.period_of_performance_current_end_date
    grouped = t.group_by(list(keys)) if keys else t
    return grouped.aggregate(
        awards=t.count(),
        obligated=t.total_obligated_amount.sum(),
        current_value=t.current_total_value_of_award.sum(),
        potential_value=t.potential_total_value_of_award.sum(),
        running=(end.notnull() & (end >= day) & (start.isnull() | (start <= day))).sum(),
        ended=(end < day).sum(),
        not_started=(end.notnull() & (start > day)).sum(),
        no_period=end.isnull().sum(),
        from_records=t.record_kind.notnull().sum(),
    ).order_by(  # ties (many awards carry no ceiling) broken by the dimensions: a stable order
        [ibis.desc("potential_value"), ibis.desc("obligated"), *[ibis.asc(k) for k in keys]]
    )
