"""Hostile-request benchmark: how fast each attack is refused, and what it costs everyone else.

    python benchmarks/hostile.py --raw ../shared/data/raw             # 10 s per phase
    python benchmarks/hostile.py --duration 5 --markdown

A real server in its own process (uvicorn, as `benchmarks.web` starts it, over the real
sample warehouse; the home page fetched once before the clock starts). One client fetches
the home page in a loop (20 per second) for ``--duration`` seconds alone, then again while
a second client, in its own thread, sends the attacks one after another (a whole round at
least): a 3,000-word ``/browse?q=``, a 3,000-word ``/search``, a 500 MB upload streamed
from a generator (never in memory at once), and XLSX and gzip bombs
(`tests.robustness.hostile_files`, made before the clock starts). Printed: each attack's
status and time to refusal (median and worst over the rounds), the home page's p50/p95
with and without the attacks, and the server's peak memory (VmHWM).

Loopback only. The clients share the machine's cores with the server and with other jobs:
read the figures as a comparison under the same conditions.
"""

from __future__ import annotations

import json
import os
import statistics
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any

import httpx
import typer
from rich.console import Console
from rich.table import Table

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT)]  # tests.robustness.hostile_files: the same files the tests send

from tests.robustness import hostile_files  # noqa: E402

try:
    from benchmarks import analysis, synthetic
    from benchmarks.ingest import _markdown
    from benchmarks.web import HOST, Server, free_port
except ModuleNotFoundError:  # run as a script: python benchmarks/hostile.py
    import analysis  # type: ignore[no-redef]
    import synthetic  # type: ignore[no-redef]
    from ingest import _markdown  # type: ignore[no-redef]
    from web import HOST, Server, free_port  # type: ignore[no-redef]

MB = 1024 * 1024
BOUNDARY = "vendorwatch-hostile"
WORDS = " ".join(f"word{i}" for i in range(3_000))
# Not warmed (a warm start works out every dossier first: minutes on a busy machine); the
# home page is fetched once before the clock starts, and is then served from its cache.
_SERVER = """
import sys, uvicorn
from pathlib import Path
from vendorwatch.web import create_app
app = create_app(Path(sys.argv[1]))
uvicorn.run(app, host=sys.argv[2], port=int(sys.argv[3]), access_log=False, log_level="warning")
"""


def server_for(warehouse: Path) -> Server:
    port = free_port()
    return Server([sys.executable, "-c", _SERVER, str(warehouse), HOST, str(port)], port,
                  "/healthz")  # fmt: skip


def _upload(http: httpx.Client, name: str, data: bytes) -> httpx.Response:
    return http.post("/audit", files=[("files", (name, data, "application/octet-stream"))])


def attacks() -> list[tuple[str, Callable[[httpx.Client], httpx.Response]]]:
    """Each attack as a call on a client; the bombs are made here, before any timing."""
    strings = hostile_files.one_huge_text()
    rows = hostile_files.many_rows()
    zeros = hostile_files.gzip_bomb(2048 * MB)

    def streamed(http: httpx.Client) -> httpx.Response:
        body = hostile_files.multipart_stream(BOUNDARY, "huge.csv", 500 * MB)
        headers = {"content-type": f"multipart/form-data; boundary={BOUNDARY}"}
        return http.post("/audit", content=body, headers=headers)

    return [
        ("/browse?q= 3,000 words", lambda http: http.get("/browse", params={"q": WORDS})),
        ("/search 3,000 words", lambda http: http.get("/search", params={"q": WORDS})),
        ("500 MB upload, streamed", streamed),
        (
            f"XLSX shared-string bomb ({len(strings) // 1024:,} KB → 300 MB)",
            lambda http: _upload(http, "strings.xlsx", strings),
        ),
        (
            f"XLSX of 3M rows ({len(rows) // 1024:,} KB)",
            lambda http: _upload(http, "rows.xlsx", rows),
        ),
        (
            f"gzip bomb ({len(zeros) / MB:.1f} MB → 2 GB)",
            lambda http: _upload(http, "zeros.csv.gz", zeros),
        ),
    ]


def home_loop(base: str, seconds: float, until: threading.Event | None = None) -> list[float]:
    """The home page's latencies (ms) from one client, 20 requests a second at most, for
    ``seconds`` and, if given, until ``until`` is set."""
    latencies: list[float] = []
    deadline = time.monotonic() + seconds
    with httpx.Client(base_url=base, timeout=120) as http:
        while time.monotonic() < deadline or (until is not None and not until.is_set()):
            t0 = time.perf_counter()
            http.get("/").raise_for_status()
            latencies.append((time.perf_counter() - t0) * 1000)
            time.sleep(0.05)
    return latencies


def attack_loop(
    base: str,
    chosen: list[tuple[str, Callable[[httpx.Client], httpx.Response]]],
    stop: threading.Event,
    round_done: threading.Event,
    found: dict[str, list[tuple[int, float, str]]],
) -> None:
    """Every attack in turn until ``stop`` (a whole round at least): status, time to refusal
    (ms), the message."""
    with httpx.Client(base_url=base, timeout=300) as http:
        while not stop.is_set():
            for label, send in chosen:
                t0 = time.perf_counter()
                answer = send(http)
                elapsed = (time.perf_counter() - t0) * 1000
                said = answer.text
                if answer.headers.get("content-type", "").startswith("application/json"):
                    said = str(answer.json().get("detail", ""))
                else:
                    start = said.find("<p>") + 3
                    said = said[start : said.find("</p>", start)]
                found.setdefault(label, []).append((answer.status_code, elapsed, said.strip()))
                if stop.is_set() and round_done.is_set():
                    break
            round_done.set()


def _percentiles(latencies: list[float]) -> dict[str, float]:
    return {
        "requests": len(latencies),
        "p50_ms": analysis.percentile(latencies, 50),
        "p95_ms": analysis.percentile(latencies, 95),
    }


def main(
    duration: Annotated[float, typer.Option(help="Seconds per phase.")] = 10,
    raw: Annotated[Path | None, typer.Option(help="The real data folder.")] = None,
    json_out: Annotated[Path | None, typer.Option("--json", help="Write the figures here.")] = None,
    markdown: Annotated[bool, typer.Option(help="Also print the tables as Markdown.")] = False,
) -> None:
    """Time to refusal of each attack; the home page's p50/p95 with and without it."""
    raw = raw or synthetic.find_raw()
    console = Console(stderr=True)
    warehouse = analysis.sample_warehouse(raw)
    console.log("making the hostile files and starting the server …")
    chosen = attacks()  # made before the clock starts
    server = server_for(warehouse)
    try:
        httpx.get(server.base + "/", timeout=300).raise_for_status()
        console.log(f"home page alone, {duration:g} s")
        quiet = _percentiles(home_loop(server.base, duration))
        console.log(f"home page under attack, {duration:g} s")
        found: dict[str, list[tuple[int, float, str]]] = {}
        stop, round_done = threading.Event(), threading.Event()
        attacker = threading.Thread(
            target=attack_loop, args=(server.base, chosen, stop, round_done, found)
        )
        attacker.start()
        loud = _percentiles(home_loop(server.base, duration, until=round_done))
        stop.set()
        attacker.join()
        peak = server.peak_mb()
    finally:
        server.stop()

    refusals = Table(title="Time to refusal (one attacker, attacks in turn)")
    for name in ("attack", "status", "rounds", "median ms", "worst ms", "message"):
        refusals.add_column(name, justify="left" if name in ("attack", "message") else "right")
    for label, runs in found.items():
        times = [ms for _, ms, _ in runs]
        refusals.add_row(
            label, ", ".join(sorted({str(s) for s, _, _ in runs})), str(len(runs)),
            f"{statistics.median(times):,.0f}", f"{max(times):,.0f}", runs[0][2][:90],
        )  # fmt: skip
    home = Table(title=f"Home page from another client, {duration:g} s each")
    for name in ("phase", "requests", "p50 ms", "p95 ms", "server peak MB"):
        home.add_column(name, justify="left" if name == "phase" else "right")
    home.add_row("alone", str(quiet["requests"]), f"{quiet['p50_ms']:,.1f}",
                 f"{quiet['p95_ms']:,.1f}", "")  # fmt: skip
    home.add_row("during the attacks", str(loud["requests"]), f"{loud['p50_ms']:,.1f}",
                 f"{loud['p95_ms']:,.1f}", f"{peak:,.0f}")  # fmt: skip
    out = Console(width=200)
    out.print(
        f"vendorwatch hostile-request benchmark · uvicorn, one worker, 127.0.0.1 · Python "
        f"{sys.version.split()[0]} · {os.cpu_count()} CPUs · load average "
        f"{os.getloadavg()[0]:.1f}"
    )
    out.print(refusals)
    out.print(home)
    if markdown:
        print()
        print(_markdown(refusals))
        print()
        print(_markdown(home))
    if json_out:
        figures: dict[str, Any] = {"alone": quiet, "attacked": loud, "peak_mb": peak,
                                   "attacks": found}  # fmt: skip
        json_out.write_text(json.dumps(figures, indent=1), "utf-8")


if __name__ == "__main__":
    typer.run(main)
