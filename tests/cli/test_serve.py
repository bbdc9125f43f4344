"""`vendorwatch serve` as the README runs it: builds the warehouse, then serves the site."""

from __future__ import annotations

import signal
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


def _start(raw_data: Path, warehouse_path: Path, port: int) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "vendorwatch", "serve", "--sample", "--sample-data", str(raw_data),
         "--warehouse", str(warehouse_path), "--port", str(port)],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )  # fmt: skip


def _wait_for(process: subprocess.Popen[str], url: str, *, ok: bool) -> httpx.Response:
    """The first answer from ``url`` (a 200 one when ``ok``); fails if the server died."""
    deadline = time.monotonic() + 400  # a loaded CI machine is slow; this is no timing test
    while True:
        assert process.poll() is None, process.stdout.read() if process.stdout else ""
        try:
            answer = httpx.get(url, timeout=30)
            if answer.status_code == 200 or not ok:
                return answer
        except httpx.TransportError:
            pass
        assert time.monotonic() < deadline, f"{url} did not come up"
        time.sleep(0.5)


def test_serve_builds_then_serves(raw_data: Path, warehouse_path: Path) -> None:
    port = _free_port()
    process = _start(raw_data, warehouse_path, port)
    try:
        _wait_for(process, f"http://127.0.0.1:{port}/readyz", ok=True)  # warmed
        home = httpx.get(f"http://127.0.0.1:{port}/", timeout=30)
        assert home.status_code == 200
        assert "Who sells to immigration enforcement" in home.text
        assert "RELX PLC" in home.text
    finally:
        process.terminate()
        output, _ = process.communicate(timeout=60)
    assert "Loaded 8 new file(s)" in output
    assert "Resolved" in output
    assert f"Serving on http://127.0.0.1:{port}/" in output
    assert "warmed the home page and" in output  # /readyz said so, and the log agrees
    # "ready" is said once the server answers, not before uvicorn has started.
    ready = output.index(f"ready: http://127.0.0.1:{port}/ answers")
    assert output.index("Application startup complete") < ready


def test_a_port_in_use_is_said_before_any_work(warehouse_path: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        done = subprocess.run(
            [sys.executable, "-m", "vendorwatch", "serve", "--sample", "--port", str(port),
             "--warehouse", str(warehouse_path)],
            capture_output=True, text=True, timeout=120, check=False,
        )  # fmt: skip
    assert done.returncode == 1
    said = " ".join(done.stderr.split())
    assert f"port {port} on 127.0.0.1 is in use" in said and "--port" in said
    assert "Traceback" not in done.stderr
    assert not warehouse_path.exists()  # refused before loading the sample


def test_serve_stops_promptly_while_warming(raw_data: Path, warehouse_path: Path) -> None:
    """SIGTERM during the warm-up (41 dossiers) stops the server within seconds, cleanly:
    a supervisor restarting the site must not wait for, or kill, a half-done warm-up."""
    port = _free_port()
    process = _start(raw_data, warehouse_path, port)
    try:
        ready = _wait_for(process, f"http://127.0.0.1:{port}/readyz", ok=False)
    finally:
        process.terminate()
        stopped = time.monotonic()
        output, _ = process.communicate(timeout=120)
    waited = time.monotonic() - stopped
    # uvicorn finishes its shutdown, then re-raises the signal: ended by SIGTERM, as asked.
    assert process.returncode in (0, -signal.SIGTERM), output
    assert "Application shutdown complete" in output
    assert "Traceback" not in output
    if ready.status_code == 503:  # it was still warming when told to stop
        assert "warmed the home page and" not in output, "the warm-up ran to the end"
    assert waited < 60, f"took {waited:.0f} s to stop"


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
