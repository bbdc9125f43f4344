"""Letters to vendors in the app database: recorded, answered or not, kept apart, counted.

On SQLite and PostgreSQL. The letters are the scenario's rows; what each should show and
the counts per family are worked out from those rows (tests/outreach/scenario.py), and the
hand-made figures below check that working once more.
"""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import Engine

from tests.appdb.engines import ENGINES
from tests.outreach.scenario import (
    LWTECH,
    NAMES,
    RELX,
    ROWS,
    STRANGER_ROW,
    TR,
    Row,
    expected_counts,
)
from vendorwatch.appdb import transaction
from vendorwatch.appdb.accounts import (
    AccessDenied,
    Role,
    add_account,
    local_member,
    organisation,
    user_by_email,
)
from vendorwatch.errors import VendorwatchError
from vendorwatch.outreach.follow import standing, summary, timeline
from vendorwatch.outreach.letters import NewLetter, Outreach
from vendorwatch.registry import Registry, shipped_registry

TODAY = date(2026, 12, 1)


@pytest.fixture(scope="module")
def registry() -> Registry:
    return shipped_registry()


def book(session: object, slug: str) -> Outreach:
    user, org = local_member(session, slug)  # type: ignore[arg-type]
    return Outreach(session, user, org)  # type: ignore[arg-type]


def write(outreach: Outreach, registry: Registry, row: Row) -> int:
    letter = outreach.record(
        NewLetter(
            institution=row.institution,
            family=row.family,
            recipient="Account representative",
            sent_on=row.sent(TODAY),
            channel="email",
            products=["Nexis Uni"] if row.family == RELX else ["Westlaw"],
            reply_days=row.days,
        ),
        registry,
        TODAY,
    )
    replied = row.replied(TODAY)
    if replied is not None and row.outcome is not None:
        outreach.reply(letter.id, replied, row.outcome, "by email")
    return letter.id


def test_the_expected_counts_follow_from_the_rows_by_hand() -> None:
    counts = expected_counts(ROWS)
    assert counts[RELX] == {"letters": 4, "wrote": 3, "answered": 1, "waiting": 1,
                            "overdue": 1, "no_answer": 0}  # fmt: skip
    assert counts[TR] == {"letters": 5, "wrote": 5, "answered": 1, "waiting": 2,
                          "overdue": 1, "no_answer": 1}  # fmt: skip
    assert counts["all"] == {"letters": 9, "wrote": 6, "answered": 2, "waiting": 2,
                             "overdue": 1, "no_answer": 1}  # fmt: skip


@ENGINES
def test_counts_per_family_match_the_rows_written(app_engine: Engine, registry: Registry) -> None:
    with transaction(app_engine) as session:
        ids = [write(book(session, "clinic"), registry, row) for row in ROWS]
        write(book(session, "other"), registry, STRANGER_ROW)
    with transaction(app_engine) as session:
        letters = book(session, "clinic").letters()
        assert [x.id for x in letters] == sorted(
            ids, key=lambda i: (ROWS[ids.index(i)].sent(TODAY), i)
        )
        by_id = {x.id: x for x in letters}
        for letter_id, row in zip(ids, ROWS, strict=True):
            assert standing(by_id[letter_id], TODAY).state == row.state(), row
        got = summary(letters, TODAY).as_dict()
        steps = [(e.letter_id, e.kind, e.on) for e in timeline(letters, TODAY)]
    want_steps = [
        (i, kind, on) for i, row in zip(ids, ROWS, strict=True) for kind, on in row.events(TODAY)
    ]
    assert sorted(steps, key=lambda s: (s[0], s[2])) == sorted(
        want_steps, key=lambda s: (s[0], s[2])
    )
    assert {kind for _, kind, _ in steps} == {"sent", "overdue", "replied", "no answer"}
    want = expected_counts(ROWS)
    families = {f["family"]: f for f in got["families"]}
    assert set(families) == {RELX, TR}  # the other organisation's letter is not counted
    for fid in (RELX, TR):
        assert families[fid]["family_name"] == NAMES[fid]
        assert {k: families[fid][k] for k in want[fid]} == want[fid]
    assert {k: got["total"][k] for k in want["all"]} == want["all"]


@ENGINES
def test_lwtech_no_reply_after_the_days_chosen_is_overdue(
    app_engine: Engine, registry: Registry
) -> None:
    sent = date(2022, 3, 1)
    with transaction(app_engine) as session:
        outreach = book(session, "clinic")
        new = NewLetter(LWTECH, "lexisnexis-risk-solutions", "Nexis Uni representative", sent,
                        products=["Nexis Uni"], reply_days=45)  # fmt: skip
        letter = outreach.record(new, registry, TODAY)
        assert letter.family_id == RELX  # a company of the family gives the family
        on_day_45 = standing(letter, sent + timedelta(days=45))
        assert on_day_45.state == "waiting" and on_day_45.due_on == date(2022, 4, 15)
        on_day_46 = standing(letter, sent + timedelta(days=46))
        assert on_day_46.state == "overdue"
        assert "overdue since 16 April 2022" in on_day_46.words
        events = timeline(outreach.letters(institution="lake washington institute of technology"),
                          date(2022, 6, 1))  # fmt: skip
        assert [(e.on, e.kind) for e in events] == [(sent, "sent"), (date(2022, 4, 16), "overdue")]
        assert events[0].text.startswith("Letter to Nexis Uni representative (RELX PLC)")
        counted = summary([letter], date(2022, 6, 1)).as_dict()["total"]
        assert (counted["wrote"], counted["overdue"], counted["answered"]) == (1, 1, 0)
        # The reply came at last: answered, and the timeline keeps that it was overdue first.
        outreach.reply(letter.id, date(2022, 7, 1), "asked why", "The rep asked why we cancel")
        events = timeline([letter], TODAY)
        assert [e.kind for e in events] == ["sent", "overdue", "replied"]
        assert events[-1].text == "Reply: asked why: The rep asked why we cancel"
        assert standing(letter, TODAY).state == "answered"


@ENGINES
def test_another_organisation_sees_no_such_letter(app_engine: Engine, registry: Registry) -> None:
    with transaction(app_engine) as session:
        mine = write(book(session, "clinic"), registry, ROWS[0])
    with transaction(app_engine) as session:
        other = book(session, "other")
        assert other.letters() == []
        with pytest.raises(VendorwatchError, match=f"no letter #{mine} in 'other'"):
            other.get(mine)
        with pytest.raises(VendorwatchError, match=f"no letter #{mine} in 'other'"):
            other.reply(mine, TODAY, "declined")
        with pytest.raises(VendorwatchError, match="no letter #999 in 'other'"):
            other.get(999)


@ENGINES
def test_viewers_read_but_cannot_record(app_engine: Engine, registry: Registry) -> None:
    with transaction(app_engine) as session:
        write(book(session, "clinic"), registry, ROWS[0])
        add_account(session, "vic@clinic.example", name="Vic", password="a long password",
                    org_slug="clinic", role=Role.VIEWER)  # fmt: skip
    with transaction(app_engine) as session:
        viewer = Outreach(session, user_by_email(session, "vic@clinic.example"),  # type: ignore[arg-type]
                          organisation(session, "clinic"))  # fmt: skip
        assert len(viewer.letters()) == 1
        with pytest.raises(AccessDenied):
            viewer.record(NewLetter("Uni", RELX, "rep", TODAY), registry, TODAY)
        with pytest.raises(AccessDenied):
            viewer.reply(viewer.letters()[0].id, TODAY, "declined")


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"family": "no-such-vendor"}, "vendor family 'no-such-vendor' is not in the registry"),
        ({"institution": "  "}, "the institution's name is needed"),
        ({"recipient": ""}, "to whom the letter was sent is needed"),
        ({"sent_on": TODAY + timedelta(days=1)}, "is in the future"),
        ({"reply_days": 0}, "days to wait for a reply: 0 is not between 1 and 366"),
        ({"channel": "pigeon"}, "channel 'pigeon': use one of email, post"),
    ],
)
def test_a_letter_that_cannot_be_recorded_says_why(
    change: dict[str, object], message: str, tmp_path: object, registry: Registry
) -> None:
    from vendorwatch.appdb import open_app_database

    engine = open_app_database(f"sqlite:///{tmp_path}/app.sqlite3")
    fields: dict[str, object] = {"institution": "Uni", "family": RELX, "recipient": "rep",
                                 "sent_on": TODAY} | change  # fmt: skip
    with pytest.raises(VendorwatchError, match=message), transaction(engine) as session:
        book(session, "clinic").record(NewLetter(**fields), registry, TODAY)  # type: ignore[arg-type]
    with transaction(engine) as session:
        assert book(session, "clinic").letters() == []
    engine.dispose()


def test_a_reply_that_cannot_be_recorded_says_why(tmp_path: object, registry: Registry) -> None:
    from vendorwatch.appdb import open_app_database

    engine = open_app_database(f"sqlite:///{tmp_path}/app.sqlite3")
    with transaction(engine) as session:
        letter_id = write(book(session, "clinic"), registry, Row("Uni", RELX, 10))
    bad_outcome = "outcome 'maybe': use one of agreed to review"
    with pytest.raises(VendorwatchError, match=bad_outcome), transaction(engine) as session:
        book(session, "clinic").reply(letter_id, TODAY, "maybe")
    too_early = "is before the letter was sent"
    with pytest.raises(VendorwatchError, match=too_early), transaction(engine) as session:
        book(session, "clinic").reply(letter_id, TODAY - timedelta(days=11), "declined")
    with transaction(engine) as session:
        letter = book(session, "clinic").get(letter_id)
        assert letter.replied_on is None and standing(letter, TODAY).state == "waiting"
    engine.dispose()
