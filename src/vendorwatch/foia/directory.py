"""The agency directory: FOIA offices as the registry curates them, shaped for letters and clocks.

The facts (routes, appeal windows, sources) live in ``registry/data/foia-offices.yaml``; this
module only looks them up. An office is found by its own id (``ice-foia``) or by its agency's
(``ice``), since users think in agencies.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from vendorwatch.errors import VendorwatchError
from vendorwatch.foia.clock import AppealRule
from vendorwatch.registry import Registry, shipped_registry
from vendorwatch.registry.models import ContactRoute, FoiaOffice


@dataclass(frozen=True)
class Office:
    """One FOIA office, with every route marked checked or not, and its sources."""

    office: FoiaOffice
    agency_name: str
    registry: Registry

    @property
    def id(self) -> str:
        return self.office.id

    @property
    def name(self) -> str:
        return self.office.name

    @property
    def agency(self) -> str:
        return self.office.agency

    @property
    def appeal(self) -> AppealRule:
        a = self.office.appeal
        return AppealRule(a.days, a.unit, a.rule)

    @property
    def appeal_office(self) -> str | None:
        return self.office.appeal.office

    def routes(self, purpose: str = "request") -> list[ContactRoute]:
        return [r for r in self.office.routes if r.purpose == purpose]

    def mail_address(self, purpose: str = "request") -> str | None:
        """The first checked mailing address for ``purpose``, else the first at all."""
        mails = [r for r in self.routes(purpose) if r.kind == "mail"]
        checked = [r for r in mails if self.verified(r)]
        pick = checked or mails
        return pick[0].value if pick else None

    def verified(self, route: ContactRoute) -> bool:
        return self.registry.is_verified(route) and self.registry.is_verified(self.office)

    def sources(self) -> list[dict[str, Any]]:
        ids = dict.fromkeys(
            [*self.office.sources, *self.office.appeal.sources]
            + [s for r in self.office.routes for s in r.sources]
        )
        found = []
        for sid in ids:
            src = self.registry.sources[sid].value
            found.append(
                {
                    "id": sid,
                    "title": src.title,
                    "url": src.url,
                    "document": src.document,
                    "date": src.date.isoformat(),
                    "verified": src.verified,
                }
            )
        return found

    def as_dict(self) -> dict[str, Any]:
        a = self.office.appeal
        return {
            "id": self.id,
            "agency": self.agency,
            "agency_name": self.agency_name,
            "name": self.name,
            "routes": [
                {
                    "kind": r.kind,
                    "value": r.value,
                    "purpose": r.purpose,
                    "verified": self.verified(r),
                    "note": r.note,
                }
                for r in self.office.routes
            ],
            "appeal": {"days": a.days, "unit": a.unit, "rule": a.rule, "office": a.office},
            "note": self.office.note,
            "sources": self.sources(),
        }


def offices(registry: Registry | None = None) -> list[Office]:
    reg = registry or shipped_registry()
    return [
        Office(e.value, reg.organisation(e.value.agency).name, reg)
        for e in reg.foia_offices.values()
    ]


def find_office(key: str, registry: Registry | None = None) -> Office:
    """The office with id ``key``, or the (single) office of agency ``key``."""
    everything = offices(registry)
    wanted = key.strip().lower()
    for office in everything:
        if office.id == wanted:
            return office
    by_agency = [o for o in everything if o.agency == wanted]
    if len(by_agency) == 1:
        return by_agency[0]
    known = ", ".join(sorted({o.agency for o in everything} | {o.id for o in everything}))
    if by_agency:
        ids = ", ".join(o.id for o in by_agency)
        raise VendorwatchError(f"agency {key!r} has several FOIA offices; give one of: {ids}")
    raise VendorwatchError(f"unknown agency or FOIA office {key!r}; known: {known}")


def office_for_agency_name(name: str | None, registry: Registry | None = None) -> Office | None:
    """The single office of the agency called ``name`` (as USAspending spells a sub-agency)."""
    if not name:
        return None
    wanted = " ".join(name.split()).casefold()
    found = [o for o in offices(registry) if o.agency_name.casefold() == wanted]
    return found[0] if len(found) == 1 else None


def office_name(office_id: str, registry: Registry | None = None) -> str:
    """The office's name for a page (``ice-foia`` → ICE Freedom of Information Act Office); the
    id itself only if the registry no longer lists it, so an old request still shows."""
    try:
        return find_office(office_id, registry).name
    except VendorwatchError:
        return office_id
