"""One search box over families, companies, products, recipients, PIIDs and descriptions.

Matching is by whole words, all of which must appear (case-insensitive): "TLO" finds the
TLO product, not every "OUTLOOK". DuckDB's full-text extension would need a download, which
an offline install cannot do; at the warehouse sizes served here a scan is fast enough.
"""

from __future__ import annotations

import re
from typing import Any

import ibis

from vendorwatch.analysis.base import plain
from vendorwatch.analysis.facts import fact_table
from vendorwatch.registry import Registry


def _words(query: str) -> list[str]:
    return [w for w in re.split(r"[^\w&.-]+", query.upper()) if w]


def _pattern(words: list[str]) -> str:
    """RE2: every word, on word boundaries, in any order."""
    return "".join(f"(?=.*\\b{re.escape(w)}\\b)" for w in words)


def _all_words(text: str, words: list[str]) -> bool:
    upper = text.upper()
    return all(re.search(rf"\b{re.escape(w)}\b", upper) for w in words)


def search(con: Any, registry: Registry, query: str, *, limit: int = 20) -> dict[str, Any]:
    """Results grouped by kind; each carries what the page needs to link to it."""
    words = _words(query)
    if not words:
        return {"query": query, "families": [], "products": [], "recipients": [], "awards": []}
    orgs = []
    for entry in registry.organisations.values():
        org = entry.value
        names = [org.name, *(a.name for a in org.aliases)]
        if any(_all_words(n, words) for n in names):
            orgs.append({"id": org.id, "name": org.name, "family": registry.family(org.id)})
    products = [
        {"id": p.value.id, "name": p.value.name, "owner": p.value.owner,
         "family": registry.family(p.value.owner)}
        for p in registry.products.values()
        if _all_words(" ".join([p.value.name, *p.value.platform_names]), words)
    ]  # fmt: skip
    facts = fact_table(con)
    recipients = (
        facts.filter(
            ibis.and_(
                *[facts.recipient_name.upper().re_search(rf"\b{re.escape(w)}\b") for w in words]
            )
        )
        .group_by(name=facts.recipient_name)
        .aggregate(
            family=facts.family.arbitrary(),
            obligations=facts.federal_action_obligation.sum(),
            awards=facts.contract_award_unique_key.nunique(),
        )
        .order_by(ibis.desc("obligations"))
        .limit(limit)
        .to_pyarrow()
        .to_pylist()
    )
    text = (
        ibis.literal(" ")
        .join(
            [
                facts.award_id_piid.fill_null(""),
                facts.transaction_description.fill_null(""),
                facts.prime_award_base_transaction_description.fill_null(""),
            ]
        )
        .upper()
    )
    piid = query.strip().upper()
    matched = facts.filter(
        (facts.award_id_piid.upper() == piid)
        | (facts.contract_award_unique_key.upper() == piid)
        | ibis.and_(*[text.re_search(rf"\b{re.escape(w)}\b") for w in words])
    )
    awards = (
        matched.group_by(award_key=matched.contract_award_unique_key)
        .aggregate(
            piid=matched.award_id_piid.arbitrary(),
            recipient=matched.recipient_name.arbitrary(),
            family=matched.family.arbitrary(),
            description=matched.transaction_description.arbitrary(),
            obligations=matched.federal_action_obligation.sum(),
            exact=(matched.award_id_piid.upper() == piid).any(),
        )
        .order_by([ibis.desc("exact"), ibis.desc("obligations")])
        .limit(limit)
        .to_pyarrow()
        .to_pylist()
    )
    return {
        "query": query,
        "families": orgs[:limit],
        "products": products[:limit],
        "recipients": [{k: plain(v) for k, v in r.items()} for r in recipients],
        "awards": [{k: plain(v) for k, v in r.items() if k != "exact"} for r in awards],
    }
