"""The client against recorded responses (respx): errors, retries, waits and both paging modes."""

from __future__ import annotations

import io
import json
import zipfile
from collections.abc import Iterator
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import httpx
import pytest
import respx

from tests.sources.api import CBP, award_page, fixture, make_awards, simple_metadata
from vendorwatch.sources import (
    ApiRequestError,
    ApiShapeError,
    AwardQuery,
    DateWindow,
    UsaspendingClient,
    load_download,
)
from vendorwatch.sources.mapping import award_row
from vendorwatch.sources.usaspending import AGENCIES
from vendorwatch.warehouse import open_warehouse

BASE = "https://api.usaspending.gov"
SEARCH = f"{BASE}/api/v2/search/spending_by_award/"
FIELDS = ["Award ID", "generated_internal_id"]


class FakeTime:
    """An injected clock and sleep: waits are recorded, never waited."""

    def __init__(self) -> None:
        self.now = 1000.0
        self.sleeps: list[float] = []

    def clock(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds


@pytest.fixture
def fake_time() -> FakeTime:
    return FakeTime()


@pytest.fixture
def client(fake_time: FakeTime) -> Iterator[UsaspendingClient]:
    with UsaspendingClient(
        BASE,
        requests_per_second=0,
        backoff_jitter=0,
        sleep=fake_time.sleep,
        clock=fake_time.clock,
    ) as c:
        yield c


def contracts_query() -> dict[str, Any]:
    return AwardQuery(
        "contracts",
        agencies=(AGENCIES["ice"],),
        window=DateWindow(date(2024, 10, 1), date(2025, 1, 31)),
    ).filters()


def one_page(n: int = 3) -> dict[str, Any]:
    rows = [a.search_row() for a in make_awards(n, CBP)]
    return award_page(rows, page=1, limit=100, has_next=False)


@respx.mock
def test_mixed_award_type_groups_is_a_422_named_and_not_retried(client: UsaspendingClient) -> None:
    """The API's own 422 body (api_helper.raise_if_award_types_not_valid_subset)."""
    route = respx.post(SEARCH).mock(
        return_value=httpx.Response(422, json=fixture("mixed_award_type_groups.422.json"))
    )
    filters = {"award_type_codes": ["A", "B", "IDV_A"]}
    with pytest.raises(ApiRequestError) as caught:
        list(client.award_search_pages(filters, FIELDS))
    assert route.call_count == 1
    assert caught.value.status == 422
    assert str(caught.value) == (
        "USAspending POST /api/v2/search/spending_by_award/ (page 1): HTTP 422: "
        "'award_type_codes' must only contain types from one group."
    )


def test_an_unknown_award_type_group_is_refused_before_any_request() -> None:
    with pytest.raises(Exception, match="unknown award type group 'loans'"):
        AwardQuery("loans").filters()


@respx.mock
def test_429_then_success_waits_what_retry_after_says(
    client: UsaspendingClient, fake_time: FakeTime
) -> None:
    route = respx.post(SEARCH).mock(
        side_effect=[
            httpx.Response(429, headers={"Retry-After": "7"}, json={"detail": "slow down"}),
            httpx.Response(200, json=one_page()),
        ]
    )
    pages = list(client.award_search_pages(contracts_query(), FIELDS))
    assert len(pages[0].model.results) == 3
    assert route.call_count == 2
    assert fake_time.sleeps == [7.0]
    assert client.stats.retries == 1


@respx.mock
def test_retry_after_as_an_http_date(client: UsaspendingClient, fake_time: FakeTime) -> None:
    when = "Wed, 21 Oct 2099 07:28:00 GMT"  # far beyond the client's limit: refuse, not wait
    respx.post(SEARCH).mock(return_value=httpx.Response(503, headers={"Retry-After": when}))
    with pytest.raises(ApiRequestError, match=r"asks to wait .* try again later"):
        list(client.award_search_pages(contracts_query(), FIELDS))
    assert fake_time.sleeps == []


@respx.mock
def test_a_page_that_times_out_then_succeeds(
    client: UsaspendingClient, fake_time: FakeTime
) -> None:
    route = respx.post(SEARCH).mock(
        side_effect=[httpx.ReadTimeout("timed out"), httpx.Response(200, json=one_page())]
    )
    pages = list(client.award_search_pages(contracts_query(), FIELDS))
    assert [r.internal_id for r in pages[0].model.results] == [
        300_000_001,
        300_000_002,
        300_000_003,
    ]
    assert route.call_count == 2
    assert fake_time.sleeps == [1.0]  # first backoff step, no jitter


@respx.mock
def test_a_page_that_always_times_out_names_the_request(
    client: UsaspendingClient, fake_time: FakeTime
) -> None:
    route = respx.post(SEARCH).mock(side_effect=httpx.ConnectTimeout("timed out"))
    with pytest.raises(ApiRequestError) as caught:
        list(client.award_search_pages(contracts_query(), FIELDS))
    assert route.call_count == 6
    assert fake_time.sleeps == [1.0, 2.0, 4.0, 8.0, 16.0]
    assert "POST /api/v2/search/spending_by_award/ (page 1)" in str(caught.value)
    assert "no answer after 6 attempts (ConnectTimeout" in str(caught.value)


@respx.mock
def test_5xx_is_retried_then_reported_with_the_apis_words(client: UsaspendingClient) -> None:
    respx.get(f"{BASE}/api/v2/awards/X/").mock(
        return_value=httpx.Response(500, json={"detail": "Unable to reach the Elasticsearch"})
    )
    with pytest.raises(ApiRequestError, match=r"GET /api/v2/awards/X/: failed after 6 attempts"):
        client.award("X")


@respx.mock
def test_requests_are_spaced_to_the_rate(fake_time: FakeTime) -> None:
    respx.get(url__regex=r".*/awards/.*").mock(
        return_value=httpx.Response(200, json=fixture("award_detail_contract.json"))
    )
    with UsaspendingClient(
        BASE, requests_per_second=2, sleep=fake_time.sleep, clock=fake_time.clock
    ) as polite:
        for _ in range(3):
            polite.award("CONT_AWD_70CDCR25C00000001_7012_-NONE-_-NONE-")
    assert fake_time.sleeps == [0.5, 0.5]


@respx.mock
def test_a_changed_shape_names_the_endpoint_and_the_key(client: UsaspendingClient) -> None:
    body = one_page()
    body["page_metadata"]["hasNext"] = "maybe"
    respx.post(SEARCH).mock(return_value=httpx.Response(200, json=body))
    with pytest.raises(ApiShapeError) as caught:
        list(client.award_search_pages(contracts_query(), FIELDS))
    assert "POST /api/v2/search/spending_by_award/ (page 1)" in str(caught.value)
    assert "page_metadata.hasNext" in str(caught.value)
    assert "the API may have changed" in str(caught.value)


def fake_award_search(total: int) -> Any:
    """spending_by_award as the view pages it: page numbers inside the window, then search-after.

    Mirrors ``query_elasticsearch``/``construct_es_response``: past the 50,000 window a page
    number alone is a 422; both cursor values must come together; with the cursor the next
    ``limit`` records after it are returned.
    """
    ids = list(range(1, total + 1))

    def respond(request: httpx.Request) -> httpx.Response:
        body = json.loads(request.content)
        page, limit = body["page"], body["limit"]
        last_id = body.get("last_record_unique_id")
        last_sort = body.get("last_record_sort_value")
        if (last_id is None) != (last_sort is None):
            return httpx.Response(500, json={"detail": "requires both"})
        if last_id is None:
            if (page - 1) * limit >= 50_000:
                return httpx.Response(
                    422, json={"detail": f"Page #{page} with limit {limit} is over the maximum"}
                )
            chunk = ids[(page - 1) * limit : page * limit]
            has_next = total - (page - 1) * limit > limit
        else:
            assert last_sort == f"AWD{last_id:06d}"
            start = ids.index(last_id) + 1
            chunk = ids[start : start + limit]
            has_next = start + limit < total
        rows = [
            {"internal_id": i, "Award ID": f"AWD{i:06d}", "generated_internal_id": f"G{i}"}
            for i in chunk
        ]
        return httpx.Response(200, json=award_page(rows, page=page, limit=limit, has_next=has_next))

    return respond


@respx.mock
def test_more_than_50000_records_switch_to_search_after(client: UsaspendingClient) -> None:
    total = 50_000 + 250
    route = respx.post(SEARCH).mock(side_effect=fake_award_search(total))
    seen: list[int] = []
    for page in client.award_search_pages(contracts_query(), FIELDS, sort="Award ID"):
        seen.extend(r.internal_id for r in page.model.results)
    assert seen == list(range(1, total + 1))
    bodies = [json.loads(call.request.content) for call in route.calls]
    assert len(bodies) == 503
    assert all("last_record_unique_id" not in b for b in bodies[:500])
    assert [b["page"] for b in bodies[:500]] == list(range(1, 501))
    cursors = [(b["last_record_unique_id"], b["last_record_sort_value"]) for b in bodies[500:]]
    assert cursors == [(50_000, "AWD050000"), (50_100, "AWD050100"), (50_200, "AWD050200")]


@respx.mock
def test_transaction_search_splits_the_period_where_the_window_is_short(
    fake_time: FakeTime,
) -> None:
    """spending_by_transaction has no search-after: the client halves the dates instead."""
    days = {date(2025, 1, d): 40 for d in range(1, 11)}  # 400 transactions over ten days

    def in_period(body: dict[str, Any]) -> list[date]:
        period = body["filters"]["time_period"][0]
        start, end = (
            date.fromisoformat(period["start_date"]),
            date.fromisoformat(period["end_date"]),
        )
        return [d for d in days if start <= d <= end]

    def count(request: httpx.Request) -> httpx.Response:
        n = sum(days[d] for d in in_period(json.loads(request.content)))
        return httpx.Response(200, json={"results": {"contracts": n, "idvs": 0, "grants": 0}})

    def search(request: httpx.Request) -> httpx.Response:
        body = json.loads(request.content)
        rows = [
            {"internal_id": i, "generated_internal_id": f"G{d:%d}-{i}", "Action Date": str(d)}
            for d in in_period(body)
            for i in range(days[d])
        ]
        page, limit = body["page"], body["limit"]
        assert (page - 1) * limit < 150  # never asks past the (test-sized) window
        chunk = rows[(page - 1) * limit : page * limit]
        has_next = len(rows) > page * limit
        return httpx.Response(
            200,
            json={
                "limit": limit,
                "results": chunk,
                "page_metadata": simple_metadata(page=page, has_next=has_next),
            },
        )

    respx.post(f"{BASE}/api/v2/search/spending_by_transaction_count/").mock(side_effect=count)
    respx.post(f"{BASE}/api/v2/search/spending_by_transaction/").mock(side_effect=search)
    with UsaspendingClient(
        BASE, requests_per_second=0, result_window=150, sleep=fake_time.sleep
    ) as small:
        filters = {
            "award_type_codes": ["A", "B", "C", "D"],
            "time_period": [{"start_date": "2025-01-01", "end_date": "2025-01-10"}],
        }
        rows = list(small.iter_transaction_search(filters, ["Award ID"], limit=100))
    assert len(rows) == 400
    assert len({r["generated_internal_id"] for r in rows}) == 400


@respx.mock
def test_award_transactions_pages_until_has_next_is_false(client: UsaspendingClient) -> None:
    example = fixture("award_detail_contract.json")["generated_unique_award_id"]
    record = {
        "id": "CONT_TX_7012_-NONE-_70CDCR25C00000001_0_-NONE-_0",
        "type": "D",
        "type_description": "DEFINITIVE CONTRACT",
        "action_date": "2024-10-15",
        "action_type": None,
        "action_type_description": None,
        "modification_number": "0",
        "description": "BASE",
        "federal_action_obligation": 125000.0,
        "face_value_loan_guarantee": None,
        "original_loan_subsidy_cost": None,
    }
    second = {**record, "id": record["id"].replace("_0_-NONE-", "_P00001_-NONE-")}
    second.update(modification_number="P00001", federal_action_obligation=-250.75)
    route = respx.post(f"{BASE}/api/v2/transactions/").mock(
        side_effect=[
            httpx.Response(
                200,
                json={"page_metadata": simple_metadata(page=1, has_next=True), "results": [record]},
            ),
            httpx.Response(
                200,
                json={
                    "page_metadata": simple_metadata(page=2, has_next=False),
                    "results": [second],
                },
            ),
        ]
    )
    got = client.award_transactions(example, limit=1)
    assert [(t.model.modification_number, t.model.federal_action_obligation) for t in got] == [
        ("0", Decimal("125000.0")),
        ("P00001", Decimal("-250.75")),
    ]
    assert [json.loads(c.request.content)["page"] for c in route.calls] == [1, 2]


def real_award_summaries_csv(raw_data: Path, rows: int) -> bytes:
    """The first rows of the real ICE PrimeAwardSummaries download (read at test time)."""
    import gzip

    path = (
        raw_data
        / "mn-ice-contracts"
        / "ICE_MN_Contracts_PrimeAwardSummaries_2025-03-21_H19M57S23_1.csv.gz"
    )
    with gzip.open(path, "rt", encoding="utf-8", newline="") as handle:
        lines = [next(handle) for _ in range(rows + 1)]
    return "".join(lines).encode()


@respx.mock
def test_bulk_download_polls_resumes_the_zip_and_loads_it(
    client: UsaspendingClient, fake_time: FakeTime, raw_data: Path, tmp_path: Path
) -> None:
    requested = fixture_from(raw_data, "bulk_download__awards.response-200.2.json")
    status = fixture_from(raw_data, "download__status.response-200.1.json")
    csv_bytes = real_award_summaries_csv(raw_data, 5)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("Contracts_PrimeAwardSummaries_2025-03-21_1.csv", csv_bytes)
        archive.writestr("Readme.txt", "Not data.\n")
    data = buffer.getvalue()
    half = len(data) // 2

    respx.post(f"{BASE}/api/v2/bulk_download/awards/").mock(
        return_value=httpx.Response(200, json=requested)
    )
    respx.get(f"{BASE}/api/v2/download/status").mock(
        side_effect=[
            httpx.Response(200, json={**status, "status": "running", "total_rows": None}),
            httpx.Response(200, json=status),
        ]
    )

    def serve_file(request: httpx.Request) -> httpx.Response:
        wanted = request.headers.get("Range")
        if wanted is None:  # the connection drops half-way through
            return httpx.Response(
                200, content=data[:half], headers={"Content-Length": str(len(data))}
            )
        start = int(wanted.removeprefix("bytes=").rstrip("-"))
        return httpx.Response(
            206,
            content=data[start:],
            headers={"Content-Range": f"bytes {start}-{len(data) - 1}/{len(data)}"},
        )

    file_route = respx.get(url__regex=r".*/csv_downloads/.*\.zip").mock(side_effect=serve_file)
    body = fixture_from(raw_data, "bulk_download__awards.request.1.json")
    zip_path = client.bulk_download(body, tmp_path, poll_every=5)
    assert zip_path.read_bytes() == data
    assert [c.request.headers.get("Range") for c in file_route.calls] == [None, f"bytes={half}-"]
    assert 5.0 in fake_time.sleeps  # one poll wait while "running"

    con = open_warehouse(tmp_path / "w.duckdb")
    results = load_download(con, zip_path)
    loaded = {r.path.name: (r.status, r.rows) for r in results}
    assert loaded == {
        "Contracts_PrimeAwardSummaries_2025-03-21_1.csv": ("loaded", 5),
        "Readme.txt": ("skipped", 0),
    }
    assert con.execute("SELECT count(*) FROM awards").fetchone() == (5,)
    con.close()


def fixture_from(raw_data: Path, name: str) -> Any:
    return json.loads((raw_data / "usaspending-api" / "api-examples" / name).read_text("utf-8"))


@pytest.mark.parametrize(
    "name",
    ["awards__award_id.response-200.1.json", "awards__award_id.response-200.2.json"],
)
def test_the_published_award_examples_validate_and_map(raw_data: Path, name: str) -> None:
    from vendorwatch.sources.models import AwardDetail

    detail = AwardDetail.model_validate(fixture_from(raw_data, name))
    row = award_row(detail, [])
    if detail.type == "C":  # the McKesson delivery order
        assert (row["extent_competed_code"], row["recipient_parent_uei"]) == ("A", "S1RUKWWRYFL6")
        assert row["potential_total_value_of_award"] == Decimal("61241.34")
        assert row["parent_award_id_piid"] == "SPE2DX16D1500"
        assert row["number_of_offers_received"] == 4
        assert row["last_modified_date"] == date(2019, 10, 27)
        assert row["period_of_performance_potential_end_date"] == date(2016, 6, 27)
        assert (row["award_type_code"], row["idv_type_code"]) == ("C", None)
    else:  # the Air Force BPA
        assert (row["award_type_code"], row["idv_type_code"]) == (None, "E")
        assert row["extent_competed_code"] is None
        assert row["awarding_sub_agency_name"] == "Department of the Air Force"


def test_the_published_list_examples_validate(raw_data: Path) -> None:
    from vendorwatch.sources.models import (
        AwardTransactionsPage,
        DownloadRequested,
        DownloadStatus,
        TransactionSearchPage,
    )

    page = TransactionSearchPage.model_validate(
        fixture_from(raw_data, "search__spending_by_transaction.response-200.2.json")
    )
    assert page.page_metadata.hasNext is True
    assert len(page.results) == 10
    history = AwardTransactionsPage.model_validate(
        fixture_from(raw_data, "transactions.response-200.2.json")
    )
    assert history.results[0].federal_action_obligation == Decimal("11041.0")
    DownloadRequested.model_validate(
        fixture_from(raw_data, "bulk_download__awards.response-200.2.json")
    )
    assert DownloadStatus.model_validate(
        fixture_from(raw_data, "download__status.response-200.1.json")
    ).status == ("finished")
