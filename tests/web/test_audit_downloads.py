"""Downloads of an audit report without a second upload: held in memory for the browser that
made it, found by an unguessable token plus that browser's cookie, expiring, never on disk."""

from __future__ import annotations

import csv
import io
import re
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from vendorwatch.audit import audit_files
from vendorwatch.settings import get_settings
from vendorwatch.web import create_app
from vendorwatch.web.held import AUDIT_COOKIE, HeldReports

from .conftest import TIME_LIMIT

SCIENCEDIRECT = (
    "kbart/ScienceDirectStandard_Global_EBook-"
    "AgriculturalAndBiologicalSciencesPre-2007_2016-05-23.txt"
)
LINK = re.compile(r'href="/audit/report/([A-Za-z0-9_-]+)\.(pdf|csv|json|html)"')


@contextmanager
def site(warehouse: Path, app_db: Path) -> Iterator[TestClient]:
    app = create_app(warehouse, time_limit=TIME_LIMIT, app_database_url=f"sqlite:///{app_db}")
    with TestClient(app) as client:
        yield client


def upload(client: TestClient, data: bytes) -> str:
    """The report page for one upload; the token its download links carry."""
    page = client.post(
        "/audit", files=[("files", ("holdings.txt", data, "text/plain"))], data={"format": "page"}
    )
    assert page.status_code == 200, page.text[:500]
    links = LINK.findall(page.text)
    assert {fmt for _, fmt in links} == {"pdf", "csv", "json", "html"}
    tokens = {token for token, _ in links}
    assert len(tokens) == 1
    return tokens.pop()


def kbart_titles(path: Path) -> list[str]:
    """The file's titles, read with the csv module (the KBART file is tab-separated)."""
    with path.open(encoding="utf-8-sig", newline="") as f:
        return [row["publication_title"] for row in csv.DictReader(f, delimiter="\t")]


def listing(folder: Path) -> dict[str, tuple[int, int]]:
    return {str(p): (p.stat().st_size, p.stat().st_mtime_ns) for p in folder.rglob("*")}


def test_downloads_without_a_second_upload_and_nothing_on_disk(
    sample_warehouse: Path, raw_data: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    spill = tmp_path / "spill"
    spill.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(spill))
    data_dir = tmp_path / "appdata"
    data_dir.mkdir()
    before = listing(sample_warehouse.parent)
    with site(sample_warehouse, data_dir / "app.sqlite") as client:
        token = upload(client, (raw_data / SCIENCEDIRECT).read_bytes())
        cookie = client.cookies.get(AUDIT_COOKIE)
        assert cookie
        # The PDF and the CSV of that report, no file sent again.
        pdf = client.get(f"/audit/report/{token}.pdf")
        assert pdf.status_code == 200
        assert pdf.headers["content-type"] == "application/pdf"
        assert pdf.content.startswith(b"%PDF")
        got = client.get(f"/audit/report/{token}.csv")
        assert got.status_code == 200
        assert got.headers["content-type"].startswith("text/csv")
        rows = list(csv.DictReader(io.StringIO(got.text)))
        titles = kbart_titles(raw_data / SCIENCEDIRECT)
        assert [r["title"] for r in rows if not r["kind"].startswith("usage")] == titles
        assert {r["family_name"] for r in rows} == {"RELX PLC"}
        report = client.get(f"/audit/report/{token}.json").json()
        assert report["families"][0]["name"] == "RELX PLC"
    # Nothing written: no spilled upload, no app database, the warehouse folder as it was.
    assert list(spill.iterdir()) == []
    assert list(data_dir.iterdir()) == []
    assert listing(sample_warehouse.parent) == before


def test_another_browser_cannot_use_the_link(sample_warehouse: Path, raw_data: Path,
                                             tmp_path: Path) -> None:  # fmt: skip
    with site(sample_warehouse, tmp_path / "app.sqlite") as client:
        token = upload(client, (raw_data / SCIENCEDIRECT).read_bytes())
        mine = client.cookies.get(AUDIT_COOKIE)
        assert mine
        client.cookies.clear()
        gone = client.get(f"/audit/report/{token}.csv")  # no cookie at all
        assert gone.status_code == 404
        assert "no longer held" in gone.text
        assert '<form class="upload"' in gone.text
        client.cookies.set(AUDIT_COOKIE, "someone-else", path="/audit")
        assert client.get(f"/audit/report/{token}.csv").status_code == 404
        client.cookies.clear()
        client.cookies.set(AUDIT_COOKIE, mine, path="/audit")
        assert client.get(f"/audit/report/{token}.csv").status_code == 200
        assert client.get(f"/audit/report/{'x' * len(token)}.csv").status_code == 404


def test_the_cookie_is_only_for_the_audit(sample_warehouse: Path, raw_data: Path,
                                          tmp_path: Path) -> None:  # fmt: skip
    with site(sample_warehouse, tmp_path / "app.sqlite") as client:
        page = client.post(
            "/audit",
            files=[("files", ("h.txt", (raw_data / SCIENCEDIRECT).read_bytes(), "text/plain"))],
        )
        flags = [p.strip().lower() for p in page.headers["set-cookie"].split(";")]
        assert "httponly" in flags
        assert "samesite=strict" in flags
        assert "path=/audit" in flags
        assert client.get("/audit").headers.get("set-cookie") is None


def test_reports_expire(
    sample_warehouse: Path, raw_data: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("VENDORWATCH_AUDIT_KEEP_SECONDS", "0.5")
    get_settings.cache_clear()
    try:
        with site(sample_warehouse, tmp_path / "app.sqlite") as client:
            token = upload(client, (raw_data / SCIENCEDIRECT).read_bytes())
            time.sleep(1.0)  # past the half second the override allows (not a timing assert)
            gone = client.get(f"/audit/report/{token}.pdf")
            assert gone.status_code == 404
            assert "no longer held" in gone.text
            assert "choose the files again" in gone.text
            assert '<form class="upload"' in gone.text
    finally:
        get_settings.cache_clear()


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def test_the_store_is_bounded(raw_data: Path) -> None:
    """Oldest out first past the count or the bytes; each past its time; one too large alone
    is not held at all."""
    report = audit_files([("h.txt", (raw_data / SCIENCEDIRECT).read_bytes())])
    clock = Clock()
    store = HeldReports(seconds=60, max_reports=2, max_bytes=10**9, clock=clock)
    first, second, third = (store.keep("c", report) for _ in range(3))
    assert first and second and third
    assert store.get(first.token, "c") is None
    assert store.get(third.token, "c") is not None
    clock.now = 61
    assert store.get(third.token, "c") is None
    assert len(store) == 0
    size = third.size
    small = HeldReports(seconds=60, max_reports=10, max_bytes=size * 2, clock=clock)
    a, b, c = (small.keep("c", report) for _ in range(3))
    assert a and b and c
    assert small.get(a.token, "c") is None
    assert small.get(c.token, "c") is not None
    assert HeldReports(seconds=60, max_reports=10, max_bytes=size - 1).keep("c", report) is None
