"""Uploads are counted while they stream, held in memory only, and refused at the limit.

Before: a 500 MB upload was read whole (spooled to a temporary file on disk, contrary to
"uploads are not kept") before its size was checked; an 820 KB shared-strings bomb was
accepted at 2.6 GB; a 1 MB workbook of 3M rows held ``/audit`` for 40 s. Here a real server
runs in its own process with its temporary folder pointed at an empty one (TMPDIR), so the
test can see that nothing was written there and read the server's peak memory (VmHWM); the
500 MB body comes from a generator, so the test itself holds one chunk at a time.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.robustness import hostile_files
from tests.web.conftest import free_port

MB = 1024 * 1024
SRC = Path(__file__).resolve().parents[2] / "src"
_SERVER = """
import sys, uvicorn
from pathlib import Path
from vendorwatch.web import create_app
app = create_app(Path(sys.argv[1]), time_limit=300)
uvicorn.run(app, host="127.0.0.1", port=int(sys.argv[2]), access_log=False, log_level="warning")
"""


class Server:
    def __init__(self, proc: subprocess.Popen[bytes], base: str, spill: Path) -> None:
        self.proc, self.base, self.spill = proc, base, spill

    def peak_mb(self) -> float:
        for line in Path(f"/proc/{self.proc.pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
        raise AssertionError("no VmHWM")


@pytest.fixture(scope="module")
def server(sample_warehouse: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    spill = tmp_path_factory.mktemp("spill")
    port = free_port()
    env = {**os.environ, "PYTHONPATH": str(SRC), "TMPDIR": str(spill)}
    proc = subprocess.Popen(
        [sys.executable, "-c", _SERVER, str(sample_warehouse), str(port)], env=env
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 300
    try:
        while True:
            assert proc.poll() is None, "the server exited"
            assert time.monotonic() < deadline, "the server did not start"
            try:
                if httpx.get(base + "/healthz", timeout=5).status_code == 200:
                    break
            except httpx.TransportError:
                time.sleep(0.3)
        yield Server(proc, base, spill)
    finally:
        proc.terminate()
        proc.wait(30)


class Counted:
    """A body from a generator, counting what the client actually sent."""

    def __init__(self, chunks: Iterator[bytes]) -> None:
        self.chunks = chunks
        self.sent = 0

    def __iter__(self) -> Iterator[bytes]:
        for chunk in self.chunks:
            self.sent += len(chunk)
            yield chunk


def _said(text: str) -> str:
    return " ".join(text.replace("&#39;", "'").split())


def _on_the_audit_form(page: str) -> str:
    """The audit page again (not the site's error page), its error beside the files field."""
    assert '<form class="upload"' in page and "Cannot show that" not in page
    assert re.search(r'<input id="files"[^>]*aria-describedby="audit-error"', page)
    error = re.search(r'<p class="error" id="audit-error"[^>]*>(.*?)</p>', page, re.S)
    assert error
    return _said(re.sub(r"<[^>]+>", "", error[1]))


def _post_stream(server: Server, body: Counted, headers: dict[str, str]) -> httpx.Response:
    with httpx.Client(base_url=server.base, timeout=300) as http:
        return http.post("/audit", content=body, headers=headers)


BOUNDARY = "vendorwatch-test-boundary"
FORM = {"content-type": f"multipart/form-data; boundary={BOUNDARY}"}


def test_a_500_mb_upload_is_refused_while_it_streams(server: Server) -> None:
    body = Counted(hostile_files.multipart_stream(BOUNDARY, "huge.csv", 500 * MB))
    answer = _post_stream(server, body, FORM)  # no length given: chunked
    assert answer.status_code == 413
    assert "an upload may be at most 50 MB; this one is larger (refused after 5" in _said(
        _on_the_audit_form(answer.text)
    )
    assert answer.headers["connection"] == "close"
    assert "Traceback" not in answer.text
    assert body.sent < 150 * MB  # stopped at the limit, not read to the end
    assert list(server.spill.iterdir()) == []  # nothing spooled to disk
    assert server.peak_mb() < 600  # never held whole (the site alone ~450 MB; with it, ~950)


def test_a_declared_500_mb_upload_is_refused_before_it_is_read(server: Server) -> None:
    length = sum(len(c) for c in hostile_files.multipart_stream(BOUNDARY, "huge.csv", 500 * MB))
    body = Counted(hostile_files.multipart_stream(BOUNDARY, "huge.csv", 500 * MB))
    headers = {**FORM, "content-length": str(length)}
    answer = _post_stream(server, body, headers)
    assert answer.status_code == 413
    said = _on_the_audit_form(answer.text)
    assert said.endswith("an upload may be at most 50 MB; this one is 500 MB")
    assert answer.headers["connection"] == "close"
    assert body.sent < 100 * MB
    assert list(server.spill.iterdir()) == []


def test_other_requests_have_a_smaller_limit(server: Server) -> None:
    """Refused from the declared length, whether or not the handler would read the body."""
    answer = httpx.post(server.base + "/api/search", content=b"x" * (2 * MB), timeout=60)
    assert answer.status_code == 413
    assert answer.json()["detail"] == "a request may be at most 1 MB; this one is 2 MB"
    body = Counted(iter([b"username=a&password=" + b"x" * MB] * 3))
    with httpx.Client(base_url=server.base, timeout=60) as http:
        page = http.post("/login", content=body, headers={
            "content-type": "application/x-www-form-urlencoded"})  # fmt: skip
    assert page.status_code == 413
    assert "a request may be at most 1 MB; this one is larger (refused after 1." in _said(page.text)
    assert "<h1>" in page.text  # the site's error page


@pytest.mark.parametrize(
    ("make", "name", "said"),
    [
        (hostile_files.one_huge_text, "strings.xlsx",
         "strings.xlsx: unpacked, the workbook is 300 MB (xl/sharedStrings.xml alone 300 MB); "
         "the limit is 100 MB per file"),
        (hostile_files.many_texts, "texts.xlsx",
         "texts.xlsx: the workbook holds 1,500,000 distinct texts (shared strings); the limit "
         "is 1,000,000"),
        (hostile_files.many_rows, "rows.xlsx",
         "rows.xlsx: sheet1 has 3,000,001 rows; the limit is 500,000 rows per file"),
        (hostile_files.gzip_bomb, "zeros.csv.gz",
         "zeros.csv.gz: unpacked, the file is larger than the 100.0 MB limit per file"),
        (lambda: hostile_files.gzip_of_lines(12_000_000), "lines.csv.gz",
         "lines.csv has 12,000,001 lines; the limit is 500,000 rows per file"),
    ],
)  # fmt: skip
def test_upload_bombs_are_refused_with_the_file_and_the_limit(
    server: Server, make: object, name: str, said: str
) -> None:
    data = make()  # type: ignore[operator]
    assert len(data) < 5 * MB  # small on the wire
    answer = httpx.post(
        server.base + "/audit",
        files=[("files", (name, data, "application/octet-stream"))],
        data={"format": "page"},
        timeout=300,
    )
    assert answer.status_code == 400
    assert said in _said(answer.text)
    assert list(server.spill.iterdir()) == []
    assert server.peak_mb() < 600  # the site itself is ~450 MB


def test_a_real_workbook_beside_the_limits_is_still_audited(server: Server) -> None:
    answer = httpx.post(
        server.base + "/audit",
        files=[("files", ("list.xlsx", hostile_files.small_list(), "application/octet-stream"))],
        data={"format": "json"},
        timeout=300,
    )
    assert answer.status_code == 200
    assert answer.json()["files"][0]["rows"] == 2
