"""OCDS 1.1 release packages of awards: valid, one release per award, money exact."""

from __future__ import annotations

import copy
import json
import os
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from jsonschema import Draft4Validator, FormatChecker

from vendorwatch.analysis import award_history
from vendorwatch.errors import VendorwatchError
from vendorwatch.exports import award_table, release_package, write_ocds
from vendorwatch.exports.ocds import amount

from .ocds_structure import RELEASE_PACKAGE

FAMILIES = ("relx-plc", "thomson-reuters-corp", "palantir")
OFFICIAL = os.environ.get("VENDORWATCH_OCDS_SCHEMA_DIR")


def errors_of(package: dict[str, Any]) -> list[str]:
    validator = Draft4Validator(RELEASE_PACKAGE, format_checker=FormatChecker())
    return [f"{list(e.absolute_path)}: {e.message}" for e in validator.iter_errors(package)]


def written(package: dict[str, Any], tmp_path: Path) -> dict[str, Any]:
    """The package as a reader gets it: through the file, numbers parsed as exact decimals."""
    out = tmp_path / "package.json"
    write_ocds(package, out)
    document: dict[str, Any] = json.loads(out.read_text("utf-8"), parse_float=Decimal)
    return document


def test_the_format_checker_checks_dates() -> None:
    """Without rfc3339-validator, jsonschema skips date-time silently; the tests rely on it."""
    assert not FormatChecker().conforms("2024-01-01", "date-time")
    assert FormatChecker().conforms("2024-01-01T00:00:00Z", "date-time")


@pytest.mark.parametrize("family", FAMILIES)
def test_family_packages_validate_and_match_the_award_list(
    con: Any, family: str, tmp_path: Path
) -> None:
    package = release_package(con, {"family": [family]}, prefix="ocds-test01")
    assert errors_of(package) == []
    document = written(package, tmp_path)
    assert errors_of(json.loads(json.dumps(package))) == []
    listed = award_table(con, {"family": [family]}).to_pylist()
    releases = document["releases"]
    assert releases
    assert [r["awards"][0]["id"] for r in releases] == [a["award_key"] for a in listed]
    assert len({r["ocid"] for r in releases}) == len(releases)
    for release, award in zip(releases, listed, strict=True):
        assert release["ocid"] == f"ocds-test01-{award['award_key']}"
        transactions = release["contracts"][0]["implementation"]["transactions"]
        values = [t["value"]["amount"] for t in transactions]
        assert all(isinstance(v, Decimal) for v in values)
        # no filter on time: each release carries the award's whole history
        assert sum(values) == award["obligations"]
        assert len(transactions) == award["transactions"]
        assert release["awards"][0]["value"]["amount"] == award["obligations"]
        assert release["contracts"][0]["value"] == release["awards"][0]["value"]
        assert {t["value"]["currency"] for t in transactions} == {"USD"}


def test_releases_match_the_award_history(con: Any, tmp_path: Path) -> None:
    """Against `award_history` (its own query over the raw transactions, with provenance)."""
    document = written(release_package(con, {"family": ["relx-plc"]}, limit=10), tmp_path)
    for release in document["releases"]:
        history = award_history(con, release["awards"][0]["id"])
        transactions = release["contracts"][0]["implementation"]["transactions"]
        assert [t["value"]["amount"] for t in transactions] == [
            a.obligation for a in history.transactions
        ]
        assert [t["date"][:10] for t in transactions] == [
            a.action_date.isoformat() for a in history.transactions
        ]
        assert release["awards"][0]["value"]["amount"] == history.obligated
        assert release["date"][:10] == max(a.action_date for a in history.transactions).isoformat()
        assert release["awards"][0]["suppliers"][0]["name"] == history.recipient


def test_parties_carry_every_role_they_are_referenced_in(con: Any) -> None:
    package = release_package(con, {"family": ["palantir"]})
    for release in package["releases"]:
        roles = {p["id"]: set(p["roles"]) for p in release["parties"]}
        assert "buyer" in roles[release["buyer"]["id"]]
        for supplier in release["awards"][0]["suppliers"]:
            assert "supplier" in roles[supplier["id"]]
        for t in release["contracts"][0]["implementation"]["transactions"]:
            assert "payer" in roles[t["payer"]["id"]]
            assert "payee" in roles[t["payee"]["id"]]
        names = {p["id"]: p["name"] for p in release["parties"]}
        assert names[release["buyer"]["id"]] == release["buyer"]["name"]


def test_the_whole_warehouse_validates(con: Any) -> None:
    package = release_package(con, {})
    assert len(package["releases"]) == award_table(con, {}).num_rows
    assert errors_of(package) == []


def test_competition_maps_to_procurement_method(con: Any) -> None:
    """The award summaries (Minnesota bulk file) carry extent_competed; the API export does not."""
    package = release_package(con, {"competition": ["competed", "not competed"]}, limit=200)
    methods = {r["tender"].get("procurementMethod") for r in package["releases"]}
    assert methods <= {"open", "direct"}
    unknown = release_package(con, {"competition": ["unknown"]}, limit=20)
    assert all("procurementMethod" not in r["tender"] for r in unknown["releases"])


def test_bad_prefix_is_refused(con: Any) -> None:
    with pytest.raises(VendorwatchError, match="OCID prefix"):
        release_package(con, {}, prefix="ocds x", limit=1)


@given(
    st.decimals(
        min_value=Decimal("-9999999999999.99"),
        max_value=Decimal("9999999999999.99"),
        places=2,
        allow_nan=False,
        allow_infinity=False,
    )
)
def test_amounts_are_exact_json_numbers(value: Decimal) -> None:
    assert json.loads(json.dumps(amount(value)), parse_float=Decimal) == value


def test_amounts_that_cannot_be_exact_are_refused() -> None:
    with pytest.raises(VendorwatchError, match="exactly"):
        amount(Decimal("10000000000000.00"))


def official_validator() -> Draft4Validator:
    """The official OCDS 1.1 schema (scripts/ocds_schema.py fetches it from PyPI's archives)."""
    from referencing import Registry, Resource
    from referencing.jsonschema import DRAFT4

    if not OFFICIAL:
        if os.environ.get("VENDORWATCH_REQUIRE_OCDS_SCHEMA"):
            pytest.fail("VENDORWATCH_REQUIRE_OCDS_SCHEMA is set but no schema folder is")
        pytest.skip("set VENDORWATCH_OCDS_SCHEMA_DIR to the official OCDS 1.1 schema files")
    folder = Path(OFFICIAL)
    package_schema = json.loads((folder / "release-package-schema.json").read_text("utf-8"))
    release_schema = json.loads((folder / "release-schema.json").read_text("utf-8"))
    # The release schema is registered under the address the package schema refers to it by
    # (ocdsmerge's copy is 1.1.4, which validates exactly as 1.1.5; see scripts/ocds_schema.py).
    release_ref = package_schema["properties"]["releases"]["items"]["$ref"]
    registry: Registry[Any] = Registry().with_resource(
        release_ref, Resource(release_schema, specification=DRAFT4)
    )
    return Draft4Validator(package_schema, registry=registry, format_checker=FormatChecker())


def test_against_the_official_schema(con: Any) -> None:
    """The three dossier families and the 1,000 largest awards (the official schema checks at
    ~3.5 ms a release, so the whole sample's 23,461 would take ~80 s; the hand-written
    structure checks them all in test_the_whole_warehouse_validates)."""
    validator = official_validator()
    packages = [release_package(con, {"family": [family]}) for family in FAMILIES]
    packages.append(release_package(con, {}, limit=1000))
    for package in packages:
        assert package["releases"]
        assert [e.message for e in validator.iter_errors(package)][:5] == []


def test_the_official_schema_catches_what_it_should(con: Any) -> None:
    """The official check can fail: a release without its ocid or with a bad tag is refused."""
    validator = official_validator()
    package = release_package(con, {"family": ["palantir"]})
    broken = copy.deepcopy(package)
    del broken["releases"][0]["ocid"]
    broken["releases"][1]["tag"] = ["spending"]
    messages = [e.message for e in validator.iter_errors(broken)]
    assert any("'ocid' is a required property" in m for m in messages)
    assert any("spending" in m for m in messages)
