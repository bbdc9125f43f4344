"""FPDS ATOM feeds load into ``transactions``: both real samples (prefixed and default
namespaces), every money and date value checked against the XML read here on its own."""

from __future__ import annotations

import subprocess
import sys
from datetime import date
from decimal import Decimal
from pathlib import Path

import defusedxml.ElementTree as safe_xml
import duckdb
import pytest

from vendorwatch.errors import BadInputError
from vendorwatch.warehouse import load_file, open_warehouse, status

SAMPLES = ("fpds_atom_full_response_gsa_pbs_2013.xml", "fpds_atom_feed_sample_dod_2020-04-02.xml")

# FPDS element (local name, under its parent) -> warehouse column.
MONEY = {
    ("dollarValues", "obligatedAmount"): "federal_action_obligation",
    ("totalDollarValues", "totalObligatedAmount"): "total_dollars_obligated",
    ("totalDollarValues", "totalBaseAndExercisedOptionsValue"): "current_total_value_of_award",
    ("totalDollarValues", "totalBaseAndAllOptionsValue"): "potential_total_value_of_award",
}
DATES = {
    ("relevantContractDates", "signedDate"): "action_date",
    ("relevantContractDates", "effectiveDate"): "period_of_performance_start_date",
    ("relevantContractDates", "currentCompletionDate"): "period_of_performance_current_end_date",
    ("relevantContractDates", "ultimateCompletionDate"): "period_of_performance_potential_end_date",
    ("transactionInformation", "lastModifiedDate"): "last_modified_date",
}


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def expected_records(path: Path) -> list[dict[str, object]]:
    """Each record's money (Decimal) and dates, by walking every element of each entry's
    content and matching (parent, child) local names: no paths, no namespaces."""
    root = safe_xml.parse(path).getroot()
    records = []
    for entry in (e for e in root.iter() if _local(e.tag) == "entry"):
        found: dict[str, object] = {}
        ids: dict[str, str] = {}
        for parent in entry.iter():
            for child in parent:
                pair = (_local(parent.tag), _local(child.tag))
                text = (child.text or "").strip()
                if pair in MONEY and text:
                    found[MONEY[pair]] = Decimal(text)
                elif pair in DATES and text:
                    found[DATES[pair]] = date.fromisoformat(text[:10])
                elif pair[0] in {"awardContractID", "referencedIDVID"}:
                    ids[f"{pair[0]}.{pair[1]}"] = text
        found["_ids"] = ids
        records.append(found)
    return records


@pytest.fixture
def loaded(raw_data: Path, tmp_path: Path) -> duckdb.DuckDBPyConnection:
    con = open_warehouse(tmp_path / "w.duckdb")
    for name in SAMPLES:
        result = load_file(con, raw_data / "fpds-atom-samples" / name)
        assert (result.status, result.layout, result.rows) == ("loaded", "fpds_atom", 10)
    yield con
    con.close()


def test_both_namespace_forms_are_written_as_the_samples_are(raw_data: Path) -> None:
    prefixed, default = (raw_data / "fpds-atom-samples" / n for n in SAMPLES)
    assert prefixed.read_text()[:200].startswith("<ns0:feed")
    assert '<feed xmlns="http://www.w3.org/2005/Atom">' in default.read_text()[:200]


@pytest.mark.parametrize("name", SAMPLES)
def test_every_money_and_date_value_matches_the_xml(
    raw_data: Path, loaded: duckdb.DuckDBPyConnection, name: str
) -> None:
    expected = expected_records(raw_data / "fpds-atom-samples" / name)
    columns = [*MONEY.values(), *DATES.values()]
    got = loaded.execute(
        f"SELECT {', '.join(columns)}, contract_transaction_unique_key FROM transactions t "
        "JOIN source_files f ON f.sha256 = t.source_sha256 WHERE f.file_name = ? "
        "ORDER BY source_row",
        [name],
    ).fetchall()
    assert len(got) == len(expected) == 10
    checked = 0
    for row, record in zip(got, expected, strict=True):
        values = dict(zip(columns, row[:-1], strict=True))
        for column in columns:
            assert values[column] == record.get(column), (name, column)
            checked += column in record
        ids = record["_ids"]
        assert isinstance(ids, dict)
        parts = [
            ids.get("awardContractID.agencyID"), ids.get("referencedIDVID.agencyID"),
            ids.get("awardContractID.PIID"), ids.get("awardContractID.modNumber"),
            ids.get("referencedIDVID.PIID"), ids.get("awardContractID.transactionNumber"),
        ]  # fmt: skip
        assert row[-1] == "_".join((p or "").upper() or "-NONE-" for p in parts)
    assert checked >= 80  # 4 money and at least 4 dates a record


def test_feed_totals_match_the_xml(raw_data: Path, loaded: duckdb.DuckDBPyConnection) -> None:
    total = sum(
        Decimal(str(r["federal_action_obligation"]))
        for n in SAMPLES
        for r in expected_records(raw_data / "fpds-atom-samples" / n)
    )
    ((got,),) = loaded.execute("SELECT sum(federal_action_obligation) FROM transactions").fetchall()
    assert got == total
    layouts = {f["layout"] for f in status(loaded)["files"]}
    assert layouts == {"fpds_atom"}
    names = loaded.execute(
        "SELECT count(*) FROM transactions WHERE recipient_name IS NULL"
    ).fetchall()
    assert names == [(0,)]


def test_a_broken_feed_is_one_line_with_its_line(raw_data: Path, tmp_path: Path) -> None:
    text = (raw_data / "fpds-atom-samples" / SAMPLES[1]).read_text()
    broken = tmp_path / "broken.xml"
    broken.write_text(text.replace("</ns1:PIID>", "</ns1:PIDD>", 1))
    con = open_warehouse(tmp_path / "w.duckdb")
    with pytest.raises(BadInputError, match=r"broken.xml, line \d+, column \d+: not well-formed"):
        load_file(con, broken)
    assert con.execute("SELECT count(*) FROM transactions").fetchall() == [(0,)]
    con.close()


def test_a_bad_amount_names_the_entry_and_loads_nothing(raw_data: Path, tmp_path: Path) -> None:
    text = (raw_data / "fpds-atom-samples" / SAMPLES[0]).read_text()
    bad = tmp_path / "bad.xml"
    bad.write_text(text.replace("<ns1:obligatedAmount>8392.90<", "<ns1:obligatedAmount>8,392.90<"))
    con = open_warehouse(tmp_path / "w.duckdb")
    with pytest.raises(BadInputError, match=r"entry 1 \(PIID 1B3G02670\): '8,392.90' is not"):
        load_file(con, bad)
    assert con.execute("SELECT count(*) FROM transactions").fetchall() == [(0,)]
    con.close()


def test_vendorwatch_load_reads_a_feed(raw_data: Path, tmp_path: Path) -> None:
    feed = raw_data / "fpds-atom-samples" / SAMPLES[1]
    run = subprocess.run(
        [sys.executable, "-m", "vendorwatch", "load", str(feed), "--warehouse",
         str(tmp_path / "w.duckdb")],
        capture_output=True, text=True, check=False, timeout=300,
    )  # fmt: skip
    assert run.returncode == 0, run.stderr
    assert "fpds_atom, 10 rows" in run.stdout + run.stderr


def test_a_feed_in_a_folder_is_loaded_only_when_named(raw_data: Path, tmp_path: Path) -> None:
    """The sample folder's feeds are DoD and GSA pages: a folder load leaves them out."""
    from vendorwatch.warehouse import load_paths

    con = open_warehouse(tmp_path / "w.duckdb")
    folder = raw_data / "fpds-atom-samples"
    results = load_paths(con, [folder])
    assert {r.status for r in results if r.path.suffix == ".xml"} == {"skipped"}
    assert con.execute("SELECT count(*) FROM transactions").fetchall() == [(0,)]
    (named,) = load_paths(con, [folder / SAMPLES[0]])
    assert (named.status, named.rows) == ("loaded", 10)
    con.close()
