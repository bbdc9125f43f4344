"""The independent record count itself: when DuckDB's reading and the csv module's differ,
the load fails with both counts and the first line where they part (DuckDB 2.0 once read 3
rows of a 2,000-record file without an error; here its short reading is set up directly)."""

from __future__ import annotations

import csv
from dataclasses import replace
from pathlib import Path

import duckdb
import pytest

from tests.robustness.loadcases import plain
from vendorwatch.errors import BadInputError
from vendorwatch.warehouse import load_file, open_warehouse, recordcount
from vendorwatch.warehouse.recordcount import Census, census, confirm_loaded, confirm_staged
from vendorwatch.warehouse.sniff import Sniffed, sniff


def _staged(path: Path, keep: list[int], *, change: int | None = None) -> duckdb.DuckDBPyConnection:
    """A staging table as the loader makes it (column ``c1``: Award ID, in file order), holding
    only the records numbered in ``keep`` (0-based), one of them changed if asked."""
    with path.open(encoding="utf-8", newline="") as handle:
        records = list(csv.reader(handle))[1:]
    con = duckdb.connect()
    con.execute("CREATE TABLE stage (c1 VARCHAR)")
    for number in keep:
        value = records[number][1] + ("-changed" if number == change else "")
        con.execute("INSERT INTO stage VALUES (?)", [value])
    return con


def test_a_short_reading_names_both_counts_and_the_line(raw_data: Path, tmp_path: Path) -> None:
    built = plain(tmp_path, raw_data, 60)
    sniffed = sniff(built.path)
    count = census(sniffed)
    assert count.records == 60  # the file: a header and one line per record
    con = _staged(built.path, [0, 1, 2])
    with pytest.raises(BadInputError) as caught:
        confirm_staged(con, "stage", sniffed, ["c1"], count)
    assert "reads 60 records but DuckDB read 3 rows" in caught.value.message
    assert caught.value.where is not None
    assert caught.value.where.line == 5  # record 4, after the header


def test_a_reading_that_parts_in_the_middle(raw_data: Path, tmp_path: Path) -> None:
    built = plain(tmp_path, raw_data, 60)
    sniffed = sniff(built.path)
    count = census(sniffed)
    con = _staged(built.path, [n for n in range(60) if n != 30])  # record 31 lost
    with pytest.raises(BadInputError) as caught:
        confirm_staged(con, "stage", sniffed, ["c1"], count)
    assert caught.value.where is not None
    assert caught.value.where.line == 32  # record 31 is where the readings part


def test_an_equal_reading_passes_and_a_changed_value_is_not_a_count(
    raw_data: Path, tmp_path: Path
) -> None:
    built = plain(tmp_path, raw_data, 20)
    sniffed = sniff(built.path)
    count = census(sniffed)
    confirm_staged(_staged(built.path, list(range(20)), change=5), "stage", sniffed, ["c1"], count)


def test_the_rows_written_are_checked_before_commit(raw_data: Path, tmp_path: Path) -> None:
    built = plain(tmp_path, raw_data, 20)
    sniffed = sniff(built.path)
    count = census(sniffed)
    con = duckdb.connect()
    con.execute("CREATE TABLE transactions (source_sha256 VARCHAR)")
    con.execute("INSERT INTO transactions SELECT ? FROM range(19)", [sniffed.sha256])
    with pytest.raises(BadInputError, match=r"19 rows were written .* holds 20 records"):
        confirm_loaded(con, "transactions", sniffed, count)
    con.execute("INSERT INTO transactions VALUES (?)", [sniffed.sha256])
    confirm_loaded(con, "transactions", sniffed, count)


def test_the_loader_fails_when_the_counts_differ(
    raw_data: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The loader's wiring: a census one record longer than the file (as if DuckDB had lost
    the last record) fails the load before anything is written."""
    built = plain(tmp_path, raw_data, 30)
    real = recordcount.census

    def one_more(sniffed: Sniffed, limits: recordcount.Limits | None = None) -> Census:
        found = real(sniffed, limits)
        return replace(found, records=found.records + 1)

    monkeypatch.setattr(recordcount, "census", one_more)
    con = open_warehouse(tmp_path / "w.duckdb")
    with pytest.raises(BadInputError) as caught:
        load_file(con, built.path)
    assert "reads 31 records but DuckDB read 30 rows" in caught.value.message
    assert caught.value.where is not None
    assert caught.value.where.line == 32  # after the last of the 30 records
    assert con.execute("SELECT count(*) FROM transactions").fetchone() == (0,)
    assert con.execute("SELECT count(*) FROM source_files").fetchone() == (0,)
    con.close()
