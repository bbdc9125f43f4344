"""The audit agrees with the warehouse: every library vendor a list or a COUNTER database report
names is reported with the DHS obligations the contract data holds for its company's family,
each figure summed independently from the raw files with the csv module."""

from __future__ import annotations

import csv
import gzip
import io
import json
import os
import subprocess
import sys
from collections import defaultdict
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from tests.raw_families import IDENTITY, family_transactions
from vendorwatch.analysis import connect
from vendorwatch.audit import AuditReport, audit_files, render_audit
from vendorwatch.registry import Registry, load_registry

# The recipient names as they stand in the raw CBP/ICE files, per family they belong to.
LIBRARY_VENDORS = {
    "ebsco": ["EBSCO INDUSTRIES INC"],
    "cengage": ["CENGAGE LEARNING, INC."],
    "william-s-hein": ["WILLIAM S. HEIN & CO., INC."],
    "clarivate": ["PROQUEST LLC"],
    "john-wiley": ["JOHN WILEY & SONS INC"],
    "bloomberg-industry-group": ["BLOOMBERG INDUSTRY GROUP, INC."],
}

AZ_LIST = (
    "Database,Vendor,URL\n"
    "Academic Search Complete,EBSCO,https://search.ebscohost.com/login.aspx?profile=ehost\n"
    "Gale OneFile: News,Gale Cengage,https://go.gale.com/ps/start.do?p=STND\n"
    "HeinOnline,William S. Hein & Co.,https://heinonline.org/HOL/Welcome\n"
    "Wiley Online Library,Wiley,\n"
    "ProQuest Central,ProQuest,\n"
    "Bloomberg Law,Bloomberg Industry Group,\n"
    "JSTOR,ITHAKA,https://www.jstor.org\n"
)


@pytest.fixture(scope="module")
def raw_by_recipient(raw_data: Path) -> dict[str, Decimal]:
    """Obligations per exact recipient name; the scraper's page overlaps counted once."""
    sums: dict[str, Decimal] = defaultdict(Decimal)
    seen: set[tuple[str, ...]] = set()
    for path in sorted(raw_data.glob("cbp-ice-dashboard/*.csv.gz")):
        with gzip.open(path, "rt", encoding="utf-8", newline="") as handle:
            for row in csv.DictReader(handle):
                identity = tuple(row[c] for c in IDENTITY)
                if identity not in seen:
                    seen.add(identity)
                    sums[row["Recipient Name"]] += Decimal(row["Federal Action Obligation"])
    return dict(sums)


@pytest.fixture(scope="module")
def registry() -> Registry:
    return load_registry()


def _audit(sample_warehouse: Path, registry: Registry, *files: tuple[str, bytes]) -> AuditReport:
    return audit_files(list(files), registry=registry, con=connect(sample_warehouse))


def _family(report: AuditReport, family: str) -> dict[str, Any]:
    found = [f for f in report.data["families"] if f["id"] == family]
    assert found, f"{family} not reported; families: {[f['id'] for f in report.data['families']]}"
    return found[0]


def test_a_list_naming_ebsco_reports_ebsco_industries_obligations(
    sample_warehouse: Path, registry: Registry, raw_by_recipient: dict[str, Decimal]
) -> None:
    """The done-when line: a vendor name alone, no URL, is enough."""
    report = _audit(
        sample_warehouse, registry, ("az.csv", b"Database,Vendor\nSome database,EBSCO\n")
    )
    ebsco = _family(report, "ebsco")
    expected = raw_by_recipient["EBSCO INDUSTRIES INC"]
    assert expected == Decimal("786245.00")
    assert Decimal(ebsco["obligations"]) == expected
    assert ebsco["status"] == "DHS obligations in the loaded data"
    assert [(c["name"], Decimal(c["obligations"])) for c in ebsco["companies"]] == [
        ("EBSCO Industries Inc.", expected)
    ]
    assert report.data["no_known_contracts"]["titles"] == 0


def test_every_library_vendor_is_reported_with_its_obligations(
    sample_warehouse: Path, registry: Registry, raw_by_recipient: dict[str, Decimal]
) -> None:
    report = _audit(sample_warehouse, registry, ("az.csv", AZ_LIST.encode()))
    for family, names in LIBRARY_VENDORS.items():
        expected = sum((raw_by_recipient[n] for n in names), Decimal(0))
        assert expected > 0, family
        f = _family(report, family)
        assert Decimal(f["obligations"]) == expected, family
        assert f["contracts"] is not None, family  # the awards are shown as evidence
    # Only JSTOR (ITHAKA, no award in the data) has no known enforcement contracts.
    unknown = report.data["no_known_contracts"]["publishers"]
    assert [p["publisher"] for p in unknown] == ["ITHAKA"]
    html = render_audit(report, "html").decode()
    assert "EBSCO Industries Inc." in html and "$786,245.00" in html


def test_the_report_says_which_data_it_looked_at(
    sample_warehouse: Path, registry: Registry, raw_data: Path
) -> None:
    dates: list[str] = []
    agencies: set[str] = set()
    seen: set[tuple[str, ...]] = set()
    for path in sorted(raw_data.glob("cbp-ice-dashboard/*.csv.gz")):
        with gzip.open(path, "rt", encoding="utf-8", newline="") as handle:
            for row in csv.DictReader(handle):
                seen.add(tuple(row[c] for c in IDENTITY))
                dates.append(row["Action Date"])
                agencies.add(row["Agency"])
    report = _audit(sample_warehouse, registry, ("az.csv", AZ_LIST.encode()))
    w = report.data["warehouse"]
    assert (w["date_from"], w["date_to"]) == (min(dates), max(dates))
    assert w["transactions"] == len(seen)
    shown = {a["sub_agency"] for a in w["agencies"]}
    names = {
        "CBP": "U.S. Customs and Border Protection",
        "ICE": "U.S. Immigration and Customs Enforcement",
    }
    assert shown == {names[a] for a in agencies}
    assert {f["file_name"] for f in w["files"]} >= {
        p.name for p in raw_data.glob("cbp-ice-dashboard/*.csv.gz")
    }
    assert "U.S. Immigration and Customs Enforcement" in w["sentence"]
    assert "lower bounds" in w["sentence"]


def _counter_table(path: Path) -> list[dict[str, str]]:
    """The table under a COUNTER TSV's header block, read with the csv module."""
    lines = path.read_text(encoding="utf-8-sig").splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("Database\t"))
    return list(csv.DictReader(io.StringIO("\n".join(lines[start:])), delimiter="\t"))


def test_dr_d1_databases_are_listed_by_name_matched_or_not(
    sample_warehouse: Path, registry: Registry, counter_dir: Path
) -> None:
    path = counter_dir / "DRD1_sample_r51.tsv"
    rows = _counter_table(path)
    expected = list(dict.fromkeys((r["Database"], r["Publisher"], r["Platform"]) for r in rows))
    report = _audit(sample_warehouse, registry, (path.name, path.read_bytes()))
    listed = [(d["database"], d["publisher"], d["platform"]) for d in report.data["databases"]]
    assert listed == expected and len(listed) == 3
    assert all(d["family"] is None for d in report.data["databases"])
    # The unknown publisher does not vanish: its databases are named under it.
    [unknown] = report.data["no_known_contracts"]["publishers"]
    assert unknown["publisher"] == "Sample Publisher"
    assert [s["title"] for s in unknown["sample"]] == [d for d, _, _ in expected]
    html = render_audit(report, "html").decode()
    assert all(f"<td>{d}" in html for d, _, _ in expected)


def test_a_dr_naming_nexis_uni_and_westlaw_reports_their_families(
    sample_warehouse: Path, registry: Registry, counter_dir: Path, raw_data: Path
) -> None:
    """How most libraries see their Nexis Uni or Westlaw use: a database report."""
    text = (counter_dir / "DRD1_sample_r51.tsv").read_text(encoding="utf-8-sig")
    text = text.replace("Database 1\tSample Publisher", "Nexis Uni\tLexisNexis")
    text = text.replace("Database 2\tSample Publisher", "Westlaw\tThomson Reuters")
    report = _audit(sample_warehouse, registry, ("dr.tsv", text.encode()))
    raw = family_transactions(raw_data)
    by_name = {d["database"]: d for d in report.data["databases"]}
    for database, family in (("Nexis Uni", "relx-plc"), ("Westlaw", "thomson-reuters-corp")):
        expected = sum((amount for _, amount in raw[family]), Decimal(0))
        assert by_name[database]["family"] == family
        assert Decimal(by_name[database]["obligations"]) == expected > 0
    assert by_name["Database 3"]["family"] is None


def test_a_publisher_known_only_as_a_recipient_is_found_in_the_data(
    sample_warehouse: Path, registry: Registry, raw_by_recipient: dict[str, Decimal]
) -> None:
    """ "OCLC, Inc." is no product's publisher name: the recipient "OCLC, INC" is."""
    report = _audit(
        sample_warehouse, registry, ("az.csv", b'Database,Vendor\nSome index,"OCLC, Inc."\n')
    )
    [(_holding, match)] = report.holdings
    assert match.method == "recipient" and "OCLC, INC" in match.reason
    assert Decimal(_family(report, "oclc")["obligations"]) == raw_by_recipient["OCLC, INC"]


def test_cli_prints_the_vendors_databases_and_data_looked_at(
    sample_warehouse: Path, counter_dir: Path, tmp_path: Path, raw_by_recipient: dict[str, Decimal]
) -> None:
    az = tmp_path / "az.csv"
    az.write_text(AZ_LIST, encoding="utf-8")
    done = subprocess.run(
        [sys.executable, "-m", "vendorwatch", "audit", str(az),
         str(counter_dir / "DRD1_sample_r51.tsv"), "--warehouse", str(sample_warehouse)],
        capture_output=True, text=True, check=False, env={**os.environ, "COLUMNS": "400"},
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    out = done.stdout
    ebsco = raw_by_recipient["EBSCO INDUSTRIES INC"]
    assert "EBSCO Industries Inc." in out and f"${ebsco:,.2f}" in out
    assert "Databases named in the files" in out and "Database 3" in out
    assert "Sample" in out  # the unknown publisher is named (Rich may wrap the cell)
    assert "Looked at" in out and "U.S. Immigration and Customs Enforcement" in out


def test_a_json_dr_is_read_as_database_holdings(
    sample_warehouse: Path, registry: Registry, raw_data: Path
) -> None:
    doc = {
        "Report_Header": {"Report_ID": "DR", "Release": "5", "Report_Name": "Database Master"},
        "Report_Items": [
            {"Database": "Scopus", "Publisher": "Elsevier", "Platform": "Scopus",
             "Performance": [{"Instance": [{"Metric_Type": "Searches_Regular", "Count": 40}]}]},
            {"Database": "Unknown Index", "Publisher": "Nobody Press", "Platform": "Nowhere",
             "Performance": [{"Instance": [{"Metric_Type": "Searches_Regular", "Count": 3}]}]},
        ],
    }  # fmt: skip
    report = _audit(sample_warehouse, registry, ("dr.json", json.dumps(doc).encode()))
    by_name = {d["database"]: d for d in report.data["databases"]}
    relx = sum((amount for _, amount in family_transactions(raw_data)["relx-plc"]), Decimal(0))
    assert by_name["Scopus"]["family"] == "relx-plc"
    assert Decimal(by_name["Scopus"]["obligations"]) == relx
    assert by_name["Unknown Index"]["family"] is None
    assert by_name["Unknown Index"]["publisher"] == "Nobody Press"
