"""What every curated fact carries: its sources, and the sources themselves."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, model_validator

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
