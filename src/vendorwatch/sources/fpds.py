"""A client for the FPDS ATOM feed: search by vendor, agency and date, a page at a time.

FPDS answers ``GET /ezsearch/FEEDS/ATOM?FEEDNAME=PUBLIC&q=...&start=N`` with Atom XML, ten
records a page, and names the next page in ``<link rel="next">``. The client follows those
links (their ``start`` only, on its own base URL, so a test server or a mirror works the same)
until a page has none. Requests go through the USAspending client's loop: the same polite
spacing, the same retries with exponential backoff (429 and 503 wait what ``Retry-After``
says), the same one-line errors. Each page is written as a file that
`vendorwatch.warehouse.fpds_atom` loads.

Search fields are FPDS's own (shared/data/raw/fpds-atom-samples/fpds_atom_query_fields.json,
from dherincx92/fpds): ``UEI_NAME`` (the vendor's legal name), ``AGENCY_CODE`` (four
characters, e.g. 7012 for ICE), ``SIGNED_DATE`` and ``LAST_MOD_DATE`` as ``[YYYY/MM/DD,
YYYY/MM/DD]``.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit
from xml.etree.ElementTree import ParseError

import defusedxml.ElementTree as safe_xml  # type: ignore[import-untyped]
import httpx

from vendorwatch.errors import VendorwatchError
from vendorwatch.sources.usaspending import (
    ApiRequestError,
    ApiShapeError,
    Exchange,
    UsaspendingClient,
    _Retryable,
)
from vendorwatch.warehouse.fpds_atom import ATOM

FPDS_BASE = "https://www.fpds.gov"
FEED_PATH = "/ezsearch/FEEDS/ATOM"
FEED_VERSION = "1.5.2"
MAX_PAGES = 10_000  # 100,000 records: far past any one vendor at one agency
_AGENCY = re.compile(r"^[A-Za-z0-9]{4}$")


@dataclass(frozen=True)
class FpdsQuery:
    """What to search for; at least one of the fields."""

    vendor: str | None = None  # UEI_NAME, the vendor's legal business name
    agency_code: str | None = None  # AGENCY_CODE, e.g. "7012"
    signed: tuple[date, date] | None = None  # SIGNED_DATE range, inclusive
    last_modified: tuple[date, date] | None = None  # LAST_MOD_DATE range, inclusive

    def q(self) -> str:
        """The feed's ``q`` parameter; a value it cannot express is refused, not mangled."""
        parts: list[str] = []
        if self.vendor is not None:
            if not self.vendor.strip() or '"' in self.vendor:
                raise VendorwatchError(f"vendor {self.vendor!r}: give a name without quotes")
            parts.append(f'UEI_NAME:"{self.vendor.strip()}"')
        if self.agency_code is not None:
            if not _AGENCY.match(self.agency_code):
                raise VendorwatchError(
                    f"agency code {self.agency_code!r}: FPDS agency codes are 4 letters or digits"
                )
            parts.append(f'AGENCY_CODE:"{self.agency_code}"')
        for name, window in (("SIGNED_DATE", self.signed), ("LAST_MOD_DATE", self.last_modified)):
            if window is not None:
                start, end = window
                if end < start:
                    raise VendorwatchError(f"{name}: {end} is before {start}")
                parts.append(f"{name}:[{start:%Y/%m/%d},{end:%Y/%m/%d}]")
        if not parts:
            raise VendorwatchError("an FPDS search needs a vendor, an agency code or a date range")
        return " ".join(parts)


@dataclass(frozen=True)
class FeedPage:
    start: int
    records: int  # entries on the page
    next_start: int | None
    exchange: Exchange


def _next_start(body: bytes, endpoint: str) -> tuple[int, int | None]:
    """(entries on the page, the ``start`` of its rel="next" link or None)."""
    try:
        root = safe_xml.fromstring(body)
    except ParseError as exc:
        raise ApiShapeError(endpoint, f"the answer is not XML ({exc})") from None
    if root.tag != f"{{{ATOM}}}feed":
        raise ApiShapeError(endpoint, f"the answer is not an Atom feed (root {root.tag})")
    entries = len(root.findall(f"{{{ATOM}}}entry"))
    for link in root.findall(f"{{{ATOM}}}link"):
        if link.get("rel") == "next":
            start = parse_qs(urlsplit(link.get("href", "")).query).get("start", [None])[0]
            if start is None or not start.isdigit():
                raise ApiShapeError(endpoint, f"a next link without a start: {link.get('href')}")
            return entries, int(start)
    return entries, None


class FpdsClient(UsaspendingClient):
    """The FPDS ATOM feed through the USAspending client's spacing and retry rules."""

    def __init__(self, base_url: str = FPDS_BASE, **options: Any) -> None:
        super().__init__(base_url, **options)
        self._http.headers["Accept"] = "application/atom+xml, application/xml"

    def feed_page(self, query: FpdsQuery, start: int = 0) -> FeedPage:
        params = {"FEEDNAME": "PUBLIC", "VERSION": FEED_VERSION, "q": query.q(), "start": start}
        endpoint = f"GET {FEED_PATH} (start={start})"
        try:
            for attempt in self._retrying():
                with attempt:
                    response = self._send_once("GET", FEED_PATH, endpoint, None, params)
        except httpx.TransportError as exc:
            raise ApiRequestError(
                endpoint, f"no answer after {self.max_attempts} attempts ({type(exc).__name__})"
            ) from None
        except _Retryable as exc:
            raise ApiRequestError(
                endpoint, f"failed after {self.max_attempts} attempts: {exc}", status=exc.status
            ) from None
        if response.status_code >= 400:
            raise ApiRequestError(
                endpoint, f"HTTP {response.status_code}", status=response.status_code
            )
        exchange = Exchange("GET", endpoint, params, response.status_code, response.content)
        records, next_start = _next_start(response.content, endpoint)
        return FeedPage(start, records, next_start, exchange)

    def pages(self, query: FpdsQuery) -> Iterator[FeedPage]:
        """Every page of the search, first to last, following the feed's next links."""
        start: int | None = 0
        seen: set[int] = set()
        while start is not None:
            if start in seen or len(seen) >= MAX_PAGES:
                raise ApiShapeError(
                    f"GET {FEED_PATH}", f"the feed's next links loop back to start={start}"
                )
            seen.add(start)
            page = self.feed_page(query, start)
            yield page
            start = page.next_start if page.records else None

    def download(self, query: FpdsQuery, folder: Path) -> list[Path]:
        """Write each page to ``folder`` (named by the query and its start) for `load`."""
        folder.mkdir(parents=True, exist_ok=True)
        tag = hashlib.sha256(query.q().encode()).hexdigest()[:12]
        written = []
        for page in self.pages(query):
            if not page.records:
                continue
            path = folder / f"fpds_atom_{tag}_{page.start:06d}.xml"
            path.write_bytes(page.exchange.body)
            written.append(path)
        return written
