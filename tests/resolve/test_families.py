"""Company families as companies are owned, checked on the real rows: each family's total is
summed independently from the raw files (csv module + Decimal) over the recipient names that
belong to it, and every decision still says why."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import duckdb
import pytest

from tests import raw_rows
from vendorwatch.analysis import connect, rollup
from vendorwatch.analysis.sectors import sector_of, sector_rollup
from vendorwatch.registry import shipped_registry
from vendorwatch.resolve import Resolver
from vendorwatch.resolve.warehouse import coverage
from vendorwatch.warehouse import open_warehouse


@pytest.fixture(scope="module")
def con(sample_warehouse: Path) -> Iterator[Any]:
    connection = connect(sample_warehouse)
    yield connection
    connection.disconnect()


@pytest.fixture
def raw_con(sample_warehouse: Path) -> Iterator[duckdb.DuckDBPyConnection]:
    connection = open_warehouse(sample_warehouse, read_only=True)
    yield connection
    connection.close()


def _family_total(con: Any, family: str) -> Decimal:
    rows = rollup(con, [], where={"family": family})
    return Decimal(rows[0]["obligations"]) if rows else Decimal(0)


# Recipient names as they stand in the raw files, written from the raw names, not the registry,
# with the days an acquisition moved them (action date from, until): a row takes the family
# its company had on its action date.
FAMILIES = {
    "caci-international": (r"^CACI\b", None, None),
    "general-dynamics": (r"^GENERAL DYNAMICS\b", None, None),
    "att-inc": (r"^AT&T ", None, None),
    "nana-regional": (r"^AKIMA ", None, None),
    "leidos-holdings": (r"^LEIDOS\b", None, None),
    "accenture-plc": (r"^ACCENTURE ", None, None),
    "mantech": (r"^MANTECH ", None, "2022-09-14"),
    "carlyle": (r"^MANTECH ", "2022-09-14", None),
    "amentum-holdings": (r"^(AMENTUM |PAE AVIATION|DYNCORP INTERNATIONAL)", None, None),
    "osi-systems": (r"^(RAPISCAN |AMERICAN SCIENCE & ENGINEERING|OSI FEDERAL)", None, None),
    "geo-group": (r"^(THE GEO GROUP|GEO (TRANSPORT|CARE)|B\.I\. INCORPORATED)",
                  None, None),
    "experian-plc": (r"^EXPERIAN ", None, None),
    "dun-bradstreet-holdings": (r"^DUN & BRADSTREET", None, None),
    "leadsonline-parent": (r"^LEADSONLINE", None, None),
    "sp-global": (r"^(S&P GLOBAL|PANJIVA|IHS GLOBAL)", None, None),
    "kiewit": (r"^SOUTHWEST VALLEY CONSTRUCTORS", None, None),
}  # fmt: skip
# Rows of companies bought during the loaded years stay out of the buyer's family before the
# purchase: (pattern, until) per family, subtracted from the rows above.
BOUGHT = {
    "amentum-holdings": [
        (r"^PAE AVIATION", "2022-02-15"),
        (r"^DYNCORP INTERNATIONAL", "2020-11-20"),
    ],
    "sp-global": [(r"^IHS GLOBAL", "2022-02-28")],
}


def _in(row: dict[str, str], pattern: str, since: str | None, until: str | None) -> bool:
    day = row["Action Date"]
    return (
        bool(re.search(pattern, row["Recipient Name"]))
        and (since is None or day >= since)
        and (until is None or day < until)
    )


@pytest.mark.parametrize("family", sorted(FAMILIES))
def test_family_totals_match_the_raw_rows(con: Any, raw_data: Path, family: str) -> None:
    """A family's obligations are every raw row of its companies' names on the days they were
    its, to the cent."""
    pattern, since, until = FAMILIES[family]
    bought = BOUGHT.get(family, [])
    expected = raw_rows.total(
        raw_data,
        lambda r: _in(r, pattern, since, until) and not any(_in(r, p, None, u) for p, u in bought),
    )
    assert expected != 0
    assert _family_total(con, family) == expected


def test_caci_is_one_family_by_the_parent_uei_in_the_data() -> None:
    """The sub-award file gives CACI's three entities one SAM parent UEI; the registry follows."""
    resolver = Resolver(shipped_registry())
    for name in ("CACI, INC. - FEDERAL", "CACI NSS, LLC", "CACI-ISS, LLC"):
        decision = resolver.resolve(name)
        assert decision.family == "caci-international"
        assert decision.family_reason and "CACI International Inc" in decision.family_reason
    by_uei = resolver.resolve("SOME CACI UNIT", parent_uei="QSRTXLFKV857")
    assert (by_uei.method, by_uei.family) == ("parent_uei", "caci-international")


@pytest.mark.parametrize(
    ("old", "organisation", "until"),
    [
        ("CORRECTIONS CORPORATION OF AMERICA", "corecivic", "2016-12-01"),
        ("WACKENHUT CORRECTIONS CORPORATION", "geo-group", "2003-11-25"),
        ("VF IMAGEWEAR, INC.", "workwear-outfitters", "2020-07-01"),
    ],
)
def test_former_names_carry_over_with_their_dates(old: str, organisation: str, until: str) -> None:
    decision = Resolver(shipped_registry()).resolve(old)
    assert decision.organisation == organisation
    assert f"its name until {until}" in decision.reason


def test_a_former_name_in_the_data_counts_for_the_company(con: Any, raw_data: Path) -> None:
    """VF Imagewear's rows are Workwear Outfitters' (its name since 2020), summed from raw."""
    names = {"WORKWEAR OUTFITTERS, LLC", "VF IMAGEWEAR, INC."}
    expected = raw_rows.total(raw_data, lambda r: r["Recipient Name"] in names)
    assert _family_total(con, "workwear-outfitters") == expected


def _raw_ranking(raw_data: Path, top: int) -> list[str]:
    sums: dict[str, Decimal] = {}
    for r in raw_rows.transactions(raw_data):
        name = r["Recipient Name"]
        sums[name] = sums.get(name, Decimal(0)) + Decimal(r["Federal Action Obligation"])
    return [n for n, _ in sorted(sums.items(), key=lambda kv: (-kv[1], kv[0]))[:top]]


def test_the_50_largest_recipients_are_in_sourced_families(
    raw_con: duckdb.DuckDBPyConnection, raw_data: Path
) -> None:
    found = coverage(raw_con, shipped_registry(), top=50)
    assert [r["name"] for r in found["top"]] == _raw_ranking(raw_data, 50)
    assert [r["name"] for r in found["top"] if not r["sourced_family"]] == []


def test_unresolved_dollars_are_under_a_tenth_of_a_percent(
    raw_con: duckdb.DuckDBPyConnection, raw_data: Path
) -> None:
    found = coverage(raw_con, shipped_registry())
    assert found["total"] == raw_rows.total(raw_data)
    assert found["unresolved_share"] < Decimal("0.001")
    assert found["unresolved_gross"] < Decimal("0.001") * found["total"]


def test_every_large_decision_is_explained() -> None:
    resolver = Resolver(shipped_registry())
    for name in ("FISHER SAND & GRAVEL CO", "LEIDOS, INC.", "AKIMA GLOBAL SERVICES, LLC"):
        decision = resolver.resolve(name)
        assert decision.reason
        assert decision.family_reason


def test_cli_resolve_says_why_the_family() -> None:
    run = subprocess.run(
        [sys.executable, "-m", "vendorwatch", "resolve", "CACI NSS, LLC",
         "CORRECTIONS CORPORATION OF AMERICA", "--json"],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert run.returncode == 0, run.stderr
    caci, cca = json.loads(run.stdout)
    assert caci["family"] == "caci-international"
    assert "owned by CACI International Inc" in caci["family_reason"]
    assert "USAspending contract sub-awards" in caci["family_reason"]
    assert cca["organisation"] == "corecivic" and "its name until 2016-12-01" in cca["reason"]
    shown = subprocess.run(
        [sys.executable, "-m", "vendorwatch", "resolve", "CACI NSS, LLC"],
        capture_output=True, text=True, check=False, env={**os.environ, "COLUMNS": "300"},
    )  # fmt: skip
    assert shown.returncode == 0 and "Family: CACI NSS, LLC is owned by" in shown.stdout


def test_the_vendor_chart_counts_monitoring_not_detention(con: Any, raw_data: Path) -> None:
    """GEO's bar in the data and surveillance chart is B.I.'s electronic monitoring only; the
    border wall builders and CoreCivic are not in it."""
    registry = shipped_registry()
    assert sector_of(registry, "geo-group") == "detention-operator"
    assert sector_of(registry, "bi-incorporated") == "electronic-monitoring"
    rows = {r["family"]: r for r in sector_rollup(con, registry)}
    bi = raw_rows.total(raw_data, lambda r: r["Recipient Name"] == "B.I. INCORPORATED")
    assert Decimal(rows["geo-group"]["obligations"]) == bi
    assert rows["geo-group"]["name"] == "The GEO Group, Inc. (only B.I. Incorporated)"
    assert "fisher-sand-gravel" not in rows
    assert "corecivic" not in rows
    relx = re.compile(r"LEXISNEXIS|RELX|REED ELSEVIER|ELSEVIER")
    assert Decimal(rows["relx-plc"]["obligations"]) == raw_rows.total(
        raw_data, lambda r: bool(relx.search(r["Recipient Name"]))
    )
