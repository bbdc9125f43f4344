"""Resolution decisions on real recipient names, including the traps of bare substring matching."""

from __future__ import annotations

from datetime import date

import pytest

from vendorwatch.registry import load_registry
from vendorwatch.resolve import Resolver, normalise


@pytest.fixture(scope="module")
def resolver() -> Resolver:
    return Resolver(load_registry())


@pytest.mark.parametrize(
    ("name", "trap_family"),
    [
        ("OUTLOOK-NEBRASKA, INC.", "transunion"),  # contains "TLO"
        ("EVIGILANT.COM, LLC", "motorola-solutions"),  # contains "VIGILANT"
        ("KATHERINE J THOMSON", "thomson-reuters-corp"),  # a person named Thomson
        ("MARK L REED ATTORNEY AT LAW", "relx-plc"),  # a person named Reed
        ("CHARLES REED KNIGHT JR", "relx-plc"),
        ("THOMAS & REED LLC", "thomson-reuters-corp"),
        ("MAGNET YOUR EVENT LLC", "magnet-forensics-llc"),
        ("PARAGON SYSTEMS INC", "paragon-solutions-us"),
        ("CLEARAVENUE LLC", "clearview-ai"),
        ("EQUUS HOLDINGS INC", "equifax"),
        ("WESTWIND COMPUTER PRODUCTS, INC.", "thomson-reuters-corp"),
        ("BI2 TECHNOLOGIES, LLC", "geo-group"),
    ],
)
def test_substring_traps_do_not_join_the_family(
    resolver: Resolver, name: str, trap_family: str
) -> None:
    decision = resolver.resolve(name, on=date(2024, 1, 1))
    assert decision.family != trap_family, decision.reason


def test_trap_names_that_are_recipients_resolve_to_themselves(resolver: Resolver) -> None:
    assert resolver.resolve("OUTLOOK-NEBRASKA, INC.").organisation == "outlook-nebraska"
    assert resolver.resolve("EVIGILANT.COM, LLC").organisation == "evigilant"
    person = resolver.resolve("KATHERINE J THOMSON")
    assert (person.organisation, person.family, person.method) == (None, None, "override")
    assert "private person" in person.reason


def test_bare_keywords_resolve_to_nothing(resolver: Resolver) -> None:
    for name in ("VIGILANT", "THOMSON", "REED", "WEST", "LEXIS", "EQUI"):
        decision = resolver.resolve(name)
        assert decision.organisation is None, (name, decision.reason)
        assert decision.family is None


def test_unknown_names_resolve_to_none_not_the_closest_family(resolver: Resolver) -> None:
    decision = resolver.resolve("ACME THOMSON REUTERS FAN CLUB")
    assert (decision.organisation, decision.family, decision.method) == (None, None, "none")
    d = resolver.resolve("ZZZ NONEXISTENT HOLDINGS")
    assert d.organisation is None and d.method == "none"


def test_ownership_as_of_the_transaction_date(resolver: Resolver) -> None:
    early = resolver.resolve("APPRISS INSIGHTS LLC", on=date(2019, 6, 30))
    late = resolver.resolve("APPRISS INSIGHTS LLC", on=date(2022, 6, 30))
    assert early.organisation == late.organisation == "appriss-insights"
    assert early.family == "appriss-insights"
    assert late.family == "equifax"
    assert not late.verified  # the alias is unverified in the research notes
    assert resolver.resolve("VIGILANT SOLUTIONS, LLC", on=date(2018, 1, 1)).family != (
        "motorola-solutions"
    )
    assert resolver.resolve("VIGILANT SOLUTIONS, LLC", on=date(2020, 1, 1)).family == (
        "motorola-solutions"
    )


def test_identifiers_come_first_and_say_which(resolver: Resolver) -> None:
    d = resolver.resolve("WEST PUB CO", uei="L997DB4PEJL8")
    assert (d.organisation, d.family, d.method) == (
        "west-publishing",
        "thomson-reuters-corp",
        "uei",
    )
    assert "L997DB4PEJL8" in d.reason
    # DUNS with its leading zeros lost by a spreadsheet still matches.
    d = resolver.resolve("MOTOROLA", duns="69373090")
    assert (d.organisation, d.method) == ("motorola-solutions", "duns")
    # SAM's parent UEI puts an unregistered subsidiary in the family.
    d = resolver.resolve("THOMSON REUTERS ENTERPRISE CENTRE GMBH", parent_uei="ERQ7UKKC3791")
    assert (d.family, d.method) == ("thomson-reuters-corp", "parent_uei")


def test_own_uei_beats_a_misleading_sam_parent(resolver: Resolver) -> None:
    # SAM names Northrop Grumman Innovation Systems as the parent on some of Federal
    # Cartridge's ICE awards and Vista Outdoor on others; its own UEI decides.
    d = resolver.resolve("FEDERAL CARTRIDGE COMPANY", uei="DY5HJN6EL4M1", parent_uei="GJVCPEBZV574")
    assert (d.organisation, d.family, d.method) == ("federal-cartridge", "federal-cartridge", "uei")


def test_parent_uei_that_contradicts_the_name_goes_to_review(resolver: Resolver) -> None:
    d = resolver.resolve("PALANTIR TECHNOLOGIES INC.", parent_uei="ERQ7UKKC3791")
    assert d.organisation is None and d.method == "review"
    assert "conflict" in d.reason and d.candidate == "palantir"


@pytest.mark.parametrize(
    ("name", "organisation", "method"),
    [
        ("RELX INC.", "relx-inc", "alias"),
        ("Relx Inc", "relx-inc", "normalised"),
        ("West Publishing Corp.", "west-publishing", "normalised"),
        (
            "Thomson Reuters Special Services, L.L.C.",
            "thomson-reuters-special-services",
            "normalised",
        ),
        ("PEN-LINK LTD.", "pen-link", "normalised"),
        ("Lexis Nexis Risk Solutions Inc", "lexisnexis-risk-solutions", "fuzzy"),
        ("PALANTIR TECHNOLOGY INC", "palantir", "normalised"),
        ("RELX PLC", "relx-plc", "alias"),
        ("Relx P.L.C.", "relx-plc", "normalised"),
    ],
)
def test_written_differently_still_resolves(
    resolver: Resolver, name: str, organisation: str, method: str
) -> None:
    d = resolver.resolve(name)
    assert (d.organisation, d.method) == (organisation, method), d.reason


def test_near_misses_go_to_review_not_accepted(resolver: Resolver) -> None:
    d = resolver.resolve("PENLINK LTD")  # 93: plausible, not certain
    assert d.organisation is None and d.method == "review" and d.candidate == "pen-link"
    d = resolver.resolve("L3 HARRIS TECHNOLOGIES INC")  # 94: just below acceptance
    assert d.organisation is None and d.method == "review" and d.candidate == "l3harris"
    d = resolver.resolve("STELLA JV 3, LLC")  # numbers differ from a registered name
    assert d.organisation is None


def test_normalise_keeps_words_whole() -> None:
    assert normalise("OUTLOOK-NEBRASKA, INC.") == "OUTLOOK NEBRASKA"
    assert normalise("B.I. INCORPORATED") == "BI"
    assert normalise("THOMSON COMPANY INC, THE") == "THOMSON COMPANY"
    assert normalise("Fisher Sand & Gravel Co.") == "FISHER SAND AND GRAVEL"
    assert normalise("Smith and Wesson Inc") == normalise("SMITH & WESSON, INC.")


def test_decision_json_keys(resolver: Resolver) -> None:
    doc = resolver.resolve("RELX INC.").as_dict()
    assert {"name", "organisation", "family", "method", "score", "reason"} <= set(doc)
    assert doc["family"] == "relx-plc"
