"""The browse cube's build (`vendorwatch.analysis.cube`) on a warehouse, under the site's limits.

    python benchmarks/cube_build.py benchmarks/out/SYNTHETIC_analysis_10000000.duckdb

Runs the child `vendorwatch.cubefile` as the site does (`duckdb_memory_limit`, one thread by
default), prints each step's time as it ends, then the child's wall, CPU and peak RSS (its
``wait4`` usage: DuckDB's native memory counts), the cube's rows, the precomputed facets' keys
and the file's size. The file is kept (``--keep``) or removed.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Annotated

import duckdb
import typer
from rich.console import Console

from vendorwatch.analysis.cube import _build, build_spec
from vendorwatch.analysis.cube_lookup import TABLE
from vendorwatch.analysis.engine import connect


def main(
    warehouse: Path,
    memory_limit: Annotated[str, typer.Option(help="DuckDB's memory limit.")] = "256MB",
    threads: Annotated[int, typer.Option(help="DuckDB threads (the site: 1).")] = 1,
    out: Annotated[Path, typer.Option(help="Where to write the cube.")] = Path(
        "benchmarks/out/cube-build.duckdb"
    ),
    keep: Annotated[bool, typer.Option(help="Keep the cube's file.")] = False,
) -> None:
    """Build the cube once and say where the time and memory went."""
    console = Console()
    con = connect(str(warehouse))
    spec = build_spec(con, memory_limit=memory_limit, threads=threads)
    con.disconnect()
    out.unlink(missing_ok=True)
    started = time.perf_counter()
    usage = _build(out, spec, console.log)
    wall = time.perf_counter() - started
    db = duckdb.connect(str(out), read_only=True)
    ((rows,),) = db.execute("SELECT count(*) FROM cube").fetchall()
    ((keys,),) = db.execute(f"SELECT count(*) FROM {TABLE}").fetchall()
    db.close()
    console.print(
        f"cube build, {memory_limit}, {threads} thread(s): wall {wall:.1f} s, child CPU "
        f"{usage.ru_utime + usage.ru_stime:.1f} s (user {usage.ru_utime:.1f}), child peak RSS "
        f"{usage.ru_maxrss / 1024:.0f} MB; cube {rows:,} rows, {TABLE} {keys:,} keys, file "
        f"{out.stat().st_size / 2**20:.1f} MiB"
    )
    if not keep:
        out.unlink()


if __name__ == "__main__":
    typer.run(main)
