"""FOIA offices (how to reach them, how long to appeal) and published jurisdiction lists."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Literal

from pydantic import Field, StringConstraints

from vendorwatch.registry.models.base import Fact, Id, Text


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
