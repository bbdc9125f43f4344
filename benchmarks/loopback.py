"""A bounded loopback load test: N clients browse mixed pages for a fixed time.

    python benchmarks/loopback.py --clients 8 --duration 60

The server is the real site in a child process over the bundled sample warehouse (as
benchmarks/hostile.py starts it). Each client walks a mix of what visitors open (home, browse
with and without selections, a dossier, an award, search, the API) in its own order. Printed:
requests, req/s, p50/p95/p99, errors (any answer but 200, or no answer) per page kind and in
all, and the server's resident memory before and after, with its peak, side by side with the
same mix from one client (the baseline: no contention).
"""

from __future__ import annotations

import random
import sys
import threading
import time
from pathlib import Path
from typing import Annotated

import httpx
import typer
from rich.console import Console
from rich.table import Table

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
try:
    from benchmarks import analysis, synthetic
    from benchmarks.hostile import server_for
except ImportError:  # run as a script from benchmarks/
    import analysis  # type: ignore[no-redef]
    import synthetic  # type: ignore[no-redef]
    from hostile import server_for  # type: ignore[no-redef]

AWARD = "CONT_AWD_70CMSD21C00000001_7012_-NONE-_-NONE-"
MIX = {
    "home": ["/"],
    "browse": ["/browse", "/browse?family=relx-plc", "/browse?fiscal_year=2023",
               "/browse?family=palantir&fiscal_year=2024", "/browse?q=license+plate"],
    "dossier": ["/family/relx-plc", "/family/thomson-reuters-corp", "/family/palantir"],
    "award": [f"/award/{AWARD}", f"/award/{AWARD}?as_of=2022-07-15"],
    "search": ["/search?q=LexisNexis", "/search?q=Venntel"],
    "api": ["/api/families?limit=20", "/api/awards?family=relx-plc", "/api/status"],
}  # fmt: skip


def _rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def _client(base: str, seconds: float, seed: int, *, found: dict[str, list[float]],
            errors: dict[str, int], lock: threading.Lock) -> None:  # fmt: skip
    pages = [(kind, path) for kind, paths in MIX.items() for path in paths]
    order = random.Random(seed)
    deadline = time.monotonic() + seconds
    with httpx.Client(base_url=base, timeout=120) as http:
        while time.monotonic() < deadline:
            kind, path = order.choice(pages)
            t0 = time.perf_counter()
            try:
                ok = http.get(path).status_code == 200
            except httpx.HTTPError:
                ok = False
            elapsed = (time.perf_counter() - t0) * 1000
            with lock:
                found.setdefault(kind, []).append(elapsed)
                if not ok:
                    errors[kind] = errors.get(kind, 0) + 1


def run(base: str, clients: int, seconds: float) -> tuple[dict[str, list[float]], dict[str, int]]:
    found: dict[str, list[float]] = {}
    errors: dict[str, int] = {}
    lock = threading.Lock()
    threads = [
        threading.Thread(
            target=_client,
            args=(base, seconds, seed),
            kwargs={"found": found, "errors": errors, "lock": lock},
        )
        for seed in range(clients)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return found, errors


def main(
    clients: Annotated[int, typer.Option(help="Concurrent clients.")] = 8,
    duration: Annotated[float, typer.Option(help="Seconds per run.")] = 60,
    raw: Annotated[Path | None, typer.Option(help="The real data folder.")] = None,
) -> None:
    """One client, then CLIENTS clients, DURATION seconds each, on the same server."""
    raw = raw or synthetic.find_raw()
    console = Console(stderr=True)
    warehouse = analysis.sample_warehouse(raw)
    server = server_for(warehouse)
    try:
        for paths in MIX.values():  # each page once, so both runs start from the same caches
            for path in paths:
                httpx.get(server.base + path, timeout=600)
        before = _rss_mb(server.proc.pid)
        console.log(f"1 client, {duration:g} s")
        alone = run(server.base, 1, duration)
        console.log(f"{clients} clients, {duration:g} s")
        loaded = run(server.base, clients, duration)
        after, peak = _rss_mb(server.proc.pid), server.peak_mb()
    finally:
        server.stop()
    table = Table(title=f"Mixed pages on loopback, {duration:g} s per run (sample warehouse)")
    for name in ("page", "clients", "requests", "req/s", "p50 ms", "p95 ms", "p99 ms", "errors"):
        table.add_column(name, justify="left" if name == "page" else "right")
    for label, (found, errors) in (("1", alone), (str(clients), loaded)):
        every = [ms for times in found.values() for ms in times]
        for kind, times in [*sorted(found.items()), ("all", every)]:
            failed = sum(errors.values()) if kind == "all" else errors.get(kind, 0)
            table.add_row(
                kind, label, f"{len(times):,}", f"{len(times) / duration:,.1f}",
                f"{analysis.percentile(times, 50):,.0f}", f"{analysis.percentile(times, 95):,.0f}",
                f"{analysis.percentile(times, 99):,.0f}", f"{failed:,}",
            )  # fmt: skip
    Console().print(table)
    Console().print(
        f"server memory: {before:,.0f} MB resident before, {after:,.0f} MB after, "
        f"{peak:,.0f} MB peak"
    )


if __name__ == "__main__":
    typer.run(main)
