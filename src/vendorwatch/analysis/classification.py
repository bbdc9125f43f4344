"""What an award buys: the first rule in ``classification_rules.yaml`` that matches its texts.

The award's texts are all its transaction descriptions, its award description and its PSC
description, so that a modification called "EXERCISE OP2" is classed with the award it
belongs to. Matching runs in the warehouse engine (RE2 through Ibis) over all awards at once;
the rule and the words that matched are kept as the evidence.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

import ibis
import ibis.expr.types as ir
import yaml
from pydantic import BaseModel, model_validator

from vendorwatch.analysis.base import transactions


class Rule(BaseModel):
    id: str
    category: str
    pattern: str
    source: str


class ClassificationRules(BaseModel):
    categories: dict[str, str]
    rules: list[Rule]

    @model_validator(mode="after")
    def _known_categories(self) -> ClassificationRules:
        unknown = {r.category for r in self.rules} - set(self.categories)
        if unknown:
            raise ValueError(f"rules name unknown categories: {sorted(unknown)}")
        return self


@cache
def rules() -> ClassificationRules:
    text = resources.files(__package__).joinpath("classification_rules.yaml").read_text("utf-8")
    return ClassificationRules.model_validate(yaml.safe_load(text))


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
            ]
        ),
    )
    both = ibis.union(from_transactions, from_awards)
    return both.group_by("award_key").aggregate(text=both.text.upper().group_concat(" || "))


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
    rows = classify(texts.filter(texts.award_key == award_key)).to_pyarrow().to_pylist()
    if not rows:
        return Classification("other", rules().categories["other"], None, None)
    category = str(rows[0]["category"])
    return Classification(
        category=category,
        label=rules().categories[category],
        rule=rows[0]["rule"],
        evidence=rows[0]["evidence"],
    )
