"""An audit report kept in memory for its visitor's downloads, so the PDF, CSV or JSON of the
report on the page does not mean choosing the files again.

A report is held in this process's memory only (never on disk, never in the app database),
for ``audit_keep_seconds``, and at most ``audit_keep_reports`` reports and
``audit_keep_bytes`` bytes (the report's JSON and CSV) at once: the oldest goes first. Each
is found by an unguessable token in the download link *and* the visitor's audit cookie
(random, ``HttpOnly``, ``SameSite=Strict``, path ``/audit`` only): a link copied to another
browser, or guessed, finds nothing. The cookie is set only when a report is kept; the store
holds a hash of it, not the cookie itself.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response

from vendorwatch.audit.render import audit_csv, audit_html, audit_json, audit_pdf
from vendorwatch.audit.report import AuditReport
from vendorwatch.settings import Settings, get_settings

AUDIT_COOKIE = "vw_audit"
AUDIT_PATH = "/audit"
MEDIA = {"pdf": "application/pdf", "html": "text/html", "csv": "text/csv",
         "json": "application/json"}  # fmt: skip

router = APIRouter(include_in_schema=False)


@dataclass(frozen=True)
class Held:
    """One kept report: whose it is (a hash of their cookie), what it says, until when."""

    token: str
    visitor: str
    data: dict[str, Any]
    json: bytes
    csv: bytes
    expires: float

    @property
    def size(self) -> int:
        return len(self.json) + len(self.csv)

    def download(self, fmt: str) -> bytes:
        """The report in ``fmt`` (one of `MEDIA`); the PDF and HTML are drawn on demand."""
        if fmt == "json":
            return self.json
        if fmt == "csv":
            return self.csv
        if fmt == "html":
            return audit_html(self.data).encode("utf-8")
        return audit_pdf(self.data)


def _visitor(cookie: str) -> str:
    return hashlib.sha256(cookie.encode("utf-8")).hexdigest()


class HeldReports:
    """The site's kept reports: bounded by age, count and bytes; safe across worker threads."""

    def __init__(
        self,
        *,
        seconds: float,
        max_reports: int,
        max_bytes: int,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.seconds = seconds
        self.max_reports = max_reports
        self.max_bytes = max_bytes
        self._clock = clock
        self._held: OrderedDict[str, Held] = OrderedDict()
        self._lock = threading.Lock()

    @classmethod
    def from_settings(cls, settings: Settings | None = None) -> HeldReports:
        s = settings or get_settings()
        return cls(
            seconds=s.audit_keep_seconds,
            max_reports=s.audit_keep_reports,
            max_bytes=s.audit_keep_bytes,
        )

    def keep(self, cookie: str, report: AuditReport) -> Held | None:
        """Hold ``report`` for the visitor with ``cookie``; None when it alone is past the
        byte limit (the page then says to choose a format and upload again)."""
        json_bytes = audit_json(report.data).encode("utf-8")
        csv_bytes = audit_csv(report).encode("utf-8")
        if len(json_bytes) + len(csv_bytes) > self.max_bytes:
            return None
        token = secrets.token_urlsafe(24)
        held = Held(
            token, _visitor(cookie), report.data, json_bytes, csv_bytes,
            self._clock() + self.seconds,
        )  # fmt: skip
        with self._lock:
            self._held[token] = held
            self._prune()
        return held

    def get(self, token: str, cookie: str | None) -> Held | None:
        """The report behind ``token`` if it is still held and ``cookie`` is its visitor's."""
        with self._lock:
            self._prune()
            held = self._held.get(token)
        if held is None or cookie is None:
            return None
        return held if hmac.compare_digest(held.visitor, _visitor(cookie)) else None

    def __len__(self) -> int:
        with self._lock:
            self._prune()
            return len(self._held)

    def _prune(self) -> None:
        now = self._clock()
        for token in [t for t, h in self._held.items() if h.expires <= now]:
            del self._held[token]
        total = sum(h.size for h in self._held.values())
        while self._held and (len(self._held) > self.max_reports or total > self.max_bytes):
            _, oldest = self._held.popitem(last=False)
            total -= oldest.size


def held_reports(request: Request) -> HeldReports:
    store: HeldReports = request.app.state.held_reports
    return store


def keep_report(request: Request, report: AuditReport) -> tuple[Held | None, str]:
    """Keep ``report`` for this visitor: the held report (None if too large) and the visitor's
    audit cookie (theirs, or a new one that `set_audit_cookie` sends)."""
    cookie = request.cookies.get(AUDIT_COOKIE) or secrets.token_urlsafe(32)
    return held_reports(request).keep(cookie, report), cookie


def set_audit_cookie(request: Request, response: Response, cookie: str) -> None:
    """The visitor's audit cookie, for as long as a report is held; only ``/audit`` sees it."""
    accounts = getattr(request.app.state, "accounts", None)
    configured = getattr(accounts, "secure", None)
    secure = request.url.scheme == "https" if configured is None else bool(configured)
    response.set_cookie(
        AUDIT_COOKIE, cookie, max_age=int(held_reports(request).seconds) or 1, path=AUDIT_PATH,
        httponly=True, samesite="strict", secure=secure,
    )  # fmt: skip


def kept_minutes(request: Request) -> int:
    return max(1, round(held_reports(request).seconds / 60))


@router.get("/audit/report/{token}.{fmt}")
async def held_download(request: Request, token: str, fmt: str) -> Response:
    """A download of a report made earlier in this browser; once it is gone, the form and why."""
    from vendorwatch.audit import Limits  # noqa: PLC0415
    from vendorwatch.web.pool import run  # noqa: PLC0415
    from vendorwatch.web.templating import templates  # noqa: PLC0415

    held = held_reports(request).get(token, request.cookies.get(AUDIT_COOKIE))
    if held is None or fmt not in MEDIA:
        minutes = kept_minutes(request)
        message = (
            "This report is no longer held. A report is kept in memory for "
            f"{minutes} minute{'s' if minutes != 1 else ''}, for the browser that made it, "
            "and never written to disk: choose the files again to make it anew."
        )
        context = {"audit": None, "limits": Limits(), "gone": message}
        return templates.TemplateResponse(request, "audit.html", context, status_code=404)
    content = await run(request, held.download, fmt)
    name = f"library-audit.{fmt}"
    return Response(
        content,
        media_type=MEDIA[fmt],
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )
