"""Released records: the files an agency sent back, attached to their request and awards.

A `Records` is built on a member's `Tracker`, so it sees only that organisation's documents;
another organisation's document is reported exactly as one that does not exist (the web
answers 404, never 403). A member (editor or admin) may mark a document public; then anyone
may download it and it is listed on the page of each award it is linked to.

Files are checked by their bytes (`pdftext.sniff`) and size before anything is written; a
PDF whose text cannot be read is kept all the same, marked with the reason.
"""

from __future__ import annotations

import re
import shlex
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import PurePosixPath, PureWindowsPath
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.orm import Session, selectinload

from vendorwatch.appdb.accounts import Role, require_role
from vendorwatch.appdb.base import utcnow
from vendorwatch.errors import VendorwatchError
from vendorwatch.foia.filestore import FileStore, sha256_of
from vendorwatch.foia.pdftext import PAGE_BREAK, PDF, extract, sniff
from vendorwatch.foia.record_models import RecordAward, RecordDocument
from vendorwatch.foia.tracker import Tracker

SNIPPET_CHARS = 70
SNIPPETS_PER_DOCUMENT = 3


def megabytes(size: int) -> str:
    return f"{size / (1024 * 1024):.0f} MB" if size >= 1024 * 1024 else f"{size:,} bytes"


def clean_filename(name: str) -> str:
    """The file's own name (no folders, no control characters), at most 255 characters."""
    base = PureWindowsPath(PurePosixPath(name).name).name
    base = "".join(ch for ch in base if ch.isprintable() and ch not in '"\\/').strip()
    return (base or "record")[-255:]


@dataclass(frozen=True)
class Attached:
    document: RecordDocument
    new: bool  # False: the same file was already attached to this request


@dataclass(frozen=True)
class Snippet:
    """A passage of one page: its parts in order, each a match of the search or not."""

    page: int | None
    parts: list[tuple[str, bool]]

    @property
    def text(self) -> str:
        return "".join(part for part, _ in self.parts)

    def as_dict(self) -> dict[str, Any]:
        return {
            "page": self.page,
            "text": self.text,
            "matches": [part for part, match in self.parts if match],
        }


@dataclass(frozen=True)
class Hit:
    document: RecordDocument
    snippets: list[Snippet]


def search_terms(words: str) -> list[str]:
    """Words and "quoted phrases", lower-cased, with the punctuation around them dropped."""
    try:
        parts = shlex.split(words)
    except ValueError:  # an unclosed quote: take the words as they are
        parts = words.replace('"', " ").split()
    terms = [" ".join(p.split()).strip(".,;:!?()[]{}'\"").lower() for p in parts]
    terms = [t for t in terms if t]
    if not terms:
        raise VendorwatchError("give a word or a phrase to search for")
    return terms


def _pattern(term: str) -> re.Pattern[str]:
    body = r"\s+".join(re.escape(w) for w in term.split())
    return re.compile(rf"(?<!\w){body}(?!\w)", re.IGNORECASE)


def _like(term: str) -> str:
    escaped = term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def snippets_of(text: str, patterns: Sequence[re.Pattern[str]], media_type: str) -> list[Snippet]:
    """Up to three passages around the matches, in order; matches close together (on one
    page) share a passage."""
    found = sorted((m.span() for p in patterns for m in p.finditer(text)), key=lambda span: span[0])
    groups: list[list[tuple[int, int]]] = []
    for span in found:
        last = groups[-1][-1] if groups else None
        if last is not None and span[0] < last[1]:
            continue  # overlaps the previous match
        near = last is not None and span[0] - last[1] <= SNIPPET_CHARS
        if near and PAGE_BREAK not in text[last[1] : span[0]]:  # type: ignore[index]
            groups[-1].append(span)
        elif len(groups) < SNIPPETS_PER_DOCUMENT:
            groups.append([span])
    snippets = []
    for spans in groups:
        page_start = text.rfind(PAGE_BREAK, 0, spans[0][0]) + 1
        page_end = text.find(PAGE_BREAK, spans[-1][1])
        page_end = len(text) if page_end < 0 else page_end
        start = max(page_start, spans[0][0] - SNIPPET_CHARS)
        end = min(page_end, spans[-1][1] + SNIPPET_CHARS)
        parts: list[tuple[str, bool]] = [("…" if start > page_start else "", False)]
        at = start
        for a, b in spans:
            parts += [(text[at:a], False), (text[a:b], True)]
            at = b
        parts += [(text[at:end] + ("…" if end < page_end else ""), False)]
        page = text.count(PAGE_BREAK, 0, spans[0][0]) + 1 if media_type == PDF else None
        merged: list[tuple[str, bool]] = []
        for part in parts:
            if merged and not part[1] and not merged[-1][1]:
                merged[-1] = (merged[-1][0] + part[0], False)
            elif part[0]:
                merged.append(part)
        snippets.append(Snippet(page, merged))
    return snippets


class Records:
    """One member's access to their organisation's released records."""

    def __init__(self, tracker: Tracker, store: FileStore, max_bytes: int) -> None:
        self.tracker = tracker
        self.store = store
        self.max_bytes = max_bytes

    @property
    def session(self) -> Session:
        return self.tracker.session

    def _write(self) -> None:
        require_role(self.session, self.tracker.user, self.tracker.org, Role.EDITOR)

    def _query(self) -> Any:
        return (
            select(RecordDocument)
            .where(RecordDocument.organisation_id == self.tracker.org.id)
            .options(selectinload(RecordDocument.awards))
            .order_by(RecordDocument.id)
        )

    # -- reading ------------------------------------------------------------------------

    def documents(self, request_id: int | None = None) -> list[RecordDocument]:
        query = self._query()
        if request_id is not None:
            query = query.where(RecordDocument.request_id == self.tracker.get(request_id).id)
        return list(self.session.scalars(query))

    def get(self, document_id: int) -> RecordDocument:
        found: RecordDocument | None = self.session.scalar(
            self._query().where(RecordDocument.id == document_id)
        )
        if found is None:
            # The same words whether it does not exist or belongs to someone else.
            raise VendorwatchError(f"no document #{document_id} in {self.tracker.org.slug!r}")
        return found

    def search(self, words: str, request_id: int | None = None) -> list[Hit]:
        """The organisation's documents whose text holds every word or phrase given."""
        terms = search_terms(words)
        query = self._query()
        if request_id is not None:
            query = query.where(RecordDocument.request_id == self.tracker.get(request_id).id)
        for term in terms:  # a coarse filter in SQL; word boundaries are checked below
            query = query.where(RecordDocument.text.ilike(_like(term), escape="\\"))
        patterns = [_pattern(t) for t in terms]
        hits = []
        for doc in self.session.scalars(query):
            if all(p.search(doc.text) for p in patterns):
                hits.append(Hit(doc, snippets_of(doc.text, patterns, doc.media_type)))
        return hits

    def content(self, document: RecordDocument) -> bytes:
        return self.store.get(self.session, document.sha256)

    # -- writing ------------------------------------------------------------------------

    def _links(self, request_id: int, awards: Sequence[str]) -> list[tuple[str | None, str]]:
        """(award key, PIID) for each award given: one the request concerns, else as given."""
        request = self.tracker.get(request_id)
        links: list[tuple[str | None, str]] = []
        for given in (a.strip() for a in awards):
            if not given:
                continue
            known = next((a for a in request.awards if given in (a.award_key, a.piid)), None)
            if known is not None:
                link: tuple[str | None, str] = (known.award_key, known.piid.upper())
            elif given.upper().startswith(("CONT_", "ASST_")):
                raise VendorwatchError(
                    f"award {given!r} is not one request #{request.id} concerns: link it by PIID"
                )
            else:
                link = (None, given.upper())
            if link not in links:
                links.append(link)
        return links

    def check(self, filename: str, data: bytes) -> str:
        """The file's clean name if its size and type are accepted; else why not."""
        name = clean_filename(filename)
        if len(data) > self.max_bytes:
            raise VendorwatchError(
                f"{name}: {megabytes(len(data))} is larger than the limit of "
                f"{megabytes(self.max_bytes)} (records_max_bytes)"
            )
        sniff(name, data)
        return name

    def attach(
        self,
        request_id: int,
        filename: str,
        data: bytes,
        *,
        awards: Sequence[str] = (),
        public: bool = False,
    ) -> Attached:
        """Keep ``data`` as a document of the request, with its text and award links."""
        self._write()
        request = self.tracker.get(request_id)
        name = self.check(filename, data)
        extracted = extract(name, data)
        links = self._links(request.id, awards)
        sha = sha256_of(data)
        existing = self.session.scalar(
            self._query().where(
                RecordDocument.request_id == request.id, RecordDocument.sha256 == sha
            )
        )
        if existing is not None:
            return Attached(existing, new=False)
        self.store.put(self.session, sha, data)
        doc = RecordDocument(
            request_id=request.id,
            organisation_id=self.tracker.org.id,
            uploaded_by_id=self.tracker.user.id,
            filename=name,
            media_type=extracted.media_type,
            sha256=sha,
            size=len(data),
            pages=extracted.pages,
            text=extracted.text,
            text_problem=extracted.problem,
        )
        self.session.add(doc)
        self.session.flush()
        for key, piid in links:
            self.session.add(RecordAward(document_id=doc.id, award_key=key, piid=piid))
        self.session.flush()
        if public:
            self.publish(doc.id)
        self.session.refresh(doc)
        return Attached(doc, new=True)

    def publish(self, document_id: int, public: bool = True) -> RecordDocument:
        """Make a document public (anyone may read it; it shows on its awards' pages) or not."""
        self._write()
        doc = self.get(document_id)
        doc.public = public
        doc.published_at = utcnow() if public else None
        doc.published_by_id = self.tracker.user.id if public else None
        self.session.flush()
        return doc


# -- what anyone may see -------------------------------------------------------------------


def public_for_award(session: Session, award_key: str, piid: str | None) -> list[RecordDocument]:
    """Public documents linked to the award, by its generated id or its PIID."""
    match = [RecordAward.award_key == award_key]
    if piid:
        match.append(RecordAward.piid == piid.upper())
    query = (
        select(RecordDocument)
        .join(RecordAward, RecordAward.document_id == RecordDocument.id)
        .where(RecordDocument.public.is_(True), or_(*match))
        .options(selectinload(RecordDocument.awards))
        .order_by(RecordDocument.id)
        .distinct()
    )
    return list(session.scalars(query))


def readable_document(
    session: Session, document_id: int, records: Records | None
) -> RecordDocument:
    """The document if ``records``' member may read it or it is public; else "no document"."""
    if records is not None:
        try:
            return records.get(document_id)
        except VendorwatchError:
            pass
    found = session.scalar(
        select(RecordDocument).where(
            RecordDocument.id == document_id, RecordDocument.public.is_(True)
        )
    )
    if found is None:
        raise VendorwatchError(f"no document #{document_id}")
    return found


def _utc(moment: datetime | None) -> str | None:
    """ISO 8601 in UTC (SQLite hands back the stored UTC time without its zone)."""
    if moment is None:
        return None
    return (moment if moment.tzinfo else moment.replace(tzinfo=UTC)).astimezone(UTC).isoformat()


def document_json(doc: RecordDocument) -> dict[str, Any]:
    return {
        "id": doc.id,
        "request_id": doc.request_id,
        "filename": doc.filename,
        "media_type": doc.media_type,
        "sha256": doc.sha256,
        "size": doc.size,
        "pages": doc.pages,
        "text_problem": doc.text_problem,
        "public": doc.public,
        "uploaded_at": _utc(doc.created_at),
        "published_at": _utc(doc.published_at),
        "awards": [{"award_key": a.award_key, "piid": a.piid} for a in doc.awards],
    }
