"""Web benchmark: vendorwatch and Datasette side by side, real servers on loopback.

    python benchmarks/web.py                      # the real sample and 1,000,000 SYNTHETIC rows
    python benchmarks/web.py --duration 5 --markdown

For each warehouse (the real sample, and the SYNTHETIC one `benchmarks/analysis.py` builds and
caches in ``benchmarks/out/``) two servers are started in turn, each in its own process:

- **vendorwatch**: ``create_app(warehouse)`` under uvicorn, as ``vendorwatch serve`` runs it
  (started warm, measured once `/readyz` answers 200; handlers on the worker pool);
- **Datasette**: ``datasette serve`` from the venv over the same facts exported to SQLite
  (`analysis.sqlite_copy`, indexed on every facet column), default settings.

Then, with an httpx client loop of 1, 4 and 8 concurrent clients for ``--duration`` seconds:

- **uncached**: every request a *different* selection (family x fiscal year x sub-agency,
  never repeated within a server's life), ``/browse?family=…&fiscal_year=…`` (facets with
  dollars and the first page of awards) against Datasette's
  ``/db/facts?family=…&fiscal_year=…&_facet=…`` (the same seven facets, counts only);
- **cached**: the home page (``/``; Datasette's ``/``);
- **home under load**: the home page from one client while 4 clients ask uncached selections.

Loopback only; nothing leaves the machine. Server peak memory is its ``VmHWM``. The load
generator shares the two cores with the server (and with other jobs): read the table as a
comparison under the same conditions, not as absolute figures.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import os
import random
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import urlencode

import duckdb
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

HOST = "127.0.0.1"
CLIENTS = (1, 4, 8)
FIRST_TIMEOUT = 3600  # s: a cold server's first home page and browse page (the cube's build)
DATASETTE = Path(sys.executable).with_name("datasette")
# The site's facet names and the facts columns Datasette facets on.
FACET_COLUMNS = {
    "sub_agency": "awarding_sub_agency_name",
    "family": "family",
    "fiscal_year": "fiscal_year",
    "competition": "competition",
    "classification": "classification",
    "state": "primary_place_of_performance_state_code",
    "agency": "awarding_agency_name",
}

_SERVER = """
import logging, sys, uvicorn
# The cube build's progress on stderr (minutes at 10M rows); nothing per request.
logging.getLogger("vendorwatch.cube").addHandler(logging.StreamHandler())
logging.getLogger("vendorwatch.cube").setLevel(logging.INFO)
from pathlib import Path
from vendorwatch.web import create_app
try:
    app = create_app(Path(sys.argv[1]), warm=sys.argv[4] == "warm")  # as `vendorwatch serve`
except TypeError:
    app = create_app(Path(sys.argv[1]))
uvicorn.run(app, host=sys.argv[2], port=int(sys.argv[3]), access_log=False, log_level="warning")
"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        port: int = s.getsockname()[1]
        return port


class Server:
    """A server in a child process on a free loopback port, ready when ``probe`` answers
    (404: a vendorwatch from before ``/readyz``, for before-and-after runs)."""

    def __init__(
        self, command: list[str], port: int, probe: str, env: dict[str, str] | None = None
    ) -> None:
        env = {
            **os.environ,
            **(env or {}),
            "PYTHONPATH": str(Path(__file__).resolve().parent.parent / "src"),
        }
        self.proc = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL)
        self.base = f"http://{HOST}:{port}"
        deadline = time.monotonic() + 900  # a warm start works out the dossiers first
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise SystemExit(f"{command[:3]} exited ({self.proc.returncode})")
            try:
                if httpx.get(self.base + probe, timeout=5).status_code in (200, 404):
                    return
            except httpx.TransportError:
                pass
            time.sleep(0.2)
        raise SystemExit(f"{command[:3]} did not start")

    def cpu_seconds(self) -> float:
        """The server's CPU so far (user + system, its threads; not its children's)."""
        fields = Path(f"/proc/{self.proc.pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    def peak_mb(self) -> float:
        return _status_mb(self.proc.pid).get("VmHWM", 0.0)

    def memory(self) -> dict[str, float]:
        """The server's resident and peak MB, and its live children's (the chart child; the
        cube's builder lives only while it builds), apart: ``serve``'s target is its own."""
        own = _status_mb(self.proc.pid)
        kids = [_status_mb(pid) for pid in _descendants(self.proc.pid)]
        return {"rss": own.get("VmRSS", 0.0), "hwm": own.get("VmHWM", 0.0),
                "children_rss": sum(k.get("VmRSS", 0.0) for k in kids),
                "children_hwm": sum(k.get("VmHWM", 0.0) for k in kids)}  # fmt: skip

    def stop(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()


def _status_mb(pid: int) -> dict[str, float]:
    """A process's ``VmRSS`` and ``VmHWM`` in MB, from /proc (nothing once it has ended)."""
    try:
        lines = Path(f"/proc/{pid}/status").read_text().splitlines()
    except OSError:
        return {}
    return {
        line.split(":")[0]: int(line.split()[1]) / 1024
        for line in lines
        if line.startswith(("VmRSS:", "VmHWM:"))
    }


def _descendants(pid: int) -> list[int]:
    found = []
    for task in Path(f"/proc/{pid}/task").glob("*"):
        try:
            found += [int(c) for c in (task / "children").read_text().split()]
        except OSError:
            continue
    return [p for c in found for p in (c, *_descendants(c))]


def vendorwatch_server(warehouse: Path, *, warm: bool = True) -> Server:
    port = free_port()
    start = "warm" if warm else "cold"
    command = [sys.executable, "-c", _SERVER, str(warehouse), HOST, str(port), start]
    # Cold, the home page's first computation can pass the 10 s limit on a loaded machine (and
    # be cut, every time), and the first browse request builds the cube (minutes at 10M rows):
    # a longer limit lets each finish once, before the timed runs.
    env = {} if warm else {"VENDORWATCH_REQUEST_TIME_LIMIT": str(FIRST_TIMEOUT)}
    return Server(command, port, "/readyz", env)


def datasette_server(sqlite: Path) -> Server:
    port = free_port()
    command = [str(DATASETTE), "serve", str(sqlite), "--host", HOST, "--port", str(port)]
    return Server(command, port, "/-/versions.json")


def selections(warehouse: Path) -> list[dict[str, str]]:
    """Every (family, fiscal year, sub-agency) the facts hold, and each (family, fiscal year),
    shuffled: enough different selections that none repeats in a run."""
    con = duckdb.connect(str(warehouse), read_only=True)
    pairs = con.execute(
        "SELECT DISTINCT family, CAST(fiscal_year AS VARCHAR) FROM facts WHERE family IS NOT NULL"
    ).fetchall()
    triples = con.execute(
        "SELECT DISTINCT family, CAST(fiscal_year AS VARCHAR), awarding_sub_agency_name "
        "FROM facts WHERE family IS NOT NULL AND awarding_sub_agency_name IS NOT NULL"
    ).fetchall()
    con.close()
    out = [{"family": f, "fiscal_year": y} for f, y in pairs]
    out += [{"family": f, "fiscal_year": y, "sub_agency": a} for f, y, a in triples]
    random.Random(20261201).shuffle(out)
    return out


def vendorwatch_url(chosen: dict[str, str]) -> str:
    return "/browse?" + urlencode(chosen)


def datasette_url(db: str, chosen: dict[str, str]) -> str:
    params = [(FACET_COLUMNS[k], v) for k, v in chosen.items()]
    params += [("_facet", column) for column in FACET_COLUMNS.values()]
    return f"/{db}/facts?" + urlencode(params)


def load(base: str, urls: Iterator[str], seconds: float, clients: int) -> dict[str, Any]:
    """``clients`` clients in a loop, each taking the next URL, for ``seconds``."""
    latencies: list[float] = []
    errors = 0

    async def client(deadline: float, http: httpx.AsyncClient) -> None:
        nonlocal errors
        while time.monotonic() < deadline:
            t0 = time.perf_counter()
            response = await http.get(next(urls))
            latencies.append((time.perf_counter() - t0) * 1000)
            errors += response.status_code >= 400

    async def run() -> float:
        started = time.monotonic()
        async with httpx.AsyncClient(base_url=base, timeout=120) as http:
            await asyncio.gather(*(client(started + seconds, http) for _ in range(clients)))
        return time.monotonic() - started

    elapsed = asyncio.run(run())
    return _figures(latencies, errors, elapsed)


def _figures(latencies: list[float], errors: int, elapsed: float) -> dict[str, Any]:
    return {
        "requests": len(latencies),
        "rps": len(latencies) / elapsed if elapsed else 0.0,
        "p50_ms": analysis.percentile(latencies, 50) if latencies else float("nan"),
        "p95_ms": analysis.percentile(latencies, 95) if latencies else float("nan"),
        "errors": errors,
    }


def home_under_load(
    base: str, home: str, urls: Iterator[str], seconds: float, busy: int
) -> dict[str, Any]:
    """The home page's latency from one client while ``busy`` clients ask uncached pages."""
    home_latencies: list[float] = []
    errors = 0

    async def busy_client(deadline: float, http: httpx.AsyncClient) -> None:
        while time.monotonic() < deadline:
            await http.get(next(urls))

    async def home_client(deadline: float, http: httpx.AsyncClient) -> None:
        nonlocal errors
        while time.monotonic() < deadline:
            t0 = time.perf_counter()
            response = await http.get(home)
            home_latencies.append((time.perf_counter() - t0) * 1000)
            errors += response.status_code >= 400
            await asyncio.sleep(0.05)

    async def run() -> float:
        started = time.monotonic()
        deadline = started + seconds
        async with httpx.AsyncClient(base_url=base, timeout=120) as http:
            await asyncio.gather(
                home_client(deadline, http), *(busy_client(deadline, http) for _ in range(busy))
            )
        return time.monotonic() - started

    elapsed = asyncio.run(run())
    return _figures(home_latencies, errors, elapsed)


def measure(
    server: Server, home: str, urls: Iterator[str], seconds: float, first: str
) -> list[Any]:
    rows: list[Any] = []
    started = time.perf_counter()
    httpx.get(server.base + home, timeout=FIRST_TIMEOUT).raise_for_status()  # cached from here on
    # The unfiltered listing (no timed selection is unfiltered): a cold vendorwatch builds its
    # browse aggregate here, as the warm-up would have.
    httpx.get(server.base + first, timeout=FIRST_TIMEOUT).raise_for_status()
    Console(stderr=True).log(
        f"first home and browse pages in {time.perf_counter() - started:.0f} s"
    )
    for clients in CLIENTS:
        before = server.cpu_seconds()
        figures = load(server.base, urls, seconds, clients)
        spent = (server.cpu_seconds() - before) * 1000
        rows.append(
            ("uncached", clients, {**figures, "cpu_ms": spent / max(figures["requests"], 1)})
        )
    for clients in CLIENTS:
        rows.append(("cached home", clients, load(server.base, itertools.repeat(home),
                                                  seconds, clients)))  # fmt: skip
    rows.append(("home, 4 uncached", 1, home_under_load(server.base, home, urls, seconds, 4)))
    return rows


def _cpu(vw: dict[str, Any], ds: dict[str, Any]) -> str:
    """Server CPU per request (uncached rows only: the server's user + system time over the run
    divided by its requests, so the load generator's share is not in it)."""
    if "cpu_ms" not in vw:
        return ""
    return f"{vw['cpu_ms']:,.1f}/{ds['cpu_ms']:,.1f}"


def main(  # noqa: PLR0917 - Typer options
    rows: Annotated[int, typer.Option(help="Synthetic transactions.")] = 1_000_000,
    duration: Annotated[float, typer.Option(help="Seconds per measurement.")] = 5,
    real: Annotated[bool, typer.Option(help="Measure the real sample too.")] = True,
    raw: Annotated[Path | None, typer.Option(help="The real data folder.")] = None,
    json_out: Annotated[Path | None, typer.Option("--json", help="Write all runs here.")] = None,
    markdown: Annotated[bool, typer.Option(help="Also print the table as Markdown.")] = False,
    warm: Annotated[
        bool,
        typer.Option(
            help="Start vendorwatch warm (dossiers first; minutes on a loaded machine), or cold "
            "(`serve --no-warm`: the first browse request builds the aggregate)."
        ),
    ] = True,
) -> None:
    """vendorwatch against Datasette: uncached selections, cached home, 1/4/8 clients."""
    raw = raw or synthetic.find_raw()
    console = Console(stderr=True)
    warehouses: list[tuple[str, Path]] = []
    if real:
        warehouses.append(("real sample", analysis.sample_warehouse(raw)))
    if rows:
        with console.status(f"synthetic warehouse, {rows:,} rows (cached in benchmarks/out/) …"):
            path = analysis.synthetic_warehouse(rows, raw, console)
        warehouses.append((f"SYNTHETIC {rows:,} rows", path))
    results: list[dict[str, Any]] = []
    memory: dict[tuple[str, str, str], dict[str, float]] = {}
    for label, warehouse in warehouses:
        sqlite = analysis.sqlite_copy(warehouse, console)
        chosen = selections(warehouse)
        for engine in ("vendorwatch", "Datasette"):
            console.log(f"{label}: {engine}")
            if engine == "vendorwatch":
                server = vendorwatch_server(warehouse, warm=warm)
                urls = (vendorwatch_url(c) for c in itertools.cycle(chosen))
                home, first = "/", "/browse"
            else:
                server = datasette_server(sqlite)
                urls = (datasette_url(sqlite.stem, c) for c in itertools.cycle(chosen))
                home, first = "/", datasette_url(sqlite.stem, {})
            memory[(label, engine, "ready (after warm-up if warm)")] = server.memory()
            try:
                for scenario, clients, figures in measure(server, home, urls, duration, first):
                    results.append({"warehouse": label, "scenario": scenario,
                                    "clients": clients, "engine": engine, **figures,
                                    "load": os.getloadavg()[0]})  # fmt: skip
                peak = server.peak_mb()
                memory[(label, engine, "after the runs")] = server.memory()
            finally:
                server.stop()
            for r in results:
                if r["warehouse"] == label and r["engine"] == engine:
                    r["peak_mb"] = peak
    table = Table(title=f"vendorwatch vs Datasette, {duration:g} s per row (httpx clients)")
    for name in ("warehouse", "scenario", "clients", "vw p50 ms", "vw p95 ms", "vw req/s",
                 "DS p50 ms", "DS p95 ms", "DS req/s", "vw errors", "DS errors",
                 "vw peak MB", "DS peak MB", "vw/DS server CPU ms/req",
                 "load at end vw/DS"):  # fmt: skip
        table.add_column(name, justify="left" if name in ("warehouse", "scenario") else "right")
    keyed = {(r["warehouse"], r["scenario"], r["clients"], r["engine"]): r for r in results}
    for label, _ in warehouses:
        for scenario, clients in (
            [("uncached", c) for c in CLIENTS]
            + [("cached home", c) for c in CLIENTS]
            + [("home, 4 uncached", 1)]
        ):
            vw = keyed[(label, scenario, clients, "vendorwatch")]
            ds = keyed[(label, scenario, clients, "Datasette")]
            table.add_row(
                label, scenario, str(clients),
                f"{vw['p50_ms']:,.0f}", f"{vw['p95_ms']:,.0f}", f"{vw['rps']:,.1f}",
                f"{ds['p50_ms']:,.0f}", f"{ds['p95_ms']:,.0f}", f"{ds['rps']:,.1f}",
                str(vw["errors"]), str(ds["errors"]), f"{vw['peak_mb']:,.0f}",
                f"{ds['peak_mb']:,.0f}", _cpu(vw, ds), f"{vw['load']:.1f}/{ds['load']:.1f}",
            )  # fmt: skip
    out = Console(width=200)
    out.print(
        f"vendorwatch web benchmark · uvicorn, one worker, 127.0.0.1 · Python "
        f"{sys.version.split()[0]} · {os.cpu_count()} CPUs · load average "
        f"{os.getloadavg()[0]:.1f}"
    )
    out.print(table)
    held = Table(title="Resident memory, MB (VmRSS / VmHWM): the server, and its children apart")
    for name in ("warehouse", "engine", "when", "server RSS", "server peak", "children RSS",
                 "children peak"):  # fmt: skip
        held.add_column(name)
    for (label, engine, when), m in memory.items():
        held.add_row(label, engine, when, *(f"{m[k]:,.0f}" for k in
                     ("rss", "hwm", "children_rss", "children_hwm")))  # fmt: skip
    out.print(held)
    if markdown:
        print()
        print(_markdown(table))
        print()
        print(_markdown(held))
    if json_out:
        json_out.write_text(json.dumps(results, indent=1), "utf-8")


if __name__ == "__main__":
    typer.run(main)
