"""A bad file is named with its line and column, and nothing from it is loaded."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from vendorwatch.errors import BadInputError, NotContractDataError
from vendorwatch.warehouse import load_file, load_paths, open_warehouse

from .helpers import read_rows, real_files, snapshot, write_rows


@pytest.fixture
def loaded(raw_data: Path, warehouse_path: Path):  # type: ignore[no-untyped-def]
    """A warehouse already holding one real file, so 'nothing changed' is tested on real state."""
    con = open_warehouse(warehouse_path)
    load_file(con, real_files(raw_data)["FY2021"])
    yield con
    con.close()


def _corrupt(raw: Path, tmp: Path, key: str, record: int, column: str, value: str) -> Path:
    header, rows = read_rows(real_files(raw)[key])
    rows[record - 1][header.index(column)] = value
    return write_rows(tmp / f"{key}-bad.csv", header, rows)


@pytest.mark.parametrize(
    ("key", "record", "column", "value"),
    [
        ("FY2022", 777, "Federal Action Obligation", "1,234.56"),
        ("FY2022", 9_339, "Action Date", "2022-13-01"),
        ("summaries", 1_000, "total_obligated_amount", "1.5E+07"),
        ("summaries", 2, "award_base_action_date", "31/31/19"),
        ("summaries", 600, "number_of_offers_received", "three?"),
        ("subawards", 100, "subaward_amount", "12.345"),
    ],
)
def test_a_bad_value_names_file_line_and_column(
    raw_data: Path,
    tmp_path: Path,
    loaded,
    key: str,
    record: int,
    column: str,
    value: str,  # type: ignore[no-untyped-def]
) -> None:
    path = _corrupt(raw_data, tmp_path, key, record, column, value)
    header, _ = read_rows(path)
    before = snapshot(loaded)
    with pytest.raises(BadInputError) as caught:
        load_file(loaded, path)
    where = caught.value.where
    assert where is not None
    assert where.file == path
    # Counted on the file's text: the subawards file has line breaks inside quoted fields.
    text = path.read_text()
    assert text.count(value) == 1
    assert where.line == text[: text.index(value)].count("\n") + 1
    if key != "subawards":
        assert where.line == record + 1
    assert where.column == header.index(column) + 1
    assert where.column_name == column
    assert repr(value) in caught.value.message
    assert "nothing from this file was loaded" in caught.value.message
    assert snapshot(loaded) == before


def test_a_short_row_is_found(raw_data: Path, tmp_path: Path, loaded) -> None:  # type: ignore[no-untyped-def]
    header, rows = read_rows(real_files(raw_data)["FY2023"])
    path = tmp_path / "short.csv"
    write_rows(path, header, rows)
    text = path.read_text().splitlines(keepends=True)
    text[51] = text[51].rsplit(",", 1)[0] + "\n"  # record 51 loses its last field
    path.write_text("".join(text))
    before = snapshot(loaded)
    with pytest.raises(BadInputError) as caught:
        load_file(loaded, path)
    assert caught.value.where is not None
    assert caught.value.where.line == 52
    assert "expected 10 fields" in caught.value.message
    assert snapshot(loaded) == before


def test_bytes_that_are_not_utf8_are_found(raw_data: Path, tmp_path: Path, loaded) -> None:  # type: ignore[no-untyped-def]
    header, rows = read_rows(real_files(raw_data)["FY2023"])
    path = write_rows(tmp_path / "latin1.csv", header, rows)
    data = path.read_bytes().split(b"\n")
    data[300] = data[300].replace(b",", b",\xe9", 1)  # a cp1252 e-acute in record 300
    path.write_bytes(b"\n".join(data))
    with pytest.raises(BadInputError) as caught:
        load_file(loaded, path)
    assert caught.value.where is not None
    assert caught.value.where.line == 301
    assert "0xe9 is not UTF-8" in caught.value.message


def test_a_file_that_is_not_contract_data_is_skipped_not_loaded(
    raw_data: Path,
    loaded,  # type: ignore[no-untyped-def]
) -> None:
    kbart = next(raw_data.glob("kbart/*.txt"))
    with pytest.raises(NotContractDataError, match="publication_title"):
        load_file(loaded, kbart)
    results = load_paths(loaded, [raw_data / "kbart", raw_data / "counter"])
    assert {r.status for r in results} == {"skipped"}


def test_a_missing_file(tmp_path: Path, loaded) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(BadInputError, match="no such file"):
        load_file(loaded, tmp_path / "nope.csv")


def test_one_bad_file_does_not_stop_the_others(
    raw_data: Path, tmp_path: Path, warehouse_path: Path
) -> None:
    bad = _corrupt(raw_data, tmp_path, "FY2024", 5, "Action Date", "soon")
    con = open_warehouse(warehouse_path)
    results = load_paths(con, [bad, real_files(raw_data)["subawards"]])
    assert [r.status for r in results] == ["error", "loaded"]
    assert con.execute("SELECT count(*) FROM transactions").fetchone() == (0,)
    assert con.execute("SELECT count(*) FROM subawards").fetchone() == (482,)
    con.close()


def test_cli_reports_bad_row_without_traceback(
    raw_data: Path, tmp_path: Path, warehouse_path: Path
) -> None:
    bad = _corrupt(raw_data, tmp_path, "FY2024", 5, "Federal Action Obligation", "n/a")
    run = subprocess.run(
        [sys.executable, "-m", "vendorwatch", "load", str(bad), "--warehouse", str(warehouse_path)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert run.returncode == 1
    assert "Traceback" not in run.stderr
    assert f"{bad}, line 6, column 4 (Federal Action Obligation)" in " ".join(run.stderr.split())
