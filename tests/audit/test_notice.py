"""The patron risk notice for a shared account and the handout: both languages, all three
formats, from the library, the CLI and the site; the figures are the raw files'."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any

import pypdfium2 as pdfium
import pytest
from fastapi.testclient import TestClient

from vendorwatch.analysis import connect
from vendorwatch.audit.notice import handout, patron_notice
from vendorwatch.audit.notice_render import render_handout, render_notice
from vendorwatch.errors import VendorwatchError
from vendorwatch.registry import shipped_registry
from vendorwatch.web import create_app

from ..raw_rows import total


def _pdf_text(data: bytes) -> tuple[int, str]:
    pdf = pdfium.PdfDocument(data)
    text = " ".join(page.get_textpage().get_text_range() for page in pdf)
    return len(pdf), " ".join(text.split())  # lines broken where the page wraps them


@pytest.fixture(scope="module")
def con(sample_warehouse: Path) -> Any:
    return connect(sample_warehouse)


@pytest.mark.parametrize(
    ("lang", "heading", "words"),
    [
        ("en", "What a search on a shared account may still reveal", "transactions from"),
        (
            "es",
            "Lo que una búsqueda en una cuenta compartida aún puede revelar",
            "transacciones de",
        ),
    ],
)
def test_the_notice_in_each_language_and_format(
    con: Any, raw_data: Path, lang: str, heading: str, words: str
) -> None:
    notice = patron_notice(con, shipped_registry(), "Westlaw", lang=lang, library="Test Library")
    # Thomson Reuters' money in the loaded transactions, summed from the raw files by name.
    expected = total(
        raw_data, lambda r: r["Recipient Name"].upper().startswith(("THOMSON REUTERS", "WEST PUB"))
    )
    assert notice["records"]["amount"] == expected
    amount = f"${expected:,.2f}"
    text = render_notice(notice, "txt").decode("utf-8")
    html = render_notice(notice, "html").decode("utf-8")
    pages, pdf = _pdf_text(render_notice(notice, "pdf"))
    for shown in (" ".join(text.split()), " ".join(html.split()), pdf):
        assert heading in shown
        assert amount in shown
        assert words in shown
        assert "Test Library" in shown.replace("TEST LIBRARY", "Test Library")
    assert f'<html lang="{lang}">' in html
    assert "http://" not in html.split("<ol")[0] and "<link" not in html  # loads nothing
    assert pages <= 2  # a leaflet: one sheet, front and back


@pytest.mark.parametrize("lang", ["en", "es"])
@pytest.mark.parametrize("product", ["Nexis Uni", "Lexis+", "ScienceDirect"])
def test_the_longest_notices_fit_one_sheet(con: Any, product: str, lang: str) -> None:
    """RELX's products list the most sales and sources: their notices are the longest (they ran
    to a third page holding one source line and the footer)."""
    notice = patron_notice(con, shipped_registry(), product, lang=lang, library="Test Library")
    pages, _ = _pdf_text(render_notice(notice, "pdf"))
    assert pages <= 2


def test_the_handout_fits_one_page_in_both_languages() -> None:
    for lang, title in (("en", "Your data and the companies"), ("es", "Sus datos y las empresas")):
        pages, text = _pdf_text(render_handout(handout(lang), "pdf"))
        assert pages == 1
        assert title in text
        assert title.upper() in render_handout(handout(lang), "txt").decode("utf-8")


def test_unknown_product_and_language_are_refused_clearly(con: Any) -> None:
    with pytest.raises(VendorwatchError, match="did you mean nexis"):
        patron_notice(con, shipped_registry(), "nexus")
    with pytest.raises(VendorwatchError, match="choose one of: en, es"):
        patron_notice(con, shipped_registry(), "westlaw", lang="fr")


def test_the_command_and_the_site(sample_warehouse: Path, tmp_path: Path) -> None:
    out = tmp_path / "notice.pdf"
    done = subprocess.run(
        [sys.executable, "-m", "vendorwatch", "notice", "nexis-uni", "--lang", "es",
         "-o", str(out), "--warehouse", str(sample_warehouse)],
        capture_output=True, text=True, timeout=300, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert "Sobre Nexis Uni" in _pdf_text(out.read_bytes())[1]
    bad = subprocess.run(
        [sys.executable, "-m", "vendorwatch", "notice", "westlaw", "-o", str(tmp_path / "x.doc"),
         "--warehouse", str(sample_warehouse)],
        capture_output=True, text=True, timeout=300, check=False,
    )  # fmt: skip
    assert bad.returncode == 1
    assert "write .html, .pdf or .txt" in bad.stderr
    with TestClient(create_app(sample_warehouse, time_limit=300)) as client:
        form = client.get("/audit/notice")
        assert form.status_code == 200
        assert "/audit/notice/westlaw.pdf?lang=es" in form.text
        pdf = client.get("/audit/notice/westlaw.pdf", params={"lang": "es"})
        assert pdf.status_code == 200
        assert pdf.headers["content-type"] == "application/pdf"
        assert "attachment" in pdf.headers["content-disposition"]
        assert client.get("/audit/handout.txt", params={"lang": "es"}).status_code == 200
        assert client.get("/audit/notice/nope.pdf").status_code == 404
        assert client.get("/audit/notice/westlaw.pdf", params={"lang": "fr"}).status_code == 422
