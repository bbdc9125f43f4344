"""The load scorecard: 28 bad or unusual files given to `vendorwatch load`, each written here.

A file that must be refused gets ONE line naming the file (and the line and column where the
fault was put), exit status 1 (130 for Ctrl-C), no traceback, and the warehouse exactly as it
was (same published version, same versions folder, same rows). A file that must load, loads
whole: its rows and obligations equal a csv + Decimal reading of the written bytes.
"""

from __future__ import annotations

import csv
import gzip
import hashlib
import io
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from tests.robustness import warehouses
from tests.robustness.loadcases import CASES, Built, Case
from tests.robustness.runcli import Ran, cli, state
from vendorwatch.errors import Location
from vendorwatch.warehouse import open_warehouse

versioned_sample = warehouses.versioned_sample  # the fixture, for this module


def _records(path: Path) -> tuple[list[str], list[list[str]]]:
    """The written file read independently: csv module, decompressed by magic, BOM dropped."""
    data = path.read_bytes()
    if data[:2] == b"\x1f\x8b":
        data = gzip.decompress(data)
    text = data.decode("utf-8").removeprefix("\ufeff")
    # The 3 MB field case: the csv module's default field limit is 128 KiB, and the loader
    # puts the process-wide limit back after a load, so this reader sets its own for the read.
    before = csv.field_size_limit(len(text) + 1)
    try:
        rows = [r for r in csv.reader(io.StringIO(text, newline="")) if r]
    finally:
        csv.field_size_limit(before)
    return rows[0], rows[1:]


def _parse(value: str, order: str) -> date:
    if "-" in value:
        return date.fromisoformat(value[:10])
    a, b, year = (int(p) for p in value.split("/"))
    month, day = (a, b) if order == "mdy" else (b, a)
    return date(year, month, day)


@dataclass(frozen=True)
class Together:
    """Every case that must load, loaded by one `vendorwatch load` into a fresh warehouse
    (one resolution and facts build for all of them, not one each)."""

    warehouse: Path
    built: dict[str, Built]
    ran: Ran


@pytest.fixture(scope="module")
def together(raw_data: Path, tmp_path_factory: pytest.TempPathFactory) -> Together:
    folder = tmp_path_factory.mktemp("loads")
    built = {c.name: c.build(folder, raw_data) for c in CASES if c.loads}
    warehouse = folder / "fresh" / "warehouse.duckdb"
    ran = cli("load", *(str(b.path) for b in built.values()), "--warehouse", str(warehouse))
    return Together(warehouse, built, ran)


def _check_loaded(name: str, together: Together) -> None:
    built = together.built[name]
    said = [line for line in together.ran.lines if str(built.path) in line]
    assert len(said) == 1, together.ran  # one line about this file (another may have failed)
    assert said[0].startswith(f"loaded {built.path} "), said
    header, rows = _records(built.path)
    money = header.index("Federal Action Obligation")
    when = header.index("Action Date")
    total = sum((Decimal(r[money]) for r in rows if r[money].strip()), Decimal(0))
    con = open_warehouse(together.warehouse, read_only=True)
    try:
        sha = hashlib.sha256(built.path.read_bytes()).hexdigest()
        found = con.execute(
            "SELECT count(*), sum(federal_action_obligation), min(action_date), "
            "max(action_date), any_value(f.date_convention), max(length(transaction_description)) "
            "FROM transactions t JOIN source_files f ON f.sha256 = t.source_sha256 "
            "WHERE source_sha256 = ?",
            [sha],
        ).fetchone()
    finally:
        con.close()
    assert found is not None
    count, loaded_total, first, last, convention, longest = found
    assert count == len(rows)
    assert loaded_total == total
    days = [_parse(r[when], convention) for r in rows]
    assert (first, last) == (min(days), max(days))
    descriptions = header.index("Transaction Description")
    assert longest == max(len(r[descriptions]) for r in rows)


@pytest.mark.scorecard_load
@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_load_case(
    case: Case, raw_data: Path, tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    if case.loads:
        _check_loaded(case.name, request.getfixturevalue("together"))
        return
    versioned_sample: Path = request.getfixturevalue("versioned_sample")
    built = case.build(tmp_path, raw_data)
    before = state(versioned_sample)
    ran = cli("load", str(built.path), "--warehouse", str(versioned_sample), inject=case.fault)
    assert ran.status == case.exit_status, ran
    assert "Traceback" not in ran.out + ran.err
    assert len(ran.lines) == 1, ran.lines
    (line,) = ran.lines
    assert case.says in line
    if case.fault is None:  # a bad file is named, with the line and column of the fault
        where = Location(built.path, built.line, built.column, built.column_name)
        assert f"{where}:" in line
    assert state(versioned_sample) == before


def test_the_scorecard_has_28_cases() -> None:
    assert len(CASES) == 28
    assert len({c.name for c in CASES}) == 28
