"""The loaded registry and its lookups: an organisation's owner, chain and family on a date,
a family's members, and the sources a fact rests on (its own, or inherited from the item it is
written in)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import MutableMapping
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any, Generic, TypeVar

from pydantic import BaseModel

from vendorwatch.errors import Location
from vendorwatch.registry.models.base import Fact

if TYPE_CHECKING:  # the tables' models: imported by whoever reads or unpickles their entries
    from vendorwatch.registry.models import (
        Alternative,
        Claim,
        ClassificationCategory,
        ClassificationRule,
        ClassificationSpelling,
        Event,
        FoiaOffice,
        JurisdictionList,
        Organisation,
        Override,
        Ownership,
        Product,
        Source,
    )

T = TypeVar("T", bound=BaseModel)


@dataclass(frozen=True)
class Entry(Generic[T]):
    """A validated item and where it was written."""

    value: T
    where: Location


def _today() -> date:
    return date.today()


def _active(edge: Ownership, on: date) -> bool:
    return (edge.since is None or edge.since <= on) and (edge.until is None or on < edge.until)


@dataclass
class Registry:
    """Everything curated, by id, with where each item was written."""

    root: Path
    sources: MutableMapping[str, Entry[Source]] = field(default_factory=dict)
    organisations: MutableMapping[str, Entry[Organisation]] = field(default_factory=dict)
    ownership: list[Entry[Ownership]] = field(default_factory=list)
    products: MutableMapping[str, Entry[Product]] = field(default_factory=dict)
    alternatives: MutableMapping[str, Entry[Alternative]] = field(default_factory=dict)
    foia_offices: MutableMapping[str, Entry[FoiaOffice]] = field(default_factory=dict)
    jurisdiction_lists: MutableMapping[str, Entry[JurisdictionList]] = field(default_factory=dict)
    claims: MutableMapping[str, Entry[Claim]] = field(default_factory=dict)
    # Dated events on families' accountability timelines (vendorwatch.analysis.timeline).
    events: MutableMapping[str, Entry[Event]] = field(default_factory=dict)
    overrides: list[Entry[Override]] = field(default_factory=list)
    categories: MutableMapping[str, Entry[ClassificationCategory]] = field(default_factory=dict)
    # In file order: the first rule that matches an award decides its class.
    classification_rules: MutableMapping[str, Entry[ClassificationRule]] = field(
        default_factory=dict
    )
    # Misspellings read as the right word before the rules run, by the wrong word.
    spellings: MutableMapping[str, Entry[ClassificationSpelling]] = field(default_factory=dict)
    _parents: dict[str, list[Ownership]] = field(default_factory=dict, repr=False)
    _members: dict[str, list[str]] | None = field(default=None, repr=False)
    # id(nested fact) -> the sources of the item it is written in (for facts citing none)
    _inherited: dict[int, tuple[str, ...]] | None = field(default=None, repr=False)

    def __post_init__(self) -> None:
        self.index_ownership()

    def index_ownership(self) -> None:
        """Index the ownership edges; call again after changing organisations or edges."""
        self._parents = defaultdict(list)
        for edge in self.ownership:
            self._parents[edge.value.child].append(edge.value)
        self._members = None
        self._inherited = None

    def members(self, family_id: str) -> list[str]:
        """Organisations that belong or once belonged to the family, in registry order.

        Worked out for every family at once on first use (~40 ms over ~1,100 organisations)
        and kept: a dossier asks it on every request.
        """
        if self._members is None:
            found: dict[str, list[str]] = defaultdict(list)
            for org_id in self.organisations:
                for fam in dict.fromkeys(f for f, _, _ in self.family_periods(org_id)):
                    found[fam].append(org_id)
            self._members = dict(found)
        return list(self._members.get(family_id, ()))

    def organisation(self, org_id: str) -> Organisation:
        return self.organisations[org_id].value

    def parent(self, org_id: str, on: date | None = None) -> Ownership | None:
        """The edge to ``org_id``'s owner on a date (today if none), if it has one."""
        day = on or _today()
        for edge in self._parents.get(org_id, ()):
            if _active(edge, day):
                return edge
        return None

    def chain(self, org_id: str, on: date | None = None) -> list[str]:
        """``org_id``, its owner, its owner's owner … as of a date."""
        chain = [org_id]
        while (edge := self.parent(chain[-1], on)) is not None and edge.parent not in chain:
            chain.append(edge.parent)
        return chain

    def family(self, org_id: str, on: date | None = None) -> str:
        """The top of the ownership chain on a date: the family a reader thinks in."""
        return self.chain(org_id, on)[-1]

    def change_dates(self) -> list[date]:
        """Every date on which some ownership edge starts or ends."""
        days = {d for e in self.ownership for d in (e.value.since, e.value.until) if d}
        return sorted(days)

    def family_periods(self, org_id: str) -> list[tuple[str, date | None, date | None]]:
        """``(family, from, until)`` spans over which ``org_id``'s family stays the same."""
        days = self.change_dates()
        starts: list[date | None] = [None, *days]
        periods: list[tuple[str, date | None, date | None]] = []
        for i, start in enumerate(starts):
            until = starts[i + 1] if i + 1 < len(starts) else None
            probe = (
                start
                if start is not None
                else (days[0].replace(year=days[0].year - 1) if days else _today())
            )
            fam = self.family(org_id, probe)
            if periods and periods[-1][0] == fam:
                periods[-1] = (fam, periods[-1][1], until)
            else:
                periods.append((fam, start, until))
        return periods

    def cited(self, fact: Fact) -> list[str]:
        """The sources a fact rests on: its own, else those of the item it is written in."""
        if fact.sources:
            return list(fact.sources)
        inherited = self._inherited
        if inherited is None:  # built whole, then published: the site's threads share it
            inherited = {}
            for table in self._fact_tables():
                for entry in table:
                    _inherit(entry.value, (), inherited)
            self._inherited = inherited
        return list(inherited.get(id(fact), ()))

    def _fact_tables(self) -> list[Any]:
        return [
            self.organisations.values(),
            self.products.values(),
            self.alternatives.values(),
            self.foia_offices.values(),
            self.jurisdiction_lists.values(),
            self.claims.values(),
            self.events.values(),
            self.classification_rules.values(),
            self.ownership,
            self.overrides,
        ]

    def is_verified(self, fact: Fact) -> bool:
        """Verified only when not held back and resting on a source someone has checked.

        A fact with no source (of its own or of the item it sits in) is never verified; nor
        is one whose every source is unchecked or second-hand.
        """
        if not fact.verified:
            return False
        return any(s in self.sources and self.sources[s].value.verified for s in self.cited(fact))


def _inherit(model: BaseModel, parent: tuple[str, ...], out: dict[int, tuple[str, ...]]) -> None:
    """Record, for every nested fact citing nothing, the sources it inherits."""
    own = tuple(model.sources) if isinstance(model, Fact) else ()
    if isinstance(model, Fact) and not own and parent:
        out[id(model)] = parent
    here = own or parent
    for name in type(model).model_fields:
        value = getattr(model, name)
        for item in value if isinstance(value, list) else [value]:
            if isinstance(item, BaseModel):
                _inherit(item, here, out)
