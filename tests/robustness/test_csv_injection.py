"""Safe spreadsheets: no CSV the project writes lets a cell run as a formula (issue 16, part 4).

A contract file with a recipient named ``=HYPERLINK(…)`` (and ``@SUM``, ``+``, ``-`` and tab
starts, and a negative obligation) is loaded into a real warehouse; every CSV writer — ``export
awards|rollup``, the site's ``browse.csv`` and ``award/*.csv``, the audit report — must prefix
those names with ``'``, keep numbers (``-1234.56``) as numbers, and write everything verbatim
with ``--raw``; Parquet and JSON keep the names exactly. Expected values come from the file
written here, read back with the csv module and Decimal.
"""

from __future__ import annotations

import csv
import gzip
import io
import json
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import pyarrow.parquet as pq  # type: ignore[import-untyped]
import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from vendorwatch.audit import audit_files, render_audit
from vendorwatch.build import build_warehouse
from vendorwatch.cli.app import app
from vendorwatch.exports.csv import safe_cell
from vendorwatch.web import create_app

DASHBOARD = "cbp-ice-dashboard/CBP_ICE_FY2026_Contract_Obligations.csv.gz"
SCIENCEDIRECT = (
    "kbart/ScienceDirectStandard_Global_EBook-"
    "AgriculturalAndBiologicalSciencesPre-2007_2016-05-23.txt"
)
HYPERLINK = '=HYPERLINK("http://x","y")'
# Recipient names a spreadsheet would run, and what the safe CSV must hold instead.
HOSTILE = [HYPERLINK, "@SUM(1+1)*cmd|' /C calc'!A0", "+1+cmd", "-2+3", "\t=1+1"]
NEGATIVE = "-1234.56"


@pytest.fixture(scope="module")
def contract_file(raw_data: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Real dashboard rows; the first five recipients renamed, the sixth obligation negative."""
    with gzip.open(raw_data / DASHBOARD, "rt", encoding="utf-8", newline="") as handle:
        rows = list(csv.reader(handle))[:9]
    header, body = rows[0], rows[1:]
    name, amount = header.index("Recipient Name"), header.index("Federal Action Obligation")
    for row, hostile in zip(body, HOSTILE, strict=False):
        row[name] = hostile
    body[5][amount] = NEGATIVE
    path = tmp_path_factory.mktemp("hostile") / "CBP_ICE_FY2026_Contract_Obligations.csv"
    with path.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows([header, *body])
    return path


@pytest.fixture(scope="module")
def expected(contract_file: Path) -> dict[str, Decimal]:
    """Each award's obligations by PIID, from the file itself."""
    with contract_file.open(encoding="utf-8", newline="") as handle:
        totals: dict[str, Decimal] = {}
        for row in csv.DictReader(handle):
            pid = row["Award ID"]
            totals[pid] = totals.get(pid, Decimal(0)) + Decimal(row["Federal Action Obligation"])
    return totals


@pytest.fixture(scope="module")
def warehouse(contract_file: Path) -> Path:
    path = contract_file.parent / "w.duckdb"
    result = build_warehouse(path, [contract_file])
    assert [r.status for r in result.loads] == ["loaded"]
    return path


@pytest.fixture(scope="module")
def site(warehouse: Path) -> Iterator[TestClient]:
    with TestClient(create_app(warehouse, time_limit=300.0)) as client:
        yield client


def read_csv(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text, newline="")))


def neutral(value: str) -> str:
    return "'" + value


def test_safe_cell_rule() -> None:
    for start in ("=", "+", "-", "@", "\t", "\r"):
        assert safe_cell(start + "x") == "'" + start + "x"
        assert safe_cell(start + "x", raw=True) == start + "x"
    for number in (NEGATIVE, "-12", "+3", "1234.50", -1234, Decimal("-1.5"), 2.5):
        assert safe_cell(number) == number
    assert safe_cell("-1234.56 refund") == "'-1234.56 refund"
    assert safe_cell("ACME = 1") == "ACME = 1"
    assert safe_cell(None) is None


def run_cli(*args: str) -> str:
    result = CliRunner().invoke(app, list(args))
    assert result.exit_code == 0, result.output
    return result.output


@pytest.mark.parametrize("what", ["awards", "rollup"])
def test_export_csv_neutralises_and_raw_is_verbatim(
    warehouse: Path, tmp_path: Path, expected: dict[str, Decimal], what: str
) -> None:
    extra = ["--by", "recipient"] if what == "rollup" else []
    safe, raw = tmp_path / "safe.csv", tmp_path / "raw.csv"
    run_cli("export", what, *extra, "-o", str(safe), "--warehouse", str(warehouse))
    run_cli("export", what, *extra, "-o", str(raw), "--raw", "--warehouse", str(warehouse))
    safe_rows, raw_rows = read_csv(safe.read_text()), read_csv(raw.read_text())
    safe_names = {r["recipient"] for r in safe_rows}
    raw_names = {r["recipient"] for r in raw_rows}
    for hostile in HOSTILE:
        assert neutral(hostile) in safe_names
        assert hostile in raw_names
        assert hostile not in safe_names
    assert not [n for n in safe_names if n.startswith(("=", "+", "-", "@", "\t", "\r"))]
    if what == "awards":
        for rows in (safe_rows, raw_rows):
            got = {r["piid"]: Decimal(r["obligations"]) for r in rows}
            assert got == expected
            assert NEGATIVE in {r["obligations"] for r in rows}  # a number, not '-1234.56


def test_parquet_keeps_names(warehouse: Path, tmp_path: Path) -> None:
    out = tmp_path / "awards.parquet"
    run_cli("export", "awards", "-o", str(out), "--warehouse", str(warehouse))
    names = set(pq.read_table(out).column("recipient").to_pylist())
    assert set(HOSTILE) <= names
    assert not [n for n in names if n and n.startswith("'")]


def test_site_csv_neutralises_json_does_not(site: TestClient, expected: dict[str, Decimal]) -> None:
    page = site.get("/browse.csv")
    assert page.status_code == 200
    rows = read_csv(page.text)
    names = {r["recipient"] for r in rows}
    assert {neutral(h) for h in HOSTILE} <= names
    assert {r["piid"]: Decimal(r["obligations"]) for r in rows} == expected
    document = site.get("/browse.json").json()
    assert set(HOSTILE) <= {a["recipient"] for a in document["awards"]}
    key = next(r["award_key"] for r in rows if r["recipient"] == neutral(HYPERLINK))
    award = site.get(f"/award/{key}.csv")
    assert award.status_code == 200
    transactions = read_csv(award.text)
    assert transactions
    assert {t["recipient"] for t in transactions if "recipient" in t} <= {neutral(HYPERLINK)}
    negative = next(r["award_key"] for r in rows if r["obligations"] == NEGATIVE)
    amounts = [t["obligation"] for t in read_csv(site.get(f"/award/{negative}.csv").text)]
    assert amounts == [NEGATIVE]


def hostile_kbart(raw_data: Path) -> bytes:
    """The real ScienceDirect list (RELX: matched, so sampled in the JSON) with its first title
    replaced by a formula and every other title starting with ``@``."""
    header, *rows = (raw_data / SCIENCEDIRECT).read_bytes().split(b"\n")
    out = [header]
    for number, row in enumerate(rows, start=2):
        if not row.strip():
            out.append(row)
            continue
        title, rest = row.split(b"\t", 1)
        out.append((HYPERLINK.encode() if number == 2 else b"@" + title) + b"\t" + rest)
    return b"\n".join(out)


def test_audit_csv_neutralises_kbart_title(raw_data: Path, tmp_path: Path, warehouse: Path) -> None:
    data = hostile_kbart(raw_data)
    report = audit_files([("holdings.txt", data)])
    rows = read_csv(render_audit(report, "csv").decode())
    first = next(r for r in rows if r["line"] == "2")
    assert first["title"] == neutral(HYPERLINK)
    raw_rows = read_csv(render_audit(report, "csv", raw=True).decode())
    assert next(r for r in raw_rows if r["line"] == "2")["title"] == HYPERLINK
    assert all(r["title"].startswith("'@") for r in rows if r["line"] not in ("line", "2"))
    samples = [
        t["title"]
        for f in json.loads(render_audit(report, "json"))["families"]
        for p in f["products"]
        for t in p["sample"]
    ]
    assert samples
    assert all(t.startswith("@") or t == HYPERLINK for t in samples)  # JSON: verbatim
    # the command line, with and without --raw
    path = tmp_path / "holdings.txt"
    path.write_bytes(data)
    for flags, title in (([], neutral(HYPERLINK)), (["--raw"], HYPERLINK)):
        out = tmp_path / "report.csv"
        run_cli("audit", str(path), "-o", str(out), "--warehouse", str(warehouse), *flags)
        got = next(r for r in read_csv(out.read_text()) if r["line"] == "2")
        assert got["title"] == title


def test_audit_csv_download_from_the_site(site: TestClient, raw_data: Path) -> None:
    page = site.post(
        "/audit",
        files=[("files", ("holdings.txt", hostile_kbart(raw_data), "text/plain"))],
        data={"format": "csv"},
    )
    assert page.status_code == 200
    first = next(r for r in read_csv(page.text) if r["line"] == "2")
    assert first["title"] == neutral(HYPERLINK)
