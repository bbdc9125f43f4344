"""`vendorwatch serve` as the README runs it: builds the warehouse, then serves the site."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_serve_builds_then_serves(raw_data: Path, warehouse_path: Path) -> None:
    port = _free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "vendorwatch", "serve", "--sample", "--sample-data", str(raw_data),
         "--warehouse", str(warehouse_path), "--port", str(port)],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 400  # a loaded CI machine is slow; this is no timing test
        while True:
            assert process.poll() is None, process.stdout.read() if process.stdout else ""
            try:
                home = httpx.get(f"http://127.0.0.1:{port}/", timeout=30)
                break
            except httpx.TransportError:
                assert time.monotonic() < deadline, "the site did not come up"
                time.sleep(0.5)
        assert home.status_code == 200
        assert "Who sells to immigration enforcement" in home.text
        assert "RELX PLC" in home.text
    finally:
        process.terminate()
        output, _ = process.communicate(timeout=30)
    assert "Loaded 8 new file(s)" in output
    assert "Resolved" in output
    assert f"Serving on http://127.0.0.1:{port}/" in output
    assert "warmed the home page and" in output  # before the first request, not during it


def test_serve_never_loads_the_sample_unless_asked(warehouse_path: Path) -> None:
    """`serve --warehouse X` on a missing X says how to fill it and leaves X alone."""
    done = subprocess.run(
        [sys.executable, "-m", "vendorwatch", "serve", "--warehouse", str(warehouse_path),
         "--port", str(_free_port())],
        capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    assert done.returncode == 1
    said = " ".join(done.stderr.split())
    assert f"no warehouse at {warehouse_path}" in said
    assert "vendorwatch serve --sample" in said
    assert "Traceback" not in done.stderr
    assert not warehouse_path.exists()
    assert list(warehouse_path.parent.iterdir()) == []
