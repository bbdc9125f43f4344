"""Claims that are not money: counts, dates and yes/no facts, checked where the data can speak.

The earliest awards and the licence-plate award are found in the raw files with the csv module
(`tests/raw_rows.py`), never read from the code's output.
"""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from pydantic import ValidationError

from vendorwatch.analysis.claim_amounts import day_text
from vendorwatch.analysis.claims import check_registry_claim
from vendorwatch.analysis.dossier import family_dossier
from vendorwatch.registry import Registry, load_registry
from vendorwatch.registry.models import Claim

from ..raw_families import FAMILIES
from ..raw_rows import transactions


@pytest.fixture(scope="module")
def registry() -> Registry:
    return load_registry()


def first_row(raw_data: Path, family: str, agency: str, words: str = "") -> dict[str, str]:
    """The family's earliest raw transaction with ``agency`` (whose description has ``words``)."""
    rows = [
        r
        for r in transactions(raw_data)
        if FAMILIES[family].search(r["Recipient Name"])
        and r["Agency"] == agency
        and words in r["Transaction Description"]
    ]
    return min(rows, key=lambda r: r["Action Date"])


def agency_begins(raw_data: Path, agency: str) -> date:
    return min(
        date.fromisoformat(r["Action Date"])
        for r in transactions(raw_data)
        if r["Agency"] == agency
    )


def claim(**fields: Any) -> Claim:
    base = {"id": "test-claim", "statement": "a test statement", "stated_on": "2022-07-01",
            "sources": ["general-knowledge"]}  # fmt: skip
    return Claim.model_validate({**base, **fields})


def test_since_2016_and_the_searches_are_in_the_dossier_claims(
    con: Any, registry: Registry, raw_data: Path
) -> None:
    dossier = json.loads(json.dumps(family_dossier(con, registry, "relx-plc")))
    claims = {c["id"]: c for c in dossier["claims"]}
    since = claims["lj-2022-ncatc-since-2016"]
    searches = claims["jfl-accurint-1-2m-searches"]
    for c in (since, searches):
        assert c["verdict"] in ("consistent", "inconsistent", "cannot_check")
        assert c["reason"] and c["sources"]
    assert since["kind"] == "date" and since["since"] == "2016-01-01"
    earliest = first_row(raw_data, "relx-plc", "ICE")
    begins = agency_begins(raw_data, "ICE")
    # The loaded ICE records begin after 2016: they can neither confirm nor contradict it.
    assert begins > date(2016, 12, 31)
    assert since["verdict"] == "cannot_check"
    assert earliest["Award ID"] in since["reason"]
    assert day_text(date.fromisoformat(earliest["Action Date"])) in since["reason"]
    assert day_text(begins) in since["reason"]
    assert since["data_date"] == earliest["Action Date"]
    assert searches["kind"] == "count" and Decimal(searches["amount"]) == Decimal(1_200_000)
    assert searches["verdict"] == "cannot_check"
    assert "not money" in searches["reason"] and "searches" in searches["reason"]


def test_a_date_the_records_contradict_or_confirm(
    con: Any, registry: Registry, raw_data: Path
) -> None:
    first = first_row(raw_data, "relx-plc", "CBP")
    day = date.fromisoformat(first["Action Date"])
    assert first["Modification"] == "0" and agency_begins(raw_data, "CBP") < day
    # "Since" the month the CBP records begin: its first award is a later base action.
    month = agency_begins(raw_data, "CBP").replace(day=1)
    assert (month.year, month.month) != (day.year, day.month)
    early = claim(subject="relx-plc", kind="date", since=month.isoformat(),
                  precision="month", agency="CBP")  # fmt: skip
    result = check_registry_claim(con, registry, early)
    assert result.verdict == "inconsistent", result.reason
    assert first["Award ID"] in result.reason
    confirmed = claim(subject="relx-plc", kind="date", since=f"{day.year}-01-01",
                      precision="year", agency="CBP")  # fmt: skip
    result = check_registry_claim(con, registry, confirmed)
    assert result.verdict == "consistent", result.reason
    assert result.data_date == day


def test_licence_plates_yes_and_no(con: Any, registry: Registry, raw_data: Path) -> None:
    plates = first_row(raw_data, "thomson-reuters-corp", "ICE", "LICENSE PLATE")
    said = check_registry_claim(con, registry, registry.claims["bcgeu-clear-licence-plates"].value)
    assert said.verdict == "consistent", said.reason
    assert plates["Award ID"] in said.reason
    denied = claim(subject="thomson-reuters-corp", kind="yes_no", holds=False,
                   category="licence_plates", agency="ICE",
                   statement="does not provide licence-plate images")  # fmt: skip
    result = check_registry_claim(con, registry, denied)
    assert result.verdict == "inconsistent", result.reason
    assert plates["Award ID"] in result.reason and "says it does not" in result.reason
    assert result.data_date == date.fromisoformat(plates["Action Date"])
    assert any(s["piid"] == plates["Award ID"] for s in result.sources)


def test_what_the_data_cannot_say_is_cannot_check(con: Any, registry: Registry) -> None:
    use = registry.claims["lexisnexis-not-prevent-legal-immigration"].value
    result = check_registry_claim(con, registry, use)
    assert result.verdict == "cannot_check"
    assert "not what it is used for" in result.reason
    none_of_class = claim(subject="relx-plc", kind="yes_no", holds=False,
                          category="facial_recognition")  # fmt: skip
    absent = check_registry_claim(con, registry, none_of_class)
    assert absent.verdict == "cannot_check"
    assert "cannot confirm" in absent.reason


def test_each_kind_needs_its_field() -> None:
    with pytest.raises(ValidationError, match="a date claim needs since"):
        claim(subject="relx-plc", kind="date")
    with pytest.raises(ValidationError, match="a yes_no claim needs holds"):
        claim(subject="relx-plc", kind="yes_no")
    with pytest.raises(ValidationError, match="a money claim needs measure"):
        claim(subject="relx-plc", amount="5")
    assert claim(subject="relx-plc", measure="count", amount="3").kind == "count"
