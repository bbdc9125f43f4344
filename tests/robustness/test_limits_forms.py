"""A limit refused on a page is said on that page's form, beside its field, the input kept.

Before, every refusal by a limit answered the site's generic error page ("Cannot show that"):
a librarian whose upload was too large lost the audit form, a reader whose search had too
many words lost the search box and what they typed. Now /search, /browse and /audit answer
the same page with its form, the message next to the field it is about (``aria-describedby``)
and the status kept (400, or 413 for a body too large); the API keeps its JSON.
The audit limits are tightened through the settings so the refused uploads stay small; an
upload past the site's body limit is answered on the form too (test_limits_uploads).
"""

from __future__ import annotations

import gzip
import html
import re

import pytest
from fastapi.testclient import TestClient

import vendorwatch.audit.limits
from vendorwatch.settings import get_settings

KB = 1024
WORDS = " ".join(f"w{i}" for i in range(60))  # 60 words in under 300 characters
TIGHT = {
    "audit_max_file_bytes": 16 * KB,
    "audit_max_files": 2,
    "audit_max_rows": 5,
    "audit_max_unpacked_bytes": 256 * KB,
}


@pytest.fixture
def client(sample_site: TestClient, monkeypatch: pytest.MonkeyPatch) -> TestClient:
    """The session's site (conftest), with the audit's limits tightened (read per upload).
    The body limit is the site's own: past it is tested on a real server, with a real
    connection (test_limits_uploads)."""
    tighter = get_settings().model_copy(update=TIGHT)
    monkeypatch.setattr(vendorwatch.audit.limits, "get_settings", lambda: tighter)
    return sample_site


def _said(text: str) -> str:
    return " ".join(html.unescape(text).split())


def _value(page: str, input_id: str) -> str:
    """The value of the input with id ``input_id`` (as the browser shows it)."""
    tag = re.search(rf'<input id="{input_id}"[^>]*>', page)
    assert tag, f"no input {input_id}"
    value = re.search(r'value="([^"]*)"', tag[0])
    return html.unescape(value[1]) if value else ""


def _beside(page: str, input_id: str, error_id: str) -> str:
    """The error paragraph the input points at (``aria-describedby``), its text."""
    tag = re.search(rf'<input id="{input_id}"[^>]*>', page)
    assert tag and f'aria-describedby="{error_id}"' in tag[0], f"{input_id} not described"
    error = re.search(rf'<p class="error" id="{error_id}"[^>]*>(.*?)</p>', page, re.S)
    assert error, f"no error {error_id}"
    return _said(re.sub(r"<[^>]+>", "", error[1]))


def test_a_search_past_the_limit_is_said_on_the_search_form(client: TestClient) -> None:
    page = client.get("/search", params={"q": WORDS})
    assert page.status_code == 400
    assert "<h1>Search</h1>" in page.text  # the search page, not "Cannot show that"
    assert _value(page.text, "search-q") == WORDS  # kept, to cut down
    said = _beside(page.text, "search-q", "search-error")
    assert said == "a search may have at most 20 words; this one has 60."
    api = client.get("/api/search", params={"q": WORDS})
    assert api.status_code == 400
    assert api.json() == {"detail": "a search may have at most 20 words; this one has 60"}


def test_browse_words_past_the_limit_are_said_beside_the_words_field(client: TestClient) -> None:
    page = client.get("/browse", params={"q": WORDS, "fiscal_year": "2020"})
    assert page.status_code == 400
    assert "<h1>Awards</h1>" in page.text
    assert _value(page.text, "words") == WORDS
    said = _beside(page.text, "words", "words-error")
    assert "a text filter (q) may have at most 20 words; this one has 60" in said
    lede = _said(re.search(r'<p class="lede">(.*?)</p>', page.text, re.S)[1])  # type: ignore[index]
    assert "fiscal year is “2020”" in lede  # the rest of the selection still applies
    assert "words include" not in lede
    assert 'name="fiscal_year" value="2020"' in page.text  # kept in the form
    assert client.get("/api/awards", params={"q": WORDS}).json()["detail"].startswith("a text")


def test_too_many_facet_values_are_said_above_the_facets(client: TestClient) -> None:
    params = [("family", f"family-{i}") for i in range(60)] + [("q", "services")]
    page = client.get("/browse", params=params)
    assert page.status_code == 400
    error = re.search(r'<p class="error" id="facets-error"[^>]*>(.*?)</p>', page.text, re.S)
    assert error
    assert "may choose at most 50 facet values; this one chooses 60" in _said(error[1])
    assert _value(page.text, "words") == "services"  # the words are within the limits: kept
    assert "<h1>Awards</h1>" in page.text


def test_a_page_past_the_limit_shows_the_first_page_and_says_why(client: TestClient) -> None:
    page = client.get("/browse", params={"page": "1000000000000"})
    assert page.status_code == 400
    nav = re.search(r'<nav class="pages"[^>]*>(.*?)</nav>', page.text, re.S)
    assert nav
    said = _said(re.sub(r"<[^>]+>", " ", nav[1]))
    assert "may start at most 100,000 rows in; this one starts at 49,999,999,999,950" in said
    assert "Page 1 of" in said


def _audit(client: TestClient, files: list[tuple[str, bytes]], **fields: str) -> str:
    answer = client.post(
        "/audit",
        files=[("files", (name, data, "text/plain")) for name, data in files],
        data={"format": "page", "library": "Branch Library", "product": "", **fields},
    )
    return f"{answer.status_code} {answer.headers.get('connection', '')}\n{answer.text}"


def _audit_form(answer: str) -> tuple[str, str, str]:
    """(status and connection, the error beside the files field, the library kept)."""
    head, page = answer.split("\n", 1)
    assert '<form class="upload"' in page, "not the audit form"
    assert "Cannot show that" not in page
    tag = re.search(r'<input id="files"[^>]*>', page)
    assert tag and 'aria-describedby="audit-error"' in tag[0]
    error = re.search(r'<p class="error" id="audit-error"[^>]*>(.*?)</p>', page, re.S)
    assert error
    return head, _said(re.sub(r"<[^>]+>", "", error[1])), _value(page, "library")


LIST = b"database,publisher\n" + b"Some Database,Some Vendor\n"


def test_a_file_past_the_size_limit_is_said_on_the_audit_form(client: TestClient) -> None:
    big = LIST + b"x" * (20 * KB)
    head, said, _ = _audit_form(_audit(client, [("big.csv", big)]))
    assert head == "413 close"
    assert said.endswith("big.csv is larger than the 16 KB limit per file")


def test_too_many_files_are_said_on_the_audit_form(client: TestClient) -> None:
    files = [(f"list{i}.csv", LIST) for i in range(3)]
    head, said, library = _audit_form(_audit(client, files))
    assert head.startswith("400")
    assert "an audit may have at most 2 files" in said
    assert library == ""  # the files come first in the form: past the third, nothing is read


def test_a_bomb_is_said_on_the_audit_form_with_the_library_kept(client: TestClient) -> None:
    bomb = gzip.compress(b"\0" * (1024 * KB))
    assert len(bomb) < 16 * KB
    head, said, library = _audit_form(_audit(client, [("zeros.csv.gz", bomb)]))
    assert head.startswith("400")
    assert (
        "zeros.csv.gz: unpacked, the file is larger than the 262,144 bytes limit per file" in said
    )
    assert library == "Branch Library"


def test_too_many_rows_are_said_on_the_audit_form(client: TestClient) -> None:
    rows = LIST + b"".join(b"Database %d,Vendor\n" % i for i in range(20))
    head, said, library = _audit_form(_audit(client, [("rows.csv", rows)]))
    assert head.startswith("400")
    assert "rows.csv" in said and "more than 5 rows" in said
    assert library == "Branch Library"
