"""Family dossiers in all three formats, their numbers checked against the raw files."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import pypdfium2
import pytest

from vendorwatch.analysis import connect
from vendorwatch.analysis.dossier import family_dossier
from vendorwatch.analysis.rollups import award_values
from vendorwatch.registry import load_registry
from vendorwatch.reports.render import dossier_html, write_dossier

from ..raw_families import FAMILIES, family_transactions


@pytest.fixture(scope="module")
def raw_totals(raw_data: Path) -> dict[str, tuple[Decimal, int]]:
    """Each family's obligations and transactions, summed with the csv module."""
    return {
        family: (sum((amount for _, amount in rows), Decimal(0)), len(rows))
        for family, rows in family_transactions(raw_data).items()
    }


@pytest.fixture(scope="module")
def dossiers(sample_warehouse: Path) -> dict[str, dict[str, Any]]:
    con = connect(sample_warehouse)
    registry = load_registry()
    return {family: family_dossier(con, registry, family) for family in FAMILIES}


@pytest.mark.parametrize("family", list(FAMILIES))
def test_totals_match_the_raw_files(
    dossiers: dict[str, dict[str, Any]],
    raw_totals: dict[str, tuple[Decimal, int]],
    family: str,
) -> None:
    amount, count = raw_totals[family]
    totals = dossiers[family]["totals"]
    assert Decimal(totals["obligations"]) == amount
    assert totals["transactions"] == count
    by_year = sum(Decimal(r["obligations"]) for r in dossiers[family]["by_year_and_agency"])
    assert by_year == amount


@pytest.mark.parametrize("family", list(FAMILIES))
@pytest.mark.parametrize("suffix", [".html", ".pdf", ".json"])
def test_every_format_writes(
    dossiers: dict[str, dict[str, Any]], tmp_path: Path, family: str, suffix: str
) -> None:
    path = tmp_path / f"{family}{suffix}"
    write_dossier(dossiers[family], path)
    data = path.read_bytes()
    name = dossiers[family]["family"]["name"]
    if suffix == ".json":
        assert json.loads(data)["totals"] == dossiers[family]["totals"]
    elif suffix == ".html":
        text = data.decode()
        assert name in text
        # two charts, each for a page and a phone; the timeline; and the competition trend
        # (page and phone) where any award's competition is known
        trend = dossiers[family]["competition_trend"]["years"]
        known = any(y["competed"] or y["not_competed"] for y in trend)
        assert text.count("<svg") == 5 + (2 if known else 0)
        assert not re.search(r"""(src|href)=["'](https?:)?//""", text.split("<main>")[0])
    else:
        assert data.startswith(b"%PDF")


def test_pdf_renders_with_charts(dossiers: dict[str, dict[str, Any]], tmp_path: Path) -> None:
    """The first pages, rendered to pixels, carry the chart's bar colours (the title, the
    summary and the caveats come first, so the chart may open page two)."""
    path = tmp_path / "palantir.pdf"
    write_dossier(dossiers["palantir"], path)
    document = pypdfium2.PdfDocument(path)
    colours = set()
    for number in (0, 1):
        image = document[number].render(scale=1).to_pil().convert("RGB")
        colours |= {colour for _, colour in image.getcolors(maxcolors=1 << 20) or []}
        image.save(tmp_path / f"palantir-page{number + 1}.png")
    assert (0x1F, 0x4E, 0x79) in colours  # the first bar colour in reports/charts.py


def test_html_loads_nothing_from_elsewhere(dossiers: dict[str, dict[str, Any]]) -> None:
    html = dossier_html(dossiers["relx-plc"])
    assert "<script" not in html
    assert not re.search(r"""<(link|img|script)[^>]+(src|href)=""", html)


def test_relx_claims_carry_a_verdict_and_no_closest_figure(
    dossiers: dict[str, dict[str, Any]],
) -> None:
    claims = {c["id"]: c for c in dossiers["relx-plc"]["claims"]}
    assert claims
    for claim in claims.values():
        assert claim["verdict"] in {"consistent", "inconsistent", "cannot_check"}
        assert claim["reason"]
        assert "closest_figure" not in claim
    # The $22.1M ceiling is never set beside obligations (no ceiling in the bundled data).
    assert claims["nextgov-leids-ceiling-22-1m"]["verdict"] == "cannot_check"
    assert claims["nextgov-leids-ceiling-22-1m"]["data_figure"] is None
    html = dossier_html(dossiers["relx-plc"])
    assert "Closest data figure" not in html
    assert "cannot check" in html


def test_cli_dossier_and_errors(sample_warehouse: Path, tmp_path: Path) -> None:
    out = tmp_path / "palantir.json"
    ok = subprocess.run(
        [sys.executable, "-m", "vendorwatch", "dossier", "palantir", "-o", str(out),
         "--warehouse", str(sample_warehouse)],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert ok.returncode == 0, ok.stderr
    assert json.loads(out.read_text())["family"]["id"] == "palantir"
    bad = subprocess.run(
        [sys.executable, "-m", "vendorwatch", "dossier", "palantir", "-o", str(tmp_path / "x.doc"),
         "--warehouse", str(sample_warehouse)],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert bad.returncode == 1
    assert "use .html, .pdf or .json" in bad.stderr
    assert "Traceback" not in bad.stderr


def test_award_summary_values_are_in_the_dossier(
    dossiers: dict[str, dict[str, Any]], sample_warehouse: Path
) -> None:
    """The compiled dossier question gives what award_values (checked against the raw summary
    file in tests/analysis) gives for the family; the page says it."""
    tr = dossiers["thomson-reuters-corp"]
    (expected,) = award_values(
        connect(sample_warehouse), [], where={"family": "thomson-reuters-corp"}, as_of=date.today()
    )
    assert tr["award_summaries"] == expected
    assert tr["award_summaries"]["awards"] > 0
    html = dossier_html(tr)
    assert f"Award summaries are loaded for {expected['awards']} of its" in html
    assert dossiers["palantir"]["award_summaries"] is None  # no summary file covers Palantir
