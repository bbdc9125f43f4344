"""The HTML pages. Each handler gathers data from `vendorwatch.analysis` and renders it."""

from __future__ import annotations

import json
from collections.abc import Callable, Collection
from datetime import date
from decimal import Decimal
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from vendorwatch.analysis import award_history, rollup
from vendorwatch.analysis.as_of import family_as_of
from vendorwatch.analysis.browse import FACETS, awards, transaction_list
from vendorwatch.analysis.classification import classification_of, rules
from vendorwatch.analysis.competition import solicitation_label
from vendorwatch.analysis.corrections import corrections_of
from vendorwatch.analysis.coverage import coverage
from vendorwatch.analysis.search import search
from vendorwatch.analysis.sectors import counted_organisations, sector_rollup
from vendorwatch.errors import VendorwatchError
from vendorwatch.exports.csv import dict_rows_csv
from vendorwatch.limits import LimitError, check_filters, check_page, check_query
from vendorwatch.reports import charts
from vendorwatch.reports.render import dossier_html, dossier_pdf
from vendorwatch.warehouse.status import status
from vendorwatch.web.facets import facet_view, title_of
from vendorwatch.web.pool import offloop, run
from vendorwatch.web.released import released_for_award
from vendorwatch.web.state import SiteState
from vendorwatch.web.templating import templates

router = APIRouter(include_in_schema=False)
PAGE_SIZE = 50


def site(request: Request) -> SiteState:
    state: SiteState = request.app.state.site
    return state


def filters_of(request: Request) -> dict[str, list[str]]:
    chosen = {name: request.query_params.getlist(name) for name in FACETS}
    q = request.query_params.get("q", "").strip()
    out = {k: v for k, v in chosen.items() if v}
    if q:
        out["q"] = [q]
    return out


def parse_date(text: str | None) -> date | None:
    if not text:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise VendorwatchError(f"{text!r} is not a date in the form YYYY-MM-DD") from None


def _csv(rows: list[dict[str, Any]], filename: str) -> Response:
    """Rows as a CSV download, spreadsheet-safe (`vendorwatch.exports.csv.safe_cell`)."""
    text = dict_rows_csv(rows, list(rows[0])) if rows else ""
    return Response(
        text,
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


def _json(document: Any, filename: str) -> Response:
    return Response(
        json.dumps(document, indent=2, ensure_ascii=False),
        media_type="application/json",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


def _home(state: SiteState) -> dict[str, Any]:
    con = state.con()
    families = rollup(con, ["family"])
    for row in families:
        row["name"] = state.family_names.get(row["family"] or "", row["family"] or "unresolved")
    # Only the data, surveillance and research part of each family: GEO's detention money is
    # not surveillance, its B.I. monitoring is (analysis.sectors).
    watched = sector_rollup(con, state.registry)
    agencies = " and ".join(a["short"] for a in scope(state)["agencies"]) or "DHS"
    chart = charts.both(
        charts.horizontal_bars,
        watched[:15],
        label="name",
        value="obligations",
        title=f"Data, surveillance and research vendors: {agencies} obligations in the loaded data",
        axis_title="Obligations (USD)",
    )
    raw = con.con
    summary = status(raw)
    _companies(state, watched, counted_organisations(state.registry))
    _companies(state, families[:15], None)
    return {
        "headline": {
            "obligations": sum((Decimal(r["obligations"] or 0) for r in watched), Decimal(0)),
            "families": len(watched),
            "transactions": sum(int(r["transactions"]) for r in watched),
        },
        "watched": watched,
        "largest": families[:15],
        "chart": chart,
        "status": summary,
        "last_load": max((f["loaded_at"] for f in summary["files"]), default=None),
        "coverage": scope(state),
    }


def _companies(state: SiteState, rows: list[dict[str, Any]], counted: set[str] | None) -> None:
    """Each family row's companies in the data (``counted`` only, when given), largest first:
    the table lists families, and says which of their companies the money went to."""
    wanted = {r["family"] for r in rows if r["family"]}
    found: dict[str, list[str]] = {}
    for r in state.memo(
        "family-organisations", lambda: rollup(state.con(), ["family", "organisation"])
    ):
        org = r["organisation"]
        if r["family"] in wanted and org and (counted is None or org in counted):
            found.setdefault(r["family"], []).append(state.family_names.get(org, org))
    for row in rows:
        row["companies"] = found.get(row["family"] or "", [])


def scope(state: SiteState) -> dict[str, Any]:
    """What the loaded data covers (vendorwatch.analysis.coverage), once per process."""
    found: dict[str, Any] = state.memo("coverage", lambda: coverage(state.con()).as_dict())
    return found


def warm(state: SiteState) -> list[str]:
    """Work out the home page, the unfiltered browse page and every watched family's dossier
    before the first visitor.

    At 10M rows the home page's rollup takes seconds and each dossier's first query compiles;
    the site is fixed while it serves, so this is done once, at start. Returns the families.
    """
    home_page = state.memo("home", lambda: _home(state))
    state.cube()  # every selection's facets and first page read it (analysis.cube)
    state.facets({}, size=None)  # /browse as the nav links it: every award, largest first
    state.listing("awards", {}, sort="obligations", descending=True, offset=0, limit=PAGE_SIZE)
    families = [str(row["family"]) for row in home_page["watched"]]
    for family in families:
        if state.closing:  # shutting down: the rest is not needed
            break
        state.dossier(family)
    return families


@router.get("/", response_class=HTMLResponse)
async def home(request: Request) -> Response:
    """Once its figures are computed the home page needs no query: it is rendered on the event
    loop, so it never waits in the pool's queue behind other visitors' uncached selections."""
    page = site(request).memo_ready("home")
    if page is not None:
        return templates.TemplateResponse(request, "home.html", page)
    return await run(request, _home_page, request)


def _home_page(request: Request) -> Response:
    state = site(request)
    return templates.TemplateResponse(
        request, "home.html", state.memo("home", lambda: _home(state))
    )


@router.get("/search", response_class=HTMLResponse)
@offloop
def search_page(request: Request, q: str = "") -> Response:
    state = site(request)
    refused: str | None = None
    try:
        results = search(state.con(), state.registry, q) if q.strip() else None
    except LimitError as exc:  # said beside the search field, the query kept to edit
        results, refused = None, exc.message
    return templates.TemplateResponse(
        request,
        "search.html",
        {"q": q, "results": results, "names": state.family_names, "coverage": scope(state),
         "refused": refused},
        status_code=400 if refused else 200,
    )  # fmt: skip


def _page_number(request: Request) -> int:
    try:
        return max(1, int(request.query_params.get("page", "1")))
    except ValueError:
        raise VendorwatchError("page must be a whole number") from None


def _browse_refused(request: Request) -> dict[str, str]:
    """The browse form's parts past a limit, as {field: message} (``q``, ``facets``,
    ``page``): the page shows each message there and lists the selection without them."""
    chosen = filters_of(request)
    checks: tuple[tuple[str, Callable[[], None]], ...] = (
        ("q", lambda: check_query(" ".join(chosen.get("q", [])), "a text filter (q)")),
        ("facets", lambda: check_filters({k: v for k, v in chosen.items() if k != "q"})),
        ("page", lambda: check_page((_page_number(request) - 1) * PAGE_SIZE, PAGE_SIZE)),
    )
    refused: dict[str, str] = {}
    for name, check in checks:
        try:
            check()
        except LimitError as exc:
            refused[name] = exc.message
    return refused


def _browse(
    request: Request, without: Collection[str] = ()
) -> tuple[dict[str, list[str]], Any, str, bool, int, str]:
    """The browse view asked for: awards (one row each) or their transactions (``without``:
    less the part of the selection past a limit, `_browse_refused`)."""
    state = site(request)
    chosen = filters_of(request)
    if "q" in without:
        chosen.pop("q", None)
    if "facets" in without:
        chosen = {k: v for k, v in chosen.items() if k == "q"}
    view = request.query_params.get("view", "awards")
    if view not in ("awards", "transactions"):
        raise VendorwatchError("view must be awards or transactions")
    default = "obligations" if view == "awards" else "action_date"
    sort = request.query_params.get("sort", default)
    descending = request.query_params.get("order", "desc") != "asc"
    page = 1 if "page" in without else _page_number(request)
    listing = state.listing(
        view, chosen, sort=sort, descending=descending, offset=(page - 1) * PAGE_SIZE,
        limit=PAGE_SIZE,
    )  # fmt: skip
    return chosen, listing, sort, descending, page, view


@router.get("/browse.csv")
@offloop
def browse_csv(request: Request) -> Response:
    chosen, _, sort, descending, _, view = _browse(request)
    lister = awards if view == "awards" else transaction_list
    rows: list[dict[str, Any]] = []
    offset: int | None = 0
    while offset is not None:
        part = lister(
            site(request).con(), chosen, sort=sort, descending=descending, offset=offset, limit=500
        )
        rows += part.rows
        offset = part.next_offset
    return _csv(rows, f"vendorwatch-{view}.csv")


@router.get("/browse.json")
@offloop
def browse_json(request: Request) -> Response:
    chosen, listing, sort, descending, page, view = _browse(request)
    return _json(
        {"filters": chosen, "view": view, "sort": sort, "descending": descending, "page": page,
         "total": listing.total, "obligations": listing.obligations, view: listing.rows,
         "coverage": scope(site(request))},
        f"vendorwatch-{view}.json",
    )  # fmt: skip


@router.get("/browse", response_class=HTMLResponse)
@offloop
def browse(request: Request) -> Response:
    state = site(request)
    refused = _browse_refused(request)  # shown beside its field, on the page
    chosen, listing, sort, descending, page, view = _browse(request, refused)
    show_all = request.query_params.get("all")
    if show_all is not None and show_all not in FACETS:
        raise VendorwatchError(f"no facet {show_all!r}; choose from {', '.join(FACETS)}")
    search = request.query_params.get("facet_q", "").strip()[:100]
    labels = rules().categories
    facet_values = facet_view(
        state.facets(chosen, size=None), state.family_names, labels, show_all, search
    )
    params = [(k, v) for k, values in chosen.items() for v in values]
    if view != "awards":
        params.append(("view", view))
    descriptions: dict[str, str] = {}
    if view == "awards":  # the cube's listing brings them; over the facts, asked now
        descriptions = listing.descriptions
        if descriptions is None:
            descriptions = state.descriptions([r["award_key"] for r in listing.rows])
    return templates.TemplateResponse(
        request,
        "browse.html",
        {
            "chosen": chosen,
            "params": params,
            "facets": facet_values,
            "show_all": show_all,
            "facet_q": search,
            "listing": listing,
            "descriptions": descriptions,
            "sort": sort,
            "descending": descending,
            "page": page,
            "pages": max(1, -(-listing.total // PAGE_SIZE)),
            "view": view,
            "names": state.family_names,
            "labels": labels,
            "title_of": title_of,
            "coverage": scope(state),
            "refused": refused,
            "typed_q": request.query_params.get("q", "").strip(),
        },
        status_code=400 if refused else 200,
    )


@router.get("/family/{family_id}.pdf")
@offloop
def family_pdf(request: Request, family_id: str) -> Response:
    data, _ = site(request).dossier(family_id)
    return Response(
        dossier_pdf(data),
        media_type="application/pdf",
        headers={"Content-Disposition": f'attachment; filename="{family_id}-dossier.pdf"'},
    )


@router.get("/family/{family_id}.json")
@offloop
def family_json(request: Request, family_id: str) -> Response:
    data, _ = site(request).dossier(family_id)
    return _json(data, f"{family_id}-dossier.json")


@router.get("/family/{family_id}.html")
@offloop
def family_standalone(request: Request, family_id: str) -> Response:
    data, _ = site(request).dossier(family_id)
    return Response(
        dossier_html(data),
        media_type="text/html; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{family_id}-dossier.html"'},
    )


@router.get("/family/{family_id}", response_class=HTMLResponse)
@offloop
def family(request: Request, family_id: str) -> Response:
    state = site(request)
    data, chart_svgs = state.dossier(family_id)
    day = parse_date(request.query_params.get("as_of"))
    as_of = family_as_of(state.con(), state.registry, family_id, day) if day else None
    as_of_chart = None
    if as_of and as_of["by_month"]:
        points = [  # chart positions only; every figure on the page is exact text
            {"month": r["month"], "cumulative": float(r["cumulative"])} for r in as_of["by_month"]
        ]
        as_of_chart = charts.both(
            charts.cumulative_as_of,
            points,
            as_of["as_of"],
            title=f"{as_of['subject']['name']}: cumulative obligations",
        )
    return templates.TemplateResponse(
        request,
        "family.html",
        {
            "dossier": data,
            "charts": chart_svgs,
            "as_of": as_of,
            "as_of_chart": as_of_chart,
            "award_link": lambda key: request.url_for("award", award_key=key).path,
        },
    )


def _award(request: Request, award_key: str) -> dict[str, Any]:
    state = site(request)
    as_of = parse_date(request.query_params.get("as_of"))
    history = award_history(state.con(), award_key, as_of)
    corrections = corrections_of(state.con(), history.award_key)
    return {
        "history": history,
        "corrections": corrections,
        "data": {**history.as_dict(), "corrections": [c.as_dict() for c in corrections]},
        "classification": classification_of(state.con(), history.award_key),
        "family_name": state.family_names.get(history.family or "", None),
        "solicitation": solicitation_label(
            history.values.get("solicitation_procedures_code", {}).get("value")
        ),
    }


@router.get("/award/{award_key}.csv")
@offloop
def award_csv(request: Request, award_key: str) -> Response:
    data = _award(request, award_key)["data"]
    rows = [
        {**{k: v for k, v in t.items() if k != "source"}, "source_file": t["source"]["file"],
         "source_row": t["source"]["row"]}
        for t in data["transactions"]
    ]  # fmt: skip
    return _csv(rows, f"{data['piid']}-transactions.csv")


@router.get("/award/{award_key}.json")
@offloop
def award_json(request: Request, award_key: str) -> Response:
    data = _award(request, award_key)["data"]
    return _json(data, f"{data['piid']}.json")


@router.get("/award/{award_key}", response_class=HTMLResponse)
@offloop
def award(request: Request, award_key: str) -> Response:
    context = _award(request, award_key)
    history = context["history"]
    points = [
        {"date": a.action_date.isoformat(), "cumulative": float(a.cumulative)}
        for a in history.transactions
    ]
    context["chart"] = (
        charts.both(
            charts.cumulative,
            points,
            title=f"{history.piid}: cumulative obligations",
            as_of=history.as_of.isoformat() if request.query_params.get("as_of") else None,
        )
        if points
        else None
    )
    context["released"] = released_for_award(request, history.award_key, history.piid)
    return templates.TemplateResponse(request, "award.html", context)


@router.get("/sources", response_class=HTMLResponse)
@offloop
def sources(request: Request) -> Response:
    state = site(request)
    summary = status(state.con().con)
    layouts = {s["layout"]: s for s in scope(state)["sources"]}
    context = {"status": summary, "layouts": layouts}
    return templates.TemplateResponse(request, "sources.html", context)


@router.get("/source/{sha256}/{row}", response_class=HTMLResponse)
@offloop
def source_row(request: Request, sha256: str, row: int) -> Response:
    raw = site(request).con().con
    found = raw.execute(
        "SELECT file_name, path, layout, target_table, loaded_at FROM source_files "
        "WHERE sha256 = ?",
        [sha256],
    ).fetchall()
    if not found:
        raise VendorwatchError(f"no source file with hash {sha256}")
    file_name, path, layout, table, loaded_at = found[0]
    cursor = raw.execute(
        f"SELECT * FROM {table} WHERE source_sha256 = ? AND source_row = ?", [sha256, row]
    )
    names = [d[0] for d in cursor.description]
    values = cursor.fetchall()
    if not values:
        raise VendorwatchError(f"no row {row} from {file_name}")
    return templates.TemplateResponse(
        request,
        "source_row.html",
        {
            "file_name": file_name, "path": path, "layout": layout, "table": table,
            "loaded_at": loaded_at, "row": row, "sha256": sha256,
            "fields": [(n, v) for n, v in zip(names, values[0], strict=True) if v is not None],
        },
    )  # fmt: skip
