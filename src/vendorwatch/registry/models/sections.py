"""Each registry file's top-level key and the model of its items."""

from __future__ import annotations

from pydantic import BaseModel

from vendorwatch.registry.models.base import Source
from vendorwatch.registry.models.claims import Claim, Event
from vendorwatch.registry.models.foia import FoiaOffice, JurisdictionList
from vendorwatch.registry.models.organisations import Alternative, Organisation, Ownership, Product
from vendorwatch.registry.models.rules import (
    ClassificationCategory,
    ClassificationRule,
    ClassificationSpelling,
    Override,
    RecipientList,
)

SECTIONS: dict[str, type[BaseModel]] = {
    "sources": Source,
    "organisations": Organisation,
    "ownership": Ownership,
    "products": Product,
    "alternatives": Alternative,
    "foia_offices": FoiaOffice,
    "jurisdiction_lists": JurisdictionList,
    "claims": Claim,
    "events": Event,
    "overrides": Override,
    "recipient_lists": RecipientList,
    "classification_categories": ClassificationCategory,
    "classification_rules": ClassificationRule,
    "classification_spellings": ClassificationSpelling,
}
