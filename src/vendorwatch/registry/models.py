"""The registry's schema: what a curated fact may say, and what it must carry (a source).

Every fact names the sources it rests on by id (see ``sources.yaml``). Whether a fact is
verified is worked out, not declared: it is verified only when it (or the item it sits in)
cites a source that someone has checked — a source with a ``checked`` record saying who
compared it, when, and against what (a URL, a file, a document and page). A second-hand
source (a report as quoted in the research notes) is never itself verified, and a fact with
no source at all never is. ``verified: false`` on a fact keeps it unverified whatever it
cites; ``verified: true`` on a fact is a claim the check refuses unless a checked source
backs it.
"""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal
from typing import Annotated, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    field_validator,
    model_validator,
)

Id = Annotated[str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9-]*$", max_length=80)]
Text = Annotated[str, StringConstraints(min_length=1, strip_whitespace=True)]


class _Strict(BaseModel):
    # A misspelt key ("soruces") is a curator's mistake, never a value to drop silently.
    # defer_build: a command reading the cached registry (a pickle) never validates, so it
    # need not pay for building ~20 validators when this module is imported (~50 ms).
    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)


class Fact(_Strict):
    """Anything curated: it cites sources; ``verified: false`` holds it back as unchecked."""

    sources: list[Id] = Field(default_factory=list)
    verified: bool = True
    note: str | None = None


class Check(_Strict):
    """Who compared a source with what it says, when, and against what copy of it."""

    by: Text
    when: date  # (not "on": YAML 1.1 reads a bare "on" key as true)
    # What was opened: the URL, the file (and commit), or the document and page.
    against: Text
    note: str | None = None


class Source(_Strict):
    """A document or page a fact rests on, with the date it was published or read.

    ``verified`` follows from ``checked``: a source is verified only when someone recorded
    checking it, and never when it is ``second_hand`` (known only as another text quotes it).
    """

    id: Id
    title: Text
    url: str | None = None
    document: str | None = None
    date: date
    second_hand: bool = False
    checked: Check | None = None
    verified: bool = False
    note: str | None = None

    @model_validator(mode="before")
    @classmethod
    def _verified_from_check(cls, data: object) -> object:
        if isinstance(data, dict) and "verified" not in data:
            checked = bool(data.get("checked"))
            return {**data, "verified": checked and not data.get("second_hand", False)}
        return data

    @model_validator(mode="after")
    def _where(self) -> Source:
        if not self.url and not self.document:
            raise ValueError("a source needs a url or a document")
        if self.verified and self.checked is None:
            raise ValueError(
                "verified: a source is verified only when its check is recorded "
                "(checked: {by, when, against})"
            )
        if self.verified and self.second_hand:
            raise ValueError(
                "verified: a second-hand source cannot be verified; check the original and "
                "cite it as its own source"
            )
        return self


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


class ContactRoute(Fact):
    kind: Literal["portal", "email", "mail", "phone", "web"]
    value: Text
    purpose: Literal["request", "appeal", "public-liaison", "information"] = "request"


class AppealWindow(Fact):
    """How long a requester has to appeal, and the rule that says so."""

    days: int = Field(gt=0)
    unit: Literal["working-days", "calendar-days"]
    rule: Text
    # Who decides the appeal (or how to find out): FOIA appeal letters are addressed to it.
    office: Text | None = None


class FoiaOffice(Fact):
    id: Id
    agency: Id
    name: Text
    routes: list[ContactRoute] = Field(default_factory=list)
    appeal: AppealWindow


class JurisdictionList(Fact):
    """One publisher's list of 'sanctuary' jurisdictions, as of its date; never 'the' list."""

    id: Id
    publisher: Text
    short: Text | None = None  # what a narrow table's column calls the publisher
    publisher_kind: Text
    title: Text
    published: date
    states: list[Annotated[str, StringConstraints(pattern=r"^[A-Z]{2}$")]] = Field(
        default_factory=list
    )
    counties: list[Text] = Field(default_factory=list)
    cities: list[Text] = Field(default_factory=list)


ClaimMeasure = Literal["obligated", "current", "potential", "per_year", "count", "other"]
# What a claim states: money (an amount with its measure), a count that is not money ("1.2
# million searches"), a date ("since 2016") or a yes/no fact ("does not provide licence-plate
# images"). Each kind is checked only against what the data can say about it.
ClaimKind = Literal["money", "count", "date", "yes_no"]
ClassCategory = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z_]*$", max_length=40)]


class Claim(Fact):
    """A figure or fact someone stated in public, kept to be checked against the data.

    ``subject`` is the organisation (a company or a family) the statement is about and is filed
    under; ``award`` (a PIID or generated award id) narrows it to one award, and
    ``single_award`` says it is about one contract the registry has not identified: such a
    statement is never set beside the company's total. ``measure`` says what the amount is
    (obligated to date, current value, potential value or ceiling, a value per year, a count
    that is not money, or ``other``: not a contract figure at all, e.g. an acquisition price);
    ``bound`` whether it was stated as about, at least ("more than") or at most ("up to");
    ``covers_from`` the start of the period a total counts from ("2005-2024"); ``stated_by``
    and ``date_known`` how well the day it was stated is known.

    ``kind`` says what is stated (`ClaimKind`; a ``measure: count`` claim is a count). A count
    gives ``amount`` and its ``unit`` ("searches"); a date claim gives ``since`` and how
    precisely it was stated (``precision``: "since 2016" is a year); a yes/no claim says whether
    the thing ``holds`` and, when the data can speak to it, the award class it is about
    (``category``, a classification category id). ``agency`` ("ICE") narrows a date or yes/no
    claim to one buyer.
    """

    id: Id
    subject: Id
    kind: ClaimKind = "money"
    award: Annotated[str, StringConstraints(pattern=r"^[A-Z0-9_-]{5,80}$")] | None = None
    single_award: bool = False
    measure: ClaimMeasure | None = None
    bound: Literal["about", "at_least", "at_most"] = "about"
    statement: Text
    amount: Decimal | None = None
    unit: Text | None = None
    since: date | None = None
    precision: Literal["day", "month", "year"] = "day"
    holds: bool | None = None
    category: ClassCategory | None = None
    agency: Text | None = None
    stated_on: date
    # The day is known only to lie between stated_on and stated_by.
    stated_by: date | None = None
    # False: stated_on is only when the notes were compiled, not when it was said.
    date_known: bool = True
    covers_from: date | None = None

    @model_validator(mode="before")
    @classmethod
    def _count_kind(cls, data: object) -> object:
        # A claim written before kinds existed: ``measure: count`` is a count.
        if isinstance(data, dict) and "kind" not in data and data.get("measure") == "count":
            return {**data, "kind": "count"}
        return data

    @model_validator(mode="after")
    def _one_award(self) -> Claim:
        if self.award is not None and self.single_award:
            raise ValueError("give either award (identified) or single_award (unidentified)")
        if self.stated_by is not None and self.stated_by < self.stated_on:
            raise ValueError("stated_by is before stated_on")
        needs = {
            "money": ("measure", self.measure is not None),
            "count": ("amount", self.amount is not None),
            "date": ("since", self.since is not None),
            "yes_no": ("holds", self.holds is not None),
        }
        field_name, given = needs[self.kind]
        if not given:
            raise ValueError(f"a {self.kind} claim needs {field_name}")
        if self.kind == "count" and self.measure not in (None, "count"):
            raise ValueError("a count claim's measure, if given, is 'count'")
        return self


EventKind = Literal[
    "contract_signed",
    "contract_extended",
    "vendor_statement",
    "hearing",
    "shareholder_action",
    "institutional_cancellation",
    "campaign_action",
    "sale_stopped",
    "foia_request",
    "foia_release",
    "reported_use",
]


class Event(Fact):
    """A dated event on a family's accountability timeline, with its source.

    ``families`` are the family (or company) ids whose timeline shows it; ``day`` is its day
    and ``precision`` how well that day is known ("2016" is a year: ``day`` is then its first
    day). ``who`` acted (a union, a county board, a library); ``quote`` is a vendor's words
    where it made a statement. A vendor statement is shown beside what the records hold for
    its ``period_from``..``period_to`` (default: the federal fiscal year it was made in).
    ``claims`` are ids of claims the event's source also states. Contracts signed and extended
    are never written here: they come from the warehouse.
    """

    id: Id
    families: list[Id] = Field(min_length=1)
    kind: EventKind
    day: date  # (not "on": YAML 1.1 reads a bare "on" key as true)
    precision: Literal["day", "month", "year"] = "day"
    title: Text
    who: Text | None = None
    quote: Text | None = None
    period_from: date | None = None
    period_to: date | None = None
    claims: list[Id] = Field(default_factory=list)

    @model_validator(mode="after")
    def _not_from_records(self) -> Event:
        if self.kind in ("contract_signed", "contract_extended"):
            raise ValueError(
                f"{self.kind} events come from the warehouse's award records, not the registry"
            )
        if self.period_from and self.period_to and self.period_to < self.period_from:
            raise ValueError("period_to is before period_from")
        return self


class Override(Fact):
    """A curator's decision that beats the resolver for one name or identifier."""

    name: Text | None = None
    uei: Annotated[str, StringConstraints(pattern=r"^[A-Z0-9]{12}$")] | None = None
    organisation: Id | None
    reason: Text

    @model_validator(mode="after")
    def _key(self) -> Override:
        if (self.name is None) == (self.uei is None):
            raise ValueError("an override names exactly one of: name, uei")
        return self


class RecipientList(Fact):
    """Recipients registered as their own organisations: each item one organisation.

    An item is a name, or a list of names that are the same recipient written differently.
    """

    title: Text
    names: list[Text | list[Text]]


CategoryId = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z_]*$", max_length=40)]
CodePrefix = Annotated[str, StringConstraints(pattern=r"^[0-9A-Z]{1,6}$")]
# Upper-case words of a recipient name, as `analysis.classification` writes them.
RecipientPrefix = Annotated[str, StringConstraints(pattern=r"^[0-9A-Z]+( [0-9A-Z]+)*$")]


class ClassificationCategory(_Strict):
    """A class of what an award buys (its id is what the warehouse and the site store)."""

    id: CategoryId
    label: Text


class ClassificationRule(Fact):
    """One rule for what an award buys; the first rule (in file order) that matches decides.

    It matches when its RE2 ``pattern`` finds whole words in any of the award's texts, or the
    award's product or service code (PSC) or NAICS code starts with a listed prefix, or the
    recipient's name starts with one of ``recipients`` (whole words: for a company that sells
    one thing only, whatever its orders are called). ``written_from`` names the real records
    the rule was written from.
    """

    id: Id
    category: CategoryId
    pattern: Text | None = None
    psc: list[CodePrefix] = Field(default_factory=list)
    naics: list[CodePrefix] = Field(default_factory=list)
    recipients: list[RecipientPrefix] = Field(default_factory=list)
    written_from: Text

    @model_validator(mode="after")
    def _matches_something(self) -> ClassificationRule:
        if self.pattern is None and not (self.psc or self.naics or self.recipients):
            raise ValueError(
                "a rule needs a pattern, PSC prefixes or NAICS prefixes (or recipients)"
            )
        return self


class ClassificationSpelling(Fact):
    """A misspelling seen in award texts (an RE2 word), read as ``right`` before rules run."""

    wrong: Annotated[str, StringConstraints(pattern=r"^[A-Z?\[\]]{3,40}$")]
    right: Annotated[str, StringConstraints(pattern=r"^[A-Z]{3,40}$")]
    written_from: Text


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
