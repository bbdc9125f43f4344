"""The FOIA tracker's account pages: login and logout, password, organisation switch, members.

Sessions, CSRF and the throttle are `vendorwatch.web.sessions`'; accounts and roles are
`vendorwatch.appdb.accounts`'. Handlers only read the form (on the event loop), then call the
library and render on the site's worker pool (`vendorwatch.web.pool`); the request pages are
`vendorwatch.web.foia`.
"""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from starlette.datastructures import FormData

from vendorwatch.appdb import transaction
from vendorwatch.appdb.accounts import (
    AccessDenied,
    Role,
    authenticate,
    change_password,
    end_sessions,
    lockouts_in,
    members_of,
    memberships_of,
    organisation,
    record_lockout,
    role_in,
    sign_out_everywhere,
)
from vendorwatch.errors import VendorwatchError
from vendorwatch.web.guard import (
    Member,
    accounts,
    checked_form,
    member,
    member_post,
    refuse,
    text,
    to_login,
)
from vendorwatch.web.pool import offloop, run, write
from vendorwatch.web.sessions import Login, new_login, same_token
from vendorwatch.web.templating import templates

router = APIRouter(include_in_schema=False)


def safe_next(target: str | None) -> str:
    """Only a path inside the tracker; never another site."""
    if target and target.startswith("/foia") and "\\" not in target and "\n" not in target:
        return target
    return "/foia"


# --- login and logout --------------------------------------------------------------------


def _login_page(
    request: Request,
    next_: str,
    message: str | None,
    status: int,
    headers: dict[str, str] | None = None,
) -> Response:
    token = accounts(request).login_form_token(request)
    response = templates.TemplateResponse(
        request,
        "foia_login.html",
        {"next": safe_next(next_), "message": message, "csrf_token": token},
        status_code=status,
        headers=headers,
    )
    accounts(request).keep_login_form_token(request, response, token)
    return response


@router.get("/login", response_class=HTMLResponse)
@offloop
def login_form(request: Request, next: str = "/foia") -> Response:
    return _login_page(request, next, None, 200)


def client_of(request: Request) -> str:
    """The client's address, only ever handed to the throttle (which hashes it)."""
    return request.client.host if request.client else "unknown"


@router.post("/login", response_class=HTMLResponse)
async def login_submit(request: Request) -> Response:
    form = await request.form()
    return await write(request, _sign_in, request, form)


def _sign_in(request: Request, form: FormData) -> Response:
    """The login form's checks in order: its CSRF token, the throttle (before the password is
    even looked at), the password. On the site's pool as a write: argon2 takes tens of
    milliseconds of CPU by design, the throttle's counts (``appdb://``) and a lockout are
    written to the app database, and guessers must not slow every other visitor's page."""
    site_accounts = accounts(request)
    token = form.get("csrf_token")
    expected = site_accounts.login_form_expected(request)
    if expected is None or not same_token(token if isinstance(token, str) else None, expected):
        return refuse(request, "This login form is out of date; open the login page again.")
    next_, email, client = text(form, "next"), text(form, "email"), client_of(request)
    throttle = site_accounts.throttle
    refusal = throttle.refused(email, client)
    if refusal is not None:  # before the password is even looked at
        retry = {"Retry-After": str(refusal.retry_after)}
        return _login_page(request, next_, refusal.message, 429, retry)

    def check_password() -> Login | Response:
        with transaction(site_accounts.engine()) as session:
            user = authenticate(session, email, str(form.get("password") or ""))
            if user is None:
                failure = throttle.failed(email, client)
                if failure.locked:  # tell the account's admins (members page)
                    record_lockout(session, email, failure.failures, failure.until)
                return _login_page(
                    request, next_, "That email and password do not match an account.", 400
                )
            throttle.succeeded(email)
            orgs = memberships_of(session, user)
            if not orgs:
                message = "Your account is not a member of any organisation yet."
                return _login_page(request, next_, message, 400)
            return new_login(user.id, orgs[0][0].slug, user.password_hash, user.session_generation)

    login = check_password()
    if not isinstance(login, Login):
        return login
    response = RedirectResponse(safe_next(next_), status_code=303)
    site_accounts.start(request, response, login)
    return response


@router.post("/foia/logout")
async def logout(request: Request) -> Response:
    """Ends the session here and, server-side, every other one of the account (a copied
    cookie included): the account's session generation moves on."""
    form = await checked_form(request, accounts(request).login(request))
    if isinstance(form, Response):
        return form
    return await write(request, _log_out, request)


def _log_out(request: Request) -> Response:
    with member(request) as m:
        if m is not None:
            end_sessions(m.session, m.user)
    response = RedirectResponse("/login", status_code=303)
    accounts(request).end(response)
    return response


def _password_page(request: Request, m: Member, message: str | None, status: int) -> Response:
    return templates.TemplateResponse(
        request, "foia_password.html", m.context(message=message), status_code=status
    )


@router.get("/foia/password", response_class=HTMLResponse)
@offloop
def password_form(request: Request) -> Response:
    with member(request) as m:
        if m is None:
            return to_login(request)
        return _password_page(request, m, None, 200)


@router.post("/foia/password", response_class=HTMLResponse)
async def password_change(request: Request) -> Response:
    """A new password ends every session of the account; this browser gets a fresh one.

    A wrong current password counts as a failed sign-in: a stolen session cannot be used to
    guess the password without limit."""
    form = await checked_form(request, accounts(request).login(request))
    if isinstance(form, Response):
        return form
    return await write(request, _new_password, request, form)


def _new_password(request: Request, form: FormData) -> Response:
    site_accounts = accounts(request)
    throttle, client = site_accounts.throttle, client_of(request)
    with member(request) as m:
        if m is None:
            return to_login(request)
        refusal = throttle.refused(m.user.email, client)
        if refusal is not None:
            return _password_page(request, m, refusal.message, 429)
        try:
            change_password(m.session, m.user, str(form.get("current") or ""),
                            str(form.get("new") or ""), str(form.get("confirm") or ""))  # fmt: skip
        except AccessDenied as exc:
            failure = throttle.failed(m.user.email, client)
            if failure.locked:
                record_lockout(m.session, m.user.email, failure.failures, failure.until)
            return _password_page(request, m, exc.message, 400)
        except VendorwatchError as exc:
            return _password_page(request, m, exc.message, 400)
        fresh = new_login(m.user.id, m.tracker.org.slug, m.user.password_hash,
                          m.user.session_generation)  # fmt: skip
    response = RedirectResponse("/foia", status_code=303)
    site_accounts.start(request, response, fresh)
    return response


@router.post("/foia/organisation")
async def switch_organisation(request: Request) -> Response:
    login = accounts(request).login(request)
    form = await checked_form(request, login)
    if isinstance(form, Response):
        return form
    assert login is not None
    return await run(request, _switch, request, login, form)


def _switch(request: Request, login: Login, form: FormData) -> Response:
    """Reads only (the new organisation goes in the cookie): within the site's time limit."""
    with member(request) as m:
        if m is None:
            return to_login(request)
        wanted = organisation(m.session, text(form, "org"))
        if role_in(m.session, m.user, wanted) is None:
            return refuse(request, f"You are not a member of {wanted.slug!r}.")
        switched = Login(login.user_id, wanted.slug, login.csrf, login.password, login.generation)
    response = RedirectResponse("/foia", status_code=303)
    accounts(request).start(request, response, switched)
    return response


@router.get("/foia/members", response_class=HTMLResponse)
@offloop
def members_page(request: Request) -> Response:
    with member(request) as m:
        if m is None:
            return to_login(request)
        people = members_of(m.session, m.tracker.org)
        locked = lockouts_in(m.session, m.tracker.org) if m.role is Role.ADMIN else []
        return templates.TemplateResponse(
            request, "foia_members.html", m.context(members=people, lockouts=locked)
        )


@router.post("/foia/members/{user_id:int}/sign-out")
async def member_sign_out(request: Request, user_id: int) -> Response:
    """An admin's "sign out everywhere" for one member: every session of theirs ends."""

    def change(m: Member, _form: FormData) -> str:
        target = sign_out_everywhere(m.session, m.user, m.tracker.org, user_id)
        return "/login" if target.id == m.user.id else "/foia/members"

    return await member_post(request, change)
