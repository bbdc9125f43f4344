"""Privacy and security for every response: strict headers, no cookies, logs without IPs.

Logs are JSON lines (python-json-logger): one per request with its id (also sent back as
``X-Request-ID``), method, path, status and duration; never the client's address unless the
operator asks (``--log-ips``).
"""

from __future__ import annotations

import logging
import re
import sys
import time
import uuid
from collections.abc import Awaitable, Callable

from pythonjsonlogger.json import JsonFormatter
from starlette.middleware.base import BaseHTTPMiddleware
from starlette.requests import Request
from starlette.responses import Response

log = logging.getLogger("vendorwatch.access")
REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{1,64}$")  # a proxy's id is kept if it looks like one


def json_formatter() -> logging.Formatter:
    """One JSON object per record: time, level, logger, message and the record's extras."""
    return JsonFormatter(
        "{asctime}{levelname}{name}{message}",
        style="{",
        rename_fields={"asctime": "time", "levelname": "level", "name": "logger"},
    )


def configure_logging(level: int = logging.INFO) -> None:
    """JSON lines on stderr for vendorwatch's loggers (and uvicorn's errors)."""
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(json_formatter())
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)


HEADERS = {
    # Everything from this origin; nothing from anywhere else; no framing.
    "Content-Security-Policy": (
        "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
        "font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'; "
        "form-action 'self'; frame-ancestors 'none'"
    ),
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "X-Frame-Options": "DENY",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Cross-Origin-Resource-Policy": "same-origin",
    "Permissions-Policy": "geolocation=(), camera=(), microphone=(), interest-cohort=()",
}


class PrivacyMiddleware(BaseHTTPMiddleware):
    """Adds the headers and writes an access line with method, path, status and time only.

    The client's address is never logged unless ``log_ips`` is set by the operator.
    """

    def __init__(self, app: object, *, log_ips: bool = False) -> None:
        super().__init__(app)  # type: ignore[arg-type]
        self.log_ips = log_ips

    async def dispatch(
        self, request: Request, call_next: Callable[[Request], Awaitable[Response]]
    ) -> Response:
        started = time.perf_counter()
        given = request.headers.get("x-request-id", "")
        request_id = given if REQUEST_ID.match(given) else uuid.uuid4().hex
        response = await call_next(request)
        for name, value in HEADERS.items():
            response.headers.setdefault(name, value)
        response.headers["X-Request-ID"] = request_id
        duration = round((time.perf_counter() - started) * 1000, 1)
        fields = {
            "request_id": request_id,
            "method": request.method,
            "path": request.url.path,
            "status": response.status_code,
            "duration_ms": duration,
        }
        who = ""
        if self.log_ips and request.client:
            who = f" {request.client.host}"
            fields["client"] = request.client.host
        log.info(
            "%s %s %d %.1fms%s",
            request.method,
            request.url.path,
            response.status_code,
            duration,
            who,
            extra=fields,
        )
        return response
