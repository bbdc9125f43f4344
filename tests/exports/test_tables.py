"""CSV and Parquet exports of rollups and award lists: the same rows and exact sums."""

from __future__ import annotations

import csv
import json
import subprocess
import sys
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from vendorwatch.analysis import rollup
from vendorwatch.analysis.browse import awards
from vendorwatch.analysis.rollups import award_values
from vendorwatch.errors import VendorwatchError
from vendorwatch.exports import award_table, rollup_table, write_csv, write_parquet
from vendorwatch.exports.tables import award_values_table

BY = ["family", "fiscal_year"]


def read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def test_rollup_csv_matches_the_rollup(con: Any, tmp_path: Path) -> None:
    expected = rollup(con, BY)
    out = tmp_path / "rollup.csv"
    assert write_csv(rollup_table(con, BY), out) == len(expected)
    rows = read_csv(out)
    assert list(rows[0]) == [*BY, "obligations", "transactions", "awards"]
    # rows of equal obligations may come in either order, so compare by group
    got = {
        (r["family"] or None, int(r["fiscal_year"])): (
            r["obligations"],
            int(r["transactions"]),
            int(r["awards"]),
        )
        for r in rows
    }
    want = {
        (r["family"], r["fiscal_year"]): (r["obligations"], r["transactions"], r["awards"])
        for r in expected
    }
    assert len(rows) == len(got) == len(want)
    assert got == want  # obligations compared as exact text with two places
    total = rollup(con, [])[0]
    assert sum(Decimal(r["obligations"]) for r in rows) == Decimal(total["obligations"])
    assert sum(int(r["transactions"]) for r in rows) == total["transactions"]


def test_rollup_parquet_round_trips_exact_decimals(con: Any, tmp_path: Path) -> None:
    out = tmp_path / "rollup.parquet"
    where = {"family": "relx-plc"}
    expected = rollup(con, ["fiscal_year", "sub_agency"], where=where)
    write_parquet(rollup_table(con, ["fiscal_year", "sub_agency"], where=where), out)
    back = pq.read_table(out)
    assert back.schema.field("obligations").type == pa.decimal128(38, 2)
    assert back.schema.field("fiscal_year").type == pa.int64()
    rows = back.to_pylist()
    as_text = [{**r, "obligations": f"{r['obligations']:.2f}"} for r in rows]
    key = lambda r: (r["fiscal_year"], r["sub_agency"] or "")  # noqa: E731
    assert sorted(as_text, key=key) == sorted(expected, key=key)
    # and against the warehouse itself, summed by DuckDB in exact decimals
    ((raw_total,),) = con.con.execute(
        "SELECT sum(federal_action_obligation) FROM facts WHERE family = 'relx-plc'"
    ).fetchall()
    assert sum(r["obligations"] for r in rows) == raw_total
    assert isinstance(raw_total, Decimal)


def test_award_list_matches_browse(con: Any, tmp_path: Path) -> None:
    filters = {"family": ["relx-plc"]}
    page = awards(con, filters, limit=500)
    table = award_table(con, filters)
    assert table.num_rows == page.total
    assert sum(table.column("obligations")) == Decimal(page.obligations)
    assert [f"{v:.2f}" for v in table.column("obligations")] == [
        r["obligations"] for r in page.rows
    ]
    csv_out, parquet_out = tmp_path / "awards.csv", tmp_path / "awards.parquet"
    assert write_csv(table, csv_out) == page.total
    write_parquet(table, parquet_out)
    rows = read_csv(csv_out)
    assert [r["award_key"] for r in rows] == [r["award_key"] for r in page.rows]
    assert [r["first_action"] for r in rows] == [r["first_action"] for r in page.rows]
    back = pq.read_table(parquet_out)
    assert back.to_pylist() == table.to_pylist()  # exact decimals and dates, read by Arrow
    assert back.schema.field("obligations").type == pa.decimal128(38, 2)
    assert back.schema.field("transactions").type == pa.int64()
    assert back.schema.field("first_action").type == pa.date32()
    assert back.schema.field("award_key").type == pa.string()


def test_whole_award_list_partitions_the_obligations(con: Any) -> None:
    table = award_table(con, {})
    total = rollup(con, [])[0]
    assert table.num_rows == total["awards"]
    assert sum(table.column("obligations")) == Decimal(total["obligations"])
    assert sum(table.column("transactions")) == total["transactions"]
    assert award_table(con, {}, limit=7).num_rows == 7


def test_bad_filters_are_user_errors(con: Any) -> None:
    with pytest.raises(VendorwatchError, match="unknown facet"):
        award_table(con, {"famly": ["x"]})
    with pytest.raises(VendorwatchError, match="unknown dimension"):
        rollup_table(con, ["nope"])


def vendorwatch(*args: str, warehouse: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "vendorwatch", "export", *args, "--warehouse", str(warehouse)],
        capture_output=True,
        text=True,
        check=False,
    )


def test_cli_writes_each_format(sample_warehouse: Path, tmp_path: Path) -> None:
    out = tmp_path / "by-year.parquet"
    done = vendorwatch(
        "rollup", "--by", "fiscal_year", "--where", "family=palantir", "-o", str(out), "--json",
        warehouse=sample_warehouse,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["format"] == "parquet"
    assert pq.read_table(out).num_rows == json.loads(done.stdout)["rows"] > 0

    ocds = tmp_path / "palantir.json"
    done = vendorwatch(
        "awards", "--filter", "family=palantir", "--ocid-prefix", "ocds-test01", "-o", str(ocds),
        warehouse=sample_warehouse,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    package = json.loads(ocds.read_text("utf-8"))
    assert package["releases"]
    assert all(r["ocid"].startswith("ocds-test01-CONT_AWD_") for r in package["releases"])


def test_cli_user_errors_are_one_line(sample_warehouse: Path, tmp_path: Path) -> None:
    for args in (
        ("rollup", "--by", "family", "-o", str(tmp_path / "x.txt")),
        ("rollup", "--by", "family", "-o", str(tmp_path / "x.json")),
        ("awards", "--filter", "famly=x", "-o", str(tmp_path / "x.csv")),
        ("awards", "--filter", "family", "-o", str(tmp_path / "x.csv")),
    ):
        done = vendorwatch(*args, warehouse=sample_warehouse)
        assert done.returncode == 1, args
        assert done.stderr.startswith("error:"), done.stderr
        assert "Traceback" not in done.stderr


def test_award_values_parquet_and_csv(con: Any, sample_warehouse: Path, tmp_path: Path) -> None:
    """Award-summary values export exactly (decimal128 in Parquet), via the library and CLI."""
    day = date(2024, 1, 1)
    expected = award_values(con, ["family"], as_of=day)
    out = tmp_path / "values.parquet"
    write_parquet(award_values_table(con, ["family"], as_of=day), out)
    back = pq.read_table(out)
    assert back.schema.field("potential_value").type == pa.decimal128(38, 2)
    assert back.schema.field("running").type == pa.int64()
    money = ("obligated", "current_value", "potential_value")
    as_text = [
        {k: (f"{v:.2f}" if k in money and v is not None else v) for k, v in r.items()}
        for r in back.to_pylist()
    ]
    assert as_text == expected
    csv_out = tmp_path / "values.csv"
    run = subprocess.run(
        [sys.executable, "-m", "vendorwatch", "export", "rollup", "-o", str(csv_out),
         "--summaries", "--as-of", "2024-01-01", "--by", "family",
         "--warehouse", str(sample_warehouse)],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert run.returncode == 0, run.stderr
    rows = read_csv(csv_out)
    assert [r["family"] or None for r in rows] == [r["family"] for r in expected]
    assert [r["running"] for r in rows] == [str(r["running"]) for r in expected]


def test_exports_carry_what_the_data_covers(con: Any, raw_data: Path, tmp_path: Path) -> None:
    """The caveats travel with the file: in Parquet's schema metadata, beside a CSV (CSVW)."""
    import gzip

    last = date.min
    for path in raw_data.glob("cbp-ice-dashboard/*.csv.gz"):
        with gzip.open(path, "rt", encoding="utf-8", newline="") as handle:
            for row in csv.DictReader(handle):
                last = max(last, date.fromisoformat(row["Action Date"]))
    out = tmp_path / "awards.parquet"
    write_parquet(award_table(con, {"family": ["palantir"]}, limit=3), out)
    carried = json.loads(pq.read_schema(out).metadata[b"vendorwatch.coverage"])
    assert carried["subject"] == "palantir"
    assert carried["last"] == last.isoformat()
    assert carried["partial"] is True
    assert [a["short"] for a in carried["agencies"]] == ["CBP", "ICE"]
    assert any(y["partial"] for y in carried["fiscal_years"])
    csv_out = tmp_path / "rollup.csv"
    write_csv(rollup_table(con, ["fiscal_year"]), csv_out)
    sidecar = json.loads((tmp_path / "rollup.csv-metadata.json").read_text("utf-8"))
    assert sidecar["url"] == "rollup.csv"
    assert sidecar["dc:description"].startswith("CBP and ICE obligations only")
    assert "FY2026 is partial" in sidecar["dc:description"]
    assert [c["name"] for c in sidecar["tableSchema"]["columns"]] == list(read_csv(csv_out)[0])
    assert sidecar["notes"][0]["vendorwatch:coverage"]["subject"] is None
