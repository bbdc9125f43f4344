"""A polite client for the USAspending API (https://api.usaspending.gov/docs/endpoints).

What it covers, with the rules each follows (see ``docs/sources.md``):

- ``search/spending_by_award/``: page numbers while the page starts inside the 50,000-record
  result window, then search-after paging with ``last_record_unique_id`` and
  ``last_record_sort_value`` copied from the previous page (the API refuses a page beyond the
  window without them).
- ``search/spending_by_transaction/``: page numbers only. The API has no search-after paging
  for transactions (``ES_TRANSACTIONS_MAX_RESULT_WINDOW``), so `iter_transaction_search` asks
  ``spending_by_transaction_count/`` first and splits the time period until each part fits.
- ``awards/<id>/`` (award detail) and ``POST transactions/`` (one award's transactions).
- The asynchronous downloads: request, poll ``download/status``, fetch the zip with resume
  (HTTP Range). The client knows nothing of the warehouse: loading a zip is
  `vendorwatch.sources.downloads.load_download`.

Every call has a timeout; connection errors, timeouts, 5xx, 408 and 429 are retried with
exponential backoff (429 and 503 wait what ``Retry-After`` says); requests are spaced to a
polite rate. A failure after the last attempt, a 4xx, or a body that no longer has the shape
the models in `vendorwatch.sources.models` expect is raised as `UsaspendingError` (a
`VendorwatchError`) naming the endpoint.
"""

from __future__ import annotations

import hashlib
import importlib.metadata
import json
import random
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from email.utils import parsedate_to_datetime
from pathlib import Path
from typing import Any, Generic, Protocol, TypeVar
from urllib.parse import quote, urljoin

import httpx
from pydantic import BaseModel, ValidationError
from tenacity import RetryCallState, Retrying, retry_if_exception_type, stop_after_attempt

from vendorwatch.errors import VendorwatchError
from vendorwatch.sources.models import (
    AwardDetail,
    AwardSearchPage,
    AwardTransaction,
    AwardTransactionsPage,
    DownloadRequested,
    DownloadStatus,
    TransactionCounts,
    TransactionSearchPage,
)

API_BASE = "https://api.usaspending.gov"
RESULT_WINDOW = 50_000  # settings.ES_AWARDS_MAX_RESULT_WINDOW and ES_TRANSACTIONS_...
SEARCH_MIN_DATE = date(2007, 10, 1)  # settings.API_SEARCH_MIN_DATE
MAX_SEARCH_LIMIT = 100
MAX_TRANSACTIONS_LIMIT = 5000

CONTRACT_TYPES = ("A", "B", "C", "D")
IDV_TYPES = ("IDV_A", "IDV_B", "IDV_B_A", "IDV_B_B", "IDV_B_C", "IDV_C", "IDV_D", "IDV_E")
AWARD_TYPE_GROUPS: dict[str, tuple[str, ...]] = {"contracts": CONTRACT_TYPES, "idvs": IDV_TYPES}

DEFAULT_TIMEOUT = httpx.Timeout(60.0, connect=10.0)
DEFAULT_REQUESTS_PER_SECOND = 2.0
try:
    _VERSION = importlib.metadata.version("vendorwatch")
except importlib.metadata.PackageNotFoundError:  # pragma: no cover - a source checkout
    _VERSION = "dev"
_RETRY_STATUSES = frozenset({408, 429, 500, 502, 503, 504})

T = TypeVar("T", bound=BaseModel)


class UsaspendingError(VendorwatchError):
    """A request to the API failed; the message names the endpoint and what went wrong."""

    def __init__(self, endpoint: str, message: str, *, status: int | None = None) -> None:
        super().__init__(f"USAspending {endpoint}: {message}")
        self.endpoint = endpoint
        self.status = status


class ApiRequestError(UsaspendingError):
    """The API refused the request (4xx) or did not answer after every retry."""


class ApiShapeError(UsaspendingError):
    """The API answered, but not in the shape vendorwatch was written for: the API changed."""


class ResultWindowError(UsaspendingError):
    """More records match than page-number paging can reach, and there is no other way."""


class _Retryable(Exception):
    def __init__(self, status: int, detail: str, retry_after: float | None) -> None:
        super().__init__(f"HTTP {status}{': ' + detail if detail else ''}")
        self.status = status
        self.retry_after = retry_after


class ResponseCache(Protocol):
    """Where a resumable run keeps answered requests (the sync journal implements it)."""

    def get(self, key: str) -> bytes | None: ...

    def put(self, key: str, body: bytes) -> None: ...


@dataclass(frozen=True)
class Exchange:
    """One answered request: what was asked and the exact bytes that came back."""

    method: str
    endpoint: str  # "POST /api/v2/search/spending_by_award/"
    request: Mapping[str, Any] | None
    status: int
    body: bytes
    from_cache: bool = False

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.body).hexdigest()


@dataclass(frozen=True)
class Fetched(Generic[T]):
    """A validated record, the same record as the API wrote it, and the exchange it came in."""

    model: T
    raw: Any
    exchange: Exchange


@dataclass
class RequestStats:
    requests: int = 0  # sent over the network, retries included
    cached: int = 0  # answered from the resume cache
    retries: int = 0
    waited_seconds: float = 0.0  # rate spacing and backoff


def _error_detail(body: bytes) -> str:
    """The API's own words: DRF answers ``{"detail": ...}`` or ``{"message": ...}``."""
    try:
        data = json.loads(body)
    except ValueError:
        return body[:200].decode("utf-8", "replace").strip()
    if isinstance(data, dict):
        for key in ("detail", "message"):
            if key in data:
                return str(data[key])
    return json.dumps(data)[:200]


def _retry_after(value: str | None, now: datetime) -> float | None:
    """Seconds from a ``Retry-After`` header: delta-seconds or an HTTP date."""
    if value is None or not value.strip():
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - now).total_seconds())


def _first_problem(exc: ValidationError) -> str:
    error = exc.errors()[0]
    where = ".".join(str(p) for p in error["loc"]) or "(body)"
    more = f" (and {exc.error_count() - 1} more)" if exc.error_count() > 1 else ""
    return f"{where}: {error['msg']}{more}"


def cache_key(method: str, endpoint: str, request: Mapping[str, Any] | None) -> str:
    canonical = json.dumps([method, endpoint, request], sort_keys=True, default=str)
    return hashlib.sha256(canonical.encode()).hexdigest()


def normalise_base(base_url: str) -> str:
    """``https://host``, ``https://host/`` and ``https://host/api/v2`` all mean the same API."""
    base = base_url.rstrip("/")
    return base.removesuffix("/api/v2")


class UsaspendingClient:
    """The API's endpoints as typed calls; use as a context manager or call `close`.

    ``sleep`` and ``clock`` are injectable so that tests check waits without waiting.
    ``requests_per_second`` of 0 turns spacing off (for a local replay server).
    """

    def __init__(
        self,
        base_url: str = API_BASE,
        *,
        timeout: float | httpx.Timeout = DEFAULT_TIMEOUT,
        requests_per_second: float = DEFAULT_REQUESTS_PER_SECOND,
        max_attempts: int = 6,
        backoff_initial: float = 1.0,
        backoff_max: float = 60.0,
        backoff_jitter: float = 1.0,
        max_retry_after: float = 600.0,
        result_window: int = RESULT_WINDOW,
        transport: httpx.BaseTransport | None = None,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.monotonic,
        cache: ResponseCache | None = None,
        on_exchange: Callable[[Exchange], None] | None = None,
    ) -> None:
        if requests_per_second < 0:
            raise VendorwatchError("the request rate must be 0 (no spacing) or more")
        self.base_url = normalise_base(base_url)
        self.max_attempts = max(1, max_attempts)
        self.result_window = result_window
        self.stats = RequestStats()
        self._interval = 1.0 / requests_per_second if requests_per_second else 0.0
        self._backoff = (backoff_initial, backoff_max, backoff_jitter)
        self._max_retry_after = max_retry_after
        self._sleep_fn = sleep
        self._clock = clock
        self._next_slot = 0.0
        self._cache = cache
        self._on_exchange = on_exchange
        self._http = httpx.Client(
            base_url=self.base_url,
            timeout=timeout,
            transport=transport,
            headers={
                "User-Agent": f"vendorwatch/{_VERSION} (public-interest research)",
                "Accept": "application/json",
            },
            follow_redirects=True,
        )

    def __enter__(self) -> UsaspendingClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self._http.close()

    def attach(
        self, cache: ResponseCache | None, on_exchange: Callable[[Exchange], None] | None = None
    ) -> None:
        """Answer from (and keep answers in) ``cache``; tell ``on_exchange`` of each answer."""
        self._cache = cache
        self._on_exchange = on_exchange

    def detach(self) -> None:
        self._cache = None
        self._on_exchange = None

    # --- the request loop --------------------------------------------------------------------

    def _sleep(self, seconds: float) -> None:
        if seconds > 0:
            self.stats.waited_seconds += seconds
            self._sleep_fn(seconds)

    def _throttle(self) -> None:
        if not self._interval:
            return
        now = self._clock()
        if now < self._next_slot:
            self._sleep(self._next_slot - now)
            now = self._clock()
        self._next_slot = now + self._interval

    def _wait(self, state: RetryCallState) -> float:
        exc = state.outcome.exception() if state.outcome else None
        if isinstance(exc, _Retryable) and exc.retry_after is not None:
            return float(exc.retry_after)
        initial, most, jitter = self._backoff
        delay = min(most, initial * 2.0 ** (state.attempt_number - 1))
        return delay + random.uniform(0, jitter)  # noqa: S311 - spreading retries, not secrets

    def _retrying(self) -> Retrying:
        def count_retry(state: RetryCallState) -> None:
            self.stats.retries += 1

        return Retrying(
            stop=stop_after_attempt(self.max_attempts),
            wait=self._wait,
            retry=retry_if_exception_type((httpx.TransportError, _Retryable)),
            sleep=self._sleep,
            before_sleep=count_retry,
            reraise=True,
        )

    def _send_once(
        self,
        method: str,
        url: str,
        endpoint: str,
        json_body: Mapping[str, Any] | None,
        params: Mapping[str, Any] | None,
    ) -> httpx.Response:
        self._throttle()
        self.stats.requests += 1
        response = self._http.request(method, url, json=json_body, params=params)
        if response.status_code in _RETRY_STATUSES:
            wait = _retry_after(response.headers.get("Retry-After"), datetime.now(UTC))
            if wait is not None and wait > self._max_retry_after:
                raise ApiRequestError(
                    endpoint,
                    f"HTTP {response.status_code}; the server asks to wait {wait:.0f}s, more "
                    f"than the {self._max_retry_after:.0f}s this client waits; try again later",
                    status=response.status_code,
                )
            raise _Retryable(response.status_code, _error_detail(response.content), wait)
        return response

    def request(
        self,
        method: str,
        path: str,
        *,
        json_body: Mapping[str, Any] | None = None,
        params: Mapping[str, Any] | None = None,
        what: str = "",
    ) -> Exchange:
        """One API call with retries; ``path`` is relative to ``/api/v2/``."""
        url = f"/api/v2/{path.lstrip('/')}"
        endpoint = f"{method} {url}" + (f" ({what})" if what else "")
        request = json_body if json_body is not None else params
        key = cache_key(method, url, request)
        if self._cache is not None:
            cached = self._cache.get(key)
            if cached is not None:
                self.stats.cached += 1
                exchange = Exchange(method, endpoint, request, 200, cached, from_cache=True)
                if self._on_exchange:
                    self._on_exchange(exchange)
                return exchange
        try:
            for attempt in self._retrying():
                with attempt:
                    response = self._send_once(method, url, endpoint, json_body, params)
        except httpx.TransportError as exc:
            kind = type(exc).__name__
            raise ApiRequestError(
                endpoint, f"no answer after {self.max_attempts} attempts ({kind}: {exc})"
            ) from None
        except _Retryable as exc:
            raise ApiRequestError(
                endpoint, f"failed after {self.max_attempts} attempts: {exc}", status=exc.status
            ) from None
        if response.status_code >= 400:
            raise ApiRequestError(
                endpoint,
                f"HTTP {response.status_code}: {_error_detail(response.content)}",
                status=response.status_code,
            )
        exchange = Exchange(method, endpoint, request, response.status_code, response.content)
        if self._cache is not None:
            self._cache.put(key, response.content)
        if self._on_exchange:
            self._on_exchange(exchange)
        return exchange

    def _parse(self, exchange: Exchange, model: type[T]) -> tuple[T, Any]:
        try:
            exact = json.loads(exchange.body, parse_float=Decimal)
            plain = json.loads(exchange.body)
        except ValueError:
            raise ApiShapeError(exchange.endpoint, "the answer is not JSON") from None
        try:
            return model.model_validate(exact), plain
        except ValidationError as exc:
            raise ApiShapeError(
                exchange.endpoint,
                f"the answer does not have the expected shape ({_first_problem(exc)}); "
                "the API may have changed",
            ) from None

    def _call(
        self,
        model: type[T],
        method: str,
        path: str,
        *,
        json_body: Mapping[str, Any] | None = None,
        params: Mapping[str, Any] | None = None,
        what: str = "",
    ) -> Fetched[T]:
        exchange = self.request(method, path, json_body=json_body, params=params, what=what)
        parsed, plain = self._parse(exchange, model)
        return Fetched(parsed, plain, exchange)

    # --- search ------------------------------------------------------------------------------

    def award_search_pages(
        self,
        filters: Mapping[str, Any],
        fields: Sequence[str],
        *,
        sort: str | None = None,
        order: str = "asc",
        limit: int = MAX_SEARCH_LIMIT,
    ) -> Iterator[Fetched[AwardSearchPage]]:
        """Every page of ``spending_by_award``: page numbers, then search-after past the window."""
        if not 1 <= limit <= MAX_SEARCH_LIMIT:
            raise VendorwatchError(f"limit must be 1-{MAX_SEARCH_LIMIT}, not {limit}")
        fields = list(fields)
        page = 1
        cursor: tuple[int, str] | None = None
        while True:
            body: dict[str, Any] = {
                "filters": dict(filters),
                "fields": fields,
                "sort": sort or fields[0],
                "order": order,
                "limit": limit,
                "page": page,
                "subawards": False,
            }
            if cursor is not None:
                body["last_record_unique_id"], body["last_record_sort_value"] = cursor
            fetched = self._call(
                AwardSearchPage,
                "POST",
                "search/spending_by_award/",
                json_body=body,
                what=f"page {page}" + (" after a search-after cursor" if cursor else ""),
            )
            yield fetched
            meta = fetched.model.page_metadata
            if not meta.hasNext:
                return
            if not fetched.model.results:
                raise ApiShapeError(
                    fetched.exchange.endpoint, "hasNext is true on a page with no results"
                )
            page += 1
            if (page - 1) * limit >= self.result_window:
                if meta.last_record_unique_id is None or meta.last_record_sort_value in (
                    None,
                    "None",
                ):
                    raise ApiShapeError(
                        fetched.exchange.endpoint,
                        "past the result window but page_metadata has no "
                        "last_record_unique_id/last_record_sort_value to continue from",
                    )
                cursor = (meta.last_record_unique_id, meta.last_record_sort_value)

    def transaction_search_pages(
        self,
        filters: Mapping[str, Any],
        fields: Sequence[str],
        *,
        sort: str = "Transaction Amount",
        order: str = "desc",
        limit: int = MAX_SEARCH_LIMIT,
    ) -> Iterator[Fetched[TransactionSearchPage]]:
        """Pages of ``spending_by_transaction``; stops with `ResultWindowError` at the window."""
        if not 1 <= limit <= MAX_SEARCH_LIMIT:
            raise VendorwatchError(f"limit must be 1-{MAX_SEARCH_LIMIT}, not {limit}")
        fields = list(fields)
        if sort not in fields:
            fields.append(sort)  # the API refuses a sort key that is not among the fields
        page = 1
        while True:
            body = {
                "filters": dict(filters),
                "fields": fields,
                "sort": sort,
                "order": order,
                "limit": limit,
                "page": page,
            }
            fetched = self._call(
                TransactionSearchPage,
                "POST",
                "search/spending_by_transaction/",
                json_body=body,
                what=f"page {page}",
            )
            yield fetched
            if not fetched.model.page_metadata.hasNext:
                return
            page += 1
            if (page - 1) * limit >= self.result_window:
                raise ResultWindowError(
                    fetched.exchange.endpoint,
                    f"more than {self.result_window:,} transactions match and this endpoint has "
                    "no search-after paging; narrow the time_period (iter_transaction_search "
                    "splits it for you)",
                )

    def transaction_count(self, filters: Mapping[str, Any]) -> int:
        fetched = self._call(
            TransactionCounts,
            "POST",
            "search/spending_by_transaction_count/",
            json_body={"filters": dict(filters)},
        )
        return sum(fetched.model.results.values())

    def _fitting_parts(
        self, filters: Mapping[str, Any], today: date
    ) -> Iterator[tuple[Mapping[str, Any], int]]:
        count = self.transaction_count(filters)
        if count <= self.result_window:
            yield filters, count
            return
        periods = filters.get("time_period") or [
            {"start_date": SEARCH_MIN_DATE.isoformat(), "end_date": today.isoformat()}
        ]
        if len(periods) != 1:
            raise ResultWindowError(
                "POST /api/v2/search/spending_by_transaction/",
                f"{count:,} transactions match, more than the {self.result_window:,} window, "
                "and the filters have several time periods to split; give one",
            )
        period = periods[0]
        start = date.fromisoformat(period["start_date"])
        end = date.fromisoformat(period["end_date"])
        if start >= end:
            raise ResultWindowError(
                "POST /api/v2/search/spending_by_transaction/",
                f"{count:,} transactions match on {start} alone, more than the "
                f"{self.result_window:,} window; add filters or use a bulk download",
            )
        middle = start + timedelta(days=(end - start).days // 2)
        for part_start, part_end in ((start, middle), (middle + timedelta(days=1), end)):
            part = {
                **period,
                "start_date": part_start.isoformat(),
                "end_date": part_end.isoformat(),
            }
            yield from self._fitting_parts({**filters, "time_period": [part]}, today)

    def iter_transaction_search(
        self,
        filters: Mapping[str, Any],
        fields: Sequence[str],
        *,
        sort: str = "Action Date",
        order: str = "asc",
        limit: int = MAX_SEARCH_LIMIT,
        today: date | None = None,
    ) -> Iterator[dict[str, Any]]:
        """Every matching transaction row, splitting the time period where the window is short."""
        for part, count in self._fitting_parts(filters, today or date.today()):
            if count == 0:
                continue
            for page in self.transaction_search_pages(
                part, fields, sort=sort, order=order, limit=limit
            ):
                yield from page.raw["results"]

    # --- one award ---------------------------------------------------------------------------

    def award(self, award_id: str | int) -> Fetched[AwardDetail]:
        """``GET awards/<id>/``: competition, potential value, parent recipient, period."""
        return self._call(AwardDetail, "GET", f"awards/{quote(str(award_id), safe='')}/")

    def award_transactions(
        self, award_id: str, *, limit: int = MAX_TRANSACTIONS_LIMIT
    ) -> list[Fetched[AwardTransaction]]:
        """Every transaction of one award (``POST transactions/``), oldest action first."""
        records: list[Fetched[AwardTransaction]] = []
        page = 1
        while True:
            body = {
                "award_id": award_id,
                "page": page,
                "limit": limit,
                "sort": "action_date",
                "order": "asc",
            }
            fetched = self._call(
                AwardTransactionsPage,
                "POST",
                "transactions/",
                json_body=body,
                what=f"award {award_id}, page {page}",
            )
            for model, raw in zip(fetched.model.results, fetched.raw["results"], strict=True):
                records.append(Fetched(model, raw, fetched.exchange))
            if not fetched.model.page_metadata.hasNext:
                return records
            page += 1

    # --- downloads ---------------------------------------------------------------------------

    def request_download(
        self, body: Mapping[str, Any], *, endpoint: str = "bulk_download/awards/"
    ) -> DownloadRequested:
        """Start a download job (``bulk_download/awards/``, ``download/awards/`` …)."""
        return self._call(DownloadRequested, "POST", endpoint, json_body=body).model

    def download_status(self, file_name: str) -> DownloadStatus:
        return self._call(
            DownloadStatus, "GET", "download/status", params={"file_name": file_name}
        ).model

    def wait_for_download(
        self, file_name: str, *, poll_every: float = 10.0, timeout: float = 3600.0
    ) -> DownloadStatus:
        """Poll ``download/status`` until finished; raise if it failed or took too long."""
        started = self._clock()
        while True:
            status = self.download_status(file_name)
            if status.status == "finished":
                return status
            if status.status == "failed":
                raise ApiRequestError(
                    "GET /api/v2/download/status",
                    f"the download {file_name} failed: {status.message or 'no reason given'}",
                )
            if self._clock() - started >= timeout:
                raise ApiRequestError(
                    "GET /api/v2/download/status",
                    f"the download {file_name} is still {status.status} after {timeout:.0f}s",
                )
            self._sleep(poll_every)

    def _download_attempt(self, url: str, part: Path, chunk_size: int) -> int | None:
        have = part.stat().st_size if part.exists() else 0
        headers = {"Range": f"bytes={have}-"} if have else {}
        self._throttle()
        self.stats.requests += 1
        with self._http.stream("GET", url, headers=headers) as response:
            if response.status_code == 416 and have:
                total = response.headers.get("Content-Range", "").rpartition("/")[2]
                if total.isdigit() and int(total) == have:
                    return have  # the partial file was already complete
            if response.status_code in _RETRY_STATUSES:
                wait = _retry_after(response.headers.get("Retry-After"), datetime.now(UTC))
                raise _Retryable(response.status_code, "", wait)
            if response.status_code >= 400:
                response.read()
                raise ApiRequestError(
                    f"GET {url}",
                    f"HTTP {response.status_code}: {_error_detail(response.content)}",
                    status=response.status_code,
                )
            if response.status_code == 206:
                start = response.headers.get("Content-Range", "").removeprefix("bytes ")
                if not start.startswith(f"{have}-"):
                    raise ApiShapeError(
                        f"GET {url}", f"asked for bytes from {have}, got Content-Range {start!r}"
                    )
                mode = "ab"
            else:
                have, mode = 0, "wb"  # the server ignored Range: start over
            total_text = response.headers.get("Content-Length")
            expected = have + int(total_text) if total_text and total_text.isdigit() else None
            with part.open(mode) as out:
                for chunk in response.iter_bytes(chunk_size):
                    out.write(chunk)
        size = part.stat().st_size
        if expected is not None and size != expected:
            raise httpx.ReadError(f"connection closed at byte {size} of {expected}")
        return size

    def download_file(self, url: str, dest: Path, *, chunk_size: int = 1 << 20) -> Path:
        """Fetch ``url`` to ``dest``; a ``dest.part`` left by an earlier try is resumed."""
        dest = Path(dest)
        dest.parent.mkdir(parents=True, exist_ok=True)
        part = dest.with_name(dest.name + ".part")
        url = urljoin(self.base_url + "/", url)
        try:
            for attempt in self._retrying():
                with attempt:
                    self._download_attempt(url, part, chunk_size)
        except (httpx.TransportError, _Retryable) as exc:
            raise ApiRequestError(
                f"GET {url}",
                f"download incomplete after {self.max_attempts} attempts ({exc}); "
                f"run again to resume from {part}",
            ) from None
        part.replace(dest)
        return dest

    def bulk_download(
        self,
        body: Mapping[str, Any],
        dest_dir: Path,
        *,
        endpoint: str = "bulk_download/awards/",
        poll_every: float = 10.0,
        timeout: float = 3600.0,
    ) -> Path:
        """Request a download, wait for it, and fetch the zip into ``dest_dir``."""
        job = self.request_download(body, endpoint=endpoint)
        status = self.wait_for_download(job.file_name, poll_every=poll_every, timeout=timeout)
        return self.download_file(status.file_url or job.file_url, Path(dest_dir) / job.file_name)


@dataclass(frozen=True)
class Agency:
    """An ``agencies`` filter entry (``awarding``, by default the sub-tier agency)."""

    key: str
    name: str
    tier: str = "subtier"
    toptier_name: str | None = "Department of Homeland Security"
    type: str = "awarding"
    abbreviation: str = ""

    def as_filter(self) -> dict[str, str]:
        entry = {"type": self.type, "tier": self.tier, "name": self.name}
        if self.tier == "subtier" and self.toptier_name:
            entry["toptier_name"] = self.toptier_name
        return entry


AGENCIES: dict[str, Agency] = {
    "ice": Agency("ice", "U.S. Immigration and Customs Enforcement", abbreviation="ICE"),
    "cbp": Agency("cbp", "U.S. Customs and Border Protection", abbreviation="CBP"),
    "uscis": Agency("uscis", "U.S. Citizenship and Immigration Services", abbreviation="USCIS"),
    "dhs": Agency(
        "dhs",
        "Department of Homeland Security",
        tier="toptier",
        toptier_name=None,
        abbreviation="DHS",
    ),
}


def agency(key: str) -> Agency:
    try:
        return AGENCIES[key.lower()]
    except KeyError:
        known = ", ".join(AGENCIES)
        raise VendorwatchError(f"unknown agency {key!r}; known: {known}") from None


@dataclass(frozen=True)
class DateWindow:
    start: date
    end: date

    def as_filter(self, date_type: str = "last_modified_date") -> dict[str, str]:
        return {
            "start_date": self.start.isoformat(),
            "end_date": self.end.isoformat(),
            "date_type": date_type,
        }


@dataclass(frozen=True)
class AwardQuery:
    """The filters of one award search: an award-type group, agencies, dates, recipients."""

    group: str
    agencies: tuple[Agency, ...] = ()
    window: DateWindow | None = None
    recipient_search_text: tuple[str, ...] = ()
    extra: Mapping[str, Any] = field(default_factory=dict)

    def filters(self) -> dict[str, Any]:
        if self.group not in AWARD_TYPE_GROUPS:
            raise VendorwatchError(
                f"unknown award type group {self.group!r}; known: {', '.join(AWARD_TYPE_GROUPS)}"
            )
        out: dict[str, Any] = {"award_type_codes": list(AWARD_TYPE_GROUPS[self.group])}
        if self.agencies:
            out["agencies"] = [a.as_filter() for a in self.agencies]
        if self.window is not None:
            out["time_period"] = [self.window.as_filter()]
        if self.recipient_search_text:
            out["recipient_search_text"] = list(self.recipient_search_text)
        out.update(self.extra)
        return out
