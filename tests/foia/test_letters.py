"""Letters composed from the real award records in the sample warehouse."""

from __future__ import annotations

import zipfile
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from vendorwatch.analysis import connect
from vendorwatch.errors import VendorwatchError
from vendorwatch.foia.clock import AppealRule, Event, EventKind, schedule
from vendorwatch.foia.directory import find_office
from vendorwatch.foia.letters import (
    AppealGround,
    FeeCategory,
    RecordType,
    Requester,
    RequestRecord,
    RequestSpec,
    awards_by_id,
    awards_of_recipient,
    compose_appeal,
    compose_followup,
    compose_request,
    parent_piid,
    write_letter,
)

LEXIS = "70CMSD21C00000001"  # LexisNexis Risk Solutions, ICE, definitive contract
PALANTIR_KEY = "CONT_AWD_70CTD022FR0000170_7012_GS35F0086U_4730"  # an order under a GSA schedule
ON = date(2026, 11, 23)
ANA = Requester("Ana Example", "Example Law Clinic", email="ana@example.org")


@pytest.fixture
def con(sample_warehouse: Path) -> Iterator[Any]:
    c = connect(sample_warehouse)
    yield c
    c.disconnect()


def _spec(con: Any, **kw: Any) -> RequestSpec:
    base: dict[str, Any] = {
        "office": find_office("ice"),
        "requester": ANA,
        "awards": awards_by_id(con, [LEXIS, PALANTIR_KEY]),
        "on": ON,
    }
    return RequestSpec(**{**base, **kw})


def test_request_reasonably_describes_the_records(con: Any) -> None:
    text = compose_request(_spec(con)).text
    assert "Re: Freedom of Information Act Request" in text
    assert "Award (PIID) 70CMSD21C00000001" in text
    assert "CONT_AWD_70CMSD21C00000001_7012_-NONE-_-NONE-" in text
    assert "70CTD022FR0000170, an order under GS35F0086U" in text
    assert "LEXISNEXIS RISK SOLUTIONS INC" in text
    assert "PALANTIR TECHNOLOGIES INC." in text and "INC.." not in text
    for words in (
        "every modification",
        "performance work statements",
        "justification and approval (J&A)",
        "deliverables",
        "audit logs",
        "communications",
    ):
        assert words in text
    assert "500 12th Street SW, Stop 5009" in text
    assert "ice-foia@ice.dhs.gov" in text
    assert "within 20 working days of receipt, as 5 U.S.C. 552(a)(6)(A)(i)" in text
    assert "Fee waiver" in text and "6 CFR 5.11(k)" in text
    assert "USAspending reports $" in text
    assert "certify" not in text  # no expedite asked for
    assert text.rstrip().endswith("ana@example.org")


def test_fee_categories_and_expedite_certification(con: Any) -> None:
    media = compose_request(
        _spec(
            con,
            requester=Requester("R. Porter", fee_category=FeeCategory.NEWS_MEDIA),
            fee_waiver=False,
            expedite=True,
            expedite_reason="urgency to inform the public about the agency's data purchases",
        )
    )
    assert "representative of the news media" in media.text
    assert "Fee waiver" not in media.text
    assert "Expedited Processing Requested" in media.subject
    assert "within 10 calendar days" in media.text
    assert "I certify that the statements above are true and correct" in media.text
    commercial = compose_request(
        _spec(con, requester=Requester("Co", fee_category=FeeCategory.COMMERCIAL))
    )
    assert "commercial-use requester" in commercial.text


def test_expedite_without_reason_is_refused(con: Any) -> None:
    with pytest.raises(VendorwatchError, match="expedited processing needs a reason"):
        compose_request(_spec(con, expedite=True))


def test_record_types_can_be_chosen(con: Any) -> None:
    text = compose_request(_spec(con, record_types=[RecordType.JA])).text
    assert "justification and approval" in text
    assert "audit logs" not in text


def test_unknown_award_is_a_user_error(con: Any) -> None:
    with pytest.raises(VendorwatchError, match="no award with PIID or award id 'NOPE123'"):
        awards_by_id(con, ["NOPE123"])


def test_request_by_recipient_and_dates(con: Any) -> None:
    found = awards_of_recipient(
        con, "palantir technologies inc.", date(2022, 1, 1), date(2022, 12, 31)
    )
    piids = {a.piid for a in found}
    assert "70CTD022FR0000170" in piids
    assert all(a.recipient == "PALANTIR TECHNOLOGIES INC." for a in found)
    spec = _spec(con, awards=found, start=date(2022, 1, 1), end=date(2022, 12, 31))
    assert "for the period 1 January 2022 to 31 December 2022" in compose_request(spec).text
    with pytest.raises(VendorwatchError, match="no award to recipient 'PALANTIR'"):
        awards_of_recipient(con, "PALANTIR", date(2022, 1, 1), date(2022, 12, 31))


def test_vendor_only_request_without_warehouse() -> None:
    spec = RequestSpec(office=find_office("cbp"), requester=ANA, vendors=["Venntel, Inc."], on=ON)
    text = compose_request(spec).text
    assert "dealings with Venntel, Inc." in text
    assert "CBP FOIA Division" in text


def test_parent_piid_from_generated_id() -> None:
    assert parent_piid(PALANTIR_KEY) == "GS35F0086U"
    assert parent_piid("CONT_AWD_70CMSD21C00000001_7012_-NONE-_-NONE-") is None


def _record(**kw: Any) -> RequestRecord:
    events = [Event(date(2026, 6, 15), EventKind.DETERMINATION)]
    base: dict[str, Any] = {
        "office": find_office("ice"),
        "requester": ANA,
        "subject": "LexisNexis contract 70CMSD21C00000001",
        "sent_on": date(2026, 5, 1),
        "tracking_numbers": ["2026-ICFO-01234", "2026-ICLI-00077"],
        "piids": [LEXIS],
        "schedule": schedule(date(2026, 5, 4), events, today=date(2026, 7, 1)),
        "determination_on": date(2026, 6, 15),
    }
    return RequestRecord(**{**base, **kw})


def test_followup_cites_numbers_due_date_and_estimate() -> None:
    plain = compose_followup(_record(), on=date(2026, 7, 1)).text
    assert "2026-ICFO-01234, 2026-ICLI-00077" in plain
    assert "a determination was due by" in plain
    assert "received Mon 4 May 2026" in plain
    assert "5 U.S.C. 552(a)(7)(B)" in plain
    passed = compose_followup(_record(estimate=date(2026, 6, 1)), on=date(2026, 7, 1)).text
    assert "That date has passed" in passed
    future = compose_followup(_record(estimate=date(2026, 8, 1)), on=date(2026, 7, 1)).text
    assert "still holds" in future


def test_appeal_is_marked_addressed_and_timely() -> None:
    rec = _record(
        schedule=schedule(
            date(2026, 5, 4),
            [Event(date(2026, 6, 15), EventKind.DETERMINATION)],
            today=date(2026, 7, 1),
            appeal=AppealRule(90, "working-days", "6 CFR 5.8(a)(1)"),
        )
    )
    text = compose_appeal(
        rec,
        [AppealGround.SEARCH, AppealGround.EXEMPTIONS],
        "The search omitted the contracting office's files.",
        on=date(2026, 7, 1),
    ).text
    assert "FREEDOM OF INFORMATION ACT APPEAL" in text
    assert "ICE Appeals Officer" in text
    assert "request number 2026-ICFO-01234" in text
    assert "the adequacy of the search" in text
    assert "6 CFR 5.8(a)(1) allows 90 working days" in text
    assert "20 working days, as 5 U.S.C. 552(a)(6)(A)(ii)" in text
    with pytest.raises(VendorwatchError, match="at least one ground"):
        compose_appeal(rec, [], "x")


def test_outputs_by_suffix(con: Any, tmp_path: Path) -> None:
    letter = compose_request(_spec(con))
    txt, docx, pdf = tmp_path / "a.txt", tmp_path / "a.docx", tmp_path / "a.pdf"
    for path in (txt, docx, pdf):
        write_letter(letter, path)
    assert txt.read_text() == letter.text
    with zipfile.ZipFile(docx) as z:
        body = z.read("word/document.xml").decode()
    assert "70CMSD21C00000001" in body and "PALANTIR TECHNOLOGIES INC." in body
    assert pdf.read_bytes().startswith(b"%PDF-")
    with pytest.raises(VendorwatchError, match=r"use \.txt, \.docx, \.pdf"):
        write_letter(letter, tmp_path / "a.odt")
