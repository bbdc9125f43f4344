"""Matching and the exposure report on the real files, the report's figures checked against the
family dossier, and every output format rendered."""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
from decimal import Decimal
from pathlib import Path
from typing import Any

import pypdfium2
import pytest

from tests.audit.conftest import CAMBRIDGE, SCIENCEDIRECT
from vendorwatch.analysis import connect
from vendorwatch.analysis.dossier import family_dossier
from vendorwatch.audit import AuditReport, Limits, audit_files, render_audit
from vendorwatch.audit.match import Matcher
from vendorwatch.audit.models import Holding
from vendorwatch.errors import VendorwatchError
from vendorwatch.registry import Registry, load_registry


@pytest.fixture(scope="module")
def registry() -> Registry:
    return load_registry()


@pytest.fixture(scope="module")
def report(
    sample_warehouse: Path,
    sciencedirect: bytes,
    cambridge: bytes,
    counter_dir: Path,
    registry: Registry,
) -> AuditReport:
    files = [
        (SCIENCEDIRECT, sciencedirect),
        (CAMBRIDGE, cambridge),
        ("PRP1_sample_r51.tsv", (counter_dir / "PRP1_sample_r51.tsv").read_bytes()),
    ]
    return audit_files(
        files, registry=registry, con=connect(sample_warehouse), library="Test Library"
    )


def test_sciencedirect_is_relx_with_its_titles(report: AuditReport, sciencedirect: bytes) -> None:
    families = {f["id"]: f for f in report.data["families"]}
    assert list(families) == ["relx-plc"]
    relx = families["relx-plc"]
    assert relx["titles"] == 262
    [product] = relx["products"]
    assert (product["id"], product["owner"], product["titles"]) == (
        "sciencedirect", "Elsevier Inc.", 262,
    )  # fmt: skip
    first_title = sciencedirect.decode("utf-8-sig").splitlines()[1].split("\t")[0]
    assert product["sample"][0]["title"] == first_title
    assert "www.sciencedirect.com" in product["sample"][0]["reason"]
    from_file = [(h.file, m.family) for h, m in report.holdings if h.file == SCIENCEDIRECT]
    assert len(from_file) == 262 and {f for _, f in from_file} == {"relx-plc"}


def test_obligations_are_the_dossiers(
    report: AuditReport, sample_warehouse: Path, registry: Registry
) -> None:
    dossier = family_dossier(connect(sample_warehouse), registry, "relx-plc")
    relx = report.data["families"][0]
    assert Decimal(relx["obligations"]) == Decimal(dossier["totals"]["obligations"]) > 0
    enforcement = sum(
        Decimal(r["obligations"])
        for r in dossier["classification"]
        if r["classification"] in ("investigative_data", "licence_plates", "location_data")
    )
    assert Decimal(relx["enforcement_obligations"]) == enforcement
    groups = {g["group"] for g in relx["contracts"]["groups"]}
    # the detainee law library is research, not surveillance
    law = [
        r
        for r in relx["contracts"]["classification"]
        if r["classification"] == "detainee_law_library"
    ]
    assert law and law[0]["group"] == "legal research and law libraries"
    assert "enforcement data and surveillance" in groups
    top = relx["contracts"]["top_awards"][0]
    assert top["piid"] and top["url"].endswith(top["award_key"])


def test_cambridge_has_no_known_enforcement_contracts(report: AuditReport) -> None:
    none_known = report.data["no_known_contracts"]
    assert none_known["label"] == "no known enforcement contracts"
    assert {p["publisher"]: p["titles"] for p in none_known["publishers"]} == {
        "Cambridge University Press": 451,
        "EDP Sciences": 17,
    }
    rows = [m for h, m in report.holdings if h.file == CAMBRIDGE]
    assert len(rows) == 468 and not any(m.matched for m in rows)


def test_usage_per_platform(report: AuditReport) -> None:
    [platform] = report.data["usage_by_platform"]
    assert platform["platform"] == "Platform 1" and platform["family"] is None
    assert platform["metrics"]["Total_Item_Requests"] == sum(
        u.total for u, _ in report.usage if u.metric == "Total_Item_Requests"
    )


def test_alternatives_from_the_registry(report: AuditReport) -> None:
    alts = {a["id"]: a for a in report.data["families"][0]["alternatives"]}
    assert {"unpaywall", "doaj", "pubmed-central"} <= set(alts)
    assert alts["unpaywall"]["replaces"] == ["ScienceDirect"] and alts["unpaywall"]["free"]


def test_matching_usage_and_lists(registry: Registry) -> None:
    m = Matcher(registry)
    db = Holding("az.csv", 3, "database", "Nexis Uni (formerly LexisNexis Academic)")
    assert (m.holding(db).product, m.holding(db).family) == ("nexis-uni", "relx-plc")
    westlaw = Holding(
        "az.csv", 4, "database", "Westlaw Campus Research", publisher="Thomson Reuters"
    )
    assert m.holding(westlaw).family == "thomson-reuters-corp"
    # whole words and whole DNS labels only
    assert not m.holding(Holding("a", 1, "database", "Clear Law Review")).matched
    assert not m.holding(
        Holding("a", 1, "title", "X", url="https://notsciencedirect.com/a")
    ).matched
    isbn = m.holding(Holding("a", 1, "title", "X", identifiers=("0-12-345678-9",)))
    assert (isbn.method, isbn.product) == ("isbn", "sciencedirect")
    imprint = m.holding(Holding("a", 1, "title", "X", publisher="Elsevier Science B.V."))
    assert (imprint.method, imprint.family) == ("publisher", "relx-plc")


def test_formats(report: AuditReport, tmp_path: Path) -> None:
    html = render_audit(report, "html").decode()
    assert "RELX PLC" in html and "ScienceDirect" in html and "Cambridge University Press" in html
    assert "<script" not in html and 'src="http' not in html
    data = json.loads(render_audit(report, "json"))
    assert data["summary"]["holdings"] == 730
    rows = list(csv.DictReader(io.StringIO(render_audit(report, "csv").decode())))
    assert len(rows) == 730 + len(report.usage)
    assert {r["status"] for r in rows if r["file"] == CAMBRIDGE} == {
        "no known enforcement contracts"
    }
    pdf = pypdfium2.PdfDocument(render_audit(report, "pdf"))
    text = " ".join(pdf[i].get_textpage().get_text_range() for i in range(len(pdf)))
    assert "Library exposure report".upper() in text.upper() and "ScienceDirect" in text
    letters = data["texts"]["letters"]
    assert (
        letters[0]["family"] == "relx-plc"
        and "Dear Elsevier Inc. account representative" in letters[0]["text"]
    )
    assert "Test Library" in data["texts"]["policy_clause"]


def test_upload_limits(sciencedirect: bytes) -> None:
    with pytest.raises(VendorwatchError, match="the limit is 1 per audit"):
        audit_files([("a", sciencedirect), ("b", sciencedirect)], limits=Limits(max_files=1))
    with pytest.raises(VendorwatchError, match="no files"):
        audit_files([])


def _cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "vendorwatch", "audit", *args],
        capture_output=True, text=True, check=False, env={**os.environ, "COLUMNS": "400"},
    )  # fmt: skip


def test_cli(sample_warehouse: Path, kbart_dir: Path, tmp_path: Path) -> None:
    out = tmp_path / "report.json"
    done = _cli(
        str(kbart_dir / SCIENCEDIRECT), "--warehouse", str(sample_warehouse), "-o", str(out)
    )
    assert done.returncode == 0, done.stderr
    data: dict[str, Any] = json.loads(out.read_text())
    assert data["families"][0]["id"] == "relx-plc"
    bad = tmp_path / "titles.txt"
    bad.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00")
    failed = _cli(str(bad), "--warehouse", str(sample_warehouse))
    assert failed.returncode == 1
    message = " ".join(failed.stderr.split())  # Rich wraps long lines to the terminal
    assert message.startswith("error: titles.txt: this is a PNG image, not a text file")
    assert "Traceback" not in failed.stderr
