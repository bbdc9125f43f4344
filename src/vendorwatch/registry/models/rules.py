"""Curators' resolver overrides, recipient lists and the rules that classify awards."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field, StringConstraints, model_validator

from vendorwatch.registry.models.base import Fact, Id, Text, _Strict


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
