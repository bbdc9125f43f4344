"""The library audit page: uploads are audited in memory and nothing is kept."""

from __future__ import annotations

import tempfile
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

SCIENCEDIRECT = (
    "kbart/ScienceDirectStandard_Global_EBook-"
    "AgriculturalAndBiologicalSciencesPre-2007_2016-05-23.txt"
)


def test_form_says_nothing_is_kept(client: TestClient) -> None:
    page = client.get("/audit")
    assert page.status_code == 200
    assert "discarded" in page.text
    assert "set-cookie" not in page.headers


def test_upload_reports_relx(client: TestClient, raw_data: Path) -> None:
    data = (raw_data / SCIENCEDIRECT).read_bytes()
    page = client.post(
        "/audit",
        files=[("files", ("holdings.txt", data, "text/plain"))],
        data={"library": "Test Library", "format": "page"},
    )
    assert page.status_code == 200
    assert "RELX PLC" in page.text
    assert "Test Library" in page.text
    pdf = client.post(
        "/audit", files=[("files", ("holdings.txt", data, "text/plain"))], data={"format": "pdf"}
    )
    assert pdf.headers["content-type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF")


def test_large_upload_leaves_no_file_behind(
    client: TestClient, raw_data: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A 2 MB upload spills past the in-memory buffer into a temporary file; it must go."""
    spill = tmp_path / "spill"
    spill.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(spill))
    data = (raw_data / SCIENCEDIRECT).read_bytes()
    header, _, body = data.partition(b"\n")
    big = header + b"\n" + body * 40
    assert len(big) > 2_000_000
    page = client.post("/audit", files=[("files", ("big.txt", big, "text/plain"))])
    assert page.status_code == 200
    assert list(spill.iterdir()) == []


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("x.pdf", b"%PDF-1.7 binary", "not"),
        ("empty.txt", b"", "empty"),
    ],
)
def test_bad_uploads_are_explained(
    client: TestClient, name: str, content: bytes, message: str
) -> None:
    page = client.post("/audit", files=[("files", (name, content, "application/octet-stream"))])
    assert page.status_code == 400
    assert message in page.text
    assert "Traceback" not in page.text


def test_no_file_is_explained(client: TestClient) -> None:
    page = client.post("/audit", data={"format": "page"})
    assert page.status_code == 400
    assert "choose one or more files" in page.text
