"""Where the money lands: place of performance against the registry's "sanctuary" lists.

There is no official list of sanctuary jurisdictions; each list in the registry is one
publisher's, as of its date (`registry/data/jurisdictions.yaml`), and every answer names the
list and the date it used. Two measures are kept apart, never added together: the award
summaries' total obligated per award (the latest summary of each award), and the transactions'
net obligations. A place is matched by state, by county (``Cook County IL``) or by city
(``Chicago IL``); a list's city entry without a state is not matched (``Portland`` and
``Rochester`` each name several cities), and the answer says how many such entries it skipped.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from vendorwatch.analysis.base import plain
from vendorwatch.analysis.facts import fact_table
from vendorwatch.analysis.lazy import engine, ir
from vendorwatch.analysis.rollups import award_summaries
from vendorwatch.errors import VendorwatchError
from vendorwatch.registry import Registry
from vendorwatch.registry.models import JurisdictionList

_PLACE = re.compile(r"^(?P<name>.+?)\s+(?P<state>[A-Z]{2})$")
_COUNTY = re.compile(r"\s+(COUNTY|PARISH|BOROUGH)$")


@dataclass(frozen=True)
class Places:
    """One list's jurisdictions as the data spells places: upper case, county without "County"."""

    states: frozenset[str]
    counties: frozenset[tuple[str, str]]
    cities: frozenset[tuple[str, str]]
    unmatched: tuple[str, ...]  # entries without a state: not matched

    @classmethod
    def of(cls, entry: JurisdictionList) -> Places:
        counties: set[tuple[str, str]] = set()
        cities: set[tuple[str, str]] = set()
        unmatched: list[str] = []
        for kind, names in (("county", entry.counties), ("city", entry.cities)):
            for text in names:
                found = _PLACE.match(text.strip())
                if found is None:
                    unmatched.append(text)
                    continue
                name = found["name"].upper()
                if kind == "county":
                    counties.add((_COUNTY.sub("", name), found["state"]))
                else:
                    cities.add((name, found["state"]))
        return cls(
            frozenset(entry.states), frozenset(counties), frozenset(cities), tuple(unmatched)
        )

    def holds(self, state: str | None, county: str | None, city: str | None) -> str | None:
        """Why a place is on the list (``"state"``, ``"county"``, ``"city"``), or None."""
        if not state:
            return None
        if state in self.states:
            return "state"
        if county and (_COUNTY.sub("", county.upper()), state) in self.counties:
            return "county"
        if city and (city.upper(), state) in self.cities:
            return "city"
        return None


@dataclass
class Measure:
    """One measure's money by place: what it sums, and how much of it has no place."""

    source: str
    measure: str
    rows: list[dict[str, Any]] = field(default_factory=list)  # state, county, city, amount, n

    @property
    def total(self) -> Decimal:
        return sum((Decimal(r["amount"]) for r in self.rows), Decimal(0))

    @property
    def placed(self) -> bool:
        return any(r["state"] for r in self.rows)

    @property
    def unplaced(self) -> Decimal:
        return sum((Decimal(r["amount"]) for r in self.rows if not r["state"]), Decimal(0))

    def by_state(self, places: Places) -> list[dict[str, Any]]:
        states: dict[str, dict[str, Any]] = {}
        for r in self.rows:
            if not r["state"]:
                continue
            row = states.setdefault(
                r["state"],
                {"state": r["state"], "amount": Decimal(0), "count": 0, "listed": Decimal(0)},
            )
            row["amount"] += Decimal(r["amount"])
            row["count"] += r["n"]
            if places.holds(r["state"], r["county"], r["city"]):
                row["listed"] += Decimal(r["amount"])
        ordered = sorted(states.values(), key=lambda s: (-s["amount"], s["state"]))
        for row in ordered:
            row["on_list"] = (
                "state" if row["state"] in places.states else "part" if row["listed"] else None
            )
        return ordered

    def listed(self, places: Places) -> Decimal:
        return sum(
            (
                Decimal(r["amount"])
                for r in self.rows
                if places.holds(r["state"], r["county"], r["city"])
            ),
            Decimal(0),
        )


def _grouped(t: ir.Table, amount: ir.NumericValue, count: ir.Value) -> list[dict[str, Any]]:
    t = t.mutate(
        _state=t.primary_place_of_performance_state_code.nullif(""),
        _county=t.primary_place_of_performance_county_name.nullif(""),
        _city=t.primary_place_of_performance_city_name.nullif(""),
        _amount=amount,
        _count=count,
    )
    grouped = t.group_by(state="_state", county="_county", city="_city").aggregate(
        amount=t._amount.sum(), n=t._count.nunique()
    )
    return [
        {**r, "amount": r["amount"] if r["amount"] is not None else Decimal(0)}
        for r in engine.rows(grouped.order_by("state", "county", "city"))
    ]


def measures(con: Any, *, family: str | None = None, orgs: Iterable[str] = ()) -> list[Measure]:
    """Money by place of performance in both measures, for everyone or for one family (its
    member companies ``orgs`` when given)."""
    chosen = list(orgs)

    def mine(t: ir.Table) -> ir.Table:
        if family is not None:
            t = t.filter(t.family == family)
        if chosen:
            t = t.filter(t.organisation.isin(chosen))
        return t

    awards = mine(award_summaries(con, classified=False))
    facts = mine(fact_table(con))
    return [
        Measure(
            "award summaries",
            "total obligated per award (latest summary of each award)",
            _grouped(awards, awards.total_obligated_amount, awards.contract_award_unique_key),
        ),
        Measure(
            "transactions",
            "net obligations (sum of transactions)",
            _grouped(facts, facts.federal_action_obligation, facts.contract_award_unique_key),
        ),
    ]


def lists_of(registry: Registry, chosen: str | None = None) -> list[JurisdictionList]:
    found = [e.value for e in registry.jurisdiction_lists.values()]
    if chosen is None:
        return sorted(found, key=lambda j: (j.published, j.id), reverse=True)
    picked = [j for j in found if j.id == chosen]
    if not picked:
        known = ", ".join(sorted(j.id for j in found))
        raise VendorwatchError(f"no jurisdiction list {chosen!r}; known: {known}")
    return picked


def sanctuary_places(
    con: Any,
    registry: Registry,
    *,
    family: str | None = None,
    orgs: Iterable[str] = (),
    list_id: str | None = None,
) -> dict[str, Any]:
    """Per list and measure: the money performed in the list's jurisdictions, by state, with
    what has no place at all. JSON-ready, as the dossier is: money as exact decimal strings,
    dates ISO (`plain`)."""
    found = measures(con, family=family, orgs=orgs)
    answers = []
    for entry in lists_of(registry, list_id):
        places = Places.of(entry)
        answers.append(
            {
                "list": {
                    "id": entry.id,
                    "publisher": entry.publisher,
                    "short": entry.short or entry.publisher,
                    "publisher_kind": entry.publisher_kind,
                    "title": entry.title,
                    "published": entry.published,
                    "states": sorted(places.states),
                    "counties": len(places.counties),
                    "cities": len(places.cities),
                    "not_matched": list(places.unmatched),
                    "verified": registry.is_verified(entry),
                    "sources": entry.sources,
                },
                "measures": [
                    {
                        "source": m.source,
                        "measure": m.measure,
                        "total": m.total,
                        "without_place": m.unplaced,
                        "in_listed_places": m.listed(places),
                        "by_state": m.by_state(places),
                    }
                    for m in found
                    if m.placed
                ],
            }
        )
    answer: dict[str, Any] = _plain_tree(
        {
            "family": family,
            "lists": answers,
            # Measures whose rows carry no place of performance at all (the CBP/ICE dashboard
            # files and the API export have none): said, not shown as $0 in every place.
            "without_place": [
                {"source": m.source, "measure": m.measure, "total": m.total}
                for m in found
                if m.rows and not m.placed
            ],
            "generated_on": date.today(),
        }
    )
    return answer


def _plain_tree(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _plain_tree(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain_tree(v) for v in value]
    return plain(value)
