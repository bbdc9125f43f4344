"""Organisations, their members and roles; passwords hashed with Argon2.

Everything users create belongs to an organisation, and every query for it goes through a
membership (see `require_role`), so one organisation can never read another's rows. Web
sessions and CSRF tokens belong to the web layer and are not here.
"""

from __future__ import annotations

import enum
import re
from datetime import datetime

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import DateTime, ForeignKey, Integer, String, UniqueConstraint, select, update
from sqlalchemy.orm import Mapped, Session, mapped_column, relationship

from vendorwatch.appdb.base import Base, Timestamped
from vendorwatch.errors import VendorwatchError

_hasher = PasswordHasher()


class Role(enum.StrEnum):
    VIEWER = "viewer"  # reads the organisation's requests
    EDITOR = "editor"  # also creates and records
    ADMIN = "admin"  # also manages members

    def allows(self, needed: Role) -> bool:
        order = [Role.VIEWER, Role.EDITOR, Role.ADMIN]
        return order.index(self) >= order.index(needed)


class Organisation(Timestamped, Base):
    __tablename__ = "organisations"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(200))

    memberships: Mapped[list[Membership]] = relationship(back_populates="organisation")


class User(Timestamped, Base):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(320), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    # None: the account cannot log in (the local CLI user, or an invitation not yet taken up).
    password_hash: Mapped[str | None] = mapped_column(String(255))
    # Every web session carries the generation it began in; bumping it (logout, a new
    # password, an admin's "sign out everywhere") ends all of them at once, server-side.
    session_generation: Mapped[int] = mapped_column(Integer, default=0, server_default="0")

    memberships: Mapped[list[Membership]] = relationship(back_populates="user")


class Membership(Timestamped, Base):
    __tablename__ = "memberships"
    __table_args__ = (UniqueConstraint("organisation_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    role: Mapped[str] = mapped_column(String(16))

    organisation: Mapped[Organisation] = relationship(back_populates="memberships")
    user: Mapped[User] = relationship(back_populates="memberships")


class LoginLockout(Timestamped, Base):
    """Sign-ins to an account were refused for a while after too many wrong passwords.

    Kept so the account's organisation admins see it on their members page; no client
    address is stored (the throttle itself only ever sees a keyed hash of it).
    """

    __tablename__ = "login_lockouts"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    failures: Mapped[int] = mapped_column(Integer)
    locked_until: Mapped[datetime] = mapped_column(DateTime(timezone=True))

    user: Mapped[User] = relationship()


class AccessDenied(VendorwatchError):
    """The user is not a member of the organisation, or their role does not allow this."""


def hash_password(password: str) -> str:
    if len(password) < 8:
        raise VendorwatchError("a password needs at least 8 characters")
    return _hasher.hash(password)


def verify_password(user: User, password: str) -> bool:
    """True if ``password`` is the user's; upgrades the stored hash if its parameters aged."""
    if user.password_hash is None:
        return False
    try:
        _hasher.verify(user.password_hash, password)
    except (VerificationError, InvalidHashError):
        return False
    if _hasher.check_needs_rehash(user.password_hash):
        user.password_hash = _hasher.hash(password)
    return True


_SLUG = re.compile(r"^[a-z0-9][a-z0-9-]{0,63}$")


def create_organisation(session: Session, slug: str, name: str) -> Organisation:
    if not _SLUG.match(slug):
        raise VendorwatchError(
            f"organisation id {slug!r}: use lower-case letters, digits and '-' (up to 64)"
        )
    if session.scalar(select(Organisation).where(Organisation.slug == slug)) is not None:
        raise VendorwatchError(f"an organisation {slug!r} already exists")
    org = Organisation(slug=slug, name=name)
    session.add(org)
    session.flush()
    return org


def create_user(session: Session, email: str, name: str, password: str | None = None) -> User:
    email = email.strip().lower()
    if "@" not in email and email != "local":
        raise VendorwatchError(f"{email!r} is not an email address")
    if session.scalar(select(User).where(User.email == email)) is not None:
        raise VendorwatchError(f"a user {email!r} already exists")
    user = User(
        email=email,
        name=name,
        password_hash=hash_password(password) if password is not None else None,
    )
    session.add(user)
    session.flush()
    return user


def add_member(session: Session, org: Organisation, user: User, role: Role) -> Membership:
    membership = Membership(organisation_id=org.id, user_id=user.id, role=str(role))
    session.add(membership)
    session.flush()
    return membership


def authenticate(session: Session, email: str, password: str) -> User | None:
    user = session.scalar(select(User).where(User.email == email.strip().lower()))
    if user is None:
        _hasher.hash(password)  # same work either way: no timing hint that the email exists
        return None
    return user if verify_password(user, password) else None


def role_in(session: Session, user: User, org: Organisation) -> Role | None:
    role = session.scalar(
        select(Membership.role).where(
            Membership.organisation_id == org.id, Membership.user_id == user.id
        )
    )
    return Role(role) if role is not None else None


def require_role(session: Session, user: User, org: Organisation, needed: Role) -> Role:
    """The user's role in ``org`` if it allows ``needed``; otherwise `AccessDenied`."""
    role = role_in(session, user, org)
    if role is None:
        raise AccessDenied(f"{user.email} is not a member of {org.slug!r}")
    if not role.allows(needed):
        raise AccessDenied(f"{user.email} is a {role} of {org.slug!r}; this needs {needed}")
    return role


def organisation(session: Session, slug: str) -> Organisation:
    org = session.scalar(select(Organisation).where(Organisation.slug == slug))
    if org is None:
        raise VendorwatchError(f"no organisation {slug!r}")
    return org


LOCAL_EMAIL = "local"


def local_member(session: Session, slug: str = "local") -> tuple[User, Organisation]:
    """The command line's own user: admin of a local organisation, created on first use.

    The CLI runs on the user's machine with their file permissions, so it needs no login; the
    account has no password and cannot log in to the web site.
    """
    user = session.scalar(select(User).where(User.email == LOCAL_EMAIL))
    if user is None:
        user = create_user(session, LOCAL_EMAIL, "Local user")
    org = session.scalar(select(Organisation).where(Organisation.slug == slug))
    if org is None:
        org = create_organisation(session, slug, "Local" if slug == "local" else slug)
    if role_in(session, user, org) is None:
        add_member(session, org, user, Role.ADMIN)
    return user, org


def user_by_id(session: Session, user_id: int) -> User | None:
    return session.get(User, user_id)


def memberships_of(session: Session, user: User) -> list[tuple[Organisation, Role]]:
    """The organisations ``user`` belongs to, with their role in each, oldest first."""
    rows = session.execute(
        select(Organisation, Membership.role)
        .join(Membership, Membership.organisation_id == Organisation.id)
        .where(Membership.user_id == user.id)
        .order_by(Organisation.id)
    )
    return [(org, Role(role)) for org, role in rows]


def members_of(session: Session, org: Organisation) -> list[tuple[User, Role]]:
    """The organisation's members with their roles, admins first, then by email."""
    rows = session.execute(
        select(User, Membership.role)
        .join(Membership, Membership.user_id == User.id)
        .where(Membership.organisation_id == org.id)
        .order_by(User.email)
    )
    members = [(user, Role(role)) for user, role in rows]
    order = list(Role)[::-1]  # highest role first
    return sorted(members, key=lambda m: (order.index(m[1]), m[0].email))


def user_by_email(session: Session, email: str) -> User | None:
    return session.scalar(select(User).where(User.email == email.strip().lower()))


def end_sessions(session: Session, user: User) -> int:
    """End every web session of ``user`` (on any device); returns the new generation.

    One UPDATE that adds 1 in the database, so two at once never hand out the same number.
    """
    session.execute(
        update(User)
        .where(User.id == user.id)
        .values(session_generation=User.session_generation + 1)
    )
    session.refresh(user, ["session_generation"])
    return user.session_generation


def set_password(session: Session, user: User, password: str) -> None:
    """A new password for ``user``; their sessions everywhere end with the old one."""
    user.password_hash = hash_password(password)
    session.flush()
    end_sessions(session, user)


def add_account(
    session: Session,
    email: str,
    *,
    name: str,
    password: str | None,
    org_slug: str,
    role: Role,
    org_name: str | None = None,
    reset_password: bool = False,
) -> tuple[User, Organisation]:
    """A user who can log in, made a member of ``org_slug`` (created if new) with ``role``.

    An existing user (by email) is added to the organisation and keeps their password: only
    ``reset_password`` (with ``password``) replaces it, which also ends their sessions. Adding
    someone who is already a member is a user error, not a role change (unless it is only a
    password reset).
    """
    user = user_by_email(session, email)
    if user is None:
        if password is None:
            raise VendorwatchError(f"a new user {email!r} needs a password")
        user = create_user(session, email, name, password)
    elif reset_password:
        if password is None:
            raise VendorwatchError(f"resetting {user.email}'s password needs the new password")
        set_password(session, user, password)
    org = session.scalar(select(Organisation).where(Organisation.slug == org_slug))
    if org is None:
        org = create_organisation(session, org_slug, org_name or org_slug)
    existing = role_in(session, user, org)
    if existing is not None:
        if reset_password:
            return user, org
        raise VendorwatchError(f"{user.email} is already a {existing} of {org.slug!r}")
    add_member(session, org, user, role)
    return user, org


def record_lockout(session: Session, email: str, failures: int, until: datetime) -> bool:
    """Note that sign-ins to ``email`` are refused until ``until``; False if no such user."""
    user = user_by_email(session, email)
    if user is None:
        return False
    session.add(LoginLockout(user_id=user.id, failures=failures, locked_until=until))
    session.flush()
    return True


def lockouts_in(session: Session, org: Organisation, limit: int = 20) -> list[LoginLockout]:
    """Recent lockouts of the organisation's members, newest first (for its admins)."""
    rows = session.scalars(
        select(LoginLockout)
        .join(Membership, Membership.user_id == LoginLockout.user_id)
        .where(Membership.organisation_id == org.id)
        .order_by(LoginLockout.created_at.desc(), LoginLockout.id.desc())
        .limit(limit)
    )
    return list(rows)


def sign_out_everywhere(session: Session, admin: User, org: Organisation, user_id: int) -> User:
    """An admin of ``org`` ends every session of one of its members (a lost laptop, a
    leaked cookie). Someone outside ``org`` reads as missing, not as forbidden."""
    require_role(session, admin, org, Role.ADMIN)
    target = session.get(User, user_id)
    if target is None or role_in(session, target, org) is None:
        raise VendorwatchError(f"no member #{user_id} in {org.slug!r}")
    end_sessions(session, target)
    return target


def change_password(session: Session, user: User, current: str, new: str, again: str) -> None:
    """The user's own password change: the current one first; every session then ends."""
    if not verify_password(user, current):
        raise AccessDenied("current password: that is not your password")
    if new != again:
        raise VendorwatchError("new password: the two entries differ")
    if new == current:
        raise VendorwatchError("new password: choose one that differs from the current one")
    set_password(session, user, new)
