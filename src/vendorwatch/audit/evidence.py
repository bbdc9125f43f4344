"""The evidence beside each family in an audit: what it sold to DHS (classified, with the largest
awards), what its companies sell, and what a library can use instead.

Split from `audit.report` so that the report module only assembles; every figure here comes
from the analysis functions (the family dossier) or the registry.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from datetime import date
from decimal import Decimal
from typing import Any

from vendorwatch.audit.match import Match
from vendorwatch.audit.models import Holding
from vendorwatch.registry import Registry

SAMPLE = 10
TOP_AWARDS = 8

# Classification categories (registry/data/classification.yaml) in three plain groups, so a
# detainee law library or a research subscription is never called surveillance.
ENFORCEMENT_DATA = frozenset(
    {
        "investigative_data",
        "licence_plates",
        "location_data",
        "facial_recognition",
        "phone_forensics",
        "case_management",
    }
)
RESEARCH = frozenset({"detainee_law_library", "legal_research"})
NO_KNOWN = "no known enforcement contracts"


def category_group(category: str | None) -> str:
    if category in ENFORCEMENT_DATA:
        return "enforcement data and surveillance"
    if category in RESEARCH:
        return "legal research and law libraries"
    return "other goods and services"


def sample(h: Holding, m: Match) -> dict[str, Any]:
    return {
        "title": h.title,
        "identifiers": list(h.identifiers),
        "publisher": h.publisher,
        "file": h.file,
        "line": h.line,
        "reason": m.reason,
    }


def _source_list(registry: Registry, ids: Sequence[str]) -> list[dict[str, Any]]:
    out = []
    for sid in ids:
        entry = registry.sources.get(sid)
        if entry is not None:
            s = entry.value
            out.append({"id": s.id, "title": s.title, "url": s.url, "verified": s.verified})
    return out


def alternatives(
    registry: Registry, products: Sequence[str], family_totals: Mapping[str, Decimal], on: date
) -> list[dict[str, Any]]:
    found: dict[str, dict[str, Any]] = {}
    names = {p: registry.products[p].value.name for p in products if p in registry.products}
    for entry in registry.alternatives.values():
        alt = entry.value
        replaced = [names[p] for p in alt.replaces if p in names]
        if not replaced:
            continue
        caution = None
        if alt.organisation is not None:
            family = registry.family(alt.organisation, on)
            family_name = registry.organisation(family).name
            amount = family_totals.get(family)
            if amount:
                caution = (
                    f"{alt.provider or alt.name} belongs to the {family_name} family, which "
                    f"also has DHS obligations in the loaded data (${amount:,.2f})"
                )
            else:
                caution = (
                    f"{alt.provider or alt.name} belongs to the {family_name} family, which is "
                    "in the registry: check it as you would this vendor"
                )
        found[alt.id] = {
            "id": alt.id,
            "name": alt.name,
            "provider": alt.provider,
            "url": alt.url,
            "free": alt.free,
            "replaces": replaced,
            "note": alt.note,
            "caution": caution,
            "verified": registry.is_verified(alt),
            "sources": _source_list(registry, alt.sources),
        }
    return sorted(
        found.values(), key=lambda a: (a["caution"] is not None, not a["free"], a["name"])
    )


def contracts_of(con: Any, registry: Registry, family: str) -> dict[str, Any] | None:
    from vendorwatch.analysis.dossier import family_dossier  # noqa: PLC0415 - Ibis is slow to import

    d = family_dossier(con, registry, family, top=TOP_AWARDS)
    totals = d["totals"] or {"obligations": "0", "transactions": 0, "awards": 0}
    groups: dict[str, Decimal] = defaultdict(Decimal)
    for row in d["classification"]:
        groups[category_group(row["classification"])] += Decimal(row["obligations"] or 0)
    return {
        "totals": {**totals, "obligations": totals["obligations"] or "0"},
        "classification": [
            {**row, "group": category_group(row["classification"])} for row in d["classification"]
        ],
        "groups": [
            {"group": g, "obligations": str(v)}
            for g, v in sorted(groups.items(), key=lambda kv: -kv[1])
        ],
        "top_awards": [
            {
                **a,
                "group": category_group(a["classification"]),
                "url": f"https://www.usaspending.gov/award/{a['award_key']}",
            }
            for a in d["top_awards"]
        ],
        "claims": [
            {k: c[k] for k in ("statement", "amount", "stated_on", "verified", "sources")}
            for c in d["claims"]
        ],
        "data_sources": d["data_sources"],
        "limits": d["limits"],
    }


def sells(registry: Registry, family: str, on: date) -> list[dict[str, Any]]:
    out = []
    for org_id, entry in registry.organisations.items():
        if registry.family(org_id, on) != family:
            continue
        for s in entry.value.sells:
            out.append(
                {
                    "organisation": entry.value.name,
                    "category": s.category,
                    "description": s.description,
                    "verified": registry.is_verified(s),
                    "sources": _source_list(registry, s.sources),
                }
            )
    return out


def family_index(registry: Registry, on: date) -> dict[str, list[str]]:
    members: dict[str, list[str]] = defaultdict(list)
    for org_id in registry.organisations:
        members[registry.family(org_id, on)].append(org_id)
    return members
