"""The computed home page while a FOIA tracker request's app-database statement is held.

    python benchmarks/tracker_stall.py --rounds 5 --hold 2

A real server (uvicorn, in process) over the bundled sample warehouse and a fresh SQLite app
database. Each round a logged-in member asks for ``/foia`` while SQLAlchemy's own
``before_cursor_execute`` hook holds its first statement on ``foia_requests`` for ``--hold``
seconds (as tests/web/test_foia_offloop.py does), and another client times the home page
meanwhile. With the tracker on the event loop the home page waits out the hold; on the site's
worker pool it does not. Printed: the home page's median and worst seconds, the process's CPU.
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Annotated

import httpx
import typer
from sqlalchemy import event

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from tests.web import test_foia_offloop as offloop_test
from tests.web.conftest import running
from tests.web.test_foia_web import seed

from benchmarks import analysis, synthetic
from vendorwatch.web import create_app


def main(
    rounds: Annotated[int, typer.Option(help="Held requests to time the home page beside.")] = 5,
    hold: Annotated[float, typer.Option(help="Seconds the statement is held.")] = 2.0,
    raw: Annotated[Path | None, typer.Option(help="The real data folder.")] = None,
) -> None:
    """The home page's seconds while one tracker statement is held."""
    warehouse = analysis.sample_warehouse(raw or synthetic.find_raw())
    url = f"sqlite:///{tempfile.mkdtemp()}/app.sqlite3"
    seed(url)
    app = create_app(warehouse, app_database_url=url, time_limit=300)
    waits: list[float] = []
    cpu, wall = time.process_time(), time.perf_counter()
    with (
        running(app) as base,
        httpx.Client(base_url=base, timeout=120) as member,
        httpx.Client(base_url=base, timeout=120) as visitor,
    ):
        assert offloop_test.log_in(member).status_code == 303
        visitor.get("/").raise_for_status()  # computed: from now on it needs no query
        engine = app.state.accounts.engine()
        for _ in range(rounds):
            held = offloop_test.Slow("foia_requests", seconds=hold)
            event.listen(engine, "before_cursor_execute", held)
            with ThreadPoolExecutor(1) as asker:
                pending = asker.submit(member.get, "/foia")
                held.entered.wait(60)
                start = time.perf_counter()
                visitor.get("/").raise_for_status()
                waits.append(time.perf_counter() - start)
                pending.result().raise_for_status()
            event.remove(engine, "before_cursor_execute", held)
    print(
        f"home page while a tracker statement is held {hold:g} s: median "
        f"{statistics.median(waits):.3f} s, worst {max(waits):.3f} s ({rounds} rounds); "
        f"process CPU {time.process_time() - cpu:.1f} s, wall {time.perf_counter() - wall:.1f} s"
    )


if __name__ == "__main__":
    typer.run(main)
