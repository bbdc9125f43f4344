"""What an award buys: rules checked on the real awards, the traps included."""

from __future__ import annotations

import csv
import gzip
from decimal import Decimal
from pathlib import Path
from typing import Any

import ibis
import pytest

from tests import raw_rows
from vendorwatch.analysis import rollup
from vendorwatch.analysis.classification import award_classes, classify, rules, spelt_right

pytestmark = pytest.mark.engines  # every `con` test on DuckDB and on Spark (conftest.py)


@pytest.fixture(scope="module")
def by_recipient(con: Any) -> dict[str, set[str]]:
    """Categories of each recipient's awards, from the real data."""
    classes = award_classes(con)
    t = con.table("transactions")
    names = t.select(award_key=t.contract_award_unique_key, recipient=t.recipient_name).distinct()
    rows = classes.join(names, "award_key").select("recipient", "category").to_pyarrow()
    found: dict[str, set[str]] = {}
    for row in rows.to_pylist():
        found.setdefault(row["recipient"], set()).add(row["category"])
    return found


@pytest.mark.parametrize(
    ("recipient", "category"),
    [
        ("CLEARVIEW AI, INC.", "facial_recognition"),
        ("CELLEBRITE INC", "phone_forensics"),
        ("LEXISNEXIS RISK SOLUTIONS INC", "investigative_data"),
        ("PALANTIR TECHNOLOGIES INC.", "case_management"),
        ("AMERICAN IMMIGRATION LAWYERS ASSOCIATION", "legal_research"),
        ("WILLIAM S. HEIN & CO., INC.", "legal_research"),
        ("VENNTEL INC", "location_data"),
    ],
)
def test_known_vendors_are_classed(
    by_recipient: dict[str, set[str]], recipient: str, category: str
) -> None:
    assert category in by_recipient[recipient]


def test_relx_law_libraries_are_not_data_brokering(con: Any) -> None:
    """RELX sells both; a detainee law library is not surveillance (issue 4)."""
    classes = award_classes(con)
    t = con.table("transactions")
    relx = t.filter(t.recipient_name == "RELX INC.").select(
        award_key=t.contract_award_unique_key, text=t.transaction_description
    )
    rows = classes.join(relx, "award_key").to_pyarrow().to_pylist()
    libraries = [r for r in rows if "LAW LIBRARY" in (r["text"] or "")]
    accurint = [r for r in rows if "ACCURINT" in (r["text"] or "")]
    assert libraries
    assert accurint
    assert {r["category"] for r in libraries} == {"detainee_law_library"}
    assert {r["category"] for r in accurint} == {"investigative_data"}


@pytest.mark.parametrize(
    ("text", "category"),
    [
        ("REGIONAL CLEARANCE SYSTEM ACCESS", "other"),  # CLEAR only as a word
        ("RELOCATION MANAGEMENT SOFTWARE AND SERVICES", "other"),  # not location data
        ("TOILET PAPER FOR EL PASO SPC", "other"),
        ("UPDATE THE COR FOR 124,500 ROUNDS OF .223 NONMARKING/CLEAR", "other"),
        ("CLEAR ACCESS FOR FLO, CALD, AND HRVLD", "investigative_data"),
        ("ITEMS WILL BE PLACED IN DETAINEE'S LEGAL LAW LIBRARY", "detainee_law_library"),
        ("ACCESS TO LICENSE PLATE READER DATABASE", "licence_plates"),
        ("GRAY SHIFT-GRAY KEY LICENSE/SOFTWARE", "phone_forensics"),
        ("PURCHASE OF APX 8000 ALL BAND PORTABLE RADIOS", "hardware"),
    ],
)
def test_rules_match_on_word_boundaries(text: str, category: str) -> None:
    table = ibis.memtable({"text": [text]})
    got = classify(table).to_pyarrow().to_pylist()[0]
    assert got["category"] == category
    if category != "other":
        assert got["rule"]
        assert got["evidence"]


def test_every_rule_has_a_source_and_a_known_category() -> None:
    spec = rules()
    assert all(rule.written_from.strip() for rule in spec.rules)
    assert "other" in spec.categories
    assert len({rule.id for rule in spec.rules}) == len(spec.rules)


def test_classes_partition_the_obligations(con: Any) -> None:
    total = Decimal(rollup(con, [])[0]["obligations"])
    parts = sum(Decimal(r["obligations"]) for r in rollup(con, ["classification"]))
    assert parts == total


@pytest.mark.duckdb_only(
    "fetches every award's class (thousands of rows through Spark's toPandas, ~50 s); the "
    "classes on Spark: the known vendors, the partition and the fixed classes here"
)
def test_product_codes_decide_where_the_words_do_not(con: Any, raw_data: Path) -> None:
    """An award summary's PSC code is matched by prefix: 7050 is IT equipment, 7030 software."""
    classes = {r["award_key"]: r for r in award_classes(con).to_pyarrow().to_pylist()}
    summaries = sorted((raw_data / "mn-ice-contracts").glob("*PrimeAwardSummaries*.csv.gz"))
    assert summaries
    by_code: dict[str, list[str]] = {}
    for path in summaries:
        with gzip.open(path, "rt", encoding="utf-8-sig", newline="") as handle:
            for row in csv.DictReader(handle):
                code = row["product_or_service_code"]
                by_code.setdefault(code[:4], []).append(row["contract_award_unique_key"])
    hardware = [k for k in by_code["7050"] if k in classes]
    assert hardware
    for key in hardware:
        if classes[key]["rule"] == "hardware" and classes[key]["evidence"] == "PSC=7050":
            break
    else:
        pytest.fail("no 7050 award was classed by its code")
    software = [classes[k] for k in by_code.get("7030", []) if k in classes]
    assert all(c["evidence"] != "PSC=7030" for c in software)


# --- issue 17: classifications fixed on the exact real rows --------------------------------


def _facts_by_award(con: Any, keys: set[str]) -> dict[str, tuple[set[str], Decimal]]:
    """Each award's classes and obligations in the warehouse's facts."""
    f = con.table("facts")
    rows = (
        f.filter(f.contract_award_unique_key.isin(sorted(keys)))
        .group_by(award=f.contract_award_unique_key, category=f.classification)
        .aggregate(amount=f.federal_action_obligation.sum())
        .to_pyarrow()
        .to_pylist()
    )
    found: dict[str, tuple[set[str], Decimal]] = {}
    for r in rows:
        cats, amount = found.get(r["award"], (set(), Decimal(0)))
        found[r["award"]] = ({*cats, r["category"]}, amount + Decimal(r["amount"]))
    return found


@pytest.mark.parametrize(
    ("keep", "category"),
    [
        # CBP's LexisNexis digital library subscriptions: research, not a detainee law library
        (lambda r: "DIGITAL LIBRARY" in r["Transaction Description"], "legal_research"),
        # Hein's law library for ICE's lawyers (OPLA), with no detainee in sight
        (lambda r: r["Recipient Name"] == "WILLIAM S. HEIN & CO., INC.", "legal_research"),
        # the CLEAR contract, spelt out as "CONSOLIDATED LEAD EVALUATION AND REPORTING (CLEAR)"
        (lambda r: r["Award ID"] == "HSCEMD17F00008", "investigative_data"),
        # Venntel's "DATA SERVICES SUBSCRIPTION" and "COMPUTER SOFTWARE LICENSE": location data
        (lambda r: r["Recipient Name"] == "VENNTEL INC", "location_data"),
        # "RISK MITITGATION SERVICES", misspelt, is the same service as "RISK MITIGATION"
        (lambda r: "MITITGATION" in r["Transaction Description"], "investigative_data"),
        # B.I.'s Intensive Supervision Appearance Program: electronic monitoring
        (
            lambda r: "INTENSIVE SUPERVISION APPEARANCE" in r["Transaction Description"],
            "electronic_monitoring",
        ),
    ],
    ids=["digital-library", "hein-opla", "clear", "venntel", "mititgation", "isap"],
)
def test_fixed_classes_hold_on_the_real_rows(
    con: Any, raw_data: Path, keep: Any, category: str
) -> None:
    """Every award the raw rows name is in the class, and all its money with it: the class's
    obligations over those awards equal the raw files' sum over every row of those awards."""
    keys = raw_rows.awards(raw_data, keep)
    assert keys
    expected = raw_rows.total(raw_data, lambda r: r["Generated Award ID"] in keys)
    found = _facts_by_award(con, keys)
    assert set(found) == keys
    assert {c for cats, _ in found.values() for c in cats} == {category}
    assert sum((amount for _, amount in found.values()), Decimal(0)) == expected


def test_detainee_law_libraries_are_only_those_for_detainees(con: Any, raw_data: Path) -> None:
    """What stays a detainee law library names detainees or detention facilities."""
    f = con.table("facts")
    keys = {
        r["award"]
        for r in f.filter(f.classification == "detainee_law_library")
        .select(award=f.contract_award_unique_key)
        .distinct()
        .to_pyarrow()
        .to_pylist()
    }
    assert keys
    for key in keys:
        texts = [
            r["Transaction Description"]
            for r in raw_rows.transactions(raw_data)
            if r["Generated Award ID"] == key
        ]
        assert any("DETAINEE" in t or "DETENTION" in t for t in texts), key


@pytest.mark.parametrize(
    ("text", "category"),
    [
        ("RISK MITITGATION SERVICES", "investigative_data"),
        ("CELLBRITE SOFTWARE LICENSE", "phone_forensics"),
        ("SURVEILLENCE EQUIPMENT", "hardware"),
        ("LITIGATION SUPPORT SERVICES", "other"),  # a near word is not a misspelling
    ],
)
def test_known_misspellings_are_read_right(text: str, category: str) -> None:
    table = ibis.memtable({"text": [text]})
    table = table.mutate(text=spelt_right(table.text))
    assert classify(table).to_pyarrow().to_pylist()[0]["category"] == category
