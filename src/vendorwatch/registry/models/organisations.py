"""Organisations, who owns whom, the products they sell and what can replace them."""

from __future__ import annotations

import re
from datetime import date
from typing import Annotated, Literal

from pydantic import Field, StringConstraints, field_validator, model_validator

from vendorwatch.registry.models.base import Fact, Id, Text

IDENTIFIER_PATTERNS = {
    "uei": re.compile(r"^[A-Z0-9]{12}$"),
    "duns": re.compile(r"^[0-9]{9}$"),
    "cage": re.compile(r"^[A-Z0-9]{5}$"),
    "lei": re.compile(r"^[A-Z0-9]{20}$"),
}


class Identifier(Fact):
    """A registry number that names one legal entity in federal or global records."""

    scheme: Literal["uei", "duns", "cage", "lei"]
    value: Text

    @model_validator(mode="after")
    def _shape(self) -> Identifier:
        if not IDENTIFIER_PATTERNS[self.scheme].match(self.value):
            raise ValueError(f"{self.value!r} is not the shape of a {self.scheme.upper()}")
        return self


class Alias(Fact):
    """A name exactly as it appears in federal records (or a former legal name).

    A former name carries ``until`` (the day the new name took effect, exclusive): records
    under the old name still resolve to the organisation, and readers see it was renamed.
    """

    name: Text
    since: date | None = None
    until: date | None = None


DataCategory = Literal[
    "court-records",
    "jail-booking",
    "criminal-history",
    "dmv-vehicle-records",
    "utility",
    "location",
    "licence-plates",
    "face-images",
    "credit",
    "employment-income",
    "public-records",
    "phone-records",
    "social-media",
    "device-forensics",
    "cryptocurrency-tracing",
    "case-management",
    "analytics-platform",
    "legal-research",
    "news-archive",
    "scholarly-content",
    "identity-verification",
    "electronic-monitoring",
    "biometrics",
    "cloud-computing",
    "surveillance-hardware",
    "phone-intercept",
]


class DataSold(Fact):
    """One kind of data or tool a company sells, in words a reader can check."""

    category: DataCategory
    description: Text


# What line of business an organisation is in, so that a family's obligations can be read
# honestly: a detention operator's or a builder's money is not surveillance spending.
Sector = Literal[
    "detention-operator",
    "electronic-monitoring",
    "construction",
    "data-broker",
    "surveillance-technology",
    "security-screening",
    "legal-research",
    "it-services",
    "consulting",
    "defence-aerospace",
    "security-services",
    "aviation",
    "healthcare-staffing",
    "facilities-logistics",
    "telecommunications",
    "supplies",
    "research-institute",
]

OrganisationKind = Literal[
    "company", "agency", "government", "nonprofit", "university", "joint-venture", "recipient"
]


class Organisation(Fact):
    """A legal entity or a group's top company; its family follows from ownership edges."""

    id: Id
    name: Text
    kind: OrganisationKind
    aliases: list[Alias] = Field(default_factory=list)
    identifiers: list[Identifier] = Field(default_factory=list)
    hosts: list[Text] = Field(default_factory=list)
    sells: list[DataSold] = Field(default_factory=list)
    # Its line of business; a subsidiary without one takes its owner's (see analysis.sectors).
    sector: Sector | None = None

    @field_validator("aliases", mode="before")
    @classmethod
    def _plain_aliases(cls, value: object) -> object:
        # A bare string is the common case: an alias covered by the organisation's sources.
        if isinstance(value, list):
            return [{"name": v} if isinstance(v, str) else v for v in value]
        return value


class Ownership(Fact):
    """``parent`` controls ``child`` from ``since`` (inclusive) until ``until`` (exclusive)."""

    parent: Id
    child: Id
    since: date | None = None
    until: date | None = None


class Product(Fact):
    """A product or platform and the names it goes by in holdings and usage files."""

    id: Id
    name: Text
    owner: Id
    kind: Literal["platform", "database", "software", "service", "imprint", "journal"]
    hosts: list[Text] = Field(default_factory=list)
    publisher_names: list[Text] = Field(default_factory=list)
    platform_names: list[Text] = Field(default_factory=list)
    # ISBN registrant prefixes ("978-0-12") seen on the product's titles: matched on digits.
    isbn_prefixes: list[Annotated[str, StringConstraints(pattern=r"^97[89](-[0-9]+){2}$")]] = Field(
        default_factory=list
    )
    since: date | None = None
    until: date | None = None


class Alternative(Fact):
    """What a library can use instead of one or more products, as librarians cite it.

    ``organisation`` names the provider when the registry knows it, so a report can warn
    when an alternative comes from a family with enforcement contracts of its own.
    """

    id: Id
    name: Text
    replaces: list[Id] = Field(min_length=1)
    provider: Text | None = None
    organisation: Id | None = None
    url: str | None = None
    free: bool = False
