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

from vendorwatch.analysis.base import fiscal_year, plain, transactions, with_family
from vendorwatch.analysis.classification import award_classes
from vendorwatch.analysis.competition import status_expr
from vendorwatch.errors import VendorwatchError

Dimension = Callable[[ir.Table], ir.Value]

DIMENSIONS: dict[str, Dimension] = {
    "agency": lambda t: t.awarding_agency_name,
    "sub_agency": lambda t: t.awarding_sub_agency_name,
    "office": lambda t: t.awarding_office_name,
    "fiscal_year": lambda t: fiscal_year(t.action_date),
    "family": lambda t: t.family,  # joined in by with_family, as of the action date
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
    "competition": lambda t: status_expr(t.extent_competed_code),
    "classification": lambda t: t.classification,  # joined in from award_classes
}


def rollup(
    con: Any,
    by: Sequence[str],
    *,
    where: Mapping[str, str] | None = None,
    limit: int | None = None,
) -> list[dict[str, Any]]:
    """Rows of {each dimension, obligations, transactions, awards}, largest obligations first."""
    unknown = [name for name in [*by, *(where or {})] if name not in DIMENSIONS]
    if unknown:
        raise VendorwatchError(
            f"unknown dimension {', '.join(unknown)}; choose from {', '.join(DIMENSIONS)}"
        )
    t = transactions(con)
    if {"family", "organisation"} & {*by, *(where or {})}:
        t = with_family(con, t)
    if "classification" in {*by, *(where or {})}:
        classes = award_classes(con).select(
            _award=lambda c: c.award_key, classification=lambda c: c.category
        )
        t = t.left_join(classes, t.contract_award_unique_key == classes._award).drop("_award")
    t = t.mutate(**{name: DIMENSIONS[name](t) for name in {*by, *(where or {})}})
    for name, value in (where or {}).items():
        t = t.filter(t[name].cast("string") == value)
    grouped = t.group_by(list(by)) if by else t
    result = grouped.aggregate(
        obligations=t.federal_action_obligation.sum(),
        transactions=t.count(),
        awards=t.contract_award_unique_key.nunique(),
    ).order_by(ibis.desc("obligations"))
    if limit:
        result = result.limit(limit)
    return [{k: plain(v) for k, v in row.items()} for row in result.to_pyarrow().to_pylist()]
