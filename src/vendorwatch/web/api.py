"""The JSON API: the same data the pages show, stable field names, cursor pagination.

Money is a decimal string ("1234.50"), never a float; dates are ISO 8601. A cursor is an
opaque token from the previous page's ``next_cursor``.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Query, Request
from pydantic import BaseModel

from vendorwatch.analysis import award_history, rollup
from vendorwatch.analysis.as_of import family_as_of
from vendorwatch.analysis.rollups import DIMENSIONS
from vendorwatch.analysis.search import search
from vendorwatch.warehouse.status import status
from vendorwatch.web.pool import offloop
from vendorwatch.web.state import SiteState


class Suggestion(BaseModel):
    id: str
    name: str
    family: str
    family_name: str


class Problem(BaseModel):
    detail: str
    suggestions: list[Suggestion] | None = None  # an unknown organisation id: the nearest ones


router = APIRouter(
    prefix="/api",
    tags=["api"],
    responses={
        400: {"model": Problem, "description": "A parameter the data cannot answer"},
        404: {"model": Problem, "description": "No such organisation or award"},
    },
)
Cursor = Annotated[
    str | None,
    Query(
        # A cursor past the page_max_offset setting is refused with 400 (the limit is a setting,
        # so the pattern only bounds the shape).
        pattern=r"^[0-9]{1,9}$",
        description="Opaque: pass the previous page's next_cursor to get the next page.",
    ),
]

Sort = Literal["obligations", "last_action", "first_action", "transactions", "piid", "recipient"]
FacetValues = Annotated[list[str] | None, Query()]


class FamilyRow(BaseModel):
    family: str | None
    name: str | None
    obligations: str | None
    transactions: int
    awards: int


class FamilyPage(BaseModel):
    families: list[FamilyRow]
    next_cursor: str | None


class AwardRow(BaseModel):
    award_key: str
    piid: str | None
    recipient: str | None
    family: str | None
    sub_agency: str | None
    classification: str | None
    competition: str | None
    obligations: str | None
    transactions: int
    first_action: str | None
    last_action: str | None


class AwardPage(BaseModel):
    awards: list[AwardRow]
    total: int
    obligations: str
    next_cursor: str | None


class FacetValue(BaseModel):
    value: str | None
    obligations: str | None
    transactions: int
    awards: int
    selected: bool


def _site(request: Request) -> SiteState:
    state: SiteState = request.app.state.site
    return state


def _cursor(offset: int) -> str:
    """The position of the next page. Clients must treat it as opaque."""
    return str(offset)


def _offset(cursor: str | None) -> int:
    return int(cursor) if cursor else 0


class FacetFilters:
    """The facet parameters of /awards and /facets (repeat one for OR), declared once."""

    def __init__(
        self,
        sub_agency: FacetValues = None,
        family: FacetValues = None,
        fiscal_year: FacetValues = None,
        competition: FacetValues = None,
        classification: FacetValues = None,
        state: FacetValues = None,
        place_state: Annotated[
            list[str] | None,
            Query(description="Place of performance (state): the transaction's, else its award's"),
        ] = None,
        agency: FacetValues = None,
        role: Annotated[
            Literal["prime", "sub"] | None,
            Query(description="prime (the default) or sub: sub-awards are never added to primes"),
        ] = None,
        q: str | None = None,
    ) -> None:
        given = {
            "sub_agency": sub_agency, "family": family, "fiscal_year": fiscal_year,
            "competition": competition, "classification": classification, "state": state,
            "place_state": place_state,
            "agency": agency, "role": [role] if role else None,
        }  # fmt: skip
        self.chosen = {name: values for name, values in given.items() if values}
        if q and q.strip():
            self.chosen["q"] = [q.strip()]


@router.get("/status")
@offloop
def api_status(request: Request) -> dict[str, Any]:
    """What is loaded: source files and table totals."""
    return status(_site(request).con().con)


@router.get("/families", response_model=FamilyPage)
@offloop
def api_families(
    request: Request,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
    cursor: Cursor = None,
) -> FamilyPage:
    """Company families ranked by obligations."""
    state = _site(request)
    offset = _offset(cursor)
    rows = rollup(state.con(), ["family"])
    page = rows[offset : offset + limit]
    return FamilyPage(
        families=[FamilyRow(name=state.family_names.get(r["family"] or ""), **r) for r in page],
        next_cursor=_cursor(offset + limit) if offset + limit < len(rows) else None,
    )


@router.get("/families/{family_id}")
@offloop
def api_family(request: Request, family_id: str) -> dict[str, Any]:
    """A family's dossier: ownership, products, obligations, top awards, claims, sources; for
    a company id, that company's within its family (``subject`` says which)."""
    data, _ = _site(request).dossier(family_id)
    return data


@router.get("/families/{family_id}/timeline")
@offloop
def api_family_timeline(request: Request, family_id: str) -> dict[str, Any]:
    """The family's accountability timeline: dated events with their sources (statements,
    hearings, shareholder actions, FOIA requests and releases …) and its awards signed and
    extended, in date order, with the obligations curve and the time axis they share."""
    data, _ = _site(request).dossier(family_id)
    return dict(data["timeline"])


@router.get("/families/{family_id}/as-of")
@offloop
def api_family_as_of(
    request: Request,
    family_id: str,
    day: Annotated[date, Query(alias="date", description="YYYY-MM-DD")],
) -> dict[str, Any]:
    """The family's obligations dated on or before ``date``, by company, with what came after
    and the last transactions before it (each with its source file and row)."""
    state = _site(request)
    return family_as_of(state.con(), state.registry, family_id, day)


@router.get("/awards", response_model=AwardPage)
@offloop
def api_awards(
    request: Request,
    filters: Annotated[FacetFilters, Depends()],
    sort: Sort = "obligations",
    order: Literal["asc", "desc"] = "desc",
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
    cursor: Cursor = None,
) -> AwardPage:
    """Awards matching facet filters (repeat a facet for OR), sorted, a page at a time."""
    offset = _offset(cursor)
    page = _site(request).listing(
        "awards", filters.chosen, sort=sort, descending=order == "desc", offset=offset, limit=limit
    )
    return AwardPage(
        awards=[AwardRow(**r) for r in page.rows],
        total=page.total,
        obligations=page.obligations,
        next_cursor=_cursor(page.next_offset) if page.next_offset is not None else None,
    )


@router.get("/facets", response_model=dict[str, list[FacetValue]])
@offloop
def api_facets(
    request: Request, filters: Annotated[FacetFilters, Depends()]
) -> dict[str, list[FacetValue]]:
    """Each facet's values with obligations (dollars) and counts, under the other filters."""
    found = _site(request).facets(filters.chosen)
    return {name: [FacetValue(**v) for v in values] for name, values in found.items()}


@router.get("/awards/{award_key}")
@offloop
def api_award(request: Request, award_key: str, as_of: date | None = None) -> dict[str, Any]:
    """One award: transactions with their source rows and obligations as of a date."""
    return award_history(_site(request).con(), award_key, as_of).as_dict()


@router.get("/search")
@offloop
def api_search(request: Request, q: str = "") -> dict[str, Any]:
    """Families, products, recipients and awards matching every word of ``q`` (the query's
    words and length are limited by settings; past them a 400 says the limit)."""
    state = _site(request)
    return search(state.con(), state.registry, q)


@router.get("/rollup")
@offloop
def api_rollup(
    request: Request,
    by: Annotated[list[Literal[tuple(DIMENSIONS)]] | None, Query()] = None,  # type: ignore[valid-type]
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
) -> list[dict[str, Any]]:
    """Obligations, transactions and awards grouped by the given dimensions."""
    return rollup(_site(request).con(), list(by or []), limit=limit)
