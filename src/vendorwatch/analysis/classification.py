"""What an award buys: the first classification rule in the registry that matches the award.

The rules are curated data (``registry/data/classification.yaml``, checked by ``vendorwatch
registry check``). An award's texts are all its transaction descriptions, its award description
and its PSC description, so that a modification called "EXERCISE OP2" is classed with the award
it belongs to; its PSC and NAICS codes ride along as ``PSC=7050`` / ``NAICS=334220`` words and
its recipient as ``RECIPIENT=VENNTEL_INC_`` (underscores: no rule's words match inside it), so a
rule's code and recipient prefixes are matched by the same RE2 pass. Misspellings the registry
lists ("MITITGATION") are read as the right word first. Matching runs in the warehouse engine
(RE2 through Ibis) over all awards at once; the rule and the words that matched (or the code)
are kept as the evidence.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from vendorwatch.analysis.base import transactions
from vendorwatch.analysis.lazy import engine, ibis, ir
from vendorwatch.registry import Registry, shipped_registry
from vendorwatch.registry.models import ClassificationRule


@dataclass(frozen=True)
class Rule:
    id: str
    category: str
    pattern: str  # what runs over the award's text: the rule's words, PSC and NAICS prefixes
    written_from: str


@dataclass(frozen=True)
class ClassificationRules:
    categories: dict[str, str]  # id -> label, "other" included
    rules: list[Rule]
    spellings: list[tuple[str, str]] = field(default_factory=list)  # (RE2 word, right word)


def _name_word(name: str) -> str:
    """A recipient name as one word: ``VENNTEL INC`` -> ``VENNTEL_INC_``."""
    return "".join(f"{w}_" for w in re.findall(r"[0-9A-Z]+", name.upper()))


def _pattern(rule: ClassificationRule) -> str:
    parts = [f"(?:{rule.pattern})"] if rule.pattern else []
    for scheme, prefixes in (("PSC", rule.psc), ("NAICS", rule.naics)):
        if prefixes:
            parts.append(rf"\b{scheme}=(?:{'|'.join(prefixes)})\w*")
    if rule.recipients:
        names = "|".join(_name_word(n) for n in rule.recipients)
        parts.append(rf"\bRECIPIENT=(?:{names})\w*")
    return "|".join(parts)


def rules_of(registry: Registry) -> ClassificationRules:
    return ClassificationRules(
        categories={c.value.id: c.value.label for c in registry.categories.values()},
        rules=[
            Rule(r.value.id, r.value.category, _pattern(r.value), r.value.written_from)
            for r in registry.classification_rules.values()
        ],
        spellings=[(s.value.wrong, s.value.right) for s in registry.spellings.values()],
    )


_compiled: list[tuple[Registry, ClassificationRules]] = []


def rules() -> ClassificationRules:
    """The rules of the registry in use, compiled once per registry content: a long-running
    site re-derives with the edited rules, not the ones it started with."""
    registry = shipped_registry()  # the same object while its files are unchanged
    found = next((r for reg, r in _compiled if reg is registry), None)
    if found is None:
        found = rules_of(registry)
        _compiled[:] = [(registry, found)]
    return found


def _codes(
    psc: ir.StringValue, naics: ir.StringValue, recipient: ir.StringValue
) -> list[ir.StringValue]:
    """The award's codes and recipient as words a rule's prefixes match (nothing if missing)."""
    name = recipient.upper().re_replace(r"[^0-9A-Z]+", "_").re_replace(r"^_+|_+$", "")
    return [
        (ibis.literal("PSC=") + psc).fill_null(""),
        (ibis.literal("NAICS=") + naics).fill_null(""),
        (ibis.literal("RECIPIENT=") + name + ibis.literal("_")).fill_null(""),
    ]


def spelt_right(text: ir.StringValue) -> ir.StringValue:
    """The text with the registry's known misspellings replaced by the right words."""
    for wrong, right in rules().spellings:
        text = text.re_replace(rf"\b{wrong}\b", right)
    return text


@dataclass(frozen=True)
class Classification:
    category: str
    label: str
    rule: str | None  # None: no rule matched, so "other"
    evidence: str | None  # the words that matched


def award_texts(con: Any) -> ir.Table:
    """One row per award: its key and all its texts joined, upper-cased."""
    t = transactions(con)
    from_transactions = t.select(
        award_key=t.contract_award_unique_key,
        text=ibis.literal(" | ").join(
            [
                t.transaction_description.fill_null(""),
                t.prime_award_base_transaction_description.fill_null(""),
                t.product_or_service_code_description.fill_null(""),
                *_codes(t.product_or_service_code, t.naics_code, t.recipient_name),
            ]
        ),
    )
    a = con.table("awards")
    from_awards = a.select(
        award_key=a.contract_award_unique_key,
        text=ibis.literal(" | ").join(
            [
                a.prime_award_base_transaction_description.fill_null(""),
                a.product_or_service_code_description.fill_null(""),
                *_codes(a.product_or_service_code, a.naics_code, a.recipient_name),
            ]
        ),
    )
    both = ibis.union(from_transactions, from_awards)
    grouped = both.group_by("award_key").aggregate(text=both.text.upper().group_concat(" || "))
    return grouped.mutate(text=spelt_right(grouped.text))


def classify(texts: ir.Table) -> ir.Table:
    """Add category, rule and evidence columns to a table with a ``text`` column."""
    spec = rules()
    pattern = {r.id: r.pattern for r in spec.rules}
    category = ibis.cases(
        *[(texts.text.re_search(r.pattern), r.category) for r in spec.rules], else_="other"
    )
    rule = ibis.cases(*[(texts.text.re_search(p), rid) for rid, p in pattern.items()], else_=None)
    evidence = ibis.cases(
        *[
            (texts.text.re_search(p), texts.text.re_extract(p, 0).substr(0, 120))
            for p in pattern.values()
        ],
        else_=None,
    )
    return texts.mutate(category=category, rule=rule, evidence=evidence)


def award_classes(con: Any) -> ir.Table:
    """award_key, category, rule, evidence for every award in the warehouse."""
    return classify(award_texts(con)).drop("text")


def classification_of(con: Any, award_key: str) -> Classification:
    texts = award_texts(con)
    rows = engine.rows(classify(texts.filter(texts.award_key == award_key)))
    if not rows:
        return Classification("other", rules().categories["other"], None, None)
    category = str(rows[0]["category"])
    return Classification(
        category=category,
        label=rules().categories[category],
        rule=rows[0]["rule"],
        evidence=rows[0]["evidence"],
    )
