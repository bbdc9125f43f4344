"""Claims checked like with like, the expected figures summed from the raw files (csv + Decimal).

70CMSD21C00000001 is ICE's LEIDS contract with LexisNexis Risk Solutions: the issue's figures
are checked against its transactions dated on or before each day, read straight from the
bundled USAspending export, never from the warehouse.
"""

from __future__ import annotations

import csv
import gzip
import json
import re
import subprocess
import sys
from collections.abc import Iterator
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from vendorwatch.analysis import connect
from vendorwatch.analysis.claims import (
    ClaimCheck,
    check_claim,
    check_registry_claim,
    parse_amount,
    tolerance_of,
)
from vendorwatch.analysis.dossier import family_dossier
from vendorwatch.build import build
from vendorwatch.errors import VendorwatchError
from vendorwatch.registry import Registry, load_registry
from vendorwatch.warehouse import open_warehouse

PIID = "70CMSD21C00000001"
KEY = "CONT_AWD_70CMSD21C00000001_7012_-NONE-_-NONE-"


@pytest.fixture(scope="module")
def registry() -> Registry:
    return load_registry()


@pytest.fixture(scope="module")
def raw_rows(raw_data: Path) -> list[dict[str, Any]]:
    """The award's transactions in the raw export: date, amount, file and record number."""
    found = []
    for path in sorted(raw_data.glob("cbp-ice-dashboard/*.csv.gz")):
        with gzip.open(path, "rt", encoding="utf-8", newline="") as handle:
            for number, row in enumerate(csv.DictReader(handle), start=1):
                if row["Award ID"] == PIID:
                    found.append(
                        {
                            "file": path.name,
                            "row": number,
                            "on": date.fromisoformat(row["Action Date"]),
                            "amount": Decimal(row["Federal Action Obligation"]),
                            "modification": row["Modification"],
                        }
                    )
    keys = [(r["on"], r["modification"], r["amount"]) for r in found]
    assert len(keys) == len(set(keys)), "no repeats of this award in the raw files"
    return found


def obligated_by(rows: list[dict[str, Any]], day: date) -> Decimal:
    return sum((r["amount"] for r in rows if r["on"] <= day), Decimal(0))


def check(con: Any, registry: Registry, amount: str, on: str, measure: str) -> ClaimCheck:
    stated = parse_amount(amount)
    return check_claim(
        con,
        registry,
        PIID,
        stated.amount,
        date.fromisoformat(on),
        measure=measure,
        tolerance=stated.tolerance,
    )


# --- the three figures on the bundled data ---------------------------------------


def test_8_3m_obligated_on_2022_07_15_is_consistent(
    con: Any, registry: Registry, raw_rows: list[dict[str, Any]]
) -> None:
    result = check(con, registry, "8.3M", "2022-07-15", "obligated")
    expected = obligated_by(raw_rows, date(2022, 7, 15))
    assert expected == Decimal("8276020.00")  # the raw files' own sum, written out for readers
    assert result.verdict == "consistent"
    assert result.data_figure == expected
    assert result.tolerance == Decimal(50_000)  # half a unit of the stated 0.1 million
    assert "±$50,000.00" in result.reason
    counted = sorted((r["file"], r["row"]) for r in raw_rows if r["on"] <= date(2022, 7, 15))
    assert sorted((s["file"], s["row"]) for s in result.sources) == counted
    assert sum(Decimal(s["amount"]) for s in result.sources) == expected


def test_22_1m_potential_cannot_be_checked_without_a_ceiling(con: Any, registry: Registry) -> None:
    result = check(con, registry, "$22.1 million", "2022-07-15", "potential")
    assert result.verdict == "cannot_check"
    assert result.data_figure is None
    assert "not in the loaded data" in result.reason
    assert "award-summary files do" in result.reason
    assert result.sources == []


def test_16_8m_obligated_on_2021_04_02_is_inconsistent(
    con: Any, registry: Registry, raw_rows: list[dict[str, Any]]
) -> None:
    result = check(con, registry, "$16.8 million", "2021-04-02", "obligated")
    expected = obligated_by(raw_rows, date(2021, 4, 2))
    assert result.verdict == "inconsistent"
    assert result.data_figure == expected
    assert result.difference == Decimal(16_800_000) - expected
    assert f"${result.difference:,.2f} more" in result.reason


# --- unlike things are never compared -------------------------------------------------------


def test_a_statement_before_the_loaded_data_says_so(con: Any, registry: Registry) -> None:
    claim = registry.claims["ddn-2013-mission-critical"].value
    result = check_registry_claim(con, registry, claim)
    assert result.verdict == "cannot_check"
    assert "before the loaded data" in result.reason
    assert result.data_figure is None  # not "$0.00 on that day"


def test_one_unidentified_contract_is_not_set_beside_the_company(
    con: Any, registry: Registry
) -> None:
    claim = registry.claims["daily-beast-trss-3-4m"].value
    result = check_registry_claim(con, registry, claim)
    assert result.verdict == "cannot_check"
    assert "not identified by PIID" in result.reason
    assert result.data_figure is None


def test_unknown_subject_and_counts_cannot_be_checked(con: Any, registry: Registry) -> None:
    unknown = check_claim(con, registry, "no-such-company", Decimal(1), date(2022, 1, 1))
    assert unknown.verdict == "cannot_check"
    assert unknown.reason.startswith("subject unknown")
    count = check_registry_claim(con, registry, registry.claims["jfl-accurint-1-2m-searches"].value)
    assert count.verdict == "cannot_check"
    assert "not money" in count.reason


def test_every_registry_claim_gets_a_verdict_and_the_dossier_shows_the_same(
    con: Any, registry: Registry
) -> None:
    dossier = family_dossier(con, registry, "relx-plc")
    shown = {c["id"]: c for c in dossier["claims"]}
    assert shown["lj-2022-lnrs-8-3m"]["verdict"] == "consistent"
    assert shown["lj-2022-lnrs-22-1m"]["verdict"] == "cannot_check"
    for claim_id, row in shown.items():
        again = check_registry_claim(con, registry, registry.claims[claim_id].value)
        assert row["check"] == again.as_dict()


# --- with the award's summary loaded, the ceiling is checked against it --------------------

POTENTIAL = Decimal("22104371.05")  # written by the test below: not a USAspending figure


@pytest.fixture(scope="module")
def summary_con(
    raw_data: Path, raw_rows: list[dict[str, Any]], tmp_path_factory: Any
) -> Iterator[Any]:
    """The bundled transactions plus an award-summary file holding 70CMSD21C00000001.

    None of the bundled summary files carries this award (the only one, mn-ice-contracts,
    holds ICE awards to Minnesota recipients), so this test writes one summary row for it in
    the real PrimeAwardSummaries layout (its 286 columns, in order, from the USAspending
    repository's column list): obligated is the raw transactions' sum, the potential value
    (POTENTIAL) is the test's own figure, chosen near the reported $22.1 million ceiling.
    """
    columns_file = (
        raw_data / "usaspending-api/bulk_download_Contracts_PrimeAwardSummaries_columns.csv"
    )
    with columns_file.open(encoding="utf-8", newline="") as handle:
        columns = [row["column_name"] for row in csv.DictReader(handle)]
    assert len(columns) == 286
    total = sum((r["amount"] for r in raw_rows), Decimal(0))
    values = {
        "contract_award_unique_key": KEY,
        "award_id_piid": PIID,
        "awarding_agency_code": "070",
        "awarding_agency_name": "Department of Homeland Security",
        "awarding_sub_agency_code": "7012",
        "awarding_sub_agency_name": "U.S. Immigration and Customs Enforcement",
        "recipient_name": "LEXISNEXIS RISK SOLUTIONS INC",
        "total_obligated_amount": f"{total:.2f}",
        "current_total_value_of_award": f"{total:.2f}",
        "potential_total_value_of_award": f"{POTENTIAL:.2f}",
        "award_base_action_date": "2021-02-25",
        "award_latest_action_date": max(r["on"] for r in raw_rows).isoformat(),
        "period_of_performance_start_date": "2021-03-01",
        "period_of_performance_current_end_date": "2026-08-31",
        "period_of_performance_potential_end_date": "2026-08-31",
        "last_modified_date": "2026-06-23",
        "prime_award_base_transaction_description": (
            "LAW ENFORCEMENT INVESTIGATIVE DATABASE SUBSCRIPTION (LEIDS)"
        ),
    }
    folder = tmp_path_factory.mktemp("summary")
    summary = folder / "Contracts_PrimeAwardSummaries_test_written_70CMSD21C00000001.csv"
    with summary.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=columns)
        writer.writeheader()
        writer.writerow({c: values.get(c, "") for c in columns})
    path = folder / "with-summary.duckdb"
    raw_con = open_warehouse(path)
    result = build(raw_con, [raw_data / "cbp-ice-dashboard", summary])
    raw_con.close()
    assert [r.status for r in result.loads] == ["loaded"] * 7
    connection = connect(path)
    yield connection
    connection.disconnect()


def test_potential_value_is_checked_against_the_award_summary(
    summary_con: Any, registry: Registry
) -> None:
    result = check(summary_con, registry, "22.1M", "2022-07-15", "potential")
    assert result.verdict == "consistent"
    assert result.data_figure == POTENTIAL
    (source,) = result.sources
    assert source["file"].startswith("Contracts_PrimeAwardSummaries_test_written")
    assert source["row"] == 1
    assert any("last modification" in n for n in result.notes)  # 2026, after the stated day

    higher = check(summary_con, registry, "$25 million", "2022-07-15", "potential")
    assert higher.verdict == "inconsistent"
    assert higher.difference == Decimal(25_000_000) - POTENTIAL

    before = check(summary_con, registry, "22.1M", "2020-12-01", "potential")
    assert before.verdict == "cannot_check"
    assert "after 1 December 2020" in before.reason

    seed = registry.claims["lj-2022-lnrs-22-1m"].value
    assert check_registry_claim(summary_con, registry, seed).verdict == "consistent"


# --- amounts as people write them --------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "amount", "tolerance"),
    [
        ("8.3M", "8300000", "50000"),
        ("$16.8 million", "16800000", "50000"),
        ("22,100,000", "22100000", "50000"),
        ("$1.2B", "1200000000", "50000000"),
        ("450k", "450000", "500"),
        ("$22 million", "22000000", "500000"),
        ("3,168,000.50", "3168000.50", "0.005"),
        ("US$ 8.30m", "8300000", "5000"),
    ],
)
def test_amounts_and_their_rounding(text: str, amount: str, tolerance: str) -> None:
    stated = parse_amount(text)
    assert stated.amount == Decimal(amount)
    assert stated.tolerance == Decimal(tolerance)


@pytest.mark.parametrize("text", ["", "8.3 millions", "abc", "8,3M", "-5M", "1.2.3"])
def test_a_bad_amount_names_the_accepted_forms(text: str) -> None:
    with pytest.raises(VendorwatchError, match=re.escape("accepted forms: 8.3M, $16.8 million")):
        parse_amount(text)


@given(st.decimals(min_value=0, max_value=10**12, places=2, allow_nan=False))
def test_any_written_out_amount_reads_back_exactly(value: Decimal) -> None:
    stated = parse_amount(f"${value:,.2f}")
    assert stated.amount == value
    assert stated.tolerance == Decimal("0.005")
    assert tolerance_of(Decimal(8_300_000)) == Decimal(50_000)


# --- the command line gives the same answer --------------------------------------------------


def vendorwatch(warehouse: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "vendorwatch",
            "claim",
            "check",
            *args,
            "--warehouse",
            str(warehouse),
        ],
        capture_output=True,
        text=True,
        check=False,
    )


def test_cli_json_is_the_library_answer(
    sample_warehouse: Path, con: Any, registry: Registry
) -> None:
    ran = vendorwatch(sample_warehouse, PIID, "$16.8 million", "--on", "2021-04-02", "--json")
    assert ran.returncode == 0, ran.stderr
    got = json.loads(ran.stdout)
    assert {
        "subject",
        "measure",
        "amount",
        "on",
        "verdict",
        "data_figure",
        "reason",
        "sources",
    } <= set(got)
    assert got == check(con, registry, "$16.8 million", "2021-04-02", "obligated").as_dict()
    assert got["verdict"] == "inconsistent"

    text = vendorwatch(
        sample_warehouse, PIID, "22.1M", "--on", "2022-07-15", "--measure", "potential"
    )
    assert text.returncode == 0, text.stderr
    assert "cannot check" in text.stdout


def test_cli_lists_the_registry_claims_with_the_dossiers_verdicts(
    sample_warehouse: Path, raw_rows: list[dict[str, Any]]
) -> None:
    ran = subprocess.run(
        [sys.executable, "-m", "vendorwatch", "claim", "list", "--subject",
         "lexisnexis-risk-solutions", "--json", "--warehouse", str(sample_warehouse)],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert ran.returncode == 0, ran.stderr
    listed = {c["id"]: c for c in json.loads(ran.stdout)}
    seed = listed["lj-2022-lnrs-8-3m"]
    assert seed["verdict"] == "consistent"
    # Stated some day in the second half of 2022: the same figure on each of those days.
    assert Decimal(seed["data_figure"]) == obligated_by(raw_rows, date(2022, 12, 31))
    assert obligated_by(raw_rows, date(2022, 6, 28)) == obligated_by(raw_rows, date(2022, 12, 31))
    assert {c["verdict"] for c in listed.values()} <= {"consistent", "inconsistent", "cannot_check"}


def test_cli_bad_amount_is_one_line_and_exit_1(sample_warehouse: Path) -> None:
    ran = vendorwatch(sample_warehouse, PIID, "lots", "--on", "2022-07-15")
    assert ran.returncode == 1
    assert "Traceback" not in ran.stderr
    assert "accepted forms" in ran.stderr
    assert ran.stderr.startswith("error: amount 'lots'")
