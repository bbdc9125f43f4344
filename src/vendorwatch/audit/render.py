"""The audit report as a standalone HTML page, a PDF (WeasyPrint, same HTML), CSV or JSON.

Reuses the dossier's Jinja2 environment, stylesheet and chart helpers; nothing is fetched
from anywhere when the PDF is made.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from vendorwatch.audit.report import CSV_COLUMNS, AuditReport
from vendorwatch.errors import VendorwatchError
from vendorwatch.exports.csv import dict_rows_csv
from vendorwatch.reports import charts
from vendorwatch.reports.render import environment, stylesheet


def audit_charts(data: dict[str, Any]) -> dict[str, str]:
    rows = [
        {"label": f["name"], "value": f["obligations"]}
        for f in data["families"]
        if f["obligations"] and f["obligations"] != "0"
    ]
    if not rows:
        return {}
    return {
        "families": charts.horizontal_bars(
            rows,
            label="label",
            value="value",
            title="DHS obligations to the families of this library's vendors",
            axis_title="Obligations (USD)",
        )
    }


def audit_html(data: dict[str, Any]) -> str:
    """A standalone page: inline CSS and SVG, no external resources."""
    title = f"Library audit{': ' + data['library'] if data.get('library') else ''}"
    return (
        environment()
        .get_template("document.html")
        .render(
            title=title,
            css=stylesheet(),
            body="audit_body.html",
            audit=data,
            charts=audit_charts(data),
        )
    )


def audit_pdf(data: dict[str, Any]) -> bytes:
    from weasyprint import HTML  # noqa: PLC0415 - loads pango, which only PDFs need

    def no_fetch(url: str) -> dict[str, Any]:
        raise ValueError(f"the audit report must not load {url}")

    return bytes(HTML(string=audit_html(data), url_fetcher=no_fetch).write_pdf())


def audit_csv(report: AuditReport, *, raw: bool = False) -> str:
    """One row per holding and per usage row, with what it matched and why; a title from a
    vendor's file that a spreadsheet would run as a formula opens as text unless ``raw``."""
    return dict_rows_csv(report.rows(), CSV_COLUMNS, raw=raw)


def audit_json(data: dict[str, Any]) -> str:
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


FORMATS = ("html", "pdf", "csv", "json")


def render_audit(report: AuditReport, fmt: str, *, raw: bool = False) -> bytes:
    """The report in one format, as bytes (a web download or a file); ``raw`` writes CSV
    cells verbatim."""
    if fmt == "html":
        return audit_html(report.data).encode("utf-8")
    if fmt == "pdf":
        return audit_pdf(report.data)
    if fmt == "csv":
        return audit_csv(report, raw=raw).encode("utf-8")
    if fmt == "json":
        return audit_json(report.data).encode("utf-8")
    raise VendorwatchError(f"unknown report format {fmt!r}: use {', '.join(FORMATS)}")


def write_audit(report: AuditReport, path: Path, *, raw: bool = False) -> str:
    """Write by suffix (.html, .pdf, .csv, .json); returns the format written."""
    fmt = {".htm": "html"}.get(path.suffix.lower(), path.suffix.lower().lstrip("."))
    if fmt not in FORMATS:
        raise VendorwatchError(
            f"cannot tell the format of {path.name!r}: use .html, .pdf, .csv or .json"
        )
    path.write_bytes(render_audit(report, fmt, raw=raw))
    return fmt
