"""Every page of the PDF dossier, rendered to pixels (pypdfium2) and read back as text: no
table runs into the right margin on Letter or A4, the claims read as sentences, and the last
page holds more than the footer.

The issue's PDF cut the Obligations column off on pages 4-5, set the claims table one word to
a line over four pages and ended on a page with only the footer.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pypdfium2
import pytest
from PIL import Image

from vendorwatch.analysis import connect
from vendorwatch.analysis.dossier import family_dossier
from vendorwatch.registry import load_registry
from vendorwatch.reports.render import dossier_html

from ..raw_families import FAMILIES

MARGIN_MM = 14  # print.css: @page { margin: 16mm 14mm }
SIZES = {"Letter": "Letter", "A4": "A4"}
FOOTER = "Made with vendorwatch from public USAspending records."


@pytest.fixture(scope="module")
def dossiers(sample_warehouse: Path) -> dict[str, dict[str, Any]]:
    con = connect(sample_warehouse)
    registry = load_registry()
    return {family: family_dossier(con, registry, family) for family in FAMILIES}


def _pdf(dossier: dict[str, Any], size: str) -> bytes:
    from weasyprint import CSS, HTML

    extra = CSS(string=f"@page {{ size: {size}; }}")
    return bytes(HTML(string=dossier_html(dossier)).write_pdf(stylesheets=[extra]))


def _margin_is_white(image: Image.Image, margin_px: int) -> bool:
    """The right margin, less a hair for anti-aliasing, holds no ink."""
    width, height = image.size
    strip = image.crop((width - margin_px + 3, 0, width, height)).convert("L")
    low, _ = strip.getextrema()
    return bool(low >= 250)


@pytest.mark.parametrize("size", list(SIZES))
@pytest.mark.parametrize("family", list(FAMILIES))
def test_every_page_fits_and_reads(
    dossiers: dict[str, dict[str, Any]], family: str, size: str, tmp_path: Path
) -> None:
    document = pypdfium2.PdfDocument(_pdf(dossiers[family], size))
    texts = []
    for number in range(len(document)):
        page = document[number]
        scale = 2.0  # 144 dpi
        image = page.render(scale=scale).to_pil().convert("RGB")
        image.save(tmp_path / f"{family}-{size}-{number + 1}.png")
        margin_px = int(MARGIN_MM / 25.4 * 72 * scale)
        assert _margin_is_white(image, margin_px), f"page {number + 1} runs into the margin"
        texts.append(page.get_textpage().get_text_range())
    last = texts[-1].replace("\r", "")
    assert last.replace(FOOTER, "").replace("Every figure sums the", "").strip(), (
        "the last page holds only the footer"
    )
    if dossiers[family]["claims"]:
        # A claim's statement reads as a line of words, not one word to a line.
        statement = dossiers[family]["claims"][0]["statement"].split()
        whole = "\n".join(texts).replace("\r", "")
        opening = " ".join(statement[:3])
        line = next(li for li in whole.split("\n") if li.strip().startswith(opening))
        assert len(line.split()) >= min(6, len(statement)), line
