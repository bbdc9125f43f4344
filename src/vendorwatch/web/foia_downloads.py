"""The FOIA tracker's letters as files: the request letter as stored, a status inquiry and an
appeal, drafted from the request's record (as text, DOCX or PDF).

Each renders on the site's worker pool within its time limit (`vendorwatch.web.pool`): these
write nothing, so a cut one leaves nothing behind. Included by `vendorwatch.web.foia`'s router.
"""

from __future__ import annotations

from datetime import date

from fastapi import APIRouter, Request
from fastapi.responses import Response
from starlette.datastructures import FormData

from vendorwatch.errors import VendorwatchError
from vendorwatch.foia.letters import (
    MEDIA_TYPES,
    AppealGround,
    Letter,
    RequestRecord,
    compose_appeal,
    compose_followup,
    letter_bytes,
)
from vendorwatch.foia.standing import require_sent
from vendorwatch.foia.tracker import stored_letter
from vendorwatch.web.guard import Member, accounts, checked_form, member, text, to_login
from vendorwatch.web.pool import offloop, run

router = APIRouter(include_in_schema=False)


def _letter_response(letter: Letter, suffix: str, name: str) -> Response:
    return Response(
        letter_bytes(letter, suffix),
        media_type=MEDIA_TYPES[suffix],
        headers={"Content-Disposition": f'attachment; filename="{name}{suffix}"'},
    )


def _suffix(fmt: str) -> str:
    suffix = f".{fmt.lower()}"
    if suffix not in MEDIA_TYPES:
        raise VendorwatchError(f"no letter format {fmt!r}; use txt, docx or pdf")
    return suffix


def _sent_record(m: Member, request_id: int, letter: str, today: date) -> RequestRecord:
    """The request as a letter cites it, once it has been sent (``letter`` says which)."""
    found = m.tracker.get(request_id)
    require_sent(found.status, found.id, letter)
    return m.tracker.record(found, today)


@router.get("/foia/{request_id:int}/followup.{fmt}")
@offloop
def followup_download(request: Request, request_id: int, fmt: str) -> Response:
    suffix = _suffix(fmt)
    today = date.today()
    with member(request) as m:
        if m is None:
            return to_login(request)
        record = _sent_record(m, request_id, "status inquiry", today)
    return _letter_response(
        compose_followup(record, on=today), suffix, f"foia-request-{request_id}-followup"
    )


@router.post("/foia/{request_id:int}/appeal")
async def appeal_download(request: Request, request_id: int) -> Response:
    """The appeal is drafted and returned, not stored: viewers may draft one too."""
    form = await checked_form(request, accounts(request).login(request))
    if isinstance(form, Response):
        return form
    return await run(request, _appeal, request, request_id, form)


def _appeal(request: Request, request_id: int, form: FormData) -> Response:
    """The appeal letter, rendered on the site's pool within its time limit (it writes
    nothing: cut, it leaves nothing behind)."""
    suffix = _suffix(text(form, "format") or "txt")
    try:
        grounds = [AppealGround(str(g)) for g in form.getlist("ground")]
    except ValueError:
        known = ", ".join(g.value for g in AppealGround)
        raise VendorwatchError(f"an appeal's grounds are some of: {known}") from None
    today = date.today()
    with member(request) as m:
        if m is None:
            return to_login(request)
        record = _sent_record(m, request_id, "appeal", today)
    letter = compose_appeal(record, grounds, text(form, "reasons"), on=today)
    return _letter_response(letter, suffix, f"foia-request-{request_id}-appeal")


@router.get("/foia/{request_id:int}/letter.{fmt}")
@offloop
def letter_download(request: Request, request_id: int, fmt: str) -> Response:
    suffix = _suffix(fmt)
    with member(request) as m:
        if m is None:
            return to_login(request)
        letter = stored_letter(m.tracker.get(request_id))
    return _letter_response(letter, suffix, f"foia-request-{request_id}")
