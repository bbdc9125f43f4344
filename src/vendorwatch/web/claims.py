"""Checking a reported figure on the site: ``/api/claims/check`` and the form at ``/claims``.

Both call `vendorwatch.analysis.claims.check_claim`, as ``vendorwatch claim check`` does; the
handlers only read the parameters and render.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, Response
from pydantic import BaseModel

from vendorwatch.analysis.claims import AMOUNT_PATTERN, MEASURES, check_claim, parse_amount
from vendorwatch.errors import VendorwatchError
from vendorwatch.web.api import Problem
from vendorwatch.web.pool import offloop
from vendorwatch.web.state import SiteState
from vendorwatch.web.templating import templates

router = APIRouter()

Measure = Literal["obligated", "current", "potential"]
FORM_MEASURES = {m: MEASURES[m] for m in ("obligated", "current", "potential")}


class SourceRow(BaseModel):
    file: str
    row: int
    sha256: str
    layout: str
    award_key: str | None
    piid: str | None
    action_date: str | None
    modification_number: str | None
    amount: str | None


class ClaimResult(BaseModel):
    subject: str
    subject_kind: Literal["family", "company", "award"] | None
    subject_id: str | None
    subject_name: str | None
    kind: str
    kind_label: str
    measure: str
    measure_label: str
    amount: str | None
    tolerance: str | None
    bound: str
    on: str
    verdict: Literal["consistent", "inconsistent", "cannot_check"]
    data_figure: str | None
    data_date: str | None
    difference: str | None
    reason: str
    notes: list[str]
    sources: list[SourceRow]


def _check(request: Request, subject: str, amount: str, on: date, measure: str) -> dict[str, Any]:
    state: SiteState = request.app.state.site
    stated = parse_amount(amount)
    return check_claim(
        state.con(),
        state.registry,
        subject,
        stated.amount,
        on,
        measure=measure,
        tolerance=stated.tolerance,
    ).as_dict()


@router.get(
    "/api/claims/check",
    response_model=ClaimResult,
    tags=["api"],
    responses={400: {"model": Problem, "description": "An amount that is not money"}},
)
@offloop
def api_check_claim(
    request: Request,
    subject: Annotated[
        str, Query(min_length=1, max_length=120, description="Family or company id, or PIID")
    ],
    amount: Annotated[
        str,
        Query(
            min_length=1,
            max_length=40,
            pattern=AMOUNT_PATTERN,
            description="8.3M, $16.8 million, 22,100,000",
        ),
    ],
    on: Annotated[date, Query(description="The day it was stated, YYYY-MM-DD")],
    measure: Measure = "obligated",
) -> dict[str, Any]:
    """A stated figure against the same measure of the same subject on that day: the verdict
    (consistent, inconsistent, cannot_check), the reason, and the rows behind the figure."""
    return _check(request, subject, amount, on, measure)


@router.get("/claims", response_class=HTMLResponse, include_in_schema=False)
@offloop
def claims_page(
    request: Request,
    subject: str = "",
    amount: str = "",
    on: str = "",
    measure: str = "obligated",
) -> Response:
    """The form; with its fields filled, the verdict under it (a bad field is named)."""
    form = {
        "subject": subject.strip(),
        "amount": amount.strip(),
        "on": on.strip(),
        "measure": measure,
    }
    context: dict[str, Any] = {"form": form, "measures": FORM_MEASURES, "result": None}
    errors: dict[str, str] = {}
    if any((subject, amount, on)):
        if not form["subject"]:
            errors["subject"] = "Give a family or company id, a PIID or an award id."
        try:
            parse_amount(form["amount"])
        except VendorwatchError as exc:
            errors["amount"] = exc.message
        try:
            day = date.fromisoformat(form["on"])
        except ValueError:
            errors["on"] = f"{form['on']!r} is not a date in the form YYYY-MM-DD."
        if measure not in FORM_MEASURES:
            errors["measure"] = f"Choose one of: {', '.join(FORM_MEASURES)}."
        if not errors:
            context["result"] = _check(request, form["subject"], form["amount"], day, measure)
            context["on_text"] = f"{day.day} {day:%B %Y}"
    context["errors"] = errors
    return templates.TemplateResponse(
        request, "claims.html", context, status_code=400 if errors else 200
    )
