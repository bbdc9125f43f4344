"""A patron risk notice for a shared account, and a one-page data-literacy handout.

Where a library keeps a product from an exposed family (an accredited programme needs Westlaw
or Lexis), the audit offers a notice to post beside the shared account: what the product's
owner sells to immigration enforcement (the registry, with sources), what the loaded contract
records show (the warehouse, with what they cover), what a search on a shared account may still
reveal, safer practices and where to ask. English and Spanish; HTML, PDF and plain text. The
sentences are in ``notice_texts.yaml``; every fact comes from the registry or the records.
"""

from __future__ import annotations

import difflib
from datetime import date
from decimal import Decimal
from functools import cache
from importlib import resources
from typing import Any, Literal

import yaml

from vendorwatch.errors import VendorwatchError
from vendorwatch.formatting import money
from vendorwatch.registry import Registry

Language = Literal["en", "es"]
LANGUAGES: tuple[Language, ...] = ("en", "es")
FORMATS = ("html", "pdf", "txt")
_MONTHS_ES = (
    "enero", "febrero", "marzo", "abril", "mayo", "junio",
    "julio", "agosto", "septiembre", "octubre", "noviembre", "diciembre",
)  # fmt: skip


@cache
def texts() -> dict[str, dict[str, Any]]:
    text = resources.files(__package__).joinpath("notice_texts.yaml").read_text("utf-8")
    found: dict[str, dict[str, Any]] = yaml.safe_load(text)
    return found


def day_in(value: date, lang: str) -> str:
    """1 December 2026 / 1 de diciembre de 2026."""
    if lang == "es":
        return f"{value.day} de {_MONTHS_ES[value.month - 1]} de {value.year}"
    return f"{value.day} {value:%B %Y}"


def find_product(registry: Registry, wanted: str) -> str:
    """A product's id from its id or name (any case); refused with the nearest names."""
    key = wanted.strip().casefold()
    for product_id, entry in registry.products.items():
        if key in (product_id.casefold(), entry.value.name.casefold()):
            return product_id
    names = {e.value.name: pid for pid, e in registry.products.items()}
    near = difflib.get_close_matches(wanted, list(names), n=3, cutoff=0.5)
    hint = f"; did you mean {', '.join(f'{names[n]} ({n})' for n in near)}?" if near else ""
    raise VendorwatchError(f"no product {wanted!r} in the registry{hint}")


def _records(con: Any, family: str) -> dict[str, Any]:
    """The family's obligations by awarding sub-agency in the loaded transactions."""
    from vendorwatch.analysis import engine  # noqa: PLC0415 - Ibis only when asked
    from vendorwatch.analysis.coverage import coverage  # noqa: PLC0415
    from vendorwatch.analysis.facts import fact_table  # noqa: PLC0415

    t = fact_table(con)
    mine = t.filter(t.family == family)
    rows = engine.rows(
        mine.group_by(agency=mine.awarding_sub_agency_name)
        .aggregate(amount=mine.federal_action_obligation.sum(), count=mine.count())
        .order_by("agency")
    )
    amount = sum((Decimal(r["amount"] or 0) for r in rows), Decimal(0))
    covered = coverage(con, family=family)  # the loaded data's dates, not the family's
    return {
        "amount": amount,
        "count": sum(int(r["count"]) for r in rows),
        "agencies": [r["agency"] for r in rows if r["agency"]],
        "first": covered.first,
        "last": covered.last,
    }


def _sources(registry: Registry, ids: list[str]) -> list[dict[str, Any]]:
    seen: list[dict[str, Any]] = []
    for source_id in dict.fromkeys(ids):
        entry = registry.sources.get(source_id)
        if entry is not None:
            s = entry.value
            seen.append(
                {"id": s.id, "title": s.title, "url": s.url, "date": s.date, "verified": s.verified}
            )
    return seen


def patron_notice(
    con: Any,
    registry: Registry,
    product: str,
    *,
    lang: str = "en",
    library: str | None = None,
    today: date | None = None,
) -> dict[str, Any]:
    """Everything the notice says, in ``lang``: its sentences filled with the facts."""
    if lang not in LANGUAGES:
        raise VendorwatchError(f"no notice in {lang!r}; choose one of: {', '.join(LANGUAGES)}")
    product_id = find_product(registry, product)
    item = registry.products[product_id].value
    family = registry.family(item.owner)
    owner, family_name = registry.organisation(item.owner).name, registry.organisation(family).name
    members = [o for o in registry.organisations if registry.family(o) == family]
    sells: list[dict[str, Any]] = [
        {
            "organisation": registry.organisation(org).name,
            "category": s.category,
            "description": s.description,
            "verified": registry.is_verified(s),
            "sources": list(s.sources),
        }
        for org in members
        for s in registry.organisation(org).sells
    ]
    words = texts()[lang]
    names = {"product": item.name, "owner": owner, "family": family_name}
    records = _records(con, family)
    today = today or date.today()
    if records["count"]:
        line = words["records_line"].format(
            family=family_name,
            amount=money(records["amount"]),
            count=f"{records['count']:,}",
            agencies=", ".join(records["agencies"]),
            first=day_in(records["first"], lang) if records["first"] else "?",
            last=day_in(records["last"], lang) if records["last"] else "?",
        )
    else:
        line = words["records_none"].format(family=family_name)
    cited = [*item.sources, *(src for s in sells for src in s["sources"])]
    cited += ["usaspending-cbp-ice-transactions"] if records["count"] else []
    return {
        "lang": lang,
        "library": library,
        "product": {"id": product_id, "name": item.name, "verified": registry.is_verified(item)},
        "owner": owner,
        "family": {"id": family, "name": family_name},
        "title": words["notice_title"].format(**names),
        "intro": " ".join(words["intro"].format(**names).split()),
        "sells": sells,
        "records": {**records, "line": line, "bound": words["records_bound"]},
        "sources": _sources(registry, cited),
        "generated": words["generated"].format(day=day_in(today, lang)),
        "words": words,
    }


def handout(lang: str = "en", *, today: date | None = None) -> dict[str, Any]:
    """The one-page data-literacy handout that comes with the notice."""
    if lang not in LANGUAGES:
        raise VendorwatchError(f"no handout in {lang!r}; choose one of: {', '.join(LANGUAGES)}")
    words = texts()[lang]
    today = today or date.today()
    return {
        "lang": lang,
        "title": words["handout_title"],
        "points": words["handout_points"],
        "generated": words["generated"].format(day=day_in(today, lang)),
        "words": words,
    }
