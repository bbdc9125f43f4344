"""``vendorwatch letters record / reply / list / timeline / summary``: letters to vendors,
followed up; thin over `vendorwatch.outreach`.

Like ``vendorwatch foia``, the command line acts as the machine's own user, admin of the
local organisation named by ``--org``; it sees that organisation's letters only.
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager
from datetime import date
from pathlib import Path
from typing import Annotated, Any, TypeVar

import typer

from vendorwatch.cli.local import TodayOption, local_scope, number
from vendorwatch.cli.options import AppDbOption, JsonOption, optional_day
from vendorwatch.cli.output import console, print_json, show, titled_table
from vendorwatch.errors import VendorwatchError

# The library (SQLAlchemy, the registry) is imported inside the commands: ``--help`` stays fast.

T = TypeVar("T")

letters_app = typer.Typer(
    name="letters",
    help="Letters to vendors' representatives: recorded as sent, their replies, what is overdue.",
    no_args_is_help=True,
)

OrgOption = Annotated[str, typer.Option("--org", help="The organisation whose letters these are.")]


def _day(text: str | None, option: str) -> date:
    found = optional_day(text, option)
    return found if found is not None else date.today()


def _outreach(app_db: str | None, org: str) -> AbstractContextManager[Any]:
    """The local user's letters in ``org``, inside one transaction."""
    from vendorwatch.outreach.letters import Outreach

    return local_scope(app_db, org, Outreach)


def _as_of(
    today: str | None, app_db: str | None, org: str, read: Callable[[Any, date], T]
) -> tuple[date, T]:
    """The day ``--today`` names (today when not given), and what ``read`` takes from the
    organisation's letters as of that day."""
    day = _day(today, "--today")
    with _outreach(app_db, org) as outreach:
        return day, read(outreach, day)


def _letter_id(text: str) -> int:
    return number(text, "letter")


def _row(letter: Any, today: date) -> dict[str, Any]:
    from vendorwatch.outreach.follow import standing_json

    return standing_json(letter, today)


@letters_app.command("record")
def record_command(
    institution: Annotated[str, typer.Option("--institution", help="Who wrote: the library.")],
    family: Annotated[str, typer.Option("--family", help="The vendor family (registry id).")],
    to: Annotated[str, typer.Option("--to", help="To whom: the representative.")],
    sent: Annotated[str, typer.Option("--sent", help="The date it was sent (YYYY-MM-DD).")],
    channel: Annotated[
        str, typer.Option("--channel", help="email, post, web form, phone, in person or other.")
    ] = "email",
    product: Annotated[
        list[str] | None, typer.Option("--product", help="A product the letter is about.")
    ] = None,
    days: Annotated[
        int, typer.Option("--days", help="Days to wait for a reply before it is overdue.")
    ] = 30,
    letter: Annotated[
        Path | None, typer.Option("--letter", help="The letter's text file, to keep with it.")
    ] = None,
    app_db: AppDbOption = None,
    org: OrgOption = "local",
    as_json: JsonOption = False,
) -> None:
    """Record a letter to a vendor, such as one the audit drafted, as sent."""
    from vendorwatch.outreach.letters import NewLetter
    from vendorwatch.registry import shipped_registry

    text = None
    if letter is not None:
        if not letter.is_file():
            raise VendorwatchError(f"--letter: no file {letter}")
        text = letter.read_text(encoding="utf-8")
    new = NewLetter(
        institution=institution,
        family=family,
        recipient=to,
        sent_on=_day(sent, "--sent"),
        channel=channel,
        products=product or [],
        reply_days=days,
        text=text,
    )
    registry = shipped_registry()
    today = date.today()
    with _outreach(app_db, org) as outreach:
        row = _row(outreach.record(new, registry, today), today)
    if as_json:
        print_json(row)
    else:
        console.print(
            f"letter #{row['id']}: {row['institution']} to {row['family_name']}, {row['standing']}",
            highlight=False,
            soft_wrap=True,
        )


@letters_app.command("reply")
def reply_command(
    letter_id: Annotated[str, typer.Argument(help="The letter's number.")],
    on: Annotated[str, typer.Option("--on", help="The reply's date (YYYY-MM-DD).")],
    outcome: Annotated[
        str,
        typer.Option(
            "--outcome",
            help="agreed to review, agreed to stop, declined, asked why, other reply, no answer.",
        ),
    ],
    summary: Annotated[str | None, typer.Option("--summary", help="What the reply said.")] = None,
    app_db: AppDbOption = None,
    org: OrgOption = "local",
    as_json: JsonOption = False,
) -> None:
    """Record the reply to a letter (or, with --outcome 'no answer', that none came)."""
    today = date.today()
    with _outreach(app_db, org) as outreach:
        row = _row(outreach.reply(_letter_id(letter_id), _day(on, "--on"), outcome, summary), today)
    if as_json:
        print_json(row)
    else:
        console.print(f"letter #{row['id']}: {row['standing']}", highlight=False, soft_wrap=True)


@letters_app.command("list")
def list_command(
    institution: Annotated[
        str | None, typer.Option("--institution", help="Only this institution's letters.")
    ] = None,
    family: Annotated[
        str | None, typer.Option("--family", help="Only letters to this family (id).")
    ] = None,
    state: Annotated[
        str | None, typer.Option("--state", help="answered, waiting, overdue or no answer.")
    ] = None,
    today: TodayOption = None,
    app_db: AppDbOption = None,
    org: OrgOption = "local",
    as_json: JsonOption = False,
) -> None:
    """The organisation's letters and where each stands: answered, waiting or overdue."""
    from vendorwatch.outreach.follow import State

    if state is not None and state not in {s.value for s in State}:
        raise VendorwatchError(f"--state {state!r}: use one of {', '.join(s.value for s in State)}")
    day, rows = _as_of(
        today,
        app_db,
        org,
        lambda outreach, day: [
            _row(x, day) for x in outreach.letters(institution=institution, family=family)
        ],
    )
    rows = [r for r in rows if state is None or r["state"] == state]
    if as_json:
        print_json(rows)
        return
    if not rows:
        console.print("no letters", highlight=False)
        return
    table = titled_table(
        f"Letters to vendors as of {day.isoformat()}",
        ["#", "institution", "family", "to", "sent", "state", "standing"],
        right={"#"},
    )
    for r in rows:
        table.add_row(
            str(r["id"]), r["institution"], r["family_name"], r["recipient"], r["sent_on"],
            r["state"], r["standing"],
        )  # fmt: skip
    show(table)


@letters_app.command("timeline")
def timeline_command(
    institution: Annotated[
        str | None, typer.Option("--institution", help="Only this institution's letters.")
    ] = None,
    today: TodayOption = None,
    app_db: AppDbOption = None,
    org: OrgOption = "local",
    as_json: JsonOption = False,
) -> None:
    """The dated steps of the letters: sent, replied, overdue."""
    from vendorwatch.outreach.follow import timeline

    _, events = _as_of(
        today,
        app_db,
        org,
        lambda outreach, day: [
            e.as_dict() for e in timeline(outreach.letters(institution=institution), day)
        ],
    )
    if as_json:
        print_json(events)
        return
    for e in events:
        console.print(
            f"{e['on']}  {e['kind']:<9}  {e['institution']}: {e['text']}",
            highlight=False,
            soft_wrap=True,
        )
    if not events:
        console.print("no letters", highlight=False)


@letters_app.command("summary")
def summary_command(
    today: TodayOption = None,
    app_db: AppDbOption = None,
    org: OrgOption = "local",
    as_json: JsonOption = False,
) -> None:
    """How many institutions wrote to each vendor family, got an answer, wait, are overdue."""
    from vendorwatch.outreach.follow import summary

    day, counted = _as_of(
        today, app_db, org, lambda outreach, day: summary(outreach.letters(), day).as_dict()
    )
    if as_json:
        print_json(counted)
        return
    columns = ["family", "letters", "wrote", "answered", "waiting", "overdue", "no answer"]
    table = titled_table(
        f"Institutions that wrote, as of {day.isoformat()}", columns, right=set(columns[1:])
    )
    for f in [*counted["families"], counted["total"]]:
        table.add_row(
            f["family_name"], str(f["letters"]), str(f["wrote"]), str(f["answered"]),
            str(f["waiting"]), str(f["overdue"]), str(f["no_answer"]),
        )  # fmt: skip
    show(table)
