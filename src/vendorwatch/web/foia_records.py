"""Released records on the site: upload to a request, list and search, download, publish.

Handlers read the form, call `vendorwatch.foia.records` and render; organisation scoping lives
there. Another organisation's document answers 404, exactly as one that does not exist.

Uploads are read into memory up to the ``records_max_bytes`` limit (plus room for the form's
other fields) and parsed there: a larger body is refused with a form error before it is
parsed, and nothing is spooled to disk before the file is stored. Downloads are always
attachments with the stored media type, ``nosniff`` and a sandboxing policy, so a text file
holding HTML never runs as a page of this site.
"""

from __future__ import annotations

from collections.abc import AsyncGenerator
from typing import Any
from urllib.parse import quote

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from starlette.datastructures import FormData, UploadFile
from starlette.formparsers import MultiPartException, MultiPartParser

from vendorwatch.appdb import transaction
from vendorwatch.appdb.accounts import AccessDenied
from vendorwatch.errors import VendorwatchError
from vendorwatch.foia.record_models import RecordDocument
from vendorwatch.foia.records import Records, megabytes, readable_document
from vendorwatch.settings import get_settings
from vendorwatch.web.foia import request_page_response
from vendorwatch.web.guard import (
    Member,
    accounts,
    member,
    member_post,
    refuse,
    text,
    to_login,
)
from vendorwatch.web.pool import offloop, write
from vendorwatch.web.released import records_of, store_of
from vendorwatch.web.sessions import same_token
from vendorwatch.web.templating import templates

router = APIRouter(include_in_schema=False)

FORM_ROOM = 256 * 1024  # the form's other fields and the multipart framing
MAX_FILES = 20


def _request_page(
    request: Request, m: Member, request_id: int, error: str, status: int
) -> Response:
    """The request's page again, with the upload form's error beside the form."""
    return request_page_response(request, m, request_id, status_code=status, record_error=error)


async def _once(body: bytes) -> AsyncGenerator[bytes, None]:
    yield body


async def _upload_form(request: Request, limit: int) -> FormData | str:
    """The posted multipart form, or why it was refused (too large, not a form)."""
    too_large = f"A file may be up to {megabytes(limit)}; this upload is larger."
    if not request.headers.get("content-type", "").startswith("multipart/form-data"):
        return "Choose a file to upload."
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limit + FORM_ROOM:
        return too_large
    body = bytearray()
    async for chunk in request.stream():
        body += chunk
        if len(body) > limit + FORM_ROOM:
            return too_large
    parser = MultiPartParser(
        request.headers, _once(bytes(body)), max_files=MAX_FILES, max_fields=MAX_FILES + 10
    )
    parser.spool_max_size = limit + FORM_ROOM  # the body is capped: files stay in memory
    try:
        return await parser.parse()
    except MultiPartException as exc:
        return f"The upload could not be read: {exc.message}"


def _attach_all(records: Records, request_id: int, files: list[tuple[str, bytes]],
                awards: list[str], public: bool) -> None:  # fmt: skip
    """Every file checked first, so a refused one leaves none of them half attached."""
    for name, data in files:
        records.check(name, data)
    for name, data in files:
        records.attach(request_id, name, data, awards=awards, public=public)


@router.post("/foia/{request_id:int}/records", response_class=HTMLResponse)
async def upload(request: Request, request_id: int) -> Response:
    """The body is read on the event loop (up to the limit); the rest is a write on the
    site's pool (`pool.write`): PDF text extraction takes a while, bounded by the size limit."""
    limit = get_settings().records_max_bytes
    login = accounts(request).login(request)
    if login is None:
        return refuse(request, "Your session has ended or you are not logged in; log in again.")
    form = await _upload_form(request, limit)
    files = []
    if isinstance(form, FormData):
        token = form.get("csrf_token")
        if not same_token(token if isinstance(token, str) else None, login.csrf):
            return refuse(request, "This form is out of date or did not come from this site.")
        for item in form.getlist("file"):
            if isinstance(item, UploadFile) and item.filename:
                files.append((item.filename, await item.read()))
    return await write(request, _store, request, request_id, form, files)


def _store(
    request: Request, request_id: int, form: FormData | str, files: list[tuple[str, bytes]]
) -> Response:
    with member(request) as m:
        if m is None:
            return to_login(request)
        if isinstance(form, str):
            status = 413 if "larger" in form else 400
            return _request_page(request, m, request_id, form, status)
        if not files:
            return _request_page(request, m, request_id, "Choose a file to upload.", 400)
        awards = [a for a in (text(form, "award"),) if a]
        try:
            records = records_of(request, m.tracker)
            _attach_all(records, request_id, files, awards, bool(text(form, "public")))
        except AccessDenied as exc:
            return refuse(request, exc.message)
        except VendorwatchError as exc:
            if exc.message.startswith("no FOIA request"):
                raise
            status = 413 if "is larger than the limit" in exc.message else 400
            return _request_page(request, m, request_id, exc.message, status)
    return RedirectResponse(f"/foia/{request_id}#records", status_code=303)


@router.post("/foia/records/{document_id:int}/public")
async def set_public(request: Request, document_id: int) -> Response:
    def change(m: Member, form: FormData) -> str:
        doc = records_of(request, m.tracker).publish(document_id, text(form, "public") == "yes")
        return f"/foia/{doc.request_id}#records"

    return await member_post(request, change)


@router.get("/foia/records", response_class=HTMLResponse)
@offloop
def records_page(request: Request, q: str = "") -> Response:
    """The organisation's records; with ``q``, those whose text holds the words."""
    with member(request) as m:
        if m is None:
            return to_login(request)
        records = records_of(request, m.tracker)
        hits: list[Any] | None = None
        error = None
        if q.strip():
            try:
                hits = records.search(q)
            except VendorwatchError as exc:
                error = exc.message
        documents = records.documents() if hits is None else [h.document for h in hits]
        titles = {r.id: r.title for r in m.tracker.requests()}
        return templates.TemplateResponse(
            request,
            "foia_records.html",
            m.context(q=q, hits=hits, documents=documents, titles=titles, error=error),
        )


def download(doc: RecordDocument, data: bytes) -> Response:
    """The file as an attachment of its stored type; never rendered by the browser."""
    ascii_name = "".join(c if c.isascii() and c.isprintable() else "_" for c in doc.filename)
    disposition = f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(doc.filename)}"
    headers = {
        "Content-Disposition": disposition,
        "Content-Security-Policy": "default-src 'none'; sandbox",
        "Cache-Control": "no-cache" if doc.public else "private, no-store",
    }
    return Response(data, media_type=doc.media_type, headers=headers)


@router.get("/foia/records/{document_id:int}/file")
@offloop
def member_file(request: Request, document_id: int) -> Response:
    """A document for a member of its organisation (or anyone, once it is public)."""
    with member(request) as m:
        if m is None:
            return _public(request, document_id, login_if_private=True)
        records = records_of(request, m.tracker)
        doc = readable_document(m.session, document_id, records)
        return download(doc, records.store.get(m.session, doc.sha256))


@router.get("/records/{document_id:int}/file")
@offloop
def public_file(request: Request, document_id: int) -> Response:
    """A public document, for anyone; a private one is not found."""
    return _public(request, document_id, login_if_private=False)


def _public(request: Request, document_id: int, *, login_if_private: bool) -> Response:
    with transaction(accounts(request).engine()) as session:
        try:
            doc = readable_document(session, document_id, None)
        except VendorwatchError:
            if login_if_private:
                return to_login(request)
            raise
        data = store_of(request).get(session, doc.sha256)
    return download(doc, data)
