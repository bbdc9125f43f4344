"""The member guard of the tracker's pages: who is logged in, in which organisation, and the
checked form.

Every private page under ``/foia`` (requests, records, letters) goes through `member`; a form
post goes through `member_post`, so the session, CSRF and role checks are written once. The
form is read on the event loop; the member's transaction runs on the site's worker pool
(`vendorwatch.web.pool`), so a slow app database never stalls the site's other visitors.
Organisation scoping lives in the library (`vendorwatch.foia.tracker.Tracker` and those built
from it): another organisation's row answers 404 there, exactly as one that does not exist.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

from fastapi import Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy.orm import Session
from starlette.datastructures import FormData

from vendorwatch.appdb import transaction
from vendorwatch.appdb.accounts import (
    AccessDenied,
    Organisation,
    Role,
    User,
    memberships_of,
    user_by_id,
)
from vendorwatch.errors import VendorwatchError
from vendorwatch.foia.tracker import Tracker
from vendorwatch.web.pool import write
from vendorwatch.web.sessions import Accounts, Login, same_token, still_valid
from vendorwatch.web.templating import templates


def accounts(request: Request) -> Accounts:
    found: Accounts = request.app.state.accounts
    return found


@dataclass
class Member:
    """The logged-in user inside one transaction: their tracker, role and session."""

    tracker: Tracker
    login: Login
    role: Role
    organisations: list[tuple[Organisation, Role]]

    @property
    def session(self) -> Session:
        return self.tracker.session

    @property
    def user(self) -> User:
        return self.tracker.user

    @property
    def can_write(self) -> bool:
        return self.role.allows(Role.EDITOR)

    def context(self, **more: Any) -> dict[str, Any]:
        return {
            "member": self,
            "user": self.user,
            "org": self.tracker.org,
            "csrf_token": self.login.csrf,
            **more,
        }


@contextmanager
def member(request: Request) -> Iterator[Member | None]:
    """The session's member, in one transaction, or None when nobody (valid) is logged in."""
    site_accounts = accounts(request)
    login = site_accounts.login(request)
    if login is None:
        yield None
        return
    with transaction(site_accounts.engine()) as session:
        user = user_by_id(session, login.user_id)
        if user is None or not still_valid(login, user.password_hash, user.session_generation):
            yield None
            return
        orgs = memberships_of(session, user)
        current = next((o for o in orgs if o[0].slug == login.org), None)
        if current is None:
            yield None
            return
        yield Member(Tracker(session, user, current[0]), login, current[1], orgs)


def to_login(request: Request) -> Response:
    here = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    return RedirectResponse(f"/login?next={quote(here, safe='')}", status_code=303)


def refuse(request: Request, message: str, status: int = 403) -> Response:
    return templates.TemplateResponse(
        request, "error.html", {"message": message, "status": status}, status_code=status
    )


async def checked_form(request: Request, login: Login | None) -> FormData | Response:
    """The posted form if it carries the session's CSRF token; otherwise a 403 page."""
    form = await request.form()
    if login is None:
        return refuse(request, "Your session has ended or you are not logged in; log in again.")
    token = form.get("csrf_token")
    if not same_token(token if isinstance(token, str) else None, login.csrf):
        return refuse(request, "This form is out of date or did not come from this site.")
    return form


async def member_post(
    request: Request, change: Callable[[Member, FormData], str | Response]
) -> Response:
    """A form checked for the session's CSRF token, applied by the logged-in member in one
    transaction, then a 303 to the path ``change`` returns (or its own page, e.g. the form
    again with an error). A role the library refuses (`AccessDenied`) is a 403 page; nobody
    logged in goes to the login page."""
    form = await checked_form(request, accounts(request).login(request))
    if isinstance(form, Response):
        return form
    return await write(request, _apply, request, form, change)


def _apply(
    request: Request, form: FormData, change: Callable[[Member, FormData], str | Response]
) -> Response:
    """`member_post`'s transaction, on the site's pool (a write: see `pool.write`)."""
    with member(request) as m:
        if m is None:
            return to_login(request)
        try:
            target = change(m, form)
        except AccessDenied as exc:
            return refuse(request, exc.message)
    if isinstance(target, Response):
        return target
    return RedirectResponse(target, status_code=303)


def text(form: FormData, name: str) -> str:
    value = form.get(name)
    return value.strip() if isinstance(value, str) else ""


def whole_number(form: FormData, name: str) -> int | None:
    value = text(form, name)
    if not value:
        return None
    if not value.isdigit():
        raise VendorwatchError(f"{name}: {value!r} is not a whole number")
    return int(value)
