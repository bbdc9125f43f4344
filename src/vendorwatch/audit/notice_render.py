"""The patron notice and the handout as HTML, PDF or plain text (`vendorwatch.audit.notice`)."""

from __future__ import annotations

from typing import Any

from vendorwatch.errors import VendorwatchError
from vendorwatch.reports.render import environment, stylesheet

MEDIA_TYPES = {
    "html": "text/html; charset=utf-8",
    "pdf": "application/pdf",
    "txt": "text/plain; charset=utf-8",
}


def _pdf(html: str) -> bytes:
    from weasyprint import HTML  # noqa: PLC0415 - pango only when a PDF is asked for

    def no_fetch(url: str) -> dict[str, Any]:
        raise ValueError(f"the notice must not load {url}")

    return bytes(HTML(string=html, url_fetcher=no_fetch).write_pdf())


def _render(name: str, fmt: str, **context: Any) -> bytes:
    if fmt not in MEDIA_TYPES:
        raise VendorwatchError(f"no {fmt!r} format; choose one of: {', '.join(MEDIA_TYPES)}")
    template = f"{name}.txt" if fmt == "txt" else f"{name}.html"
    text = environment().get_template(template).render(css=stylesheet(), **context)
    if fmt == "txt":
        return (text.strip() + "\n").encode("utf-8")
    return _pdf(text) if fmt == "pdf" else text.encode("utf-8")


def render_notice(notice: dict[str, Any], fmt: str) -> bytes:
    return _render("notice", fmt, n=notice)


def render_handout(handout: dict[str, Any], fmt: str) -> bytes:
    return _render("handout", fmt, h=handout)
