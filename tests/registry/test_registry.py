"""What the shipped registry answers: families on a date, and which facts are unverified."""

from __future__ import annotations

from datetime import date

import pytest

from vendorwatch.registry import Registry, load_registry


@pytest.fixture(scope="module")
def registry() -> Registry:
    return load_registry()


def test_ownership_applies_as_of_a_date(registry: Registry) -> None:
    # Equifax bought Appriss Insights in 2021: in 2019 Appriss was its own family.
    assert registry.family("appriss-insights", date(2019, 6, 1)) == "appriss-insights"
    assert registry.family("appriss-insights", date(2022, 6, 1)) == "equifax"
    assert registry.family("vigilant-solutions", date(2018, 6, 1)) == "vaas-international-holdings"
    assert registry.family("vigilant-solutions", date(2020, 6, 1)) == "motorola-solutions"
    assert registry.family("tlo", date(2012, 6, 1)) == "tlo"
    assert registry.family("tlo", date(2014, 6, 1)) == "transunion"


def test_chains_and_periods(registry: Registry) -> None:
    assert registry.chain("lexisnexis-risk-solutions-fl") == [
        "lexisnexis-risk-solutions-fl",
        "lexisnexis-risk-solutions",
        "relx-inc",
        "relx-plc",
    ]
    assert registry.family("west-publishing") == "thomson-reuters-corp"
    periods = registry.family_periods("appriss-insights")
    assert periods == [
        ("appriss-insights", None, date(2021, 1, 1)),
        ("equifax", date(2021, 1, 1), None),
    ]
    assert registry.family_periods("palantir") == [("palantir", None, None)]


def test_unverified_facts_stay_unverified(registry: Registry) -> None:
    relx_inc = registry.organisation("relx-inc")
    reed = next(a for a in relx_inc.aliases if a.name == "REED ELSEVIER INC")
    assert not registry.is_verified(reed)
    uei = next(i for i in relx_inc.identifiers if i.scheme == "uei")
    assert uei.value == "LKAAJG8KK4U1" and not registry.is_verified(uei)
    west = registry.organisation("west-publishing")
    assert all(registry.is_verified(i) for i in west.identifiers)
    # Every fact citing only the notes' "general knowledge" is shown as unverified.
    general = [e.value for e in registry.ownership if e.value.sources == ["general-knowledge"]]
    assert general and not any(registry.is_verified(f) for f in general)


def test_jurisdiction_lists_are_kept_apart(registry: Registry) -> None:
    fair = registry.jurisdiction_lists["fair-11-states"].value
    doj = registry.jurisdiction_lists["doj-eo14287-2025-08-05"].value
    assert {"MA", "NJ", "NM"} <= set(fair.states)
    assert not {"MA", "NJ", "NM"} & set(doj.states)
    assert doj.published == date(2025, 8, 5)


def test_foia_offices_have_routes_and_appeal_windows(registry: Registry) -> None:
    assert set(registry.foia_offices) == {
        "ice-foia",
        "cbp-foia",
        "dhs-privacy-office",
        "uscis-foia",
    }
    ice = registry.foia_offices["ice-foia"].value
    assert any(r.kind == "email" and r.value == "ice-foia@ice.dhs.gov" for r in ice.routes)
    assert (ice.appeal.days, ice.appeal.unit) == (90, "working-days")
    cbp = registry.foia_offices["cbp-foia"].value
    conflicting = [r for r in cbp.routes if r.kind == "mail" and r.purpose == "request"]
    assert len(conflicting) == 2 and not any(registry.is_verified(r) for r in conflicting)
