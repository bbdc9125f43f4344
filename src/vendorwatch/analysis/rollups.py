"""Obligations and counts grouped by any of the dimensions people ask about.

Obligations are the sum of transactions (de-obligations included, exact repeats dropped);
award counts are distinct awards. Award-summary values (current and potential total value)
come from the ``awards`` table, which only bulk award-summary files fill.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

import ibis
import ibis.expr.types as ir

from vendorwatch.analysis.base import plain
from vendorwatch.analysis.facts import fact_table
from vendorwatch.errors import VendorwatchError

Dimension = Callable[[ir.Table], ir.Value]

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
    "competition": lambda t: t.competition,
    "classification": lambda t: t.classification,
}


def rollup(
    con: Any,
    by: Sequence[str],
    *,
    where: Mapping[str, str] | None = None,
    limit: int | None = None,
) -> list[dict[str, Any]]:
    """Rows of {each dimension, obligations, transactions, awards}, largest obligations first."""
    return rollup_of(fact_table(con), by, where=where, limit=limit)


def rollup_of(
    facts: ir.Table,
    by: Sequence[str],
    *,
    where: Mapping[str, str] | None = None,
    limit: int | None = None,
) -> list[dict[str, Any]]:
    """`rollup` over a given facts table."""
    result = rollup_expr(facts, by, where=where, limit=limit)
    return [{k: plain(v) for k, v in row.items()} for row in result.to_pyarrow().to_pylist()]


def rollup_expr(
    facts: ir.Table,
    by: Sequence[str],
    *,
    where: Mapping[str, str] | None = None,
    limit: int | None = None,
) -> ir.Table:
    """The rollup as an Ibis expression (a dossier compiles it once and binds its family)."""
    by = list(dict.fromkeys(by))  # a dimension asked for twice is grouped once
    unknown = [name for name in [*by, *(where or {})] if name not in DIMENSIONS]
    if unknown:
        raise VendorwatchError(
            f"unknown dimension {', '.join(unknown)}; choose from {', '.join(DIMENSIONS)}"
        )
    t = facts.mutate(**{f"_{n}": DIMENSIONS[n](facts) for n in {*by, *(where or {})}})
    for name, value in (where or {}).items():
        t = t.filter(t[f"_{name}"].cast("string") == value)
    grouped = t.group_by([t[f"_{n}"].name(n) for n in by]) if by else t
    result = grouped.aggregate(
        obligations=t.federal_action_obligation.sum(),
        transactions=t.count(),
        awards=t.contract_award_unique_key.nunique(),
    ).order_by(ibis.desc("obligations"))
    return result.limit(limit) if limit else result
