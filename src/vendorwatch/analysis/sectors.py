"""What line of business a family's money is for, so a chart compares like with like.

A sector is curated per organisation (the registry's ``sector``); an organisation without one
takes its nearest owner's. The home page's vendor chart counts, for each family, only the
obligations of its organisations in the data, surveillance and research sectors: The GEO Group's
detention money is not surveillance spending, while its subsidiary B.I. Incorporated's
electronic monitoring is; a builder of the border wall is not a data vendor at all.

An organisation with no sector anywhere in its ownership chain is counted in that chart only
when its family is one the registry records selling data or surveillance tools (a ``sells``
entry): the chart's old rule, kept for families nobody has given a sector yet.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any

from vendorwatch.analysis.base import plain
from vendorwatch.analysis.facts import fact_table
from vendorwatch.analysis.lazy import engine, ibis
from vendorwatch.registry import Registry

SECTOR_LABELS = {
    "detention-operator": "detention operator",
    "electronic-monitoring": "electronic monitoring",
    "construction": "construction",
    "data-broker": "data broker",
    "surveillance-technology": "surveillance technology",
    "security-screening": "security screening equipment",
    "legal-research": "legal research and publishing",
    "it-services": "IT services",
    "consulting": "consulting",
    "defence-aerospace": "defence and aerospace",
    "security-services": "guards and security services",
    "aviation": "aviation",
    "healthcare-staffing": "medical staffing",
    "facilities-logistics": "facilities and logistics",
    "telecommunications": "telecommunications",
    "supplies": "supplies and uniforms",
    "research-institute": "research institute",
}
# The sectors the home page's "Data, surveillance and research vendors" chart is about.
DATA_AND_SURVEILLANCE = frozenset(
    {"data-broker", "surveillance-technology", "electronic-monitoring", "legal-research"}
)


def sector_of(registry: Registry, org_id: str, on: date | None = None) -> str | None:
    """The organisation's sector, or its nearest owner's; None when nobody has given one."""
    for member in registry.chain(org_id, on):
        sector = registry.organisation(member).sector
        if sector is not None:
            return sector
    return None


def _selling_families(registry: Registry) -> set[str]:
    """Families with a curated 'what it sells' entry: data and surveillance vendors."""
    return {registry.family(o) for o, e in registry.organisations.items() if e.value.sells}


def counted_organisations(
    registry: Registry, sectors: Iterable[str] = DATA_AND_SURVEILLANCE
) -> set[str]:
    """Organisations whose obligations count as the given sectors' (see the module note)."""
    wanted = set(sectors)
    selling = _selling_families(registry) if wanted & DATA_AND_SURVEILLANCE else set()
    counted = set()
    for org_id in registry.organisations:
        sector = sector_of(registry, org_id)
        if sector in wanted or (sector is None and registry.family(org_id) in selling):
            counted.add(org_id)
    return counted


def sector_rollup(
    con: Any,
    registry: Registry,
    sectors: Iterable[str] = DATA_AND_SURVEILLANCE,
    *,
    limit: int | None = None,
) -> list[dict[str, Any]]:
    """Per family, the obligations, transactions and awards of its organisations in ``sectors``
    only, largest first: rows of {family, name, obligations, transactions, awards}."""
    counted = sorted(counted_organisations(registry, sectors))
    if not counted:
        return []
    f = fact_table(con)
    chosen = f.filter(f.organisation.isin(counted) & f.family.notnull())
    result = (
        chosen.group_by("family")
        .aggregate(
            obligations=chosen.federal_action_obligation.sum(),
            transactions=chosen.count(),
            awards=chosen.contract_award_unique_key.nunique(),
        )
        .order_by([ibis.desc("obligations"), "family"])
    )
    if limit:
        result = result.limit(limit)
    rows = [{k: plain(v) for k, v in r.items()} for r in engine.rows(result)]
    parts = _counted_parts(chosen, registry, set(counted), [r["family"] for r in rows])
    for row in rows:
        fam = row["family"]
        name = registry.organisation(fam).name if fam in registry.organisations else fam
        # A family counted only in part says which part, so GEO's bar reads as B.I.'s.
        row["name"] = f"{name} (only {parts[fam]})" if fam in parts else name
    return rows


def _counted_parts(
    chosen: Any, registry: Registry, counted: set[str], families: list[str]
) -> dict[str, str]:
    """For families with organisations outside the sectors, the names of those inside."""
    partial = [f for f in families if set(registry.members(f)) - counted]
    if not partial:
        return {}
    orgs = engine.rows(
        chosen.filter(chosen.family.isin(partial))
        .select("family", "organisation")
        .distinct()
        .order_by(["family", "organisation"])
    )
    named: dict[str, list[str]] = {}
    for r in orgs:
        named.setdefault(r["family"], []).append(registry.organisation(r["organisation"]).name)
    return {f: ", ".join(names) for f, names in named.items()}
