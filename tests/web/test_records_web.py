"""Released records over HTTP: upload, find by a word, kept from other organisations, published.

The site runs on the real sample warehouse with an app database per test (SQLite, files in a
folder beside it; PostgreSQL, files in the database). The PDF is rendered here by WeasyPrint
with words of our choosing, so what search must find is known without asking the code.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from httpx import Response

from tests.appdb.engines import ENGINES, database_url
from tests.foia.test_records import CORRUPT, PIID, release_pdf
from tests.web.test_foia_web import (
    AWARD,
    EDITOR,
    STRANGER,
    VIEWER,
    draft,
    log_in,
    seed,
    token_of,
)
from vendorwatch.settings import get_settings
from vendorwatch.web import create_app

# The shared machine may be slow; the time limit itself is tested in test_serving.py.
TIME_LIMIT = 300.0

__all__ = ["database_url"]

pytestmark = ENGINES


@pytest.fixture(scope="module")
def pdf() -> bytes:
    return release_pdf()


@pytest.fixture
def app_db(database_url: str, monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.delenv("VENDORWATCH_RECORDS_DIR", raising=False)
    seed(database_url)
    return database_url


def make_client(warehouse: Path, url: str) -> TestClient:
    return TestClient(create_app(warehouse, app_database_url=url, time_limit=TIME_LIMIT))


@pytest.fixture
def site(sample_warehouse: Path, app_db: str) -> Iterator[TestClient]:
    with make_client(sample_warehouse, app_db) as client:
        yield client


@pytest.fixture
def stranger(sample_warehouse: Path, app_db: str) -> Iterator[TestClient]:
    """A member of the other organisation, in a browser of their own."""
    with make_client(sample_warehouse, app_db) as client:
        assert log_in(client, STRANGER).status_code == 303
        yield client


@contextmanager
def another_browser(site: TestClient) -> Iterator[TestClient]:
    """A second browser on the running site: its own cookies, the site not started again."""
    yield TestClient(site.app)


def upload(
    client: TestClient, request_id: int, files: list[tuple[str, bytes, str]], **form: str
) -> Response:
    page = client.get(f"/foia/{request_id}")
    data = {"csrf_token": token_of(page), **form}
    parts = [("file", (name, content, kind)) for name, content, kind in files]
    done: Response = client.post(
        f"/foia/{request_id}/records", data=data, files=parts, follow_redirects=False
    )
    return done


def document_ids(page: Response) -> list[int]:
    return [int(n) for n in re.findall(r'<tr id="record-(\d+)">', page.text)]


def attach_release(site: TestClient, pdf: bytes) -> tuple[int, int]:
    assert log_in(site, EDITOR).status_code == 303
    request_id = draft(site)
    done = upload(site, request_id, [("release 1.pdf", pdf, "application/pdf")], award=AWARD)
    assert done.status_code == 303, done.text
    assert done.headers["location"] == f"/foia/{request_id}#records"
    ids = document_ids(site.get(f"/foia/{request_id}"))
    assert len(ids) == 1
    return request_id, ids[0]


def test_a_member_uploads_a_pdf_and_finds_it_by_a_word(site: TestClient, pdf: bytes) -> None:
    request_id, doc_id = attach_release(site, pdf)
    page = site.get(f"/foia/{request_id}")
    row = page.text[page.text.index(f'id="record-{doc_id}"') :]
    assert "release 1.pdf" in row and "2 pages" in row and PIID in row
    assert "members of Example Law Clinic" in row
    found = site.get("/foia/records", params={"q": "venntel"})
    assert found.status_code == 200
    assert document_ids(found) == [doc_id]
    assert "<mark>Venntel</mark>" in found.text
    phrase = site.get("/foia/records", params={"q": '"commercial telemetry feed"'})
    assert document_ids(phrase) == [doc_id] and "page 2:" in phrase.text
    assert document_ids(site.get("/foia/records", params={"q": "Venn"})) == []
    got = site.get(f"/foia/records/{doc_id}/file")
    assert got.status_code == 200
    assert hashlib.sha256(got.content).hexdigest() == hashlib.sha256(pdf).hexdigest()
    assert got.headers["content-type"] == "application/pdf"
    assert got.headers["content-disposition"].startswith('attachment; filename="release 1.pdf"')
    assert got.headers["cache-control"] == "private, no-store"
    # Another member of the same organisation (a viewer) finds it too, but cannot publish.
    with another_browser(site) as colleague:
        assert log_in(colleague, VIEWER).status_code == 303
        assert document_ids(colleague.get("/foia/records", params={"q": "Venntel"})) == [doc_id]
        page = colleague.get(f"/foia/{request_id}")
        assert "Make public" not in page.text and "Attach released records" not in page.text
        token = token_of(page)
        refused = colleague.post(
            f"/foia/records/{doc_id}/public", data={"csrf_token": token, "public": "yes"}
        )
        assert refused.status_code == 403


def test_another_organisation_gets_404_and_finds_nothing(
    site: TestClient, stranger: TestClient, pdf: bytes
) -> None:
    request_id, doc_id = attach_release(site, pdf)
    assert stranger.get(f"/foia/records/{doc_id}/file").status_code == 404
    search = stranger.get("/foia/records", params={"q": "Venntel"})
    assert search.status_code == 200 and document_ids(search) == []
    assert 'id="no-hits"' in search.text
    assert document_ids(stranger.get("/foia/records")) == []
    assert stranger.get(f"/foia/{request_id}").status_code == 404
    token = token_of(stranger.get("/foia"))
    publish = stranger.post(
        f"/foia/records/{doc_id}/public", data={"csrf_token": token, "public": "yes"}
    )
    assert publish.status_code == 404
    sneaked = stranger.post(
        f"/foia/{request_id}/records",
        data={"csrf_token": token},
        files=[("file", ("x.pdf", pdf, "application/pdf"))],
    )
    assert sneaked.status_code == 404
    with another_browser(site) as anonymous:
        assert anonymous.get(f"/records/{doc_id}/file").status_code == 404
        private = anonymous.get(f"/foia/records/{doc_id}/file", follow_redirects=False)
        assert private.status_code == 303 and private.headers["location"].startswith("/login")
    assert document_ids(site.get(f"/foia/{request_id}")) == [doc_id]  # nothing changed


def test_the_award_page_shows_it_only_once_public(site: TestClient, pdf: bytes) -> None:
    request_id, doc_id = attach_release(site, pdf)
    with another_browser(site) as anonymous:
        before = anonymous.get(f"/award/{AWARD}")
        assert before.status_code == 200
        assert "Released records" not in before.text and "release 1.pdf" not in before.text
        token = token_of(site.get(f"/foia/{request_id}"))
        done = site.post(
            f"/foia/records/{doc_id}/public",
            data={"csrf_token": token, "public": "yes"},
            follow_redirects=False,
        )
        assert done.status_code == 303
        after = anonymous.get(f"/award/{AWARD}")
        assert after.status_code == 200
        assert "Released records" in after.text
        assert f'<a href="/records/{doc_id}/file">release 1.pdf</a>' in after.text
        assert "set-cookie" not in after.headers
        got = anonymous.get(f"/records/{doc_id}/file")
        assert got.status_code == 200 and got.content == pdf
        assert got.headers["content-disposition"].startswith("attachment;")
        token = token_of(site.get(f"/foia/{request_id}"))
        site.post(f"/foia/records/{doc_id}/public", data={"csrf_token": token, "public": "no"})
        assert "release 1.pdf" not in anonymous.get(f"/award/{AWARD}").text
        assert anonymous.get(f"/records/{doc_id}/file").status_code == 404


@pytest.fixture
def small_limit(monkeypatch: pytest.MonkeyPatch) -> Iterator[int]:
    monkeypatch.setenv("VENDORWATCH_RECORDS_MAX_BYTES", "20000")
    get_settings.cache_clear()
    yield 20000
    monkeypatch.undo()
    get_settings.cache_clear()


def test_limits_types_and_unreadable_files(site: TestClient, pdf: bytes, small_limit: int) -> None:
    assert log_in(site, EDITOR).status_code == 303
    request_id = draft(site)
    big = upload(site, request_id, [("big.txt", b"word " * 100_000, "text/plain")])
    assert big.status_code == 413  # refused before the form is parsed
    assert "A file may be up to 20,000 bytes; this upload is larger." in big.text
    over = upload(site, request_id, [("over.txt", b"w" * (small_limit + 1), "text/plain")])
    assert over.status_code == 413
    assert "over.txt: 20,001 bytes is larger than the limit of 20,000 bytes" in over.text
    jpeg = upload(site, request_id, [("photo.pdf", b"\xff\xd8\xff\xe0 JFIF", "application/pdf")])
    assert jpeg.status_code == 400
    assert "photo.pdf: not a PDF (it does not start with %PDF-)" in jpeg.text
    mixed = [("ok.txt", b"fine words", "text/plain"), ("x.docx", b"PK\x03\x04", "text/plain")]
    refused = upload(site, request_id, mixed)
    assert refused.status_code == 400 and "only PDF and plain-text (.txt)" in refused.text
    assert document_ids(site.get(f"/foia/{request_id}")) == []  # neither was attached
    no_token = site.post(
        f"/foia/{request_id}/records", files=[("file", ("a.txt", b"words", "text/plain"))]
    )
    assert no_token.status_code == 403
    html = b"<script>alert('x')</script> Venntel"
    kept = upload(site, request_id, [("scan.pdf", CORRUPT, "application/pdf"),
                                     ("page.txt", html, "text/html")])  # fmt: skip
    assert kept.status_code == 303, kept.text
    page = site.get(f"/foia/{request_id}")
    broken, text_id = document_ids(page)
    assert "text could not be read: " in page.text
    assert site.get(f"/foia/records/{broken}/file").content == CORRUPT  # kept whole
    served = site.get(f"/foia/records/{text_id}/file")
    assert served.headers["content-type"] == "text/plain; charset=utf-8"
    assert served.headers["x-content-type-options"] == "nosniff"
    assert "sandbox" in served.headers["content-security-policy"]
    assert served.headers["content-disposition"].startswith("attachment;")
