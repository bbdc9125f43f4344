"""Public statements to check against the data, and the dated events of a timeline."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Annotated, Literal

from pydantic import Field, StringConstraints, model_validator

from vendorwatch.registry.models.base import Fact, Id, Text

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
