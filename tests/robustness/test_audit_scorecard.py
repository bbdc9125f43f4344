"""The audit scorecard (issue 16, parts 5 and 6): 23 kinds of bad or awkward holdings file.

Every file is refused with one line naming the file (and the line and column, where the file
has them) — by the library, by ``vendorwatch audit FILE`` (exit 1, nothing else on stderr,
no traceback) and by the site's /audit form (400, the form again with the line, never a 500 or
a redirect) — or it is read correctly: the titles read equal the file's own, by the csv module.
"""

from __future__ import annotations

import csv
import gzip
import html
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from tests.robustness.audit_cases import File, cases
from vendorwatch.audit import read_holdings
from vendorwatch.build import build_warehouse
from vendorwatch.cli.app import main
from vendorwatch.errors import BadInputError
from vendorwatch.settings import find_sample_data
from vendorwatch.web import create_app

RAW = find_sample_data()
CASES = cases(RAW) if RAW is not None else {}
DASHBOARD = "cbp-ice-dashboard/CBP_ICE_FY2021_Contract_Obligations.csv.gz"


@pytest.fixture(scope="module")
def warehouse(raw_data: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A small real warehouse (the first rows of one dashboard file) for the CLI and site."""
    folder = tmp_path_factory.mktemp("scorecard")
    with gzip.open(raw_data / DASHBOARD, "rt", encoding="utf-8", newline="") as handle:
        rows = list(csv.reader(handle))[:40]
    source = folder / "CBP_ICE_FY2021_Contract_Obligations.csv"
    with source.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows(rows)
    path = folder / "w.duckdb"
    build_warehouse(path, [source])
    return path


@pytest.fixture(scope="module")
def site(warehouse: Path) -> Iterator[TestClient]:
    with TestClient(create_app(warehouse, time_limit=300.0), follow_redirects=False) as client:
        yield client


def cli(
    args: list[str], monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> tuple[int, str, str]:
    """``vendorwatch ARGS`` through the real entry point (`main`), in this process."""
    monkeypatch.setattr(sys, "argv", ["vendorwatch", *args])
    code = 0
    try:
        main()
    except SystemExit as exc:
        code = int(exc.code or 0)
    out = capsys.readouterr()
    return code, out.out, out.err


def cli_flags(f: File) -> list[str]:
    flags: list[str] = []
    if "encoding" in f.expect.options:
        flags += ["--encoding", str(f.expect.options["encoding"])]
    for role, header in dict(f.expect.options.get("columns") or {}).items():  # type: ignore[call-overload]
        flags += ["--column", f"{role}={header}"]
    return flags


def check_library(f: File) -> str | None:
    """The reader's verdict; returns the error line (or None when the file reads)."""
    try:
        result = read_holdings(f.data, f.name, **f.expect.options)  # type: ignore[arg-type]
    except BadInputError as exc:
        line = str(exc)
        assert f.expect.error, f"{f.name}: refused, but it should read: {line}"
        assert "\n" not in line
        assert line.startswith(f.name)
        for word in f.expect.error:
            assert word in line, (word, line)
        assert exc.where is not None
        if f.expect.line is not None:
            assert exc.where.line == f.expect.line, line
        if f.expect.column is not None:
            assert exc.where.column == f.expect.column, line
        return line
    assert not f.expect.error, f"{f.name}: read, but it should be refused ({f.expect.error})"
    assert tuple(h.title for h in result.holdings) == f.expect.titles
    if f.expect.warning:
        assert any(f.expect.warning in w for w in result.warnings), result.warnings
    return None


@pytest.mark.scorecard_audit
@pytest.mark.parametrize("case", list(CASES))
def test_audit_case(
    case: str,
    tmp_path: Path,
    warehouse: Path,
    site: TestClient,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    for number, f in enumerate(CASES[case]):
        error = check_library(f)
        folder = tmp_path / str(number)
        folder.mkdir()
        path = folder / f.name
        path.write_bytes(f.data)
        code, out, err = cli(
            ["audit", str(path), "--warehouse", str(warehouse), *cli_flags(f)], monkeypatch, capsys
        )
        assert "Traceback" not in out + err
        if error is None:
            assert code == 0, err
            assert err == ""
        else:
            assert code == 1
            assert err.strip().splitlines() == [f"error: {error}"]
        if f.expect.options:
            continue  # the form has no encoding or column fields
        page = site.post("/audit", files=[("files", (f.name, f.data, "application/octet-stream"))])
        assert page.status_code == (200 if error is None else 400), page.text[:500]
        assert "Traceback" not in page.text
        if error is not None:
            assert html.escape(error) in page.text or error in html.unescape(page.text)
            assert 'action="/audit"' in page.text  # the form again, to try another file
