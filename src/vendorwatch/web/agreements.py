"""An agreement's page and API: ``/agreement/{piid}`` and ``/api/agreements/{piid}``, both
`vendorwatch.analysis.agreements.agreement` (the orders placed under one IDV, BPA or schedule,
across agencies); the handlers only read the parameter and render."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path, Request
from fastapi.responses import HTMLResponse, Response

from vendorwatch.analysis.agreements import agreement
from vendorwatch.web.api import Problem
from vendorwatch.web.pool import offloop
from vendorwatch.web.state import SiteState
from vendorwatch.web.templating import templates

router = APIRouter()

Piid = Annotated[
    str,
    Path(
        min_length=1,
        max_length=60,
        description="The agreement's PIID: the parent award id its orders name",
    ),
]


def _answer(request: Request, piid: str) -> dict[str, Any]:
    state: SiteState = request.app.state.site
    answer = agreement(state.con(), piid)
    answer["family_names"] = {
        o["family"]: state.family_names.get(o["family"], o["family"])
        for o in answer["orders"]
        if o["family"]
    }
    return answer


@router.get(
    "/api/agreements/{piid}",
    tags=["api"],
    responses={
        400: {"model": Problem, "description": "A PIID the data cannot answer"},
        404: {"model": Problem, "description": "No loaded order names this agreement"},
    },
)
@offloop
def api_agreement(request: Request, piid: Piid) -> Any:
    """The orders placed under one agreement (IDV, BPA, IDIQ or schedule), across agencies,
    with totals per agency and in all, and what they cover."""
    return _answer(request, piid)


@router.get("/agreement/{piid}", response_class=HTMLResponse, include_in_schema=False)
@offloop
def agreement_page(request: Request, piid: Piid) -> Response:
    return templates.TemplateResponse(request, "agreement.html", {"a": _answer(request, piid)})
