"""serve's memory on the sample: `web.py`'s vendorwatch server and scenarios, without Datasette.

    PYTHONPATH=src python benchmarks/serve_memory.py            # the real sample, 400 + 4 s
    PYTHONPATH=src python benchmarks/serve_memory.py --fixed 400 --duration 0

First the same ``--fixed`` selections (8 clients, never repeated), so that the peak does not
depend on how many requests a loaded machine gets through in a time; then, for ``--duration``
seconds each, `web.py`'s scenarios (uncached 1/4/8 clients, cached home, home under load).
Memory is the server's VmRSS / VmHWM in MB, its children (the chart renderer) apart.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import os
import time
from pathlib import Path
from typing import Annotated, Any

import httpx
import typer

try:
    from benchmarks import analysis, synthetic, web
except ModuleNotFoundError:  # run as a script: python benchmarks/serve_memory.py
    import analysis  # type: ignore[no-redef]
    import synthetic  # type: ignore[no-redef]
    import web  # type: ignore[no-redef]


def _fixed(base: str, urls: list[str], clients: int) -> None:
    todo = iter(urls)

    async def client(http: httpx.AsyncClient) -> None:
        for url in todo:
            (await http.get(url)).raise_for_status()

    async def run() -> None:
        async with httpx.AsyncClient(base_url=base, timeout=120) as http:
            await asyncio.gather(*(client(http) for _ in range(clients)))

    asyncio.run(run())


def main(
    fixed: Annotated[int, typer.Option(help="Selections asked once each, 8 clients.")] = 400,
    duration: Annotated[float, typer.Option(help="Seconds per web.py scenario; 0: none.")] = 4,
    raw: Annotated[Path | None, typer.Option(help="The real data folder.")] = None,
) -> None:
    """Print the server's memory when ready, after the fixed selections and after the runs."""
    warehouse = analysis.sample_warehouse(raw or synthetic.find_raw())
    chosen = web.selections(warehouse)
    server = web.vendorwatch_server(warehouse, warm=False)
    out: dict[str, Any] = {"load_start": os.getloadavg()[0], "ready": server.memory()}
    try:
        httpx.get(server.base + "/", timeout=600).raise_for_status()
        httpx.get(server.base + "/browse", timeout=600).raise_for_status()
        cpu, wall = server.cpu_seconds(), time.monotonic()
        _fixed(server.base, [web.vendorwatch_url(c) for c in chosen[:fixed]], 8)
        out["fixed"] = {
            "selections": fixed,
            "server_cpu_s": server.cpu_seconds() - cpu,
            "wall_s": time.monotonic() - wall,
            **server.memory(),
        }
        if duration:
            urls = (web.vendorwatch_url(c) for c in itertools.cycle(chosen[fixed:]))
            out["runs"] = web.measure(server, "/", urls, duration, "/browse")
            out["after the runs"] = server.memory()
    finally:
        server.stop()
    out["load_end"] = os.getloadavg()[0]
    print(json.dumps(out, indent=1, default=str))


if __name__ == "__main__":
    typer.run(main)
