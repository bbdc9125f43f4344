"""Resolving every recipient in the warehouse, into derived tables that can always be rebuilt.

``recipient_resolutions`` holds one decision per distinct recipient identity (name, UEI, DUNS,
parent UEI) seen in any table; ``organisation_families`` holds each organisation's family over
date ranges, so a transaction takes the family it had on its action date::

    SELECT t.*, r.organisation, f.family
    FROM transactions t
    JOIN recipient_resolutions r
      ON r.recipient_name = t.recipient_name
     AND r.recipient_uei IS NOT DISTINCT FROM t.recipient_uei
     AND r.recipient_duns IS NOT DISTINCT FROM t.recipient_duns
     AND r.recipient_parent_uei IS NOT DISTINCT FROM t.recipient_parent_uei
    LEFT JOIN organisation_families f
      ON f.organisation = r.organisation
     AND (f.valid_from IS NULL OR t.action_date >= f.valid_from)
     AND (f.valid_until IS NULL OR t.action_date < f.valid_until)
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import duckdb

from vendorwatch.errors import VendorwatchError
from vendorwatch.registry import Registry
from vendorwatch.resolve.normalise import normalise
from vendorwatch.resolve.resolver import Resolver

ENFORCEMENT_AGENCIES = (
    "U.S. Immigration and Customs Enforcement",
    "U.S. Customs and Border Protection",
)

_IDENTITIES = """
SELECT DISTINCT name, uei, duns, parent_uei FROM (
    SELECT recipient_name AS name, recipient_uei AS uei, recipient_duns AS duns,
           recipient_parent_uei AS parent_uei FROM transactions
    UNION ALL
    SELECT recipient_name, recipient_uei, recipient_duns, recipient_parent_uei FROM awards
    UNION ALL
    SELECT subawardee_name, subawardee_uei, subawardee_duns, subawardee_parent_uei FROM subawards
    UNION ALL
    SELECT prime_awardee_name, prime_awardee_uei, NULL, prime_awardee_parent_uei FROM subawards
) WHERE name IS NOT NULL AND trim(name) <> ''
ORDER BY ALL
"""


_RESOLUTION_TYPES = "VARCHAR VARCHAR VARCHAR VARCHAR VARCHAR VARCHAR DOUBLE VARCHAR VARCHAR BOOLEAN"
_FAMILY_TYPES = "VARCHAR VARCHAR DATE DATE"


def _bulk_insert(
    con: duckdb.DuckDBPyConnection, table: str, types: str, rows: list[tuple[Any, ...]], *extra: Any
) -> None:
    """Insert rows as one statement (column lists unnested in step): no per-row round trips."""
    kinds = types.split()
    columns = [list(c) for c in zip(*rows, strict=True)] if rows else [[] for _ in kinds]
    select = ", ".join(f"unnest(?::{kind}[])" for kind in kinds)
    tail = "".join(", ?" for _ in extra)
    con.execute(f"INSERT INTO {table} SELECT {select}{tail}", [*columns, *extra])


@dataclass(frozen=True)
class ResolveSummary:
    identities: int
    by_method: dict[str, int]
    seconds: float

    def as_dict(self) -> dict[str, Any]:
        return {
            "identities": self.identities,
            "by_method": self.by_method,
            "seconds": round(self.seconds, 3),
        }


def resolve_warehouse(con: duckdb.DuckDBPyConnection, resolver: Resolver) -> ResolveSummary:
    """Rebuild both derived tables from the current data and registry, in one transaction."""
    started = datetime.now(UTC)
    identities = con.execute(_IDENTITIES).fetchall()
    rows: list[tuple[Any, ...]] = []
    by_method: dict[str, int] = {}
    for name, uei, duns, parent_uei in identities:
        m = resolver.match(name, uei=uei, duns=duns, parent_uei=parent_uei)
        by_method[m.method] = by_method.get(m.method, 0) + 1
        rows.append(
            (name, uei, duns, parent_uei, m.organisation, m.method, m.score, m.reason,
             m.candidate, m.verified)
        )  # fmt: skip
    registry = resolver.registry
    families = [
        (org_id, family, start, until)
        for org_id in registry.organisations
        for family, start, until in registry.family_periods(org_id)
    ]
    con.execute("BEGIN TRANSACTION")
    try:
        con.execute(
            """
            CREATE OR REPLACE TABLE recipient_resolutions (
                recipient_name VARCHAR NOT NULL,
                recipient_uei VARCHAR,
                recipient_duns VARCHAR,
                recipient_parent_uei VARCHAR,
                organisation VARCHAR,
                method VARCHAR NOT NULL,
                score DOUBLE,
                reason VARCHAR NOT NULL,
                candidate VARCHAR,
                verified BOOLEAN NOT NULL,
                resolved_at TIMESTAMP NOT NULL
            )
            """
        )
        con.execute(
            """
            CREATE OR REPLACE TABLE organisation_families (
                organisation VARCHAR NOT NULL,
                family VARCHAR NOT NULL,
                valid_from DATE,
                valid_until DATE
            )
            """
        )
        stamp = started.replace(tzinfo=None)
        _bulk_insert(con, "recipient_resolutions", _RESOLUTION_TYPES, rows, stamp)
        _bulk_insert(con, "organisation_families", _FAMILY_TYPES, families)
        con.execute("COMMIT")
    except Exception:
        con.execute("ROLLBACK")
        raise
    seconds = (datetime.now(UTC) - started).total_seconds()
    return ResolveSummary(len(rows), dict(sorted(by_method.items())), seconds)


_AMOUNTS = """
WITH amounts AS (
    SELECT 'transactions' AS source_table, recipient_name AS name, recipient_uei AS uei,
           recipient_duns AS duns, recipient_parent_uei AS parent_uei,
           federal_action_obligation AS amount
    FROM transactions WHERE awarding_sub_agency_name IN ({agencies})
    UNION ALL
    SELECT 'awards', recipient_name, recipient_uei, recipient_duns, recipient_parent_uei,
           total_obligated_amount
    FROM awards WHERE awarding_sub_agency_name IN ({agencies})
)
SELECT a.source_table, a.name, sum(a.amount) AS amount,
       bool_and(r.organisation IS NULL) AS unresolved,
       any_value(r.method ORDER BY r.organisation NULLS FIRST) AS method,
       any_value(r.reason ORDER BY r.organisation NULLS FIRST) AS reason,
       any_value(r.candidate ORDER BY r.organisation NULLS FIRST) AS candidate,
       any_value(r.organisation) AS organisation
FROM amounts a
JOIN recipient_resolutions r
  ON r.recipient_name = a.name
 AND r.recipient_uei IS NOT DISTINCT FROM a.uei
 AND r.recipient_duns IS NOT DISTINCT FROM a.duns
 AND r.recipient_parent_uei IS NOT DISTINCT FROM a.parent_uei
GROUP BY a.source_table, a.name
HAVING sum(a.amount) > ?
ORDER BY amount DESC, a.name
"""


def obligations_by_recipient(
    con: duckdb.DuckDBPyConnection, min_amount: Decimal
) -> list[dict[str, Any]]:
    """ICE/CBP obligations per recipient name and table above ``min_amount``, with decisions."""
    agencies = ", ".join("'" + a.replace("'", "''") + "'" for a in ENFORCEMENT_AGENCIES)
    return _decisions(con, _AMOUNTS.format(agencies=agencies), [min_amount])


def _decisions(con: duckdb.DuckDBPyConnection, sql: str, params: list[Any]) -> list[dict[str, Any]]:
    """Rows of a query over ``recipient_resolutions``, or what to run if it is not there yet."""
    try:
        cursor = con.execute(sql, params)
    except duckdb.CatalogException:
        raise VendorwatchError(
            "the warehouse has no recipient_resolutions yet; run `vendorwatch resolve --all`"
        ) from None
    columns = [d[0] for d in cursor.description]
    return [dict(zip(columns, row, strict=True)) for row in cursor.fetchall()]


def unresolved_report(con: duckdb.DuckDBPyConnection, min_amount: Decimal) -> list[dict[str, Any]]:
    """Recipients above ``min_amount`` that resolve to no organisation (incl. the review queue)."""
    return [r for r in obligations_by_recipient(con, min_amount) if r["unresolved"]]


_REVIEW = """
SELECT r.recipient_name AS name, r.recipient_uei AS uei, r.candidate, r.score, r.reason,
       coalesce(sum(t.federal_action_obligation), 0) AS amount,
       count(t.federal_action_obligation) AS transactions
FROM recipient_resolutions r
LEFT JOIN transactions t
  ON t.recipient_name = r.recipient_name
 AND t.recipient_uei IS NOT DISTINCT FROM r.recipient_uei
 AND t.recipient_duns IS NOT DISTINCT FROM r.recipient_duns
 AND t.recipient_parent_uei IS NOT DISTINCT FROM r.recipient_parent_uei
WHERE r.method = 'review'
GROUP BY ALL
ORDER BY amount DESC, name
"""


def review_queue(con: duckdb.DuckDBPyConnection) -> list[dict[str, Any]]:
    """Names the resolver would not decide alone (a close fuzzy match, a name of generic words),
    each with the candidate it was close to, why, and its obligations: what a curator settles
    with an alias or an override."""
    return _decisions(con, _REVIEW, [])


_RAW_AMOUNTS = """
SELECT source_table, name, uei, duns, parent_uei, sum(amount) AS amount FROM (
    SELECT 'transactions' AS source_table, recipient_name AS name, recipient_uei AS uei,
           recipient_duns AS duns, recipient_parent_uei AS parent_uei,
           federal_action_obligation AS amount
    FROM transactions WHERE awarding_sub_agency_name IN ({agencies})
    UNION ALL
    SELECT 'awards', recipient_name, recipient_uei, recipient_duns, recipient_parent_uei,
           total_obligated_amount
    FROM awards WHERE awarding_sub_agency_name IN ({agencies})
) WHERE name IS NOT NULL
GROUP BY ALL
"""

_LIST_SOURCES = {
    "transactions": ("usaspending-cbp-ice-transactions", "CBP/ICE transactions FY2021-FY2026"),
    "awards": ("usaspending-mn-ice-awards", "ICE prime award summaries (Minnesota recipients)"),
}


def draft_recipient_lists(
    con: duckdb.DuckDBPyConnection, resolver: Resolver, min_amount: Decimal
) -> str:
    """YAML for a curator: recipients above ``min_amount`` that nothing resolves yet.

    Read-only. Names whose normalised forms agree are drafted as one organisation; a curator
    reviews the draft (moving companies into families) before committing it.
    """
    agencies = ", ".join("'" + a.replace("'", "''") + "'" for a in ENFORCEMENT_AGENCIES)
    totals: dict[tuple[str, str], Decimal] = {}
    for table, name, uei, duns, parent_uei, amount in con.execute(
        _RAW_AMOUNTS.format(agencies=agencies)
    ).fetchall():
        if resolver.match(name, uei=uei, duns=duns, parent_uei=parent_uei).organisation:
            continue
        totals[(table, name)] = totals.get((table, name), Decimal(0)) + (amount or Decimal(0))
    groups: dict[str, tuple[list[str], set[str]]] = {}
    for (table, name), amount in sorted(totals.items(), key=lambda kv: (-kv[1], kv[0][1])):
        if amount > min_amount:
            names, tables = groups.setdefault(normalise(name), ([], set()))
            if name not in names:
                names.append(name)
            tables.add(table)
    lines = ["recipient_lists:"]
    for combo in (("transactions",), ("awards",), ("transactions", "awards")):
        chosen = [names for names, tables in groups.values() if tables == set(combo)]
        if not chosen:
            continue
        sources = ", ".join(_LIST_SOURCES[t][0] for t in combo)
        where = " and ".join(_LIST_SOURCES[t][1] for t in combo)
        lines += [
            f"  - title: Recipients of over ${min_amount:,.0f} in {where}, "
            "registered as their own organisations",
            f"    sources: [{sources}]",
            "    names:",
        ]
        for names in chosen:
            quoted = [_yaml_string(n) for n in names]
            item = quoted[0] if len(quoted) == 1 else f"[{', '.join(quoted)}]"
            lines.append(f"      - {item}")
    return "\n".join(lines) + "\n"


def _yaml_string(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


_BY_RECIPIENT = """
SELECT recipient_name AS name, any_value(organisation) AS organisation,
       any_value(family) AS family, sum(federal_action_obligation) AS amount
FROM facts GROUP BY recipient_name ORDER BY amount DESC, name
"""


def coverage(con: duckdb.DuckDBPyConnection, registry: Registry, top: int = 50) -> dict[str, Any]:
    """How much of the money resolution explains: the unresolved share of the obligations (net,
    and gross of negative corrections), and for the ``top`` recipients by dollars whether each
    is in a family whose head is a curated organisation (not a placeholder registered only as a
    recipient) and whose every ownership edge on the way cites a source."""
    rows = con.execute(_BY_RECIPIENT).fetchall()
    total = sum((r[3] for r in rows), Decimal(0))
    unresolved = [r[3] for r in rows if r[1] is None]
    largest = []
    for name, org, family, amount in rows[:top]:
        sourced = False
        if org is not None and family is not None and family in registry.organisations:
            head = registry.organisation(family)
            edges = [registry.parent(o) for o in registry.chain(org)[:-1]]
            sourced = (
                head.kind != "recipient"
                and bool(head.sources)
                and all(e is not None and e.sources for e in edges)
            )
        largest.append(
            {"name": name, "amount": amount, "organisation": org, "family": family,
             "sourced_family": sourced}
        )  # fmt: skip
    net = sum(unresolved, Decimal(0))
    gross = sum((abs(a) for a in unresolved), Decimal(0))
    return {
        "total": total,
        "unresolved": net,
        "unresolved_gross": gross,
        "unresolved_share": net / total if total else Decimal(0),
        "top": largest,
        "top_in_sourced_family": sum(1 for r in largest if r["sourced_family"]),
    }
