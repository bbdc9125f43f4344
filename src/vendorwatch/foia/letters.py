"""FOIA letters composed from the contract records: request, follow-up and appeal.

A request that names the PIID, the generated award id, the vendor's legal name and the dates
"reasonably describes" the records (5 U.S.C. 552(a)(3)(A)) far better than a topic does, and
leaves the agency little room to call the search too broad. The wording lives in Jinja2
templates beside this module (``templates/``); this module gathers the facts, renders the text
once and turns the same text into DOCX or PDF so that the three never disagree.
"""

from __future__ import annotations

import enum
import importlib
import io
import re
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any, Literal

import jinja2

from vendorwatch.analysis import AwardHistory, award_history, engine
from vendorwatch.analysis.base import transactions
from vendorwatch.analysis.coverage import coverage
from vendorwatch.errors import VendorwatchError
from vendorwatch.foia.clock import Schedule, day_text
from vendorwatch.foia.directory import Office
from vendorwatch.foia.period import award_start
from vendorwatch.formatting import day as long_day


class FeeCategory(enum.StrEnum):
    """The requester categories of 5 U.S.C. 552(a)(4)(A)(ii)."""

    COMMERCIAL = "commercial"
    EDUCATIONAL = "educational"
    SCIENTIFIC = "scientific"
    NEWS_MEDIA = "news-media"
    OTHER = "other"


class RecordType(enum.StrEnum):
    CONTRACT = "contract"
    SOW = "sow"
    JA = "ja"
    DELIVERABLES = "deliverables"
    USAGE_LOGS = "usage-logs"
    COMMUNICATIONS = "communications"


RECORD_TYPE_TEXT = {
    RecordType.CONTRACT: (
        "the contract, order or agreement itself and every modification, with its attachments, "
        "price schedules and documents incorporated by reference"
    ),
    RecordType.SOW: (
        "statements of work, performance work statements and statements of objectives, "
        "including drafts exchanged with the vendor"
    ),
    RecordType.JA: (
        "any justification and approval (J&A), limited-source justification or other "
        "determination supporting other than full and open competition, with market research "
        "relied on"
    ),
    RecordType.DELIVERABLES: (
        "deliverables, reports and invoices the vendor submitted under the award"
    ),
    RecordType.USAGE_LOGS: (
        "records of the agency's use of the vendor's product or service: usage reports, query "
        "and audit logs, and lists of user accounts"
    ),
    RecordType.COMMUNICATIONS: (
        "communications (including email and messages) between agency personnel and the "
        "vendor about the award or the product or service it buys"
    ),
}


@dataclass(frozen=True)
class Requester:
    """Who asks; the fee category decides which fees may be charged."""

    name: str
    organisation: str | None = None
    email: str | None = None
    phone: str | None = None
    address: str | None = None
    fee_category: FeeCategory = FeeCategory.OTHER
    fee_limit: Decimal = Decimal(25)


@dataclass(frozen=True)
class AwardRef:
    """What a letter says about one award, taken from the warehouse."""

    piid: str
    award_key: str
    recipient: str | None
    sub_agency: str | None
    first_action: date | None
    last_action: date | None
    obligated: Decimal | None
    competed: str
    parent_piid: str | None = None
    start: date | None = None  # when the award's life began (vendorwatch.foia.period)
    start_source: str | None = None  # where that date came from, in words for the letter
    partial: bool = False  # its loaded actions come from a source that holds only some rows

    @classmethod
    def from_history(cls, h: AwardHistory) -> AwardRef:
        first = h.transactions[0].action_date if h.transactions else None
        last = h.transactions[-1].action_date if h.transactions else None
        obligated = h.obligated
        if obligated is None and h.summary and h.summary.get("total_obligated_amount"):
            obligated = Decimal(str(h.summary["total_obligated_amount"]))
        if first is None and h.summary:
            first = h.summary.get("award_base_action_date")
            last = h.summary.get("award_latest_action_date")
        began = award_start(h)
        return cls(
            piid=h.piid,
            award_key=h.award_key,
            recipient=h.recipient,
            sub_agency=h.sub_agency,
            first_action=first,
            last_action=last,
            obligated=obligated,
            competed=str(h.competition.status),
            parent_piid=parent_piid(h.award_key),
            start=began.on if began else None,
            start_source=began.source if began else None,
        )


def parent_piid(award_key: str) -> str | None:
    """The IDV an order was placed under, read from USAspending's generated award id.

    ``CONT_AWD_{piid}_{agency}_{parent piid}_{parent agency}``; ``-NONE-`` for a definitive
    contract.
    """
    parts = award_key.split("_")
    if len(parts) == 6 and parts[:2] == ["CONT", "AWD"] and parts[4] != "-NONE-":
        return parts[4]
    return None


def awards_by_id(con: Any, ids: Sequence[str]) -> list[AwardRef]:
    """Each PIID or generated award id from the warehouse; an unknown id is a user error."""
    today = date.today()
    histories = [award_history(con, i, as_of=today) for i in ids]
    partial = {  # files of sources that hold only some rows (vendorwatch.analysis.coverage)
        item.file_name for s in coverage(con).sources if not s.complete for item in s.lists
    }
    return [
        replace(
            AwardRef.from_history(h), partial=any(a.source_file in partial for a in h.transactions)
        )
        for h in histories
    ]


def awards_of_recipient(con: Any, name: str, start: date, end: date) -> list[AwardRef]:
    """Awards with a transaction to ``name`` (exact, any case) dated ``start``..``end``."""
    wanted = " ".join(name.upper().split())
    t = transactions(
        con,
        lambda t: (
            (t.recipient_name.upper() == wanted) & (t.action_date >= start) & (t.action_date <= end)
        ),
    )
    keys = sorted(k for k in engine.values(t.select("contract_award_unique_key").distinct()) if k)
    if not keys:
        raise VendorwatchError(
            f"no award to recipient {name!r} with an action from {start.isoformat()} to "
            f"{end.isoformat()} in the warehouse (names must match USAspending exactly)"
        )
    return awards_by_id(con, keys)


@dataclass
class RequestSpec:
    """Everything a request letter says; the awards come from the warehouse."""

    office: Office
    requester: Requester
    awards: list[AwardRef] = field(default_factory=list)
    vendors: list[str] = field(default_factory=list)
    start: date | None = None
    end: date | None = None
    record_types: list[RecordType] = field(default_factory=lambda: list(RecordType))
    fee_waiver: bool = True
    purpose: str | None = None
    dissemination: str | None = None
    expedite: bool = False
    expedite_reason: str | None = None
    format: str = "electronic copies (PDF, with spreadsheets in their native format) by email"
    on: date | None = None

    def check(self) -> None:
        if not self.awards and not self.vendors:
            raise VendorwatchError("a request needs at least one award or vendor name")
        if self.expedite and not (self.expedite_reason or "").strip():
            raise VendorwatchError(
                "expedited processing needs a reason (--expedite-reason): the statute asks for "
                "a compelling need (5 U.S.C. 552(a)(6)(E)(v))"
            )
        if self.start and self.end and self.start > self.end:
            raise VendorwatchError(
                f"the date range starts {self.start.isoformat()} after it ends "
                f"{self.end.isoformat()}"
            )
        if not self.record_types:
            raise VendorwatchError("a request needs at least one record type")


LetterKind = Literal["request", "follow-up", "appeal"]


@dataclass(frozen=True)
class Letter:
    """A rendered letter; ``text`` is the one source for .txt, .docx and .pdf."""

    kind: LetterKind
    subject: str
    text: str

    def blocks(self) -> list[tuple[str, list[str]]]:
        """("p", [line]) paragraphs and ("ul", [items]) lists, split at blank lines."""
        found: list[tuple[str, list[str]]] = []
        for chunk in re.split(r"\n\s*\n", self.text.strip()):
            lines = chunk.splitlines()
            if all(line.startswith("- ") for line in lines):
                found.append(("ul", [line[2:] for line in lines]))
            else:
                found.append(("p", lines))
        return found


def _environment(autoescape: bool) -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.PackageLoader("vendorwatch.foia", "templates"),
        # Letters are plain text (escaping would print "&amp;"); the HTML one escapes.
        autoescape=autoescape,  # noqa: S701
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )


_TEXT = _environment(autoescape=False)
_HTML = _environment(autoescape=True)


def _money(value: Decimal) -> str:
    return f"${value:,.2f}"


def _render(kind: LetterKind, subject: str, template: str, **context: Any) -> Letter:
    context.setdefault("day", day_text)
    context.setdefault("long_day", long_day)
    context.setdefault("money", _money)
    text = _TEXT.get_template(template).render(subject=subject, **context)
    text = re.sub(r"\n{3,}", "\n\n", text).strip() + "\n"
    return Letter(kind, subject, text)


def compose_request(spec: RequestSpec) -> Letter:
    """The request letter for ``spec``: records reasonably described, fees, expedite, format."""
    spec.check()
    vendors = list(dict.fromkeys([*(a.recipient for a in spec.awards if a.recipient)]))
    vendors += [v for v in spec.vendors if v.upper() not in {x.upper() for x in vendors}]
    # The whole life of each award: from its base award (or the best date the records give),
    # not from the first action a loaded file happens to hold.
    firsts = [a.start or a.first_action for a in spec.awards if a.start or a.first_action]
    start = spec.start or (min(d for d in firsts if d) if firsts else None)
    end = spec.end or spec.on or date.today()
    obligated = [a.obligated for a in spec.awards if a.obligated is not None]
    not_competed = [a for a in spec.awards if a.competed == "not competed"]
    subject = "Freedom of Information Act Request" + (
        " - Expedited Processing Requested" if spec.expedite else ""
    )
    return _render(
        "request",
        subject,
        "request.txt.j2",
        spec=spec,
        office=spec.office,
        address=spec.office.mail_address(),
        emails=[r.value for r in spec.office.routes() if r.kind == "email"],
        vendors=vendors,
        start=start,
        end=end,
        whole_life=spec.start is None and start is not None,
        partial=[a for a in spec.awards if a.partial],
        on=spec.on or date.today(),
        total=sum(obligated, Decimal(0)) if obligated else None,
        not_competed=not_competed,
        records=[RECORD_TYPE_TEXT[r] for r in spec.record_types],
        requester=spec.requester,
        category=str(spec.requester.fee_category),
    )


@dataclass(frozen=True)
class RequestRecord:
    """What the tracker knows about a request, as the follow-up and appeal letters need it."""

    office: Office
    requester: Requester
    subject: str
    sent_on: date | None
    tracking_numbers: list[str] = field(default_factory=list)
    piids: list[str] = field(default_factory=list)
    schedule: Schedule | None = None
    estimate: date | None = None
    determination_on: date | None = None


def compose_followup(record: RequestRecord, on: date | None = None) -> Letter:
    """A status inquiry citing the request, its numbers and the due date with its reasoning."""
    on = on or date.today()
    due = record.schedule.get("determination") if record.schedule else None
    return _render(
        "follow-up",
        "Freedom of Information Act Request - Status Inquiry",
        "followup.txt.j2",
        record=record,
        office=record.office,
        requester=record.requester,
        on=on,
        due=due,
        estimate=record.estimate,
        estimate_passed=record.estimate is not None and record.estimate < on,
    )


class AppealGround(enum.StrEnum):
    DENIAL = "denial"
    EXEMPTIONS = "exemptions"
    SEARCH = "search"
    INCOMPLETE = "incomplete"
    FEES = "fees"
    FEE_WAIVER = "fee-waiver"
    EXPEDITE = "expedite"
    NO_RESPONSE = "no-response"


APPEAL_GROUND_TEXT = {
    AppealGround.DENIAL: "the denial of my request, in whole or in part",
    AppealGround.EXEMPTIONS: "the withholding of records or parts of records under exemptions",
    AppealGround.SEARCH: "the adequacy of the search for responsive records",
    AppealGround.INCOMPLETE: "the response, which did not address every part of my request",
    AppealGround.FEES: "the fees assessed",
    AppealGround.FEE_WAIVER: "the denial of my request for a fee waiver",
    AppealGround.EXPEDITE: "the denial of expedited processing",
    AppealGround.NO_RESPONSE: "the failure to make a determination within the statutory time",
}


def compose_appeal(
    record: RequestRecord,
    grounds: Sequence[AppealGround],
    reasons: str,
    on: date | None = None,
) -> Letter:
    """An administrative appeal, marked as 6 CFR 5.8(a)(1) asks, within the appeal window."""
    if not grounds:
        raise VendorwatchError("an appeal needs at least one ground (--ground)")
    if not reasons.strip():
        raise VendorwatchError("an appeal needs the reasons the determination was wrong")
    window = record.schedule.get("appeal-window") if record.schedule else None
    return _render(
        "appeal",
        "Freedom of Information Act Appeal",
        "appeal.txt.j2",
        record=record,
        office=record.office,
        requester=record.requester,
        on=on or date.today(),
        grounds=[APPEAL_GROUND_TEXT[g] for g in grounds],
        reasons=reasons.strip(),
        window=window,
    )


# --- output ---------------------------------------------------------------------------------

FORMATS = (".txt", ".docx", ".pdf")


def letter_html(letter: Letter) -> str:
    """The letter as a self-contained HTML page: no fonts, scripts or images from anywhere."""
    return _HTML.get_template("letter.html.j2").render(letter=letter, blocks=letter.blocks())


def write_docx(letter: Letter, path: Path) -> None:
    _docx(letter).save(str(path))


def _docx(letter: Letter) -> Any:
    import docx  # noqa: PLC0415 - python-docx (~3 MB) only when a .docx is made, not in serve

    document = docx.Document()
    for kind, lines in letter.blocks():
        if kind == "ul":
            for item in lines:
                document.add_paragraph(item, style="List Bullet")
        else:
            para = document.add_paragraph()
            for i, line in enumerate(lines):
                run = para.add_run(line)
                if i < len(lines) - 1:
                    run.add_break()
    document.core_properties.title = letter.subject
    return document


def write_pdf(letter: Letter, path: Path) -> None:
    # Loads Debian's pango on import (slow), so only when a PDF is asked for; untyped either way.
    weasyprint = importlib.import_module("weasyprint")

    weasyprint.HTML(string=letter_html(letter)).write_pdf(str(path))


MEDIA_TYPES = {
    ".txt": "text/plain; charset=utf-8",
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".pdf": "application/pdf",
}


def letter_bytes(letter: Letter, suffix: str) -> bytes:
    """``letter`` as the bytes of a .txt, .docx or .pdf file (for downloads)."""
    suffix = suffix.lower()
    if suffix == ".txt":
        return letter.text.encode("utf-8")
    if suffix == ".docx":
        out = io.BytesIO()
        _docx(letter).save(out)
        return out.getvalue()
    if suffix == ".pdf":
        weasyprint = importlib.import_module("weasyprint")
        pdf: bytes = weasyprint.HTML(string=letter_html(letter)).write_pdf()
        return pdf
    raise VendorwatchError(f"a letter is made as {', '.join(FORMATS)}, not {suffix or 'nothing'!r}")


def write_letter(letter: Letter, path: Path) -> None:
    """Write ``letter`` as text, DOCX or PDF, by the file's suffix."""
    suffix = path.suffix.lower()
    if suffix not in FORMATS:
        raise VendorwatchError(
            f"{path}: cannot tell the format from {suffix or 'no suffix'!r}; use "
            + ", ".join(FORMATS)
        )
    if not path.parent.is_dir():
        raise VendorwatchError(f"{path}: the folder {path.parent} does not exist")
    if suffix == ".txt":
        path.write_text(letter.text, encoding="utf-8")
    elif suffix == ".docx":
        write_docx(letter, path)
    else:
        write_pdf(letter, path)
