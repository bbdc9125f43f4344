"""Web benchmark: a real uvicorn server on loopback, loaded from a second process.

    python benchmarks/web.py                       # real sample + 10,000,000 SYNTHETIC rows
    python benchmarks/web.py --quick               # smoke run: sample + 200,000 rows, 3 s loads
    python benchmarks/web.py --duration 20 --rounds 3 --markdown

For each warehouse (the real sample, and the SYNTHETIC one `benchmarks/analysis.py` builds
and caches in ``benchmarks/out/``) and each page, a fresh server process is started:
``vendorwatch.web.create_app(warehouse)`` under uvicorn on 127.0.0.1 and a free port, as
``vendorwatch serve`` runs it (one worker; handlers on the event loop; dossiers and the home
page cached per process). Then:

- **first**: one request with nothing cached in that process (opens the warehouse, builds the
  dossier or home page) — what the first visitor after a restart waits;
- **repeated**: ``wrk`` (Debian's ``apt-get install wrk``) for ``--duration`` seconds with
  ``--connections`` connections, p50/p95 from its latency histogram; without ``wrk``, a
  bounded httpx loop (at most ``--duration`` seconds and 10,000 requests) does the same.

Loopback only; nothing leaves the machine. Peak memory is the server's ``VmHWM``. Other jobs
share the two cores: read medians of ``--rounds``.
"""

from __future__ import annotations

import asyncio
import json
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Any

import httpx
import typer
from rich.console import Console
from rich.table import Table

try:
    from benchmarks import analysis, synthetic
    from benchmarks.ingest import _markdown
except ModuleNotFoundError:  # run as a script: python benchmarks/web.py
    import analysis  # type: ignore[no-redef]
    import synthetic  # type: ignore[no-redef]
    from ingest import _markdown  # type: ignore[no-redef]

PAGES = {
    "home": "/",
    "family page": "/family/relx-plc",
    "facet query": "/browse?family=relx-plc&fiscal_year=2024",
}
HOST = "127.0.0.1"
MAX_REQUESTS = 10_000  # the httpx fallback's bound, besides its time limit

_WRK_SCRIPT = """
done = function(summary, latency, requests)
  io.write(string.format(
    '{"requests": %d, "seconds": %f, "p50_ms": %f, "p95_ms": %f, "errors": %d}\\n',
    summary.requests, summary.duration / 1e6, latency:percentile(50) / 1e3,
    latency:percentile(95) / 1e3,
    summary.errors.connect + summary.errors.read + summary.errors.write
      + summary.errors.status + summary.errors.timeout))
end
"""

_SERVER = """
import sys, uvicorn
from pathlib import Path
from vendorwatch.web import create_app
uvicorn.run(create_app(Path(sys.argv[1]), warm=sys.argv[4] == "warm"), host=sys.argv[2],
            port=int(sys.argv[3]), access_log=False, log_level="warning")
"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        port: int = s.getsockname()[1]
        return port


class Server:
    """``create_app(warehouse)`` under uvicorn in a child process on a free loopback port."""

    def __init__(self, warehouse: Path, *, warm: bool = False) -> None:
        self.port = free_port()
        env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parent.parent)}
        started = time.perf_counter()
        self.proc = subprocess.Popen(
            [sys.executable, "-c", _SERVER, str(warehouse), HOST, str(self.port),
             "warm" if warm else "cold"],
            env=env,
        )  # fmt: skip
        self.base = f"http://{HOST}:{self.port}"
        limit = 900 if warm else 60  # a warm start works out the home page and dossiers first
        deadline = time.monotonic() + limit
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise SystemExit(f"server for {warehouse} exited ({self.proc.returncode})")
            try:
                httpx.get(f"{self.base}/static/does-not-exist", timeout=1)
                self.ready_s = time.perf_counter() - started
                return
            except httpx.TransportError:
                time.sleep(0.1)
        raise SystemExit(f"server did not start in {limit} s")

    def peak_mb(self) -> float:
        for line in Path(f"/proc/{self.proc.pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
        return 0.0

    def stop(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()


def first_request(url: str) -> float:
    started = time.perf_counter()
    response = httpx.get(url, timeout=600)
    elapsed = (time.perf_counter() - started) * 1000
    response.raise_for_status()
    return elapsed


def with_wrk(url: str, seconds: float, connections: int) -> dict[str, Any]:
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        script.write(_WRK_SCRIPT)
    try:
        done = subprocess.run(
            ["wrk", "-t", "1", "-c", str(connections), "-d", f"{max(1, round(seconds))}s",
             "--timeout", "60s", "-s", script.name, url],
            capture_output=True, text=True, check=True,
        )  # fmt: skip
    finally:
        Path(script.name).unlink()
    figures: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return figures


def with_httpx(url: str, seconds: float, connections: int) -> dict[str, Any]:
    """The fallback load: ``connections`` clients in a loop, bounded in time and count."""
    latencies: list[float] = []
    errors = 0

    async def client(deadline: float, http: httpx.AsyncClient) -> None:
        nonlocal errors
        while time.monotonic() < deadline and len(latencies) < MAX_REQUESTS:
            t0 = time.perf_counter()
            response = await http.get(url)
            latencies.append((time.perf_counter() - t0) * 1000)
            errors += response.status_code >= 400

    async def run() -> float:
        started = time.monotonic()
        async with httpx.AsyncClient(timeout=60) as http:
            await asyncio.gather(*(client(started + seconds, http) for _ in range(connections)))
        return time.monotonic() - started

    elapsed = asyncio.run(run())
    return {
        "requests": len(latencies),
        "seconds": elapsed,
        "p50_ms": analysis.percentile(latencies, 50),
        "p95_ms": analysis.percentile(latencies, 95),
        "errors": errors,
    }


@dataclass
class Runs:
    ready_s: list[float] = field(default_factory=list)
    first_ms: list[float] = field(default_factory=list)
    rps: list[float] = field(default_factory=list)
    p50_ms: list[float] = field(default_factory=list)
    p95_ms: list[float] = field(default_factory=list)
    requests: list[int] = field(default_factory=list)
    errors: list[int] = field(default_factory=list)
    peak_mb: list[float] = field(default_factory=list)


def main(  # noqa: PLR0917 - Typer options
    rows: Annotated[int, typer.Option(help="Synthetic transactions.")] = 10_000_000,
    duration: Annotated[float, typer.Option(help="Seconds of load per page.")] = 15,
    connections: Annotated[int, typer.Option(help="Concurrent connections.")] = 4,
    rounds: Annotated[int, typer.Option(help="Servers per measurement (medians).")] = 2,
    quick: Annotated[bool, typer.Option(help="Smoke run: 200,000 rows, 3 s, 1 round.")] = False,
    real: Annotated[bool, typer.Option(help="Measure the real sample too.")] = True,
    raw: Annotated[Path | None, typer.Option(help="The real data folder.")] = None,
    json_out: Annotated[Path | None, typer.Option("--json", help="Write all runs here.")] = None,
    markdown: Annotated[bool, typer.Option(help="Also print the table as Markdown.")] = False,
    warm: Annotated[
        bool, typer.Option(help="Start servers warm, as `vendorwatch serve` does.")
    ] = False,
) -> None:
    """Requests/s and p50/p95 of home, a family page and a facet query over real HTTP."""
    if quick:
        rows, duration, rounds = 200_000, 3, 1
    raw = raw or synthetic.find_raw()
    console = Console(stderr=True)
    load = with_wrk if shutil.which("wrk") else with_httpx
    tool = "wrk" if load is with_wrk else "httpx loop"
    warehouses: list[tuple[str, Path]] = []
    if real:
        warehouses.append(("real sample", analysis.sample_warehouse(raw)))
    with console.status(f"synthetic warehouse, {rows:,} rows (cached in benchmarks/out/) …"):
        warehouses.append(
            (f"SYNTHETIC {rows:,} rows", analysis.synthetic_warehouse(rows, raw, console))
        )
    runs: dict[tuple[str, str], Runs] = {}
    for attempt in range(rounds):
        for label, path in warehouses:
            for page, target in PAGES.items():
                console.log(f"[round {attempt + 1}/{rounds}] {label}: {page} ({tool})")
                server = Server(path, warm=warm)
                try:
                    entry = runs.setdefault((label, page), Runs())
                    entry.ready_s.append(server.ready_s)
                    entry.first_ms.append(first_request(server.base + target))
                    figures = load(server.base + target, duration, connections)
                    entry.rps.append(figures["requests"] / figures["seconds"])
                    entry.p50_ms.append(figures["p50_ms"])
                    entry.p95_ms.append(figures["p95_ms"])
                    entry.requests.append(figures["requests"])
                    entry.errors.append(figures["errors"])
                    entry.peak_mb.append(server.peak_mb())
                finally:
                    server.stop()

    med = statistics.median
    table = Table(
        title=f"Web ({'warm' if warm else 'cold'} start): first request, then {connections} "
        f"connections for {duration:g} s ({tool}); medians of {rounds} servers"
    )
    for name in ("warehouse", "page", "ready s", "first ms", "requests/s", "p50 ms", "p95 ms",
                 "requests", "errors", "server peak RSS MB"):  # fmt: skip
        table.add_column(name, justify="left" if name in ("warehouse", "page") else "right")
    last = None
    for (label, page), r in runs.items():
        table.add_row(
            label if label != last else "",
            f"{page} {PAGES[page]}",
            f"{med(r.ready_s):,.1f}",
            f"{med(r.first_ms):,.0f}",
            f"{med(r.rps):,.1f}",
            f"{med(r.p50_ms):,.1f}",
            f"{med(r.p95_ms):,.1f}",
            f"{sum(r.requests):,}",
            f"{sum(r.errors):,}",
            f"{med(r.peak_mb):,.0f}",
            end_section=page == list(PAGES)[-1],
        )
        last = label
    out = Console(width=160)
    out.print(
        f"vendorwatch web benchmark · uvicorn, one worker, 127.0.0.1 · load: {tool} · "
        f"Python {sys.version.split()[0]} · {os.cpu_count()} CPUs"
    )
    out.print(table)
    if markdown:
        print()
        print(_markdown(table))
    if json_out:
        json_out.write_text(
            json.dumps({f"{k[0]} | {k[1]}": v.__dict__ for k, v in runs.items()}, indent=1),
            "utf-8",
        )


if __name__ == "__main__":
    typer.run(main)
