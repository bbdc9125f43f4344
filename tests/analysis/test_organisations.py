"""Any organisation id answers: a family with its figures, a company with its own figures
inside its family (named), an unknown id with the nearest ones. Figures from the raw files."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from vendorwatch.analysis.as_of import family_as_of
from vendorwatch.analysis.dossier import family_dossier
from vendorwatch.registry import Registry, load_registry
from vendorwatch.registry.lookup import UnknownOrganisation, lookup

from ..raw_rows import raw_rows


@pytest.fixture(scope="module")
def registry() -> Registry:
    return load_registry()


def test_every_id_in_the_registry_is_placed_in_a_family(registry: Registry) -> None:
    for org_id, entry in registry.organisations.items():
        ref = lookup(registry, org_id)
        assert ref.id == org_id and ref.name == entry.value.name
        assert ref.family == registry.family(org_id)
        assert ref.chain[0][0] == org_id and ref.chain[-1][0] == ref.family
        assert ref.family_name == registry.organisation(ref.family).name
        assert ref.is_family == (org_id == ref.family)


def test_a_company_as_of_a_date_is_its_own_figure(
    con: Any, registry: Registry, raw_data: Path
) -> None:
    """The issue's case: $8,276,020.00 to LexisNexis Risk Solutions on or before 2023-01-01
    (the API said 0.00), with the family named."""
    day = date(2023, 1, 1)
    mine = [r for r in raw_rows(raw_data) if r.recipient == "LEXISNEXIS RISK SOLUTIONS INC"]
    before = [r for r in mine if r.action_date <= day]
    expected = sum((r.obligation for r in before), Decimal(0))
    assert expected == Decimal("8276020.00")
    got = family_as_of(con, registry, "lexisnexis-risk-solutions", day)
    assert Decimal(got["obligated"]) == expected
    assert got["transactions"] == len(before)
    assert Decimal(got["total_in_data"]) == sum((r.obligation for r in mine), Decimal(0))
    assert got["family"] == {"id": "relx-plc", "name": "RELX PLC"}
    assert got["subject"]["name"] == "LexisNexis Risk Solutions Inc."
    assert got["company"]["chain"][1]["id"] == "relx-inc"
    assert any("RELX PLC" in note for note in got["notes"])


@pytest.mark.parametrize(
    ("org_id", "recipient"),
    [("west-publishing", "WEST PUBLISHING CORPORATION"),
     ("lexisnexis-risk-solutions", "LEXISNEXIS RISK SOLUTIONS INC"),
     ("lexisnexis-special-services", "LEXISNEXIS SPECIAL SERVICES INC")],
)  # fmt: skip
def test_a_company_dossier_holds_its_own_figures(
    con: Any, registry: Registry, raw_data: Path, org_id: str, recipient: str
) -> None:
    mine = [r for r in raw_rows(raw_data) if r.recipient == recipient]
    dossier = family_dossier(con, registry, org_id)
    assert dossier["subject"]["id"] == org_id and dossier["subject"]["kind"] == "company"
    assert dossier["family"]["id"] == registry.family(org_id)
    assert Decimal(dossier["totals"]["obligations"]) == sum(
        (r.obligation for r in mine), Decimal(0)
    )
    assert dossier["totals"]["transactions"] == len(mine)
    assert {r["organisation"] for r in dossier["by_organisation"]} == {org_id}
    assert {a["award_key"] for a in dossier["top_awards"]} <= {r.award_key for r in mine}


def test_a_company_with_subsidiaries_counts_them(con: Any, registry: Registry) -> None:
    """RELX Inc. owns the LexisNexis companies: its figures are theirs and its own, and only
    RELX PLC (which has no transactions of its own) separates them from the family's."""
    company = family_dossier(con, registry, "relx-inc")
    family = family_dossier(con, registry, "relx-plc")
    assert company["totals"] == family["totals"]
    assert len(company["by_organisation"]) == 3
    assert family["subject"]["kind"] == "family" and family["company"] is None


def test_a_company_with_no_transactions_says_so(con: Any, registry: Registry) -> None:
    got = family_as_of(con, registry, "elsevier-inc", date(2024, 1, 1))
    assert got["obligated"] == "0.00"
    assert any("no transaction in the loaded data" in n for n in got["notes"])


@pytest.mark.parametrize(
    ("asked", "nearest"),
    [("lexisnexis-risk-solution", "lexisnexis-risk-solutions"), ("palantr", "palantir"),
     ("West-Publishing", None), ("elsevier", "elsevier-inc")],
)  # fmt: skip
def test_an_unknown_id_is_refused_with_the_nearest(
    registry: Registry, asked: str, nearest: str | None
) -> None:
    if nearest is None:  # another case of a real id is that id
        assert lookup(registry, asked).id == "west-publishing"
        return
    with pytest.raises(UnknownOrganisation) as refused:
        lookup(registry, asked)
    assert nearest in [s.id for s in refused.value.suggestions]
    assert str(refused.value).startswith(f"no organisation {asked!r}; did you mean ")
    assert "vendorwatch" not in refused.value.reader_message  # no CLI advice for a page


def test_nothing_near_is_still_one_clear_line(registry: Registry) -> None:
    with pytest.raises(UnknownOrganisation) as refused:
        lookup(registry, "zzzzqqqq")
    assert refused.value.suggestions == []
    assert str(refused.value) == "no organisation 'zzzzqqqq' in the registry"
