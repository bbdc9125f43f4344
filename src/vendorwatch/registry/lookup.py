"""Any organisation id to what a reader asked about: a family, or a company within one.

Pages, the API and the CLI take one id. It may be a family (the top of an ownership chain,
e.g. ``relx-plc``) or a company inside one (``lexisnexis-risk-solutions``); both must answer,
the company with its own figures and its family named. An id the registry does not hold is
refused with the nearest ids and names, so a typo costs one click, not a search.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from typing import Any

from vendorwatch.errors import VendorwatchError
from vendorwatch.registry.load import Registry


@dataclass(frozen=True)
class Suggestion:
    id: str
    name: str
    family: str
    family_name: str

    def as_dict(self) -> dict[str, str]:
        return {"id": self.id, "name": self.name, "family": self.family,
                "family_name": self.family_name}  # fmt: skip


class UnknownOrganisation(VendorwatchError):
    """An id the registry does not hold; carries the nearest organisations for the reader.

    ``str()`` is the CLI's line ("… did you mean …?"); the site shows ``reader_message``
    with the suggestions as links, and the API returns them as data."""

    def __init__(self, asked: str, suggestions: list[Suggestion]) -> None:
        self.asked = asked
        self.suggestions = suggestions
        self.reader_message = f"no organisation {asked!r} in the registry"
        hint = ", ".join(f"{s.id} ({s.name})" for s in suggestions)
        super().__init__(
            f"no organisation {asked!r}; did you mean {hint}?" if hint else self.reader_message
        )


@dataclass(frozen=True)
class OrganisationRef:
    """What one id names: itself, its family today, and the ownership chain between."""

    id: str
    name: str
    kind: str
    family: str
    family_name: str
    chain: tuple[tuple[str, str], ...]  # (id, name) from the organisation up to its family

    @property
    def is_family(self) -> bool:
        return self.id == self.family

    @property
    def company(self) -> str | None:
        """The company within the family the figures are of; None for the whole family."""
        return None if self.is_family else self.id

    def as_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "name": self.name,
            "kind": self.kind,
            "family": {"id": self.family, "name": self.family_name},
            "chain": [{"id": i, "name": n} for i, n in self.chain],
        }


def _plain(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", " ", text.lower()).strip()


def suggestions(registry: Registry, asked: str, *, limit: int = 5) -> list[Suggestion]:
    """The organisations whose id, name or alias is nearest to ``asked`` (rapidfuzz WRatio)."""
    # only for an id the registry lacks: a command naming a known one need not import it
    from rapidfuzz import fuzz, process  # noqa: PLC0415

    choices: dict[str, str] = {}  # plain text -> organisation id (the first one to claim it)
    for org_id, entry in registry.organisations.items():
        org = entry.value
        for text in (org_id, org.name, *(a.name for a in org.aliases)):
            choices.setdefault(_plain(text), org_id)
    best: dict[str, float] = {}
    found = process.extract(
        _plain(asked), list(choices), scorer=fuzz.WRatio, limit=limit * 4, score_cutoff=70
    )
    for text, score, _ in found:
        org_id = choices[text]
        best[org_id] = max(score, best.get(org_id, 0.0))

    def rank(org_id: str) -> tuple[int, bool, str]:  # ties: curated companies first
        return (-round(best[org_id]), registry.organisation(org_id).kind == "recipient", org_id)

    ranked = sorted(best, key=rank)[:limit]
    out = []
    for org_id in ranked:
        family = registry.family(org_id)
        out.append(
            Suggestion(
                org_id, registry.organisation(org_id).name, family,
                registry.organisation(family).name,
            )
        )  # fmt: skip
    return out


def lookup(registry: Registry, asked: str, *, on: date | None = None) -> OrganisationRef:
    """The organisation ``asked`` names (its id, any case), placed in its family on a date
    (today if none). Raises `UnknownOrganisation` with the nearest matches."""
    org_id = asked.strip()
    if org_id not in registry.organisations:
        lowered = org_id.lower()
        org_id = next((o for o in registry.organisations if o.lower() == lowered), "")
    if not org_id:
        raise UnknownOrganisation(asked, suggestions(registry, asked))
    chain = registry.chain(org_id, on)
    family = chain[-1]
    return OrganisationRef(
        id=org_id,
        name=registry.organisation(org_id).name,
        kind=registry.organisation(org_id).kind,
        family=family,
        family_name=registry.organisation(family).name,
        chain=tuple((o, registry.organisation(o).name) for o in chain),
    )


def owned(registry: Registry, org_id: str) -> list[str]:
    """``org_id`` and every organisation below it by an ownership edge of any date, in registry
    order: a company's figures include the subsidiaries it owns."""
    children: dict[str, list[str]] = {}
    for entry in registry.ownership:
        children.setdefault(entry.value.parent, []).append(entry.value.child)
    found = {org_id}
    todo = [org_id]
    while todo:
        for child in children.get(todo.pop(), ()):
            if child not in found:
                found.add(child)
                todo.append(child)
    return [o for o in registry.organisations if o in found]
