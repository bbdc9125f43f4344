"""The patron risk notice and the handout on the site: ``/audit/notice`` (the form) and the
files it links to. Both call `vendorwatch.audit.notice`, as ``vendorwatch notice`` does."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path, Query, Request
from fastapi.responses import HTMLResponse, Response

from vendorwatch.audit.notice import LANGUAGES, handout, patron_notice
from vendorwatch.audit.notice_render import MEDIA_TYPES, render_handout, render_notice
from vendorwatch.errors import VendorwatchError
from vendorwatch.web.pool import offloop
from vendorwatch.web.state import SiteState
from vendorwatch.web.templating import templates

router = APIRouter()

Lang = Annotated[str, Query(pattern="^(en|es)$", description="en or es")]
Fmt = Annotated[str, Path(pattern="^(html|pdf|txt)$")]


def _download(data: bytes, fmt: str, name: str) -> Response:
    return Response(
        data,
        media_type=MEDIA_TYPES[fmt],
        headers={"Content-Disposition": f'attachment; filename="{name}.{fmt}"'},
    )


def _exposed_products(state: SiteState) -> list[dict[str, Any]]:
    """Products of the watched families (the ones a notice is for), by name."""
    registry = state.registry
    watched = state.watched_families
    return sorted(
        (
            {"id": pid, "name": e.value.name, "family": state.family_names.get(fam, fam)}
            for pid, e in registry.products.items()
            if (fam := registry.family(e.value.owner)) in watched
        ),
        key=lambda p: p["name"].casefold(),
    )


@router.get("/audit/notice", response_class=HTMLResponse, include_in_schema=False)
@offloop
def notice_form(request: Request) -> Response:
    state: SiteState = request.app.state.site
    return templates.TemplateResponse(
        request,
        "notice_form.html",
        {"products": _exposed_products(state), "languages": LANGUAGES},
    )


@router.get("/audit/notice/{product}.{fmt}", include_in_schema=False)
@offloop
def notice_file(
    request: Request,
    product: Annotated[str, Path(max_length=120)],
    fmt: Fmt,
    lang: Lang = "en",
    library: Annotated[str | None, Query(max_length=200)] = None,
) -> Response:
    state: SiteState = request.app.state.site
    notice = patron_notice(
        state.con(),
        state.registry,
        product,
        lang=lang,
        library=library or None,
    )
    return _download(render_notice(notice, fmt), fmt, f"notice-{notice['product']['id']}-{lang}")


@router.get("/audit/handout.{fmt}", include_in_schema=False)
@offloop
def handout_file(request: Request, fmt: Fmt, lang: Lang = "en") -> Response:
    if lang not in LANGUAGES:  # the pattern already refuses it; kept for the type checker
        raise VendorwatchError(f"no handout in {lang!r}")
    return _download(render_handout(handout(lang), fmt), fmt, f"handout-{lang}")
