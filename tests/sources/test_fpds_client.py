"""The FPDS ATOM client against the two recorded feeds, served by a local replay server."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest

from vendorwatch.errors import VendorwatchError
from vendorwatch.sources.fpds import FEED_PATH, FpdsClient, FpdsQuery
from vendorwatch.sources.usaspending import ApiRequestError
from vendorwatch.warehouse import load_paths, open_warehouse

from .replay import exchange, file_exchange, serve

DOD = "fpds_atom_feed_sample_dod_2020-04-02.xml"
GSA = "fpds_atom_full_response_gsa_pbs_2013.xml"
QUERY = FpdsQuery(agency_code="9700", last_modified=(date(2020, 4, 2), date(2020, 4, 2)))


def _page(raw: Path, name: str, start: str, *, last: bool = False) -> dict[str, object]:
    body = (raw / "fpds-atom-samples" / name).read_bytes()
    if last:  # the recording is the first page of its own search: as a last page, no next link
        body = re.sub(rb"<ns0:link rel=\"next\"[^>]*/>", b"", body)
    found = file_exchange(FEED_PATH, body)
    found["match"] = {"start": start, "q": QUERY.q(), "FEEDNAME": "PUBLIC"}
    return found


def _client(base: str, sleeps: list[float], **options: object) -> FpdsClient:
    return FpdsClient(
        base, requests_per_second=2.0, sleep=sleeps.append, backoff_jitter=0.0, **options
    )


def test_the_client_follows_next_links_and_the_pages_load(raw_data: Path, tmp_path: Path) -> None:
    served = [_page(raw_data, DOD, "0"), _page(raw_data, GSA, "10", last=True)]
    sleeps: list[float] = []
    with serve(served) as (base, replay), _client(base, sleeps) as client:
        files = client.download(QUERY, tmp_path / "feeds")
        assert [r["request"]["start"] for r in replay.log] == ["0", "10"]
        assert replay.log[0]["request"]["q"] == (
            'AGENCY_CODE:"9700" LAST_MOD_DATE:[2020/04/02,2020/04/02]'
        )
        assert client.stats.requests == 2
    assert len(files) == 2
    con = open_warehouse(tmp_path / "w.duckdb")
    results = load_paths(con, files)  # named files: feeds load
    assert [(r.status, r.rows) for r in results] == [("loaded", 10), ("loaded", 10)]
    con.close()


def test_it_keeps_the_usaspending_clients_spacing_and_retries(raw_data: Path) -> None:
    failing = exchange("GET", FEED_PATH, {"detail": "busy"}, status=503)
    sleeps: list[float] = []
    with serve([failing]) as (base, _), _client(base, sleeps, max_attempts=3) as client:
        with pytest.raises(ApiRequestError, match=r"failed after 3 attempts: .*503"):
            client.feed_page(QUERY)
        assert client.stats.retries == 2
    backoffs = [s for s in sleeps if s >= 1.0]
    assert backoffs[:2] == [1.0, 2.0]  # exponential, as for USAspending


def test_a_search_it_cannot_express_is_refused() -> None:
    with pytest.raises(VendorwatchError, match="4 letters or digits"):
        FpdsQuery(agency_code="ICE").q()
    with pytest.raises(VendorwatchError, match="without quotes"):
        FpdsQuery(vendor='RELX "INC"').q()
    with pytest.raises(VendorwatchError, match="needs a vendor"):
        FpdsQuery().q()
    assert FpdsQuery(vendor="RELX INC.", signed=(date(2016, 10, 1), date(2017, 9, 30))).q() == (
        'UEI_NAME:"RELX INC." SIGNED_DATE:[2016/10/01,2017/09/30]'
    )
