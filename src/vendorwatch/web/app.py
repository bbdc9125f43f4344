"""The FastAPI application: pages, the JSON API under /api/, static files, privacy headers."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from importlib import resources
from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse, JSONResponse
from fastapi.staticfiles import StaticFiles

from vendorwatch.errors import VendorwatchError
from vendorwatch.reports import charts
from vendorwatch.settings import get_settings
from vendorwatch.web import (
    agreements,
    api,
    apidocs,
    audit,
    claims,
    feeds,
    foia,
    foia_accounts,
    foia_records,
    held,
    letters,
    notice,
    pages,
    sanctuary,
)
from vendorwatch.web.bodylimit import BodyLimit
from vendorwatch.web.pool import TooSlow
from vendorwatch.web.security import PrivacyMiddleware
from vendorwatch.web.sessions import Accounts
from vendorwatch.web.state import SiteState
from vendorwatch.web.templating import templates
from vendorwatch.web.throttle import LoginThrottle

log = logging.getLogger("vendorwatch.web")


def create_app(
    warehouse: Path,
    *,
    log_ips: bool = False,
    app_database_url: str | None = None,
    secure_cookies: bool | None = None,
    warm: bool = False,
    time_limit: float | None = None,
    threads: int | None = None,
    login_throttle: LoginThrottle | None = None,
) -> FastAPI:
    """The site over ``warehouse``; the FOIA tracker's accounts and requests live in the app
    database (opened on the first tracker page; default from settings). ``secure_cookies``:
    None marks the session cookie Secure when the request came over HTTPS. ``warm`` works out
    the home page and the watched families' dossiers in the background (``/readyz`` says when
    it is done), as it does for every newly published warehouse version before the swap.
    ``time_limit`` and ``threads`` default to the settings."""
    settings = get_settings()
    charts.draw_out_of_process()  # vl-convert's engine out of the site's memory
    site = SiteState(
        Path(warehouse),
        threads=threads or settings.query_threads,
        time_limit=time_limit or settings.request_time_limit,
        check_interval=settings.snapshot_check_seconds,
        memory_limit=settings.duckdb_memory_limit,
        cube_retry_seconds=settings.cube_retry_seconds,
        warmer=pages.warm,
    )
    accounts = Accounts(
        app_database_url or settings.app_database_url,
        secure_cookies,
        login_throttle=login_throttle,  # None: from settings
    )

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        site.start(warm=warm)
        yield
        site.close()
        accounts.close()

    app = FastAPI(
        lifespan=lifespan,
        title="vendorwatch",
        description="Who sells what to U.S. immigration enforcement, from public contract data.",
        version="0.1.0",
        docs_url=None,  # Swagger UI loads from a CDN: web.apidocs renders /api/docs here
        redoc_url=None,
        openapi_url="/api/openapi.json",
    )
    app.state.site = site
    app.state.accounts = accounts
    app.state.held_reports = held.HeldReports.from_settings(settings)  # audit downloads
    # A body is counted as it streams in and refused at the limit (never read whole first);
    # the upload form's limit is its own. Inside the privacy middleware, whose task group
    # would wrap the refusal in an exception group.
    app.add_middleware(
        BodyLimit,
        default=settings.request_max_bytes,
        paths={
            "/audit": settings.upload_max_bytes,
            r"/foia/\d+/records": settings.records_max_bytes + 64 * 1024,  # + the form's fields
        },
        forms={"/audit": audit.audit_refused},  # the form again, with the limit beside it
    )
    app.add_middleware(PrivacyMiddleware, log_ips=log_ips)
    static = resources.files("vendorwatch.web").joinpath("static")
    app.mount("/static", StaticFiles(directory=str(static)), name="static")
    app.include_router(apidocs.router)  # before api.router: /api/docs is a page, not a route
    app.include_router(api.router)
    app.include_router(pages.router)
    app.include_router(audit.router)
    app.include_router(foia_accounts.router)
    app.include_router(foia.router)
    app.include_router(foia_records.router)
    app.include_router(letters.router)
    app.include_router(feeds.router)
    app.include_router(claims.router)
    app.include_router(sanctuary.router)
    app.include_router(notice.router)
    app.include_router(agreements.router)
    app.include_router(held.router)

    @app.get("/healthz", include_in_schema=False)
    def healthz() -> dict[str, str]:
        """The process is alive and answering (says nothing about the data)."""
        return {"status": "ok"}

    @app.get("/readyz", include_in_schema=False)
    def readyz() -> JSONResponse:
        """200 once a warehouse version is open and warmed; 503 saying why not."""
        site.refresh()
        ready, why = site.ready
        return JSONResponse({"ready": ready, "detail": why}, status_code=200 if ready else 503)

    @app.exception_handler(TooSlow)
    async def too_slow(request: Request, exc: TooSlow) -> HTMLResponse | JSONResponse:
        return _problem(request, exc.message, 503)

    @app.exception_handler(VendorwatchError)
    async def user_error(request: Request, exc: VendorwatchError) -> HTMLResponse | JSONResponse:
        # A limit says its own status (413 for a body too large); "no such …" is a 404.
        status = getattr(exc, "status", None) or (404 if "no " in exc.message[:20] else 400)
        near = [s.as_dict() for s in getattr(exc, "suggestions", [])]  # UnknownOrganisation
        return _problem(
            request, getattr(exc, "reader_message", exc.message), status, exc.message, near
        )

    return app


def _problem(
    request: Request,
    message: str,
    status: int,
    api_message: str | None = None,
    suggestions: list[dict[str, str]] | None = None,
) -> HTMLResponse | JSONResponse:
    """The error as its reader needs it: JSON for the API (with any suggestions), else a page
    (with links to the suggestions, no command-line advice)."""
    near = suggestions or []
    if request.url.path.startswith("/api/"):
        body: dict[str, object] = {"detail": api_message or message}
        return JSONResponse(body | ({"suggestions": near} if near else {}), status_code=status)
    context = {"message": message, "status": status, "suggestions": near}
    return templates.TemplateResponse(request, "error.html", context, status_code=status)
