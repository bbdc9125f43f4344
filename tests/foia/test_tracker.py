"""The tracker on SQLite and PostgreSQL: statuses and clock from events, scoping by organisation."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from tests.appdb.engines import ENGINES
from vendorwatch.appdb import transaction
from vendorwatch.appdb.accounts import (
    AccessDenied,
    Organisation,
    Role,
    User,
    add_member,
    create_organisation,
    create_user,
)
from vendorwatch.errors import VendorwatchError
from vendorwatch.foia.ical import calendar_ics
from vendorwatch.foia.letters import AppealGround as G
from vendorwatch.foia.letters import AwardRef, Requester, compose_appeal, compose_followup
from vendorwatch.foia.models import FoiaRequest, RequestEvent, Status
from vendorwatch.foia.tracker import Tracker, derive_status, request_summary

AWARD = AwardRef(
    piid="70CMSD21C00000001",
    award_key="CONT_AWD_70CMSD21C00000001_7012_-NONE-_-NONE-",
    recipient="LEXISNEXIS RISK SOLUTIONS INC",
    sub_agency="U.S. Immigration and Customs Enforcement",
    first_action=date(2021, 2, 25),
    last_action=date(2026, 6, 22),
    obligated=None,
    competed="competed",
)
ANA = Requester("Ana Example", "Example Law Clinic", email="ana@example.org")


def _setup(engine: Engine) -> dict[str, int]:
    """Two organisations; in the first an editor and a viewer, in the second an admin."""
    with transaction(engine) as s:
        clinic = create_organisation(s, "clinic", "A Law Clinic")
        paper = create_organisation(s, "paper", "A Newspaper")
        ed = create_user(s, "ed@clinic.org", "Ed", password="password-ed")
        vi = create_user(s, "vi@clinic.org", "Vi", password="password-vi")
        ad = create_user(s, "ad@paper.org", "Ad", password="password-ad")
        add_member(s, clinic, ed, Role.EDITOR)
        add_member(s, clinic, vi, Role.VIEWER)
        add_member(s, paper, ad, Role.ADMIN)
        return {"clinic": clinic.id, "paper": paper.id, "ed": ed.id, "vi": vi.id, "ad": ad.id}


def _tracker(s: Session, ids: dict[str, int], user: str, org: str) -> Tracker:
    u, o = s.get(User, ids[user]), s.get(Organisation, ids[org])
    assert u is not None and o is not None
    return Tracker(s, u, o)


@ENGINES
def test_request_lifecycle_status_clock_and_letters(app_engine: Engine) -> None:
    ids = _setup(app_engine)
    with transaction(app_engine) as s:
        t = _tracker(s, ids, "ed", "clinic")
        req = t.create("LexisNexis contract", "ice", ANA, awards=[AWARD], letter_text="Dear…")
        rid = req.id
        assert req.status == Status.DRAFT
        assert t.schedule(req) is None  # not sent: no clock
    with transaction(app_engine) as s:
        t = _tracker(s, ids, "ed", "clinic")
        t.add_event(rid, "submitted", date(2026, 6, 12))
        t.add_event(rid, "received", date(2026, 6, 15))
        t.add_event(rid, "acknowledged", date(2026, 6, 16), tracking_number="2026-ICFO-01234")
        t.add_tracking_number(rid, "2026-ICLI-00077", issued_by="ICE Office of the Principal")
        t.add_event(rid, "info-requested", date(2026, 6, 18), summary="Which contract office?")
        assert t.get(rid).status == Status.CLARIFICATION_NEEDED
        sched = t.schedule(t.get(rid), today=date(2026, 6, 20))
        assert sched is not None
        det = sched.get("determination")
        assert det is not None and det.status == "paused"
        t.add_event(rid, "info-answered", date(2026, 6, 25))
        req = t.get(rid)
        assert req.status == Status.AWAITING_RESPONSE
        assert [n.number for n in req.tracking_numbers] == ["2026-ICFO-01234", "2026-ICLI-00077"]
        sched = t.schedule(req, today=date(2026, 7, 1))
        det = sched.get("determination") if sched else None
        assert det is not None and det.due == date(2026, 7, 21)
        assert det.text.startswith("received Mon 15 Jun 2026")
        t.add_event(
            rid,
            "records-released",
            date(2026, 7, 10),
            award=AWARD.piid,
            pages=40,
            summary="Contract and mods 1-3",
        )
        assert t.get(rid).status == Status.PARTIAL_RELEASE
        t.add_event(rid, "denied", date(2026, 7, 30), summary="Rest withheld under (b)(4)")
        req = t.get(rid)
        assert req.status == Status.DENIED
        sched = t.schedule(req, today=date(2026, 8, 3))
        window = sched.get("appeal-window") if sched else None
        assert window is not None and window.due == date(2026, 12, 9)  # DHS: 90 working days
        record = t.record(req, today=date(2026, 8, 3))
        assert record.sent_on == date(2026, 6, 12)
        assert record.determination_on == date(2026, 7, 30)
        appeal = compose_appeal(record, [G.EXEMPTIONS], "Exemption 4 does not cover prices.")
        assert "2026-ICFO-01234" in appeal.text and "Wed 9 Dec 2026" in appeal.text
        assert "70CMSD21C00000001" in compose_followup(record).text
        summary = request_summary(t, req, date(2026, 8, 3))
        released = [e for e in summary["events"] if e["kind"] == "records-released"]
        assert released[0]["award_key"] == AWARD.award_key and released[0]["pages"] == 40


@ENGINES
def test_one_organisation_cannot_read_anothers_requests(app_engine: Engine) -> None:
    ids = _setup(app_engine)
    with transaction(app_engine) as s:
        rid = _tracker(s, ids, "ed", "clinic").create("Clinic's request", "cbp", ANA).id
    with transaction(app_engine) as s:
        paper = _tracker(s, ids, "ad", "paper")
        assert paper.requests() == []
        assert paper.upcoming(date(2026, 1, 1)) == []
        with pytest.raises(VendorwatchError, match=f"no FOIA request #{rid} in 'paper'"):
            paper.get(rid)
        with pytest.raises(VendorwatchError, match=f"no FOIA request #{rid}"):
            paper.add_event(rid, "note", date(2026, 1, 1))
        with pytest.raises(VendorwatchError, match=f"no FOIA request #{rid}"):
            paper.remind(rid, date(2026, 1, 1), "peek")
        # A member of one organisation cannot open a tracker on the other.
        with pytest.raises(AccessDenied, match="not a member of 'clinic'"):
            _tracker(s, ids, "ad", "clinic")
    with transaction(app_engine) as s:
        # Nothing the other organisation tried was written.
        assert s.scalar(select(func.count()).select_from(FoiaRequest)) == 1
        assert len(_tracker(s, ids, "vi", "clinic").requests()) == 1


@ENGINES
def test_viewers_read_but_do_not_write(app_engine: Engine) -> None:
    ids = _setup(app_engine)
    with transaction(app_engine) as s:
        rid = _tracker(s, ids, "ed", "clinic").create("R", "ice", ANA).id
    with transaction(app_engine) as s:
        viewer = _tracker(s, ids, "vi", "clinic")
        assert viewer.get(rid).title == "R"
        with pytest.raises(AccessDenied, match="viewer"):
            viewer.add_event(rid, "submitted", date(2026, 6, 1))
        with pytest.raises(AccessDenied):
            viewer.create("Another", "ice", ANA)


@ENGINES
def test_bad_events_are_refused_and_leave_no_row(app_engine: Engine) -> None:
    ids = _setup(app_engine)
    with transaction(app_engine) as s:
        t = _tracker(s, ids, "ed", "clinic")
        rid = t.create("R", "ice", ANA, awards=[AWARD]).id
        t.add_event(rid, "received", date(2026, 6, 15))
    for kind, on, kw, message in [
        ("lost-in-post", date(2026, 6, 20), {}, "unknown event kind"),
        ("denied", date(2026, 6, 1), {}, "before the request was received"),
        ("note", date(2026, 6, 20), {"award": "NOTMINE"}, "is not one request"),
        ("estimate", date(2026, 6, 20), {}, "needs the estimated date"),
        ("note", date(2026, 6, 20), {"days": 5}, "only to an extension"),
    ]:
        with pytest.raises(VendorwatchError, match=message), transaction(app_engine) as s:
            _tracker(s, ids, "ed", "clinic").add_event(rid, kind, on, **kw)
    with transaction(app_engine) as s:
        req = _tracker(s, ids, "ed", "clinic").get(rid)
        assert [e.kind for e in req.events] == ["received"]


@ENGINES
def test_reminders_and_calendar(app_engine: Engine) -> None:
    ids = _setup(app_engine)
    with transaction(app_engine) as s:
        t = _tracker(s, ids, "ed", "clinic")
        rid = t.create("Palantir ICM", "ice", ANA).id
        t.add_event(rid, "received", date(2026, 6, 15))
        t.add_event(rid, "expedite-requested", date(2026, 6, 15))
        t.remind(rid, date(2026, 7, 1), "Call the FOIA public liaison")
        t.remind(rid, date(2026, 6, 1), "in the past: not upcoming")
        items = t.upcoming(date(2026, 6, 16))
    assert [(u.on, u.what) for u in items] == [
        (date(2026, 6, 25), "Decision on expedited processing"),
        (date(2026, 7, 1), "Reminder"),
        (date(2026, 7, 15), "Agency's determination"),
    ]
    ics = calendar_ics(items).decode()
    assert ics.count("BEGIN:VEVENT") == 3
    assert "DTSTART;VALUE=DATE:20260715" in ics
    assert f"UID:foia-clinic-{rid}-determination@vendorwatch" in ics
    assert "Call the FOIA public liaison" in ics


def test_status_follows_the_latest_dated_event() -> None:
    events = [
        RequestEvent(id=1, happened_on=date(2026, 7, 1), kind="fee-requested"),
        RequestEvent(id=2, happened_on=date(2026, 6, 1), kind="submitted"),  # recorded late
        RequestEvent(id=3, happened_on=date(2026, 7, 2), kind="note"),
    ]
    assert derive_status(events) == Status.FEE_PENDING
    assert derive_status([]) == Status.DRAFT
