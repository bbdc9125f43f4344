"""Privacy and security for every response: strict headers, no cookies, logs without IPs."""

from __future__ import annotations

import logging
import time
from collections.abc import Awaitable, Callable

from starlette.middleware.base import BaseHTTPMiddleware
from starlette.requests import Request
from starlette.responses import Response

log = logging.getLogger("vendorwatch.access")

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
        response = await call_next(request)
        for name, value in HEADERS.items():
            response.headers.setdefault(name, value)
        who = f" {request.client.host}" if self.log_ips and request.client else ""
        log.info(
            "%s %s %d %.1fms%s",
            request.method,
            request.url.path,
            response.status_code,
            (time.perf_counter() - started) * 1000,
            who,
        )
        return response
