"""One search box over families, companies, products, recipients and awards.

An award is found by who got it as much as by what it says: a transaction matches when every
word of the query (case-insensitive, whole words: "TLO" finds the TLO product, not every
"OUTLOOK") appears in its recipient's name, its organisation's or family's id, name or aliases,
its PIID or award id, or its descriptions. Words naming an agency in the registry (ICE, CBP,
DHS …) and fiscal years (FY2024, 2024) filter instead of matching text. Each award row carries
the award's total obligations over all its transactions (what its own page says), with how
many of its transactions matched. DuckDB's full-text extension would need a download an
offline install cannot do; at the warehouse sizes served here a scan is fast enough.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from rapidfuzz import fuzz, process

from vendorwatch.analysis.base import plain
from vendorwatch.analysis.facts import fact_table, per_award
from vendorwatch.analysis.lazy import engine, ibis, ir
from vendorwatch.limits import check_query
from vendorwatch.registry import Registry

FISCAL_YEAR = re.compile(r"^(?:FY)?((?:19|20)\d\d)$|^FY(\d\d)$")


def _words(query: str) -> list[str]:
    return [w for w in re.split(r"[^\w&.-]+", query.upper()) if w]


def _all_words(text: str, words: list[str]) -> bool:
    upper = text.upper()
    return all(re.search(rf"\b{re.escape(w)}\b", upper) for w in words)


def _plain(text: str) -> str:
    """An id or name as words: "lexisnexis-risk-solutions" → "LEXISNEXIS RISK SOLUTIONS"."""
    return re.sub(r"[^\w&.]+", " ", text.upper()).strip()


def _bare_agency(column: ir.StringValue) -> ir.StringValue:
    return column.upper().re_replace(r"^U\.S\. ", "")


@dataclass
class Query:
    """The query's words, split into text to match and filters to apply."""

    text: list[str] = field(default_factory=list)
    agencies: list[tuple[str, str]] = field(default_factory=list)  # (word, agency name)
    years: list[int] = field(default_factory=list)

    def filters(self) -> list[dict[str, Any]]:
        return [
            *({"kind": "agency", "word": w, "name": n} for w, n in self.agencies),
            *({"kind": "fiscal_year", "value": y} for y in self.years),
        ]


def parse(registry: Registry, query: str) -> Query:
    """Agency words (the id of an agency in the registry) and fiscal years become filters."""
    agencies = {
        org_id.upper(): e.value.name
        for org_id, e in registry.organisations.items()
        if e.value.kind == "agency"
    }
    parsed = Query()
    for word in _words(query):
        year = FISCAL_YEAR.match(word)
        if word in agencies:
            parsed.agencies.append((word, agencies[word]))
        elif year:
            parsed.years.append(int(year[1]) if year[1] else 2000 + int(year[2]))
        else:
            parsed.text.append(word)
    return parsed


_TEXTS: dict[int, tuple[Registry, dict[str, str]]] = {}


def _names(registry: Registry) -> dict[str, str]:
    """Each organisation's id, name and aliases as one text, by id (worked out once per
    registry)."""
    kept = _TEXTS.get(id(registry))
    if kept is None or kept[0] is not registry:
        texts: dict[str, str] = {}
        for org_id, entry in registry.organisations.items():
            org = entry.value
            names = (org_id, org.name, *(a.name for a in org.aliases))
            texts[org_id] = " ".join(_plain(n) for n in names)
        kept = _TEXTS[id(registry)] = (registry, texts)
    return kept[1]


def _text_of(key: ir.StringValue, texts: dict[str, str]) -> ir.StringValue:
    """The registry text of the organisation or family ``key`` names (NULL if none): a CASE
    in the query, not an in-memory table (which Ibis would build with pandas)."""
    if not texts:
        return ibis.null("string")
    found: ir.StringValue = key.substitute(texts, else_=ibis.null("string"))
    return found


def _filtered(t: ir.Table, parsed: Query) -> ir.Table:
    if parsed.agencies:
        names = [_plain(n.removeprefix("U.S. ")) for _, n in parsed.agencies]
        # DHS is the department; ICE and CBP are its sub-agencies: a name may be either level.
        agency = _bare_agency(t.awarding_agency_name).re_replace(r"[^\w&.]+", " ")
        sub = _bare_agency(t.awarding_sub_agency_name).re_replace(r"[^\w&.]+", " ")
        t = t.filter(agency.isin(names) | sub.isin(names))
    if parsed.years:
        t = t.filter(t.fiscal_year.isin(parsed.years))
    return t


MATCHED = ("award_key", "recipient", "family", "obligation", "exact")


def _matching(facts: ir.Table, registry: Registry, parsed: Query, exact: str) -> ir.Table:
    """The transactions the query matches (only the columns `search` needs): award key,
    recipient, family, obligation and whether the PIID or award id is the query itself."""
    facts = _filtered(facts, parsed)
    t = facts.select(
        award_key=facts.contract_award_unique_key,
        piid=facts.award_id_piid,
        recipient=facts.recipient_name,
        organisation=facts.organisation,
        family=facts.family,
        obligation=facts.federal_action_obligation,
        d1=facts.transaction_description,
        d2=facts.prime_award_base_transaction_description,
    )
    is_exact = (t.piid.upper() == exact) | (t.award_key.upper() == exact)
    if not parsed.text:
        return t.mutate(exact=is_exact).select(*MATCHED)
    texts = _names(registry)
    org_text, fam_text = _text_of(t.organisation, texts), _text_of(t.family, texts)
    parts = [t.piid, t.award_key, t.recipient, org_text, fam_text, t.d1, t.d2]
    upper = ibis.literal(" ").join([p.fill_null("") for p in parts]).upper()
    words = [upper.re_search(rf"\b{re.escape(w)}\b") for w in parsed.text]
    is_exact = (t.piid.upper() == exact) | (t.award_key.upper() == exact)
    return t.filter(is_exact | ibis.and_(*words)).mutate(exact=is_exact).select(*MATCHED)


def _awards(
    facts: ir.Table, matched: ir.Table, rows: list[dict[str, Any]], limit: int
) -> list[dict[str, Any]]:
    """The matched awards, each with its total over all its transactions and how many of
    them matched; the query's own PIID first, then the largest."""
    hits: dict[str, dict[str, Any]] = {}
    for r in rows:
        hit = hits.setdefault(r["award_key"], {"matched": 0, "exact": False,
                                               "matched_obligations": Decimal(0)})  # fmt: skip
        hit["matched"] += 1
        hit["exact"] = hit["exact"] or bool(r["exact"])
        hit["matched_obligations"] += r["obligation"] or Decimal(0)
    if not hits:
        return []
    # the matched awards as a subquery (DuckDB runs the match again, cheaply), not a list of
    # every key pasted into the SQL
    mine = facts.filter(facts.contract_award_unique_key.isin(matched.award_key))
    fields = ("piid", "recipient", "organisation", "family", "sub_agency", "description")
    whole: list[dict[str, Any]] = engine.rows(per_award(mine, *fields))
    for award in whole:
        award.update(hits[award["award_key"]])
    whole.sort(key=lambda a: (not a["exact"], -(a["obligations"] or 0), a["award_key"]))
    return whole[:limit]


def _recipients(rows: list[dict[str, Any]], limit: int) -> list[dict[str, Any]]:
    found: dict[str, dict[str, Any]] = {}
    for r in rows:
        name = r["recipient"] or ""
        entry = found.setdefault(name, {"name": r["recipient"], "family": r["family"],
                                        "obligations": Decimal(0), "keys": set()})  # fmt: skip
        entry["obligations"] += r["obligation"] or Decimal(0)
        entry["keys"].add(r["award_key"])
    ranked = sorted(found.values(), key=lambda e: (-e["obligations"], e["name"] or ""))
    return [  # sums of the matching transactions only: named so, never "obligations"
        {"name": e["name"], "family": e["family"], "matched_obligations": e["obligations"],
         "matched_awards": len(e["keys"])}
        for e in ranked[:limit]
    ]  # fmt: skip


def _vocabulary(registry: Registry) -> list[str]:
    words = {
        w
        for e in registry.organisations.values()
        for n in (e.value.name, *(a.name for a in e.value.aliases))
        for w in _words(_plain(n))
        if len(w) > 3
    }
    words |= {w for p in registry.products.values() for w in _words(p.value.name) if len(w) > 3}
    return sorted(words)


def _suggest(
    facts: ir.Table, registry: Registry, parsed: Query, orgs: list[dict[str, Any]], query: str
) -> list[dict[str, str]]:
    """What would match when nothing did: the query without its filters, a family it names,
    or a spelling the registry knows."""
    out: list[dict[str, str]] = []
    if parsed.agencies or parsed.years:
        loose = Query(text=parsed.text)
        hits = _matching(facts, registry, loose, "")
        found = int(engine.scalar(hits.award_key.nunique()))
        if found:
            out.append(
                {"query": " ".join(parsed.text).lower(),
                 "why": f"{found:,} awards match without the agency and year filters"}
            )  # fmt: skip
    for org in orgs[:3]:
        out.append({"query": org["id"], "why": f"the {org['name']} page", "family": org["family"]})
    vocabulary = _vocabulary(registry)
    fixed = []
    for word in parsed.text:
        best = process.extractOne(word, vocabulary, scorer=fuzz.ratio, score_cutoff=80)
        fixed.append(best[0] if best else word)
    if fixed != parsed.text:
        kept = [w for w, _ in parsed.agencies] + [f"FY{y}" for y in parsed.years]
        out.append(
            {"query": " ".join([*fixed, *kept]).lower(), "why": "a spelling the registry knows"}
        )
    return out


def search(con: Any, registry: Registry, query: str, *, limit: int = 20) -> dict[str, Any]:
    """Results grouped by kind; each carries what the page needs to link to it."""
    check_query(query)  # before the words become filters (~950 were too deep to compile)
    parsed = parse(registry, query)
    empty: dict[str, Any] = {
        "query": query, "filters": parsed.filters(), "families": [], "products": [],
        "recipients": [], "awards": [], "awards_found": 0, "suggestions": [],
    }  # fmt: skip
    if not parsed.text and not parsed.agencies and not parsed.years:
        return empty
    words = parsed.text
    orgs = []
    for entry in registry.organisations.values() if words else ():
        org = entry.value
        texts = [_plain(org.id), org.name, *(a.name for a in org.aliases)]
        if any(_all_words(n, words) for n in texts):
            family = registry.family(org.id)
            orgs.append({"id": org.id, "name": org.name, "family": family,
                         "family_name": registry.organisation(family).name})  # fmt: skip
    products = [
        {"id": p.value.id, "name": p.value.name, "owner": p.value.owner,
         "family": registry.family(p.value.owner)}
        for p in (registry.products.values() if words else ())
        if _all_words(" ".join([p.value.name, *p.value.platform_names]), words)
    ]  # fmt: skip
    facts = fact_table(con)
    matched = _matching(facts, registry, parsed, query.strip().upper())
    rows: list[dict[str, Any]] = engine.rows(matched)
    awards = _awards(facts, matched, rows, limit)
    found = len({r["award_key"] for r in rows})
    names = {o: e.value.name for o, e in registry.organisations.items()}
    result = {
        **empty,
        "families": orgs[:limit],
        "products": products[:limit],
        "recipients": [{k: plain(v) for k, v in r.items()} for r in _recipients(rows, limit)],
        "awards": [
            {
                **{k: plain(v) for k, v in r.items() if k != "exact"},
                "organisation_name": names.get(r["organisation"] or ""),
                "family_name": names.get(r["family"] or ""),
            }
            for r in awards
        ],
        "awards_found": found,
    }
    if not awards:
        result["suggestions"] = _suggest(facts, registry, parsed, orgs, query)
    return result
