"""``vendorwatch foia user …``: the accounts that log in to the FOIA tracker on the site."""

from __future__ import annotations

from typing import Annotated

import typer

from vendorwatch.cli.foia import foia_app
from vendorwatch.cli.options import AppDbOption, JsonOption, get_settings
from vendorwatch.cli.output import console, print_json
from vendorwatch.errors import VendorwatchError

user_app = typer.Typer(
    name="user", help="Accounts that log in to the FOIA tracker on the site.", no_args_is_help=True
)
foia_app.add_typer(user_app)


@user_app.command("add")
def user_add_command(
    email: Annotated[str, typer.Argument(help="The user's email (their login).")],
    org: Annotated[
        str, typer.Option("--org", help="The organisation's id (created if it does not exist).")
    ],
    role: Annotated[str, typer.Option("--role", help="viewer, editor or admin.")] = "editor",
    name: Annotated[str | None, typer.Option("--name", help="The user's name.")] = None,
    org_name: Annotated[
        str | None, typer.Option("--org-name", help="A new organisation's display name.")
    ] = None,
    password_stdin: Annotated[
        bool, typer.Option("--password-stdin", help="Read the password from standard input.")
    ] = False,
    reset_password: Annotated[
        bool,
        typer.Option(
            "--reset-password",
            help="Give an existing user a new password (their sessions everywhere end).",
        ),
    ] = False,
    app_db: AppDbOption = None,
) -> None:
    """Create a login (or add an existing one to an organisation) with a role.

    A new user's password is asked for twice without echo, or read from standard input. An
    existing user keeps their password and is not asked for one; only --reset-password
    replaces it.
    """
    import sys

    from vendorwatch.appdb import open_app_database, transaction
    from vendorwatch.appdb.accounts import Role, add_account, role_in, user_by_email

    try:
        wanted = Role(role)
    except ValueError:
        raise VendorwatchError(f"--role {role!r}: use viewer, editor or admin") from None
    engine = open_app_database(app_db or get_settings().app_database_url)
    try:
        with transaction(engine) as session:
            exists = user_by_email(session, email) is not None
        password: str | None = None
        if reset_password or not exists:
            if password_stdin:
                password = sys.stdin.readline().rstrip("\r\n")
            else:
                password = typer.prompt("Password", hide_input=True, confirmation_prompt=True)
        with transaction(engine) as session:
            user, organisation = add_account(
                session,
                email,
                name=name or email.split("@")[0],
                password=password or None,
                org_slug=org,
                role=wanted,
                org_name=org_name,
                reset_password=reset_password and exists,
            )
            actual = role_in(session, user, organisation) or wanted
            article = "a" if actual is Role.VIEWER else "an"
            done = f"{user.email} is now {article} {actual} of {organisation.slug!r}"
            if exists:
                done += (
                    "; password replaced, their sessions ended"
                    if reset_password
                    else "; password unchanged (--reset-password sets a new one)"
                )
    finally:
        engine.dispose()
    console.print(done, highlight=False)


@user_app.command("list")
def user_list_command(
    org: Annotated[str, typer.Option("--org", help="The organisation's id.")],
    app_db: AppDbOption = None,
    as_json: JsonOption = False,
) -> None:
    """The organisation's members and their roles (as the site's members page)."""
    from vendorwatch.appdb import open_app_database, transaction
    from vendorwatch.appdb.accounts import members_of, organisation

    engine = open_app_database(app_db or get_settings().app_database_url)
    try:
        with transaction(engine) as session:
            people = [
                {"email": u.email, "name": u.name, "role": str(r)}
                for u, r in members_of(session, organisation(session, org))
            ]
    finally:
        engine.dispose()
    if as_json:
        print_json(people)
        return
    for person in people:
        console.print(f"{person['role']:<7} {person['email']}  {person['name']}", highlight=False)
