"""Logins on the site: signed session cookies and CSRF tokens, for the FOIA tracker only.

The public pages set no cookie and are never sent one: the session cookie's path is
``/foia``, and the one other cookie, which carries the login form's CSRF token, has the path
``/login``. Both are signed (itsdangerous), ``HttpOnly`` and ``SameSite=Strict``; ``Secure``
when the request came over HTTPS (or always or never, as the operator sets).

A session holds the user's id, the organisation they are working in, a CSRF token for its
forms, a fingerprint of the password hash, and the account's session generation when it
began. Each request checks the generation against the app database, so sessions end
server-side: logging out, a new password and an admin's "sign out everywhere" bump it, and
every cookie issued before (a copied one too) stops working. Sessions last `MAX_AGE` seconds.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import threading
from dataclasses import dataclass, field
from typing import Any

from itsdangerous import BadSignature, URLSafeTimedSerializer
from sqlalchemy import Engine
from starlette.requests import Request
from starlette.responses import Response

from vendorwatch.appdb import open_app_database
from vendorwatch.settings import get_settings
from vendorwatch.web.throttle import LoginThrottle

SESSION_COOKIE = "vw_session"
SESSION_PATH = "/foia"
LOGIN_COOKIE = "vw_login"
LOGIN_PATH = "/login"
MAX_AGE = 12 * 60 * 60
LOGIN_MAX_AGE = 60 * 60


@dataclass(frozen=True)
class Login:
    """Who is logged in, where, and the token their forms must carry."""

    user_id: int
    org: str
    csrf: str
    password: str  # fingerprint of the password hash when the session began
    generation: int  # the account's session generation when the session began


def password_fingerprint(password_hash: str | None) -> str:
    return hashlib.sha256((password_hash or "").encode()).hexdigest()[:16]


def same_token(given: str | None, expected: str) -> bool:
    return given is not None and hmac.compare_digest(given.encode(), expected.encode())


@dataclass
class Accounts:
    """The app database (opened on first use) and the cookie signer of one site."""

    database_url: str
    secure: bool | None = None  # None: Secure cookies when the request is HTTPS
    secret: str = field(default_factory=lambda: get_settings().session_secret)
    login_throttle: LoginThrottle | None = None  # None: from settings
    _engine: Engine | None = field(default=None, repr=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def __post_init__(self) -> None:
        # Without a configured secret, one per process: sessions end when the site restarts.
        key = self.secret or secrets.token_urlsafe(32)
        self._sessions = URLSafeTimedSerializer(key, salt="vendorwatch-session")
        self._logins = URLSafeTimedSerializer(key, salt="vendorwatch-login-form")
        self.throttle = self.login_throttle or LoginThrottle.from_settings(
            get_settings(), secret=key, app_database=self.engine
        )

    def engine(self) -> Engine:
        """The app database, upgraded to the current schema the first time it is needed."""
        with self._lock:
            if self._engine is None:
                self._engine = open_app_database(self.database_url)
            return self._engine

    def close(self) -> None:
        with self._lock:
            if self._engine is not None:
                self._engine.dispose()
                self._engine = None

    # -- cookies ------------------------------------------------------------------------

    def _set(self, request: Request, response: Response, name: str, value: str, **kw: Any) -> None:
        secure = request.url.scheme == "https" if self.secure is None else self.secure
        response.set_cookie(name, value, httponly=True, samesite="strict", secure=secure, **kw)

    def login(self, request: Request) -> Login | None:
        """The session the request carries, if its signature and age are good."""
        raw = request.cookies.get(SESSION_COOKIE)
        if not raw:
            return None
        try:
            data = self._sessions.loads(raw, max_age=MAX_AGE)
            return Login(
                int(data["u"]), str(data["o"]), str(data["c"]), str(data["p"]), int(data["g"])
            )
        except (BadSignature, KeyError, TypeError, ValueError):
            return None

    def start(self, request: Request, response: Response, login: Login) -> None:
        value = self._sessions.dumps(
            {
                "u": login.user_id,
                "o": login.org,
                "c": login.csrf,
                "p": login.password,
                "g": login.generation,
            }
        )
        self._set(request, response, SESSION_COOKIE, value, path=SESSION_PATH, max_age=MAX_AGE)
        response.delete_cookie(LOGIN_COOKIE, path=LOGIN_PATH)

    def end(self, response: Response) -> None:
        response.delete_cookie(SESSION_COOKIE, path=SESSION_PATH)

    def login_form_token(self, request: Request) -> str:
        """The login form's CSRF token: the one the browser holds, or a new one."""
        return self.login_form_expected(request) or secrets.token_urlsafe(24)

    def keep_login_form_token(self, request: Request, response: Response, token: str) -> None:
        """Put the token in a cookie only ``/login`` receives."""
        value = self._logins.dumps(token)
        self._set(request, response, LOGIN_COOKIE, value, path=LOGIN_PATH, max_age=LOGIN_MAX_AGE)

    def login_form_expected(self, request: Request) -> str | None:
        raw = request.cookies.get(LOGIN_COOKIE)
        if not raw:
            return None
        try:
            return str(self._logins.loads(raw, max_age=LOGIN_MAX_AGE))
        except BadSignature:
            return None


def new_login(user_id: int, org: str, password_hash: str | None, generation: int) -> Login:
    return Login(
        user_id, org, secrets.token_urlsafe(24), password_fingerprint(password_hash), generation
    )


def still_valid(login: Login, password_hash: str | None, generation: int) -> bool:
    """False once the account's password changed or its sessions were ended."""
    return login.generation == generation and same_token(
        login.password, password_fingerprint(password_hash)
    )
