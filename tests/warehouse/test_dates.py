"""Date conventions: decided per file from its values, and never guessed."""

from __future__ import annotations

import re
import subprocess
import sys
from datetime import date, datetime
from pathlib import Path

import duckdb
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from vendorwatch.errors import AmbiguousDatesError
from vendorwatch.warehouse import DateConvention, load_file, open_warehouse
from vendorwatch.warehouse.dates import parse_sql
from vendorwatch.warehouse.layouts import PRIME_AWARD_SUMMARIES
from vendorwatch.warehouse.schema import Kind

from .helpers import read_rows, real_files, snapshot, write_rows

DATE_COLUMNS = [c for c, k in PRIME_AWARD_SUMMARIES.table.columns.items() if k is Kind.DATE]
SLASHED = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{2})(.*)$")


def _undecidable(value: str) -> bool:
    match = SLASHED.match(value)
    return not value or (match is not None and int(match[1]) <= 12 and int(match[2]) <= 12)


@pytest.fixture
def ambiguous_file(raw_data: Path, tmp_path: Path) -> tuple[Path, list[str], list[list[str]]]:
    """The real MN award rows whose every date has both numbers at 12 or below."""
    header, rows = read_rows(real_files(raw_data)["summaries"])
    indexes = [header.index(c) for c in DATE_COLUMNS]
    chosen = [r for r in rows if all(_undecidable(r[i]) for i in indexes)]
    assert len(chosen) >= 20
    return write_rows(tmp_path / "ambiguous.csv", header, chosen), header, chosen


def test_an_undecidable_file_stops_and_loads_nothing(
    ambiguous_file: tuple[Path, list[str], list[list[str]]], warehouse_path: Path
) -> None:
    path, _, _ = ambiguous_file
    con = open_warehouse(warehouse_path)
    before = snapshot(con)
    with pytest.raises(AmbiguousDatesError) as caught:
        load_file(con, path)
    message = str(caught.value)
    assert str(path) in message
    assert "--dates mdy" in message
    assert "--dates dmy" in message
    assert snapshot(con) == before
    con.close()


def test_the_cli_says_so_in_one_line_and_exits_1(
    ambiguous_file: tuple[Path, list[str], list[list[str]]], warehouse_path: Path
) -> None:
    path, _, _ = ambiguous_file
    run = subprocess.run(
        [
            sys.executable,
            "-m",
            "vendorwatch",
            "load",
            str(path),
            "--warehouse",
            str(warehouse_path),
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert run.returncode == 1
    assert "Traceback" not in run.stderr
    assert "cannot tell whether dates such as" in " ".join(run.stderr.split())


@pytest.mark.parametrize("convention", [DateConvention.MONTH_FIRST, DateConvention.DAY_FIRST])
def test_the_user_decides_with_dates_option(
    ambiguous_file: tuple[Path, list[str], list[list[str]]],
    warehouse_path: Path,
    convention: DateConvention,
) -> None:
    path, header, rows = ambiguous_file
    con = open_warehouse(warehouse_path)
    result = load_file(con, path, dates_override=convention)
    assert result.date_convention == convention.value
    index = header.index("award_base_action_date")
    form = "%m/%d/%y" if convention is DateConvention.MONTH_FIRST else "%d/%m/%y"
    expected = sorted(datetime.strptime(r[index], form).date() for r in rows)
    got = [
        d for (d,) in con.execute("SELECT award_base_action_date FROM awards ORDER BY 1").fetchall()
    ]
    assert got == expected
    con.close()


def _day_first(value: str) -> str:
    match = SLASHED.match(value)
    return f"{match[2]}/{match[1]}/{match[3]}{match[4]}" if match else value


def test_a_day_first_file_is_recognised(
    raw_data: Path, warehouse_path: Path, tmp_path: Path
) -> None:
    """The real MN file as a European spreadsheet would re-save it."""
    header, rows = read_rows(real_files(raw_data)["summaries"])
    indexes = [header.index(c) for c in DATE_COLUMNS]
    flipped = [[_day_first(v) if i in indexes else v for i, v in enumerate(r)] for r in rows]
    path = write_rows(tmp_path / "day-first.csv", header, flipped)
    con = open_warehouse(warehouse_path)
    assert load_file(con, path).date_convention == "dmy"
    load_file(con, real_files(raw_data)["summaries"])
    differing = con.execute(
        """
        SELECT count(*) FROM (
            SELECT source_row, award_base_action_date, period_of_performance_current_end_date,
                   last_modified_date FROM awards
            GROUP BY ALL HAVING count(*) <> 2
        )
        """
    ).fetchone()
    assert differing == (0,)
    con.close()


def test_a_file_mixing_both_forms_is_refused(
    raw_data: Path, warehouse_path: Path, tmp_path: Path
) -> None:
    header, rows = read_rows(real_files(raw_data)["summaries"])
    index = header.index("award_base_action_date")
    rows = [list(r) for r in rows]
    rows[10][index] = "25/12/19"  # only day-first explains this; the rest are month-first
    path = write_rows(tmp_path / "mixed.csv", header, rows)
    con = open_warehouse(warehouse_path)
    with pytest.raises(AmbiguousDatesError, match="mix day-first") as caught:
        load_file(con, path)
    assert caught.value.where is not None
    assert (caught.value.where.line, caught.value.where.column_name) == (
        12,
        "award_base_action_date",
    )
    assert "'25/12/19' here" in caught.value.message
    con.close()


_FORMS = {
    DateConvention.MONTH_FIRST: ["%m/%d/%y", "%-m/%-d/%y", "%m/%d/%Y", "%-m/%-d/%y 0:00"],
    DateConvention.DAY_FIRST: ["%d/%m/%y", "%-d/%-m/%Y", "%d/%m/%Y %H:%M"],
}


@settings(max_examples=150, deadline=None)
@given(
    day=st.dates(min_value=date(1969, 1, 1), max_value=date(2068, 12, 31)),
    convention=st.sampled_from(list(_FORMS)),
    data=st.data(),
)
def test_parse_agrees_with_strftime(
    day: date, convention: DateConvention, data: st.DataObject
) -> None:
    form = data.draw(st.sampled_from(_FORMS[convention]))
    text = day.strftime(form)
    got = duckdb.execute(f"SELECT {parse_sql('v', convention)} FROM (SELECT ? AS v)", [text])
    assert got.fetchone() == (day,)
    iso = duckdb.execute(
        f"SELECT {parse_sql('v', convention)} FROM (SELECT ? AS v)", [day.isoformat()]
    )
    assert iso.fetchone() == (day,)


@pytest.mark.parametrize(
    "text", ["13/13/21", "2/30/21", "2021-02-30", "yesterday", "1/2", "00/01/21"]
)
def test_impossible_dates_parse_to_null(text: str) -> None:
    got = duckdb.execute(
        f"SELECT {parse_sql('v', DateConvention.MONTH_FIRST)} FROM (SELECT ? AS v)", [text]
    ).fetchone()
    assert got == (None,)
