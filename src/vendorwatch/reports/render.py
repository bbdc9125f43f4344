"""Documents from dossier data: standalone HTML, PDF (WeasyPrint, same HTML) or JSON."""

from __future__ import annotations

import json
from collections.abc import Callable
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

from jinja2 import Environment, PackageLoader, select_autoescape

from vendorwatch.errors import VendorwatchError
from vendorwatch.formatting import FILTERS, plural
from vendorwatch.reports import charts


@cache
def environment() -> Environment:
    env = Environment(
        loader=PackageLoader("vendorwatch.reports", "templates"),
        autoescape=select_autoescape(["html"]),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters.update(FILTERS)
    env.globals["plural"] = plural
    return env


def stylesheet() -> str:
    return resources.files("vendorwatch.reports").joinpath("templates/print.css").read_text("utf-8")


def dossier_charts(dossier: dict[str, Any]) -> dict[str, str]:
    name = (dossier.get("subject") or dossier["family"])["name"]  # a company's, in its family
    found = {
        # Each drawn twice, for a page and for a phone (the stylesheet shows one; PDFs the wide).
        "by_year": charts.both(
            charts.obligations_by_year,
            dossier["by_year_and_agency"],
            title=f"{name}: obligations by fiscal year",
        ),
        "classification": charts.both(
            charts.horizontal_bars,
            dossier["classification"],
            label="label",
            value="obligations",
            title=f"{name}: obligations by what the award buys",
            axis_title="Obligations (USD)",
        ),
    }
    trend = dossier.get("competition_trend")
    if trend and any(y["competed"] or y["not_competed"] for y in trend["years"]):
        found["competition_trend"] = charts.both(  # all grey says nothing the sentence doesn't
            charts.competition_trend,
            trend["years"],
            title=f"{name}: awards and obligations by competition, by year signed",
        )
    line = dossier.get("timeline")
    if line and line["axis"]:
        found["timeline"] = charts.timeline(
            line["curve"], line["events"], line["axis"], title=f"{name}: events and obligations"
        )
    return found


def dossier_html(dossier: dict[str, Any], *, award_link: Callable[[str], str] | None = None) -> str:
    """A standalone page: inline CSS, inline SVG, nothing fetched from anywhere."""
    return (
        environment()
        .get_template("document.html")
        .render(
            title=f"{dossier['family']['name']} dossier",
            css=stylesheet(),
            body="dossier_body.html",
            dossier=dossier,
            charts=dossier_charts(dossier),
            award_link=award_link,
        )
    )


def dossier_pdf(dossier: dict[str, Any]) -> bytes:
    from weasyprint import HTML  # imported late: it loads pango, which only PDFs need

    def no_fetch(url: str) -> dict[str, Any]:
        raise ValueError(f"the dossier must not load {url}")

    document = HTML(string=dossier_html(dossier), url_fetcher=no_fetch)
    return bytes(document.write_pdf())


def write_dossier(dossier: dict[str, Any], path: Path) -> str:
    """Write by suffix: .html, .pdf or .json; returns the format written."""
    suffix = path.suffix.lower()
    if suffix in (".html", ".htm"):
        path.write_text(dossier_html(dossier), "utf-8")
        return "html"
    if suffix == ".pdf":
        path.write_bytes(dossier_pdf(dossier))
        return "pdf"
    if suffix == ".json":
        path.write_text(json.dumps(dossier, indent=2, ensure_ascii=False) + "\n", "utf-8")
        return "json"
    raise VendorwatchError(f"cannot tell the format of {path.name!r}: use .html, .pdf or .json")
