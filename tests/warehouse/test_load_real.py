"""Loading the real sample files: counts, money and dates checked against an independent read."""

from __future__ import annotations

import gzip
from collections import Counter
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

import duckdb
import pytest

from vendorwatch.warehouse import load_file, open_warehouse, status
from vendorwatch.warehouse.layouts import LAYOUTS_BY_NAME

from .helpers import read_rows, real_files, snapshot, write_rows


def _files_by_name(con: duckdb.DuckDBPyConnection) -> dict[str, dict[str, object]]:
    return {f["file_name"]: f for f in status(con)["files"]}


def test_every_real_contract_file_loads_with_its_own_row_count(
    raw_data: Path, sample_con: duckdb.DuckDBPyConnection
) -> None:
    files = _files_by_name(sample_con)
    for path in real_files(raw_data).values():
        _, rows = read_rows(path)
        assert files[path.name]["rows"] == len(rows), path.name
        assert files[path.name]["rows_in_table"] == len(rows), path.name
    layouts = {f["layout"] for f in files.values()}
    assert layouts == {
        "usaspending_api_transaction_search",
        "usaspending_prime_award_summaries",
        "usaspending_subawards",
    }


def test_sources_md_counts_hold(sample_con: duckdb.DuckDBPyConnection) -> None:
    """The per-year and per-agency counts that shared/data/raw/SOURCES.md states."""
    stated = {
        "FY2021": (10_398, 5_100, 5_298),
        "FY2022": (9_339, 6_339, 3_000),
        "FY2023": (9_366, 6_066, 3_300),
        "FY2024": (10_226, 6_129, 4_097),
        "FY2025": (10_878, 6_447, 4_431),
        "FY2026": (7_269, 4_448, 2_821),
    }
    rows = sample_con.execute(
        """
        SELECT regexp_extract(f.file_name, 'FY\\d{4}'), t.awarding_sub_agency_name, count(*)
        FROM transactions t JOIN source_files f ON f.sha256 = t.source_sha256
        GROUP BY ALL
        """
    ).fetchall()
    counts: Counter[tuple[str, str]] = Counter({(fy, agency): n for fy, agency, n in rows})
    for fy, (total, cbp, ice) in stated.items():
        assert counts[(fy, "U.S. Customs and Border Protection")] == cbp
        assert counts[(fy, "U.S. Immigration and Customs Enforcement")] == ice
        assert cbp + ice == total
    summaries = sample_con.execute("SELECT count(*) FROM awards").fetchone()
    subawards = sample_con.execute("SELECT count(*) FROM subawards").fetchone()
    assert summaries == (1_369,)
    assert subawards == (482,)


@pytest.mark.parametrize(
    ("key", "column", "table_column"),
    [
        ("FY2024", "Federal Action Obligation", "federal_action_obligation"),
        ("FY2026", "Federal Action Obligation", "federal_action_obligation"),
        ("summaries", "total_obligated_amount", "total_obligated_amount"),
        ("summaries", "potential_total_value_of_award", "potential_total_value_of_award"),
        ("subawards", "subaward_amount", "subaward_amount"),
    ],
)
def test_money_is_summed_exactly(
    raw_data: Path,
    sample_con: duckdb.DuckDBPyConnection,
    key: str,
    column: str,
    table_column: str,
) -> None:
    path = real_files(raw_data)[key]
    header, rows = read_rows(path)
    index = header.index(column)
    expected = sum((Decimal(r[index]) for r in rows if r[index].strip()), Decimal(0))
    table = {"summaries": "awards", "subawards": "subawards"}.get(key, "transactions")
    got = sample_con.execute(
        f"SELECT sum({table_column}) FROM {table} t JOIN source_files f "
        "ON f.sha256 = t.source_sha256 WHERE f.file_name = ?",
        [path.name],
    ).fetchone()
    assert got is not None
    assert got[0] == expected
    assert isinstance(got[0], Decimal)


def test_spreadsheet_dates_read_month_first(
    raw_data: Path, sample_con: duckdb.DuckDBPyConnection
) -> None:
    """The MN file's m/d/yy dates: base dates run 2003-01-15 to 2025-02-14 (SOURCES.md)."""
    path = real_files(raw_data)["summaries"]
    header, rows = read_rows(path)
    index = header.index("award_base_action_date")
    expected = sorted(datetime.strptime(r[index], "%m/%d/%y").date() for r in rows)
    files = _files_by_name(sample_con)
    assert files[path.name]["date_convention"] == "mdy"
    assert files[path.name]["date_min"] == expected[0].isoformat() == "2003-01-15"
    assert files[path.name]["date_max"] == expected[-1].isoformat() == "2025-02-14"
    # A value with a time part ("5/31/21 0:00") is read as its date.
    row = sample_con.execute(
        "SELECT period_of_performance_potential_end_date FROM awards "
        "WHERE contract_award_unique_key = ?",
        [rows[0][header.index("contract_award_unique_key")]],
    ).fetchone()
    raw_value = rows[0][header.index("period_of_performance_potential_end_date")]
    assert row == (datetime.strptime(raw_value, "%m/%d/%y %H:%M").date(),)


def test_every_row_keeps_its_provenance(
    raw_data: Path, sample_con: duckdb.DuckDBPyConnection
) -> None:
    """Row n of the table comes from record n of the file it names."""
    path = real_files(raw_data)["FY2023"]
    header, rows = read_rows(path)
    for record in (1, 2, 4_321, len(rows)):
        got = sample_con.execute(
            "SELECT t.award_id_piid, t.federal_action_obligation, t.action_date, f.path, "
            "f.loaded_at FROM transactions t JOIN source_files f ON f.sha256 = t.source_sha256 "
            "WHERE f.file_name = ? AND t.source_row = ?",
            [path.name, record],
        ).fetchone()
        raw = rows[record - 1]
        assert got is not None
        assert got[0] == raw[header.index("Award ID")]
        assert got[1] == Decimal(raw[header.index("Federal Action Obligation")])
        assert got[2] == date.fromisoformat(raw[header.index("Action Date")])
        assert Path(got[3]) == path.resolve()
        assert got[4] is not None


def test_api_export_agencies_map_to_bulk_names(sample_con: duckdb.DuckDBPyConnection) -> None:
    rows = sample_con.execute(
        "SELECT DISTINCT awarding_agency_name, awarding_sub_agency_code, awarding_sub_agency_name "
        "FROM transactions ORDER BY 2"
    ).fetchall()
    assert rows == [
        ("Department of Homeland Security", "7012", "U.S. Immigration and Customs Enforcement"),
        ("Department of Homeland Security", "7014", "U.S. Customs and Border Protection"),
    ]
    awards = sample_con.execute("SELECT DISTINCT awarding_sub_agency_code FROM awards").fetchall()
    assert awards == [("7012",)]


def test_loading_twice_changes_nothing(raw_data: Path, warehouse_path: Path) -> None:
    con = open_warehouse(warehouse_path)
    first = load_file(con, real_files(raw_data)["summaries"])
    before = snapshot(con)
    again = load_file(con, real_files(raw_data)["summaries"])
    assert (first.status, again.status) == ("loaded", "already loaded")
    assert again.rows == 0
    assert snapshot(con) == before
    con.close()


def test_layout_is_told_from_the_header_not_the_name(
    raw_data: Path, warehouse_path: Path, tmp_path: Path
) -> None:
    """A summaries file renamed like a transactions export, decompressed, with a BOM, as TSV."""
    header, rows = read_rows(real_files(raw_data)["summaries"])
    misleading = write_rows(
        tmp_path / "CBP_ICE_FY2021_Contract_Obligations.txt", header, rows, delimiter="\t", bom=True
    )
    con = open_warehouse(warehouse_path)
    result = load_file(con, misleading)
    assert result.layout == "usaspending_prime_award_summaries"
    assert result.rows == len(rows)
    first = con.execute(
        "SELECT contract_award_unique_key FROM awards WHERE source_row = 1"
    ).fetchone()
    assert first == (rows[0][0],)
    con.close()


def test_gzip_is_told_from_its_bytes(raw_data: Path, warehouse_path: Path, tmp_path: Path) -> None:
    source = real_files(raw_data)["subawards"]
    disguised = tmp_path / "subawards.csv"  # gzip content under a plain name
    disguised.write_bytes(gzip.compress(source.read_bytes()))
    con = open_warehouse(warehouse_path)
    result = load_file(con, disguised)
    assert (result.layout, result.rows) == ("usaspending_subawards", 482)
    assert con.execute("SELECT compression FROM source_files").fetchone() == ("gzip",)
    con.close()


def test_a_trimmed_download_loads_and_says_what_was_missing(
    raw_data: Path, warehouse_path: Path, tmp_path: Path
) -> None:
    """Older or hand-trimmed bulk files lack columns: they load, and the gap is recorded."""
    header, rows = read_rows(real_files(raw_data)["summaries"])
    keep = [i for i, name in enumerate(header) if name != "naics_code"]
    trimmed = write_rows(
        tmp_path / "trimmed.csv", [header[i] for i in keep], [[r[i] for i in keep] for r in rows]
    )
    con = open_warehouse(warehouse_path)
    result = load_file(con, trimmed)
    assert result.missing_columns == ["naics_code"]
    files = status(con)["files"]
    assert files[0]["missing_columns"] == ["naics_code"]
    assert files[0]["columns_in_file"] == 285
    con.close()


def _official_columns(raw: Path, layout: str) -> list[str]:
    path = raw / f"usaspending-api/bulk_download_Contracts_{layout}_columns.csv"
    return [row[1] for row in read_rows(path)[1]]


@pytest.mark.parametrize(
    ("layout", "official"),
    [
        ("usaspending_prime_transactions", "PrimeTransactions"),
        ("usaspending_prime_award_summaries", "PrimeAwardSummaries"),
    ],
)
def test_bulk_layouts_name_only_official_columns(
    raw_data: Path, layout: str, official: str
) -> None:
    columns = _official_columns(raw_data, official)
    spec = LAYOUTS_BY_NAME[layout]
    assert len(columns) == spec.standard_columns
    assert spec.signature <= set(columns)
    mapped = {header for headers in spec.fields.values() for header in headers}
    assert mapped - set(columns) == set()


def test_a_prime_transactions_file_loads(
    raw_data: Path, warehouse_path: Path, tmp_path: Path
) -> None:
    """Real export rows written into the official 297-column bulk layout."""
    columns = _official_columns(raw_data, "PrimeTransactions")
    header, rows = read_rows(real_files(raw_data)["FY2025"])
    take = rows[:500]
    source = {
        "award_id_piid": "Award ID",
        "federal_action_obligation": "Federal Action Obligation",
        "action_date": "Action Date",
        "modification_number": "Modification",
        "recipient_name": "Recipient Name",
        "contract_award_unique_key": "Generated Award ID",
    }
    out = []
    for n, row in enumerate(take):
        values = dict.fromkeys(columns, "")
        for column, name in source.items():
            values[column] = row[header.index(name)]
        values["contract_transaction_unique_key"] = f"TEST_{n}"
        values["number_of_offers_received"] = str(n % 7)
        out.append([values[c] for c in columns])
    path = write_rows(tmp_path / "Contracts_PrimeTransactions_1.csv", columns, out)
    con = open_warehouse(warehouse_path)
    result = load_file(con, path)
    assert (result.layout, result.rows, result.missing_columns) == (
        "usaspending_prime_transactions",
        500,
        [],
    )
    total = con.execute(
        "SELECT sum(federal_action_obligation), sum(number_of_offers_received) FROM transactions"
    ).fetchone()
    index = header.index("Federal Action Obligation")
    assert total == (
        sum(Decimal(r[index]) for r in take),
        sum(n % 7 for n in range(500)),
    )
    con.close()


def test_parent_piid_comes_from_the_generated_award_id(
    raw_data: Path, sample_con: duckdb.DuckDBPyConnection
) -> None:
    path = real_files(raw_data)["FY2025"]
    header, rows = read_rows(path)
    index = header.index("Generated Award ID")
    expected = Counter(
        None if r[index].split("_")[-2] == "-NONE-" else r[index].split("_")[-2] for r in rows
    )
    got = sample_con.execute(
        "SELECT parent_award_id_piid, count(*) FROM transactions t JOIN source_files f "
        "ON f.sha256 = t.source_sha256 WHERE f.file_name = ? GROUP BY 1",
        [path.name],
    ).fetchall()
    assert Counter(dict(got)) == expected
    assert expected[None] > 0
    assert len(expected) > 100
