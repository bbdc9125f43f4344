"""Where the money was performed, against each "sanctuary" list: ``/sanctuary`` and
``/api/sanctuary``. Both call `vendorwatch.analysis.sanctuary.sanctuary_places`, as
``vendorwatch sanctuary`` does; the handlers only read the parameters and render."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, Response

from vendorwatch.analysis.dossier import require_family, scope
from vendorwatch.analysis.sanctuary import sanctuary_places
from vendorwatch.web.api import Problem
from vendorwatch.web.pool import offloop
from vendorwatch.web.state import SiteState
from vendorwatch.web.templating import templates

router = APIRouter()

Family = Annotated[
    str | None, Query(max_length=120, description="A family or company id (default: all)")
]
ListId = Annotated[
    str | None, Query(alias="list", max_length=120, description="One list's id (default: all)")
]


def _answer(request: Request, family: str | None, list_id: str | None) -> dict[str, Any]:
    state: SiteState = request.app.state.site
    con, registry = state.con(), state.registry
    chosen, orgs = None, []
    if family:
        ref = require_family(con, registry, family)
        chosen = ref.family
        orgs = [] if ref.is_family else scope(registry, ref)[0]
    answer = sanctuary_places(con, registry, family=chosen, orgs=orgs, list_id=list_id or None)
    answer["family_name"] = state.family_names.get(chosen or "", None)
    return answer


@router.get(
    "/api/sanctuary",
    tags=["api"],
    responses={
        400: {"model": Problem, "description": "A parameter the data cannot answer"},
        404: {"model": Problem, "description": "No such organisation or jurisdiction list"},
    },
)
@offloop
def api_sanctuary(request: Request, family: Family = None, list_id: ListId = None) -> Any:
    """Money by place of performance, and how much falls in the jurisdictions on each registry
    list of "sanctuary" places (publisher and date named); measures kept apart."""
    return _answer(request, family, list_id)


@router.get("/sanctuary", response_class=HTMLResponse, include_in_schema=False)
@offloop
def sanctuary_page(request: Request, family: Family = None, list_id: ListId = None) -> Response:
    answer = _answer(request, family, list_id)
    return templates.TemplateResponse(
        request, "sanctuary_page.html", {"d": {"sanctuary": answer}, "answer": answer}
    )
