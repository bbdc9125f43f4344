"""The registry's schema: what a curated fact may say, and what it must carry (a source).

Every fact names the sources it rests on by id (see ``sources.yaml``). Whether a fact is
verified is worked out, not declared: it is verified only when it (or the item it sits in)
cites a source that someone has checked — a source with a ``checked`` record saying who
compared it, when, and against what (a URL, a file, a document and page). A second-hand
source (a report as quoted in the research notes) is never itself verified, and a fact with
no source at all never is. ``verified: false`` on a fact keeps it unverified whatever it
cites; ``verified: true`` on a fact is a claim the check refuses unless a checked source
backs it.

Each name is imported from its module when first used (PEP 562): a command that reads one
kind of item (a classification rule) does not import every model with it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from vendorwatch.lazynames import lazy_names

if TYPE_CHECKING:
    from vendorwatch.registry.models.base import Check, Fact, Id, Source, Text
    from vendorwatch.registry.models.claims import Claim, ClaimKind, ClaimMeasure, Event, EventKind
    from vendorwatch.registry.models.foia import (
        AppealWindow,
        ContactRoute,
        FoiaOffice,
        JurisdictionList,
    )
    from vendorwatch.registry.models.organisations import (
        IDENTIFIER_PATTERNS,
        Alias,
        Alternative,
        DataCategory,
        DataSold,
        Identifier,
        Organisation,
        OrganisationKind,
        Ownership,
        Product,
        Sector,
    )
    from vendorwatch.registry.models.rules import (
        ClassificationCategory,
        ClassificationRule,
        ClassificationSpelling,
        Override,
        RecipientList,
    )
    from vendorwatch.registry.models.sections import SECTIONS

_MODULES = {
    "base": ("Check", "Fact", "Id", "Source", "Text"),
    "claims": ("Claim", "ClaimKind", "ClaimMeasure", "Event", "EventKind"),
    "foia": ("AppealWindow", "ContactRoute", "FoiaOffice", "JurisdictionList"),
    "organisations": ("IDENTIFIER_PATTERNS", "Alias", "Alternative", "DataCategory", "DataSold",
                      "Identifier", "Organisation", "OrganisationKind", "Ownership", "Product",
                      "Sector"),
    "rules": ("ClassificationCategory", "ClassificationRule", "ClassificationSpelling",
              "Override", "RecipientList"),
    "sections": ("SECTIONS",),  # every section's model: reading YAML needs them all
}  # fmt: skip
__getattr__ = lazy_names(__name__, _MODULES)

__all__ = [
    "IDENTIFIER_PATTERNS",
    "SECTIONS",
    "Alias",
    "Alternative",
    "AppealWindow",
    "Check",
    "Claim",
    "ClaimKind",
    "ClaimMeasure",
    "ClassificationCategory",
    "ClassificationRule",
    "ClassificationSpelling",
    "ContactRoute",
    "DataCategory",
    "DataSold",
    "Event",
    "EventKind",
    "Fact",
    "FoiaOffice",
    "Id",
    "Identifier",
    "JurisdictionList",
    "Organisation",
    "OrganisationKind",
    "Override",
    "Ownership",
    "Product",
    "RecipientList",
    "Sector",
    "Source",
    "Text",
]
