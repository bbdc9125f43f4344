"""Older contract files: the 2017-2019 bulk layout (no keys, no UEI, day-first dates, an extra
fiscal_year) and legacy column names load, with keys derived as USAspending builds them.

The rows are real: each award of the ICE Minnesota award summaries becomes its base
transaction, written once in today's 297-column layout and once in the 2017-2019 layout. The
expected keys follow the data dictionary's rule, written here independently of the loader.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from pathlib import Path

import ibis
import pytest

from vendorwatch.analysis.rollups import rollup
from vendorwatch.errors import AmbiguousDatesError, NotContractDataError
from vendorwatch.warehouse import load_file, open_warehouse, status
from vendorwatch.warehouse.schema import SCHEMA_VERSION

from .helpers import read_rows, real_files, write_rows

# Columns of today's PrimeTransactions the 2017-2019 files did not have: the unique keys, UEIs,
# the COVID-19/IIJA, account and outlay columns (2020 on), the FIPS and congressional-district
# columns (2022), the raw names, SAM exception, officers and the later report columns. They had
# a single congressional district column each, and some an extra fiscal_year.
NOT_IN_2017 = {
    "contract_transaction_unique_key", "contract_award_unique_key", "recipient_uei",
    "recipient_parent_uei", "total_outlayed_amount_for_overall_award",
    "disaster_emergency_fund_codes_for_overall_award",
    "outlayed_amount_from_COVID-19_supplementals_for_overall_award",
    "obligated_amount_from_COVID-19_supplementals_for_overall_award",
    "outlayed_amount_from_IIJA_supplemental_for_overall_award",
    "obligated_amount_from_IIJA_supplemental_for_overall_award",
    "object_classes_funding_this_award", "program_activities_funding_this_award",
    "treasury_accounts_funding_this_award", "federal_accounts_funding_this_award",
    "prime_award_transaction_recipient_county_fips_code",
    "prime_award_transaction_recipient_state_fips_code",
    "prime_award_transaction_recipient_cd_original", "prime_award_transaction_recipient_cd_current",
    "prime_award_transaction_place_of_performance_county_fips_code",
    "prime_award_transaction_place_of_performance_state_fips_code",
    "prime_award_transaction_place_of_performance_cd_original",
    "prime_award_transaction_place_of_performance_cd_current", "action_date_fiscal_year",
    "recipient_name_raw", "recipient_parent_name_raw", "sam_exception",
    "sam_exception_description", "initial_report_date", "usaspending_permalink",
    "prime_award_base_transaction_description",
    *(f"highly_compensated_officer_{n}_{w}" for n in range(1, 6) for w in ("name", "amount")),
}  # fmt: skip
ADDED_IN_2017 = [
    "recipient_congressional_district",
    "primary_place_of_performance_congressional_district",
    "fiscal_year",
]
COPIED = [
    "award_id_piid", "parent_award_agency_id", "parent_award_id_piid", "awarding_agency_code",
    "awarding_agency_name", "awarding_sub_agency_code", "awarding_sub_agency_name",
    "recipient_duns", "recipient_name", "recipient_parent_name", "award_type_code",
    "idv_type_code", "extent_competed_code", "naics_code", "naics_description",
    "funding_agency_name", "funding_sub_agency_name", "primary_place_of_performance_state_code",
    "primary_place_of_performance_county_name", "primary_place_of_performance_city_name",
]  # fmt: skip


def _none(value: str) -> str:
    return value.strip().upper() or "-NONE-"


def expected_transaction_key(row: dict[str, str]) -> str:
    """ContractTransactionUniqueKey as the data dictionary defines it (agencyID as the
    awarding sub-tier; an IDV keeps only agency, PIID and modification)."""
    if row["idv_type_code"] and not row["award_type_code"]:
        parts = [row["awarding_sub_agency_code"], "", row["award_id_piid"], "0", "", ""]
    else:
        parts = [
            row["awarding_sub_agency_code"], row["parent_award_agency_id"], row["award_id_piid"],
            "0", row["parent_award_id_piid"], "0",
        ]  # fmt: skip
    return "_".join(_none(p) for p in parts)


def _award_rows(raw: Path) -> list[dict[str, str]]:
    header, rows = read_rows(real_files(raw)["summaries"])
    out = []
    for values in rows:
        row = dict(zip(header, values, strict=True))
        if not row["award_base_action_date"]:
            continue
        out.append(row)
    return out


def _official(raw: Path) -> list[str]:
    path = raw / "usaspending-api/bulk_download_Contracts_PrimeTransactions_columns.csv"
    return [row[1] for row in read_rows(path)[1]]


def _write_both(raw: Path, tmp_path: Path) -> tuple[Path, Path, list[dict[str, str]]]:
    awards = _award_rows(raw)
    today = _official(raw)
    old = [c for c in today if c not in NOT_IN_2017] + ADDED_IN_2017
    today_rows, old_rows = [], []
    for award in awards:
        day = datetime.strptime(award["award_base_action_date"], "%m/%d/%y").date()
        values = {c: award[c] for c in COPIED}
        values |= {
            "modification_number": "0",
            "transaction_number": "0",
            "federal_action_obligation": award["total_obligated_amount"],
            "recipient_uei": award["recipient_uei"],
        }
        current = dict.fromkeys(today, "") | values
        current["contract_award_unique_key"] = award["contract_award_unique_key"]
        current["contract_transaction_unique_key"] = expected_transaction_key(award)
        current["action_date"] = day.isoformat()
        today_rows.append([current[c] for c in today])
        before = dict.fromkeys(old, "") | {k: v for k, v in values.items() if k in old}
        before["action_date"] = day.strftime("%d/%m/%Y")  # a spreadsheet outside the US
        before["fiscal_year"] = str(day.year + (day.month >= 10))
        old_rows.append([before[c] for c in old])
    assert len(old) == 260 and len(today) == 297
    return (
        write_rows(tmp_path / "Contracts_PrimeTransactions_today.csv", today, today_rows),
        write_rows(tmp_path / "all_contracts_prime_transactions_2018.csv", old, old_rows),
        awards,
    )


@pytest.fixture
def loaded(raw_data: Path, tmp_path: Path) -> tuple[object, object, list[dict[str, str]]]:
    today, old, awards = _write_both(raw_data, tmp_path)
    now = open_warehouse(tmp_path / "today.duckdb")
    then = open_warehouse(tmp_path / "old.duckdb")
    assert load_file(now, today).layout == "usaspending_prime_transactions"
    result = load_file(then, old)
    assert result.layout == "usaspending_prime_transactions_2017"
    assert result.date_convention == "dmy"
    assert result.rows == len(awards)
    yield now, then, awards
    now.close()
    then.close()


def test_the_2017_layout_derives_usaspendings_keys(loaded: tuple) -> None:  # type: ignore[type-arg]
    _, then, awards = loaded
    got = then.execute(
        "SELECT source_row, contract_award_unique_key, contract_transaction_unique_key, "
        "recipient_duns, recipient_uei FROM transactions ORDER BY source_row"
    ).fetchall()
    other_agency = []
    for (_, award_key, tx_key, duns, uei), award in zip(got, awards, strict=True):
        real = award["contract_award_unique_key"]
        if real.startswith("CONT_IDV_") and not real.endswith(award["awarding_sub_agency_code"]):
            # agencyID (who reported it to FPDS) is no download column: 2 BPAs were reported
            # by DHS headquarters (7001) for ICE; the awarding sub-tier stands in for it
            other_agency.append(real)
            assert award_key == real.rsplit("_", 1)[0] + "_" + award["awarding_sub_agency_code"]
        else:
            assert award_key == real  # the real file's own key, derived
        assert tx_key == expected_transaction_key(award)
        assert duns == (award["recipient_duns"] or None)
        assert uei is None
    assert len(other_agency) == 2
    assert sum(1 for _, k, *_ in got if k.startswith("CONT_IDV_")) == 31


def test_the_same_rows_in_both_layouts_give_the_same_figures(loaded: tuple) -> None:  # type: ignore[type-arg]
    now, then, awards = loaded
    odd = [  # the 2 BPAs reported by another agency (see the test above)
        a["award_id_piid"]
        for a in awards
        if not a["contract_award_unique_key"].endswith(a["awarding_sub_agency_code"])
        and a["idv_type_code"]
    ]
    keys = "SELECT contract_award_unique_key, contract_transaction_unique_key, action_date, "
    keys += "federal_action_obligation FROM transactions "
    keys += "WHERE NOT list_contains(?, award_id_piid) ORDER BY ALL"
    same_keys = now.execute(keys, [odd]).fetchall()
    assert then.execute(keys, [odd]).fetchall() == same_keys
    assert len(same_keys) == len(awards) - 2
    by = ["sub_agency", "fiscal_year", "naics"]
    same = rollup(ibis.duckdb.from_connection(now), by)
    assert rollup(ibis.duckdb.from_connection(then), by) == same
    total = sum(Decimal(a["total_obligated_amount"]) for a in awards)
    assert sum(Decimal(r["obligations"]) for r in same) == total


def test_status_says_what_was_derived_and_missing(loaded: tuple) -> None:  # type: ignore[type-arg]
    _, then, _ = loaded
    (f,) = status(then)["files"]
    assert f["date_convention"] == "dmy"
    assert set(f["derived_columns"]) == {
        "contract_award_unique_key",
        "contract_transaction_unique_key",
    }
    assert "award_id_piid" in f["derived_columns"]["contract_award_unique_key"]
    assert {"recipient_uei", "recipient_parent_uei"} <= set(f["missing_columns"])
    assert "contract_award_unique_key" not in f["missing_columns"]


def test_ambiguous_day_first_dates_are_refused_with_their_line(
    raw_data: Path, tmp_path: Path
) -> None:
    old = [c for c in _official(raw_data) if c not in NOT_IN_2017]
    rows = []
    for n, date_text in enumerate(["03/04/2018", "05/06/2018"]):
        row = dict.fromkeys(old, "") | {"award_id_piid": f"P{n}", "action_date": date_text}
        rows.append([row[c] for c in old])
    path = write_rows(tmp_path / "old.csv", old, rows)
    con = open_warehouse(tmp_path / "w.duckdb")
    with pytest.raises(AmbiguousDatesError, match="cannot tell whether dates") as caught:
        load_file(con, path)
    column = old.index("action_date") + 1
    assert f"old.csv, line 2, column {column} (action_date)" in str(caught.value)
    con.close()


def test_legacy_names_load_through_the_crosswalk(tmp_path: Path) -> None:
    header = ["piid", "modnumber", "transactionnumber", "idvpiid", "dollarsobligated",
              "signeddate", "contractingofficeagencyid", "vendorname", "fiscal_year"]  # fmt: skip
    rows = [
        ["HSCEMS17P00001", "0", "0", "", "1200.50", "25/10/2016",
         "7012: U.S. IMMIGRATION AND CUSTOMS ENFORCEMENT", "WEST PUBLISHING CORPORATION", "2017"],
        ["HSCEMS17P00001", "P00001", "0", "", "-200.50", "3/1/2017",
         "7012: U.S. IMMIGRATION AND CUSTOMS ENFORCEMENT", "WEST PUBLISHING CORPORATION", "2017"],
    ]  # fmt: skip
    path = write_rows(tmp_path / "legacy.csv", header, rows)
    con = open_warehouse(tmp_path / "w.duckdb")
    result = load_file(con, path)
    assert (result.layout, result.date_convention) == ("usaspending_legacy_contracts", "dmy")
    got = con.execute(
        "SELECT contract_award_unique_key, contract_transaction_unique_key, action_date, "
        "federal_action_obligation, awarding_sub_agency_code, awarding_sub_agency_name, "
        "recipient_name FROM transactions ORDER BY source_row"
    ).fetchall()
    assert [g[:2] for g in got] == [
        ("CONT_AWD_HSCEMS17P00001_7012_-NONE-_-NONE-", "7012_-NONE-_HSCEMS17P00001_0_-NONE-_0"),
        (
            "CONT_AWD_HSCEMS17P00001_7012_-NONE-_-NONE-",
            "7012_-NONE-_HSCEMS17P00001_P00001_-NONE-_0",
        ),
    ]
    assert [str(g[2]) for g in got] == ["2016-10-25", "2017-01-03"]
    assert sum(g[3] for g in got) == Decimal("1000.00")
    assert got[0][4:] == (
        "7012",
        "U.S. IMMIGRATION AND CUSTOMS ENFORCEMENT",
        "WEST PUBLISHING CORPORATION",
    )
    (f,) = status(con)["files"]
    assert f["mapped_columns"]["federal_action_obligation"] == "dollarsobligated"
    con.close()


def test_a_file_that_matches_nothing_names_the_closest_layout(
    raw_data: Path, tmp_path: Path
) -> None:
    gone = {"award_id_piid", "action_date", "contract_transaction_unique_key"}
    header = [c for c in _official(raw_data) if c not in gone | {"contract_award_unique_key"}]
    path = write_rows(tmp_path / "odd.csv", header, [[""] * len(header)])
    con = open_warehouse(tmp_path / "w.duckdb")
    with pytest.raises(NotContractDataError) as caught:
        load_file(con, path)
    message = str(caught.value)
    assert "closest is USAspending bulk download, 2017-2019 layout" in message
    assert "lacks action_date, award_id_piid" in message
    con.close()


def test_a_layout_2_warehouse_gains_the_column_record(tmp_path: Path) -> None:
    """Migration 2 -> 3: the table is added; files loaded before simply have no rows in it."""
    path = tmp_path / "w.duckdb"
    con = open_warehouse(path)
    con.execute("DROP TABLE source_file_columns")
    con.execute("UPDATE schema_version SET version = 2")
    con.close()
    con = open_warehouse(path)
    assert con.execute("SELECT version FROM schema_version").fetchall() == [(SCHEMA_VERSION,)]
    assert con.execute("SELECT count(*) FROM source_file_columns").fetchall() == [(0,)]
    assert SCHEMA_VERSION >= 3
    con.close()


def test_vendorwatch_status_says_how_an_old_file_was_read(tmp_path: Path) -> None:
    import subprocess
    import sys

    header = ["piid", "modnumber", "dollarsobligated", "signeddate", "contractingofficeagencyid"]
    path = write_rows(
        tmp_path / "old.csv", header, [["HSCE1", "0", "100.25", "25/10/2016", "7012: ICE"]]
    )
    warehouse = str(tmp_path / "w.duckdb")

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "vendorwatch", *args, "--warehouse", warehouse],
            capture_output=True, text=True, check=False, timeout=300,
            env={**__import__("os").environ, "COLUMNS": "200"},
        )  # fmt: skip

    assert run("load", str(path)).returncode == 0
    shown = run("status")
    assert shown.returncode == 0, shown.stderr
    text = " ".join(shown.stdout.split())
    assert "old.csv: 4 columns mapped from other names" in text
    assert "contract_award_unique_key (from piid, contractingofficeagencyid)" in text


def test_funding_agency_and_place_of_performance_are_dimensions(loaded: tuple) -> None:  # type: ignore[type-arg]
    """Issue 18.7: where a layout carries them, who funds the award and where the work is done
    roll up like any other dimension, in both layouts, to the raw summaries' sums."""
    now, then, awards = loaded
    by = ["funding_sub_agency", "state", "county", "city"]
    expected: dict[tuple[str | None, ...], Decimal] = {}
    for a in awards:
        key = tuple(
            a[c] or None
            for c in (
                "funding_sub_agency_name",
                "primary_place_of_performance_state_code",
                "primary_place_of_performance_county_name",
                "primary_place_of_performance_city_name",
            )
        )
        expected[key] = expected.get(key, Decimal(0)) + Decimal(a["total_obligated_amount"])
    for warehouse in (now, then):
        got = rollup(ibis.duckdb.from_connection(warehouse), by)
        assert {tuple(r[d] for d in by): Decimal(r["obligations"]) for r in got} == expected
    assert len(expected) > 10  # the Minnesota awards are spread over many places
    funders = {a["funding_agency_name"] for a in awards if a["funding_agency_name"]}
    top = rollup(ibis.duckdb.from_connection(now), ["funding_agency"])[0]["funding_agency"]
    assert top in funders
