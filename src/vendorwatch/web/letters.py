"""Letters to vendors on the site: record one as sent, its reply, the list, timeline and counts.

Private to an organisation's members, under ``/foia`` (where the session cookie goes): every
page goes through `vendorwatch.outreach.letters.Outreach` (organisation scoping and roles live
there); another organisation's letter answers 404, exactly as one that does not exist. Forms
carry the session's CSRF token. Handlers read the form, call the library and render, on the
site's worker pool (`vendorwatch.web.pool`; a form's change through `guard.member_post`).
"""

from __future__ import annotations

from datetime import date
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, JSONResponse, Response
from starlette.datastructures import FormData

from vendorwatch.appdb.accounts import AccessDenied
from vendorwatch.errors import VendorwatchError
from vendorwatch.outreach.follow import standing, standing_json, summary, timeline
from vendorwatch.outreach.letters import (
    DEFAULT_REPLY_DAYS,
    NewLetter,
    Outreach,
    institution_key,
)
from vendorwatch.outreach.models import Channel, Outcome
from vendorwatch.web.guard import (
    Member,
    member,
    member_post,
    refuse,
    text,
    to_login,
    whole_number,
)
from vendorwatch.web.pages import parse_date, site
from vendorwatch.web.pool import offloop
from vendorwatch.web.templating import templates

router = APIRouter(include_in_schema=False)

FIELDS = ("institution", "family", "recipient", "channel", "sent_on", "reply_days", "text")


def outreach_of(m: Member) -> Outreach:
    return Outreach(m.session, m.user, m.tracker.org)


def _choices() -> dict[str, Any]:
    return {"channels": [c.value for c in Channel], "outcomes": [o.value for o in Outcome]}


def _families(request: Request) -> list[tuple[str, str]]:
    """The families a letter may go to: those whose sales the registry records, by name."""
    state = site(request)
    names = state.family_names
    return sorted(((f, names.get(f, f)) for f in state.watched_families), key=lambda x: x[1])


def _form_page(
    request: Request, m: Member, values: dict[str, Any], error: str | None = None, status: int = 200
) -> Response:
    return templates.TemplateResponse(
        request,
        "foia_letter_new.html",
        m.context(values=values, error=error, families=_families(request), **_choices()),
        status_code=status,
    )


@router.get("/foia/letters/new", response_class=HTMLResponse)
@offloop
def new_form(request: Request) -> Response:
    """The form, filled from the audit's letter (institution, family, products) when linked."""
    query = request.query_params
    values = {
        "institution": query.get("institution", "")[:300],
        "family": query.get("family", "")[:120],
        "products": "\n".join(p[:300] for p in query.getlist("product")[:50]),
        "recipient": "",
        "channel": Channel.EMAIL.value,
        "sent_on": date.today().isoformat(),
        "reply_days": str(DEFAULT_REPLY_DAYS),
        "text": "",
    }
    with member(request) as m:
        if m is None:
            return to_login(request)
        if not m.can_write:
            return refuse(request, "Only an editor or admin of the organisation records letters.")
        if not values["institution"]:
            values["institution"] = m.tracker.org.name
        return _form_page(request, m, values)


def _new_letter(form: FormData) -> NewLetter:
    sent_on = parse_date(text(form, "sent_on"))
    if sent_on is None:
        raise VendorwatchError("the date the letter was sent is needed")
    days = whole_number(form, "reply_days")
    return NewLetter(
        institution=text(form, "institution"),
        family=text(form, "family"),
        recipient=text(form, "recipient"),
        sent_on=sent_on,
        channel=text(form, "channel") or Channel.EMAIL.value,
        products=text(form, "products").splitlines(),
        reply_days=DEFAULT_REPLY_DAYS if days is None else days,
        text=text(form, "text") or None,
    )


@router.post("/foia/letters/new", response_class=HTMLResponse)
async def record_letter(request: Request) -> Response:
    def change(m: Member, form: FormData) -> str | Response:
        try:
            letter = outreach_of(m).record(_new_letter(form), site(request).registry)
        except AccessDenied:
            raise
        except VendorwatchError as exc:
            values = {name: text(form, name) for name in (*FIELDS, "products")}
            return _form_page(request, m, values, exc.message, 400)
        return f"/foia/letters/{letter.id}"

    return await member_post(request, change)


@router.get("/foia/letters", response_class=HTMLResponse)
@offloop
def letters_page(request: Request, institution: str = "") -> Response:
    """The organisation's letters, the counts per family, and the timeline (of one
    institution, when asked)."""
    today = date.today()
    with member(request) as m:
        if m is None:
            return to_login(request)
        outreach = outreach_of(m)
        every = outreach.letters()
        chosen = outreach.letters(institution=institution) if institution.strip() else every
        # One name per institution however it was typed: the first recorded.
        named = {x.institution_key: x.institution for x in sorted(every, key=lambda x: -x.id)}
        institutions = sorted(named.values(), key=str.casefold)
        wanted = named.get(institution_key(institution), institution.strip())
        return templates.TemplateResponse(
            request,
            "foia_letters.html",
            m.context(
                rows=[(x, standing(x, today)) for x in every],
                summary=summary(every, today),
                events=timeline(chosen, today),
                institution=wanted if institution.strip() else "",
                institutions=institutions,
                today=today,
            ),
        )


@router.get("/foia/letters.json")
@offloop
def letters_json(request: Request) -> Response:
    """The same as JSON: letters with their standing, the timeline and the counts."""
    today = date.today()
    with member(request) as m:
        if m is None:
            return JSONResponse({"error": "log in to see your organisation's letters"}, 401)
        every = outreach_of(m).letters()
        body = {
            "organisation": m.tracker.org.slug,
            "as_of": today.isoformat(),
            "letters": [standing_json(x, today) for x in every],
            "timeline": [e.as_dict() for e in timeline(every, today)],
            "summary": summary(every, today).as_dict(),
        }
    return JSONResponse(body)


@router.get("/foia/letters/{letter_id:int}", response_class=HTMLResponse)
@offloop
def letter_page(request: Request, letter_id: int) -> Response:
    today = date.today()
    with member(request) as m:
        if m is None:
            return to_login(request)
        letter = outreach_of(m).get(letter_id)
        return templates.TemplateResponse(
            request,
            "foia_letter.html",
            m.context(
                letter=letter,
                where=standing(letter, today),
                events=timeline([letter], today),
                today=today,
                **_choices(),
            ),
        )


@router.post("/foia/letters/{letter_id:int}/reply")
async def record_reply(request: Request, letter_id: int) -> Response:
    def change(m: Member, form: FormData) -> str:
        on = parse_date(text(form, "replied_on"))
        if on is None:
            raise VendorwatchError("the reply's date is needed")
        outreach_of(m).reply(letter_id, on, text(form, "outcome"), text(form, "summary"))
        return f"/foia/letters/{letter_id}"

    return await member_post(request, change)
