"""The FastAPI application: pages, the JSON API under /api/, static files, privacy headers."""

from __future__ import annotations

import logging
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from importlib import resources
from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse, JSONResponse
from fastapi.staticfiles import StaticFiles

from vendorwatch.errors import VendorwatchError
from vendorwatch.settings import get_settings
from vendorwatch.web import api, feeds, foia, pages
from vendorwatch.web.security import PrivacyMiddleware
from vendorwatch.web.sessions import Accounts
from vendorwatch.web.state import SiteState
from vendorwatch.web.templating import templates

log = logging.getLogger("vendorwatch.web")


def create_app(
    warehouse: Path,
    *,
    log_ips: bool = False,
    app_database_url: str | None = None,
    secure_cookies: bool | None = None,
    warm: bool = False,
) -> FastAPI:
    """The site over ``warehouse``; the FOIA tracker's accounts and requests live in the app
    database (opened on the first tracker page; default from settings). ``secure_cookies``:
    None marks the session cookie Secure when the request came over HTTPS. ``warm`` works out
    the home page and the watched families' dossiers before the server takes requests."""
    site = SiteState(Path(warehouse))
    accounts = Accounts(app_database_url or get_settings().app_database_url, secure_cookies)

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        if warm:
            started = time.perf_counter()
            families = pages.warm(site)
            log.info(
                "warmed the home page and %d dossiers in %.1f s",
                len(families),
                time.perf_counter() - started,
            )
        yield
        site.close()
        accounts.close()

    app = FastAPI(
        lifespan=lifespan,
        title="vendorwatch",
        description="Who sells what to U.S. immigration enforcement, from public contract data.",
        version="0.1.0",
        docs_url="/api/docs",
        redoc_url=None,
        openapi_url="/api/openapi.json",
        swagger_ui_parameters=None,
    )
    app.state.site = site
    app.state.accounts = accounts
    app.add_middleware(PrivacyMiddleware, log_ips=log_ips)
    static = resources.files("vendorwatch.web").joinpath("static")
    app.mount("/static", StaticFiles(directory=str(static)), name="static")
    app.include_router(api.router)
    app.include_router(pages.router)
    app.include_router(foia.router)
    app.include_router(feeds.router)

    @app.exception_handler(VendorwatchError)
    async def user_error(request: Request, exc: VendorwatchError) -> HTMLResponse | JSONResponse:
        status = 404 if "no " in exc.message[:20] else 400
        near = [s.as_dict() for s in getattr(exc, "suggestions", [])]  # UnknownOrganisation
        if request.url.path.startswith("/api/"):
            body: dict[str, object] = {"detail": exc.message}
            return JSONResponse(body | ({"suggestions": near} if near else {}), status_code=status)
        message = getattr(exc, "reader_message", exc.message)
        context = {"message": message, "status": status, "suggestions": near}
        return templates.TemplateResponse(request, "error.html", context, status_code=status)

    return app
