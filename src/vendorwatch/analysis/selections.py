"""Browse questions compiled once per *shape* of selection, then run with parameters.

The idea of `vendorwatch.analysis.prepared` (which the dossiers use) applied to browsing,
where the parameters are lists of facet values rather than a few named strings.

Profiling `/browse` on the sample (57k rows) showed DuckDB answering a selection's seven
facets in tens of milliseconds and Ibis spending ~550 ms compiling them (the facts table is
wide; each facet is its own expression). A selection's SQL depends only on which facets are
chosen and how many values each has, not on the values: so the same Ibis expression is built
once with placeholder values, compiled, and its placeholders turned into DuckDB parameters.
Every later selection of that shape (``family=X&fiscal_year=Y`` for any X, Y) runs the
compiled statement with its own values. The answers are those of `vendorwatch.analysis.browse`
(the same expressions), which a test checks.

A text search (``q``) changes the expression's text handling and is answered by `browse`
directly. The cache of statements belongs to one warehouse version (its schema and whether
its facts are current), so the caller keeps it per version.
"""

from __future__ import annotations

from collections.abc import MutableMapping
from typing import Any

from vendorwatch.analysis import browse
from vendorwatch.analysis.base import plain, require_duckdb
from vendorwatch.analysis.browse import FACETS, Filters, Page
from vendorwatch.analysis.facts import fact_table
from vendorwatch.analysis.lazy import ibis
from vendorwatch.analysis.subawards import role_rows
from vendorwatch.limits import check_page

Statements = MutableMapping[Any, str]
_MARK = "__vw_param_{}__"


def _placeholders(filters: Filters) -> tuple[tuple[Any, ...], dict[str, list[str]], list[str]]:
    """The selection's shape, the same selection with placeholder values, and the values."""
    shape: list[tuple[str, int]] = []
    marked: dict[str, list[str]] = {}
    values: list[str] = []
    for name in sorted(filters):
        chosen = [str(v) for v in filters[name]]
        if not chosen:
            continue
        shape.append((name, len(chosen)))
        marked[name] = [_MARK.format(len(values) + i) for i in range(len(chosen))]
        values += chosen
    return tuple(shape), marked, values


def _compile(expr: Any, count: int) -> str:
    sql: str = ibis.to_sql(expr, dialect="duckdb")
    for i in range(count):
        literal = f"'{_MARK.format(i)}'"
        if literal not in sql:  # every placeholder must become a parameter, or no statement
            raise ValueError(f"placeholder {i} missing from the compiled selection")
        sql = sql.replace(literal, f"$p{i}")
    if "__vw_param_" in sql:  # quoted some other way: refuse rather than run it wrong
        raise ValueError("a placeholder compiled to an unexpected form")
    return sql


def _rows(con: Any, sql: str, values: list[str]) -> list[dict[str, Any]]:
    require_duckdb(con, "prepared browse selections (browse.facets and browse.awards answer)")
    params = {f"p{i}": v for i, v in enumerate(values)}
    result = con.con.execute(sql, params)
    columns = [d[0] for d in result.description]
    return [dict(zip(columns, row, strict=True)) for row in result.fetchall()]


def _statement(con: Any, cache: Statements, key: Any, build: Any, count: int) -> str:
    sql = cache.get(key)
    if sql is None:
        sql = _compile(build(), count)
        cache[key] = sql
    return sql


def facets(
    con: Any, filters: Filters, cache: Statements, *, size: int = 12
) -> dict[str, list[dict[str, Any]]]:
    """`browse.facets`, all seven facets in one statement compiled once per shape (the role
    facet, which reads the sub-awards too, beside it; a chosen role goes through `browse`)."""
    if "q" in filters or "role" in filters:
        return browse.facets(con, filters, size=size)
    browse._check(filters)
    shape, marked, values = _placeholders(filters)

    def build() -> Any:
        facts = browse.with_place(con, role_rows(con, fact_table(con), "prime"))
        parts = []
        for name in FACETS:
            if name == "role":
                continue
            t = browse._apply(facts, marked, skip=name)
            t = t.mutate(_value=browse.DIMS[name](t).cast("string"))
            parts.append(
                t.group_by("_value")
                .aggregate(
                    obligations=t.federal_action_obligation.sum(),
                    transactions=t.count(),
                    awards=t.contract_award_unique_key.nunique(),
                )
                .mutate(_facet=ibis.literal(name))
            )
        return ibis.union(*parts).order_by(["_facet", ibis.desc("obligations"), "_value"])

    sql = _statement(con, cache, ("facets", shape), build, len(values))
    grouped: dict[str, list[dict[str, Any]]] = {name: [] for name in FACETS}
    for row in _rows(con, sql, values):
        grouped[row["_facet"]].append(row)
    out: dict[str, list[dict[str, Any]]] = {}
    for name in FACETS:
        if name == "role":
            out[name] = browse.role_facet(con, filters)
            continue
        chosen = {str(v) for v in filters.get(name, [])}
        rows = [r for i, r in enumerate(grouped[name]) if i < size or r["_value"] in chosen]
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


def awards(
    con: Any,
    filters: Filters,
    cache: Statements,
    *,
    sort: str = "obligations",
    descending: bool = True,
    offset: int = 0,
    limit: int = 50,
) -> Page:
    """`browse.awards`, its page and its totals compiled once per shape (and sort, page)."""
    browse._check(filters)  # the limits, before a statement is looked up or compiled
    check_page(offset, limit)
    if "q" in filters or "role" in filters:
        return browse.awards(
            con, filters, sort=sort, descending=descending, offset=offset, limit=limit
        )
    shape, marked, values = _placeholders(filters)
    key = ("awards", shape, sort, descending, offset, limit)

    def page() -> Any:
        _, ordered = browse.award_list(con, marked, sort=sort, descending=descending)
        return ordered.limit(limit, offset=offset)

    def summary() -> Any:
        t, _ = browse.award_list(con, marked, sort=sort, descending=descending)
        return t.aggregate(
            awards=t.contract_award_unique_key.nunique(),
            obligations=t.federal_action_obligation.sum(),
        )

    rows = _rows(con, _statement(con, cache, key, page, len(values)), values)
    (totals,) = _rows(con, _statement(con, cache, ("sum", shape), summary, len(values)), values)
    return Page(
        rows=[{k: plain(v) for k, v in r.items()} for r in rows],
        total=int(totals["awards"]),
        offset=offset,
        limit=limit,
        obligations=plain(totals["obligations"]) or "0.00",
    )
