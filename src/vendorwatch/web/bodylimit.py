"""Request bodies counted while they stream in, and uploads held in memory, never on disk.

A 500 MB upload used to be read whole (spooled to a temporary file, as Starlette does past
1 MB) before the audit's size check refused it: memory and disk for nothing, and a copy of a
library's holdings on disk although "uploads are not kept". `BodyLimit` (ASGI middleware)
refuses a body whose Content-Length is past the limit before reading a byte, and stops one
sent without a length at the first chunk past it (raising `TooLarge` to the handler reading
it): a 413 page or JSON stating the limit, and the connection closed so the rest is never
read. `read_upload` parses the multipart stream
itself into bytes in memory, with a limit per file stated with the file's name.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from python_multipart.exceptions import FormParserError
from python_multipart.multipart import MultipartParser, parse_options_header
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from vendorwatch.limits import LimitError, TooLarge, size
from vendorwatch.web.templating import templates

MAX_FIELD_BYTES = 64 * 1024  # a form field that is not a file (library name, format)
MAX_FIELDS = 50
Refusal = Callable[[Request, str, int], Response]  # (request, message, status) → the page


class BodyLimit:
    """Refuse request bodies larger than ``default`` bytes (``paths``: other limits for the
    paths that match a regular expression, e.g. the upload forms)."""

    def __init__(
        self,
        app: ASGIApp,
        *,
        default: int,
        paths: dict[str, int],
        forms: dict[str, Refusal] | None = None,
    ) -> None:
        self.app = app
        self.default = default
        self.paths = [(re.compile(pattern), limit) for pattern, limit in paths.items()]
        # The page that answers a body refused before it is read, by path (an upload form:
        # itself again with the message beside its field); else the site's error page.
        self.forms = [(re.compile(pattern), page) for pattern, page in (forms or {}).items()]

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        upload = next((n for pattern, n in self.paths if pattern.fullmatch(scope["path"])), None)
        limit = self.default if upload is None else upload
        what = "a request" if upload is None else "an upload"
        declared = _content_length(scope)
        if declared is not None and declared > limit:  # refused before the app sees it
            message = f"{what} may be at most {size(limit)}; this one is {size(declared)}"
            form = next(
                (page for pattern, page in self.forms if pattern.fullmatch(scope["path"])), None
            )
            await _refuse(scope, receive, send, message, form)
            return
        received = 0
        refused = False
        started = False

        async def counted() -> Message:
            nonlocal received, refused
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    refused = True
                    raise TooLarge(
                        f"{what} may be at most {size(limit)}; this one is larger "
                        f"(refused after {size(received)})"
                    )
            return message

        async def sending(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
                # The rest of the body is never read: do not reuse the connection.
                if refused or message["status"] == 413:
                    headers = [(k, v) for k, v in message.get("headers", []) if k != b"connection"]
                    message = {**message, "headers": [*headers, (b"connection", b"close")]}
            await send(message)

        try:
            await self.app(scope, counted, sending)
        except TooLarge as exc:  # not answered by the app's handler (none installed)
            if started:
                raise
            await _refuse(scope, receive, send, exc.message)


def _content_length(scope: Scope) -> int | None:
    for name, value in scope.get("headers", []):
        if name == b"content-length":
            try:
                return int(value)
            except ValueError:
                return None
    return None


async def _refuse(
    scope: Scope, receive: Receive, send: Send, message: str, form: Refusal | None = None
) -> None:
    """413 as its reader needs it: JSON for the API, the form itself for a form that says how
    (``form``), else the site's error page; the connection is closed, so the rest of the body
    is never read."""
    response: Response
    if scope["path"].startswith("/api/"):
        response = JSONResponse({"detail": message}, status_code=413)
    elif form is not None:
        response = form(Request(scope), message, 413)
    else:
        context = {"message": message, "status": 413, "suggestions": []}
        response = templates.TemplateResponse(Request(scope), "error.html", context, 413)
    response.headers["connection"] = "close"
    await response(scope, receive, send)


@dataclass
class Upload:
    """A multipart form read into memory: its files (name, bytes) and its other fields."""

    files: list[tuple[str, bytes]] = field(default_factory=list)
    fields: dict[str, str] = field(default_factory=dict)


@dataclass
class _Part:
    name: str = ""
    filename: str | None = None
    data: bytearray = field(default_factory=bytearray)


async def read_upload(
    request: Request, *, file_field: str, max_files: int, max_file_bytes: int
) -> Upload:
    """The form's files and fields, parsed as the body streams in; nothing touches the disk.

    The whole body is bounded by `BodyLimit`; each file by ``max_file_bytes`` (refused with
    its name as soon as it passes it), the number of files by ``max_files``.
    """
    kind, options = parse_options_header(request.headers.get("content-type", ""))
    boundary = options.get(b"boundary")
    upload = Upload()
    if kind != b"multipart/form-data" or not boundary:
        return upload  # no files (the form sent without any): the caller says what to do
    part = _Part()
    header_name = bytearray()
    header_value = bytearray()
    headers: dict[bytes, bytes] = {}

    def on_part_begin() -> None:
        nonlocal part
        part = _Part()
        headers.clear()

    def on_header_field(data: bytes, start: int, end: int) -> None:
        header_name.extend(data[start:end])

    def on_header_value(data: bytes, start: int, end: int) -> None:
        header_value.extend(data[start:end])

    def on_header_end() -> None:
        headers[bytes(header_name).lower()] = bytes(header_value)
        header_name.clear()
        header_value.clear()

    def on_headers_finished() -> None:
        _, disposition = parse_options_header(headers.get(b"content-disposition", b""))
        part.name = disposition.get(b"name", b"").decode("utf-8", "replace")
        if b"filename" in disposition:
            part.filename = disposition[b"filename"].decode("utf-8", "replace")
            if part.name == file_field and part.filename:
                files = len(upload.files) + 1
                if files > max_files:
                    raise LimitError(
                        f"an audit may have at most {max_files} files; this one has more"
                    )
        elif len(upload.fields) >= MAX_FIELDS:
            raise LimitError(f"a form may have at most {MAX_FIELDS} fields")

    def on_part_data(data: bytes, start: int, end: int) -> None:
        part.data.extend(data[start:end])
        if part.filename is not None:
            if len(part.data) > max_file_bytes:
                raise TooLarge(
                    f"{part.filename} is larger than the {size(max_file_bytes)} limit per file"
                )
        elif len(part.data) > MAX_FIELD_BYTES:
            raise LimitError(f"the form field {part.name!r} is longer than it may be")

    def on_part_end() -> None:
        if part.filename is not None:
            if part.name == file_field and part.filename:
                upload.files.append((part.filename, bytes(part.data)))
        else:
            upload.fields.setdefault(part.name, part.data.decode("utf-8", "replace"))
        part.data = bytearray()

    callbacks: Any = {
        "on_part_begin": on_part_begin,
        "on_part_data": on_part_data,
        "on_part_end": on_part_end,
        "on_header_field": on_header_field,
        "on_header_value": on_header_value,
        "on_header_end": on_header_end,
        "on_headers_finished": on_headers_finished,
    }
    parser = MultipartParser(boundary, callbacks)
    try:
        async for chunk in request.stream():
            parser.write(chunk)
        parser.finalize()
    except FormParserError:
        raise LimitError("the upload is not a well-formed form (multipart/form-data)") from None
    return upload
