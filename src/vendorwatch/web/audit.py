"""The library audit on the site: ``/audit``, the form and its upload (the notice is
`vendorwatch.web.notice`, the held report's downloads `vendorwatch.web.held`). Handlers call
`vendorwatch.audit` and render."""

from __future__ import annotations

import csv
import io

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from vendorwatch.audit import Limits, audit_files, render_audit
from vendorwatch.audit.render import audit_charts
from vendorwatch.errors import VendorwatchError
from vendorwatch.web.bodylimit import read_upload
from vendorwatch.web.held import keep_report, kept_minutes, set_audit_cookie
from vendorwatch.web.pages import site
from vendorwatch.web.pool import offloop, run
from vendorwatch.web.templating import templates

router = APIRouter(include_in_schema=False)


AUDIT_TIME = 300.0  # seconds an upload's audit may take
AUDIT_FORMATS = {"page": None, "html": "text/html", "pdf": "application/pdf",
                 "csv": "text/csv", "json": "application/json"}  # fmt: skip


@router.get("/audit", response_class=HTMLResponse)
@offloop
def audit_form(request: Request) -> Response:
    return templates.TemplateResponse(request, "audit.html", {"audit": None, "limits": Limits()})


@router.post("/audit", response_class=HTMLResponse)
async def audit_upload(request: Request) -> Response:
    """Audit uploaded holdings (or one typed product or publisher) in memory; nothing uploaded
    is written anywhere or kept. A bad upload is answered on the form, with the message: which
    file and where."""
    limits = Limits()
    kept: dict[str, str] = {}  # the form's text fields, kept on the form if it is refused
    try:
        return await _audit_upload(request, limits, kept)
    except VendorwatchError as exc:  # a limit's 413 (web.bodylimit closes the connection) too
        return audit_refused(request, str(exc), int(getattr(exc, "status", 400)), kept)


def audit_refused(
    request: Request, message: str, status: int = 400, typed: dict[str, str] | None = None
) -> Response:
    """The audit form again, the message beside its files field and what was typed kept
    (also the body limit's answer to an upload too large to read, `web.bodylimit`)."""
    context = {"audit": None, "limits": Limits(), "error": message, "typed": typed or {}}
    return templates.TemplateResponse(request, "audit.html", context, status_code=status)


async def _audit_upload(request: Request, limits: Limits, kept: dict[str, str]) -> Response:
    # Parsed into memory as it streams in (web.bodylimit): never spooled to disk.
    form = await read_upload(
        request, file_field="files", max_files=limits.max_files,
        max_file_bytes=limits.max_file_bytes,
    )  # fmt: skip
    kept.update((k, form.fields[k][:200]) for k in ("product", "library") if k in form.fields)
    files = list(form.files)
    typed = form.fields.get("product", "").strip()[:200]
    if typed and not files:
        files = [typed_holding(typed)]
    if not files:
        raise VendorwatchError(
            "choose one or more files to audit (KBART, COUNTER, CSV or XLSX), "
            "or type a product or publisher"
        )
    library = form.fields.get("library", "").strip()[:200] or None
    fmt = form.fields.get("format") or "page"
    if fmt not in AUDIT_FORMATS:
        raise VendorwatchError(f"unknown format {fmt!r}")
    # Bounded by the upload limits rather than the selection time limit (its message, "narrow
    # the selection", means nothing for an upload).
    return await run(request, _audit, request, files, library, fmt, limits, time_limit=AUDIT_TIME)


def typed_holding(name: str) -> tuple[str, bytes]:
    """One product or publisher typed on the form, as a one-row database list (name and
    publisher both the words typed) for the same audit a file gets."""
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows([["database", "publisher"], [name, name]])
    return "typed-in.csv", out.getvalue().encode("utf-8")


def _audit(
    request: Request, files: list[tuple[str, bytes]], library: str | None, fmt: str, limits: Limits
) -> Response:
    """Parse, match and render on a worker thread: an upload's parse takes seconds."""
    state = site(request)
    report = audit_files(
        files, registry=state.registry, con=state.con(), library=library, limits=limits
    )
    del files  # the uploads go no further than this request
    media = AUDIT_FORMATS[fmt]
    if media is None:
        held, cookie = keep_report(request, report)  # its downloads need no second upload
        context = {"audit": report.data, "charts": audit_charts(report.data), "limits": limits}
        context |= {"held": held, "kept_minutes": kept_minutes(request)}
        page = templates.TemplateResponse(request, "audit.html", context)
        if held is not None:
            set_audit_cookie(request, page, cookie)
        return page
    return Response(
        render_audit(report, fmt),
        media_type=media,
        headers={"Content-Disposition": f'attachment; filename="library-audit.{fmt}"'},
    )
