"""An FPDS ATOM feed's loaded rows are cross-checked against a count of its entries.

A CSV's rows are counted apart by the csv module (`warehouse.recordcount`); a feed's were
counted as the reader parsed them, so a record the reader skipped (an entry holding another
kind of record) or read twice (two records in one entry) loaded the feed partly and said
"loaded". Now a streaming count of the feed's ``<entry>`` elements must equal the records
read, or the load fails with both counts and the entry (and line) where they part, and
nothing is loaded. The real samples are counted here with minidom, a third reading.
"""

from __future__ import annotations

import re
from pathlib import Path

import defusedxml.minidom
import duckdb
import pytest

from vendorwatch.errors import BadInputError
from vendorwatch.warehouse import load_file, open_warehouse
from vendorwatch.warehouse.recordcount import count_entries

ATOM = "http://www.w3.org/2005/Atom"
SAMPLES = ("fpds_atom_feed_sample_dod_2020-04-02.xml", "fpds_atom_full_response_gsa_pbs_2013.xml")
ENTRY = re.compile(r"<(?:\w+:)?entry>")


def _entries(path: Path) -> int:
    document = defusedxml.minidom.parse(str(path))
    return len(document.getElementsByTagNameNS(ATOM, "entry"))


def _line_of_entry(text: str, number: int) -> int:
    start = [m.start() for m in ENTRY.finditer(text)][number - 1]
    return text.count("\n", 0, start) + 1


@pytest.fixture
def con(tmp_path: Path) -> duckdb.DuckDBPyConnection:
    connection = open_warehouse(tmp_path / "w.duckdb")
    yield connection
    connection.close()


def _unchanged(con: duckdb.DuckDBPyConnection) -> None:
    assert con.execute("SELECT count(*) FROM transactions").fetchall() == [(0,)]
    assert con.execute("SELECT count(*) FROM source_files").fetchall() == [(0,)]


@pytest.mark.parametrize("name", SAMPLES)
def test_each_sample_loads_one_row_per_entry(
    raw_data: Path, con: duckdb.DuckDBPyConnection, name: str
) -> None:
    path = raw_data / "fpds-atom-samples" / name
    expected = _entries(path)
    assert expected > 0
    counted = count_entries(path)
    assert counted.records == expected
    text = path.read_text()
    assert list(counted.lines) == [_line_of_entry(text, n) for n in range(1, expected + 1)]
    result = load_file(con, path)
    assert (result.status, result.rows) == ("loaded", expected)
    written = con.execute(
        "SELECT count(*) FROM transactions WHERE source_sha256 = ?", [result.sha256]
    ).fetchall()
    assert written == [(expected,)]


def _dod(raw_data: Path) -> tuple[str, list[int]]:
    text = (raw_data / "fpds-atom-samples" / SAMPLES[0]).read_text()
    return text, [m.start() for m in ENTRY.finditer(text)]


def test_an_entry_the_reader_skips_fails_the_load_with_both_counts(
    raw_data: Path, con: duckdb.DuckDBPyConnection, tmp_path: Path
) -> None:
    text, starts = _dod(raw_data)
    entries = len(starts)
    # Entry 4 holds a record of a kind the loader does not read (not an award or an IDV).
    head, fourth, tail = text[: starts[3]], text[starts[3] : starts[4]], text[starts[4] :]
    fourth = fourth.replace("<ns1:award ", "<ns1:OtherTransactionAward ", 1)
    fourth = fourth.replace("</ns1:award>", "</ns1:OtherTransactionAward>", 1)
    corrupted = head + fourth + tail
    assert corrupted != text
    feed = tmp_path / "skipped.xml"
    feed.write_text(corrupted)
    with pytest.raises(BadInputError) as caught:
        load_file(con, feed)
    said = str(caught.value)
    line = _line_of_entry(corrupted, 4)
    assert said == (
        f"{feed}, line {line}: the feed has {entries} <entry> elements (counted as the XML "
        f"streams by) but {entries - 1} FPDS award or IDV records were read from it; they part "
        "at entry 4, which holds no award or IDV record; nothing from this feed was loaded"
    )
    _unchanged(con)


def test_an_entry_holding_two_records_fails_the_load(
    raw_data: Path, con: duckdb.DuckDBPyConnection, tmp_path: Path
) -> None:
    text, starts = _dod(raw_data)
    entries = len(starts)
    second = text[starts[1] : starts[2]]
    record = second[second.index("<ns1:award ") : second.index("</ns1:award>") + 12]
    doubled = second.replace(record, record + "\n" + record, 1)
    corrupted = text[: starts[1]] + doubled + text[starts[2] :]
    feed = tmp_path / "doubled.xml"
    feed.write_text(corrupted)
    with pytest.raises(BadInputError) as caught:
        load_file(con, feed)
    said = str(caught.value)
    assert said.startswith(f"{feed}, line {_line_of_entry(corrupted, 2)}: the feed has ")
    assert f"has {entries} <entry> elements" in said
    assert f"but {entries + 1} FPDS award or IDV records" in said
    assert "they part at entry 2, which holds 2 records; nothing from this feed was loaded" in said
    _unchanged(con)
