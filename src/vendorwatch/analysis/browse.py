"""Faceted browsing of awards: every facet value with dollars as well as a count.

Datasette's facets count rows; a reader of contract data needs the money. Facet values are
computed with every *other* facet's filter applied, so narrowing one facet still shows the
alternatives within it. Lists are sorted and paginated; every view is a plain set of
parameters, so a URL reproduces it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from vendorwatch.analysis.base import plain
from vendorwatch.analysis.facts import fact_table, per_award
from vendorwatch.analysis.lazy import engine, ibis, ir
from vendorwatch.analysis.rollups import DIMENSIONS, Dimension
from vendorwatch.analysis.subawards import ROLES, role_rows, single_role
from vendorwatch.errors import VendorwatchError
from vendorwatch.limits import check_filters, check_page

FACETS = (
    "sub_agency",
    "family",
    "fiscal_year",
    "competition",
    "classification",
    "state",
    "place_state",  # place of performance: the transaction's, else its award summary's
    "agency",
    "role",  # prime or sub: one at a time, never summed together (analysis.subawards)
)
# The rollup dimensions, and the place of performance that `with_place` adds to the rows.
DIMS: dict[str, Dimension] = {**DIMENSIONS, "place_state": lambda t: t.place_state}
AWARD_SORTS = ("obligations", "last_action", "first_action", "transactions", "piid", "recipient")

Filters = Mapping[str, Sequence[str]]


def _check(filters: Filters) -> None:
    unknown = [name for name in filters if name not in FACETS and name != "q"]
    if unknown:
        raise VendorwatchError(
            f"unknown facet {', '.join(unknown)}; choose from {', '.join(FACETS)}"
        )
    check_filters(filters)  # before any expression is built from them


def _rows(con: Any, filters: Filters) -> ir.Table:
    """The rows of the role the filters ask for (prime awards unless ``role=sub``)."""
    rows = role_rows(con, fact_table(con), single_role(list(filters.get("role", []))))
    return with_place(con, rows)


def with_place(con: Any, t: ir.Table) -> ir.Table:
    """``place_state``: where the work is performed (state), as the transaction says, else as
    the latest summary of a prime award says (the dashboard exports carry no place; the
    award-summary files do). A sub-award's place is only its own, never its prime's."""
    a = con.table("awards")
    latest = ibis.window(
        group_by=a.contract_award_unique_key,
        order_by=[a.last_modified_date.desc(), a.source_sha256, a.source_row],
    )
    a = a.mutate(_n=ibis.row_number().over(latest))
    a = a.filter(a._n == 0).select(
        _place_key=a.contract_award_unique_key, _place=a.primary_place_of_performance_state_code
    )
    joined = t.left_join(a, t.contract_award_unique_key == a._place_key)
    summary = ibis.ifelse(joined.role == "prime", joined._place, ibis.null("string"))
    return joined.mutate(
        place_state=ibis.coalesce(joined.primary_place_of_performance_state_code, summary)
    ).drop("_place_key", "_place")


def _apply(t: ir.Table, filters: Filters, *, skip: str | None = None) -> ir.Table:
    for name, values in filters.items():
        if name == skip or not values or name == "role":  # the role picked the rows already
            continue
        if name == "q":
            for word in " ".join(values).split():
                t = t.filter(_text(t).contains(word.upper()))
            continue
        column = DIMS[name](t).cast("string")
        t = t.filter(column.isin([str(v) for v in values]))
    return t


def _text(t: ir.Table) -> ir.StringValue:
    return (
        ibis.literal(" ")
        .join(
            [
                t.recipient_name.fill_null(""),
                t.award_id_piid.fill_null(""),
                t.transaction_description.fill_null(""),
                t.prime_award_base_transaction_description.fill_null(""),
            ]
        )
        .upper()
    )


def facets(con: Any, filters: Filters, *, size: int = 12) -> dict[str, list[dict[str, Any]]]:
    """For each facet, its values (largest obligations first) with dollars and counts.

    Every facet counts the chosen role's rows only; the role facet shows each role's own
    figures under the other filters (a sub-award is never added to the primes)."""
    _check(filters)
    role = single_role(list(filters.get("role", [])))
    facts = fact_table(con)
    chosen_rows = with_place(con, role_rows(con, facts, role))
    out: dict[str, list[dict[str, Any]]] = {}
    for name in FACETS:
        if name == "role":
            out[name] = role_facet(con, filters)
            continue
        else:
            t = _apply(chosen_rows, filters, skip=name)
            rows = _facet_rows(t.mutate(_value=DIMS[name](t).cast("string")))
            chosen = {str(v) for v in filters.get(name, [])}
        # The largest values, and every chosen one wherever it ranks (so it can be removed).
        rows = [r for i, r in enumerate(rows) if i < size or r["_value"] in chosen]
        out[name] = [
            {
                "value": r["_value"],
                "obligations": plain(r["obligations"]),
                "transactions": r["transactions"],
                "awards": r["awards"],
                "selected": r["_value"] in chosen,
            }
            for r in rows
        ]
    return out


def role_facet(con: Any, filters: Filters) -> list[dict[str, Any]]:
    """Prime and sub-award figures under the other filters, each on its own row."""
    role = single_role(list(filters.get("role", [])))
    facts = fact_table(con)
    rows = []
    for each in ROLES:
        t = _apply(with_place(con, role_rows(con, facts, each)), filters)
        rows += _facet_rows(t.mutate(_value=ibis.literal(each)))
    return [
        {
            "value": r["_value"],
            "obligations": plain(r["obligations"]),
            "transactions": r["transactions"],
            "awards": r["awards"],
            "selected": r["_value"] == role and "role" in filters,
        }
        for r in rows
    ]


def _facet_rows(t: ir.Table) -> list[dict[str, Any]]:
    return engine.rows(
        t.group_by("_value")
        .aggregate(
            obligations=t.federal_action_obligation.sum(),
            transactions=t.count(),
            awards=t.contract_award_unique_key.nunique(),
        )
        .order_by([ibis.desc("obligations"), "_value"])
    )


@dataclass(frozen=True)
class Page:
    rows: list[dict[str, Any]]
    total: int
    offset: int
    limit: int
    obligations: str  # the whole selection's sum, not only this page's
    # each listed award's description, by award key, where the listing found them with it
    # (the cube's); not part of the page's equality: the same page either way
    descriptions: dict[str, str] | None = field(default=None, compare=False)

    @property
    def next_offset(self) -> int | None:
        return self.offset + self.limit if self.offset + self.limit < self.total else None


def awards(
    con: Any,
    filters: Filters,
    *,
    sort: str = "obligations",
    descending: bool = True,
    offset: int = 0,
    limit: int = 50,
) -> Page:
    """One page of awards matching the filters, each with its obligations in the selection."""
    check_page(offset, limit)
    t, ordered = award_list(con, filters, sort=sort, descending=descending)
    rows = engine.rows(ordered.limit(limit, offset=offset))
    summary = engine.rows(
        t.aggregate(
            awards=t.contract_award_unique_key.nunique(),
            obligations=t.federal_action_obligation.sum(),
        )
    )[0]
    return Page(
        rows=[{k: plain(v) for k, v in r.items()} for r in rows],
        total=int(summary["awards"]),
        offset=offset,
        limit=limit,
        obligations=plain(summary["obligations"]) or "0.00",
    )


def award_descriptions(con: Any, award_keys: list[str]) -> dict[str, str]:
    """Each award's description as its first transaction gave it (the base award's words; later
    modifications often say only "funding"), for a page of awards."""
    if not award_keys:
        return {}
    t = fact_table(con)
    t = t.filter(t.contract_award_unique_key.isin(award_keys) & t.transaction_description.notnull())
    rows = engine.rows(
        t.group_by("contract_award_unique_key").aggregate(
            description=t.transaction_description.argmin(t.action_date)
        )
    )
    return {r["contract_award_unique_key"]: r["description"] for r in rows if r["description"]}


def award_list(
    con: Any, filters: Filters, *, sort: str = "obligations", descending: bool = True
) -> tuple[ir.Table, ir.Table]:
    """The filtered facts, and every matching award (one row each) in order, as expressions.

    `awards` pages through the second; exports (`vendorwatch.exports`) read it whole.
    """
    _check(filters)
    if sort not in AWARD_SORTS:
        raise VendorwatchError(f"cannot sort by {sort!r}; choose from {', '.join(AWARD_SORTS)}")
    t = _apply(_rows(con, filters), filters)
    grouped = per_award(
        t, "piid", "recipient", "family", "sub_agency", "classification", "competition",
        stable=True,
    )  # fmt: skip
    key = grouped[sort]
    return t, grouped.order_by([key.desc() if descending else key.asc(), "award_key"])


TRANSACTION_SORTS = ("action_date", "obligation", "piid", "recipient")


def transaction_list(
    con: Any,
    filters: Filters,
    *,
    sort: str = "action_date",
    descending: bool = True,
    offset: int = 0,
    limit: int = 50,
) -> Page:
    """One page of the transactions themselves, each with the source row that holds it."""
    _check(filters)
    if sort not in TRANSACTION_SORTS:
        raise VendorwatchError(
            f"cannot sort by {sort!r}; choose from {', '.join(TRANSACTION_SORTS)}"
        )
    check_page(offset, limit)
    t = _apply(_rows(con, filters), filters)
    rows = t.select(
        award_key=t.contract_award_unique_key,
        piid=t.award_id_piid,
        modification_number=t.modification_number,
        action_date=t.action_date,
        recipient=t.recipient_name,
        family=t.family,
        sub_agency=t.awarding_sub_agency_name,
        obligation=t.federal_action_obligation,
        description=t.transaction_description,
        source_sha256=t.source_sha256,
        source_row=t.source_row,
    )
    key = rows[sort]
    ordered = rows.order_by(
        [key.desc() if descending else key.asc(), "award_key", "source_sha256", "source_row"]
    )
    found = engine.rows(ordered.limit(limit, offset=offset))
    summary = engine.rows(t.aggregate(n=t.count(), obligations=t.federal_action_obligation.sum()))[
        0
    ]
    return Page(
        rows=[{k: plain(v) for k, v in r.items()} for r in found],
        total=int(summary["n"]),
        offset=offset,
        limit=limit,
        obligations=plain(summary["obligations"]) or "0.00",
    )
