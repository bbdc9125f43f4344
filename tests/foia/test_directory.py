"""The agency directory reads the curated registry: offices, routes, appeal windows, sources."""

from __future__ import annotations

import pytest

from vendorwatch.errors import VendorwatchError
from vendorwatch.foia.directory import find_office, offices


def test_four_offices_each_with_a_sourced_appeal_rule() -> None:
    found = {o.id: o for o in offices()}
    assert set(found) >= {"ice-foia", "cbp-foia", "dhs-privacy-office", "uscis-foia"}
    for office in found.values():
        assert office.appeal.days == 90
        assert office.appeal.unit == "working-days"
        assert office.appeal.rule == "6 CFR 5.8(a)(1)"
        assert office.appeal_office
        assert office.sources(), office.id
        assert all(s["url"] or s["document"] for s in office.sources())


def test_find_by_agency_or_office_id() -> None:
    assert find_office("ice").id == "ice-foia"
    assert find_office("CBP-FOIA").agency == "cbp"
    assert find_office("dhs").name.startswith("DHS Privacy Office")


def test_unknown_agency_names_the_known_ones() -> None:
    with pytest.raises(VendorwatchError, match=r"unknown agency or FOIA office 'fbi'.*ice-foia"):
        find_office("fbi")


def test_unverified_routes_are_marked() -> None:
    cbp = find_office("cbp")
    mails = [
        r for r in cbp.as_dict()["routes"] if r["kind"] == "mail" and r["purpose"] == "request"
    ]
    assert len(mails) == 2
    assert not any(r["verified"] for r in mails)  # the two addresses conflict
    ice = find_office("ice")
    assert ice.mail_address() is not None
    assert "Stop 5009" in (ice.mail_address() or "")
    emails = [r for r in ice.as_dict()["routes"] if r["kind"] == "email"]
    assert emails[0]["value"] == "ice-foia@ice.dhs.gov"
