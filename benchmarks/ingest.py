"""Ingest benchmark: vendorwatch's loader next to DuckDB's own ``read_csv`` of the same file.

    python benchmarks/ingest.py                 # real files + 1,000,000 synthetic rows, 3 repeats
    python benchmarks/ingest.py --quick         # smoke run: 100,000 rows, 1 repeat
    python benchmarks/ingest.py --rows 2000000 --repeat 5 --no-gzip

What is measured, each in its own fresh child process and fresh DuckDB file:

- **ours**: ``vendorwatch.warehouse.load_file`` into a new warehouse (sniff + hash, stage,
  date evidence, validation, typed insert in one transaction), then ``close()``;
- **read_csv → table (all_varchar)**: ``CREATE TABLE t AS SELECT * FROM read_csv(path,
  all_varchar = true)``, then ``close()``. Text in, no checks: the practical limit for reading
  the same file into a table, and the figure the 1.5x target is measured against;
- **read_csv → table (auto types)**: the same with DuckDB's type detection;
- **read_csv → table (same columns)**: only the columns our loader keeps (a stricter limit,
  since the loader keeps ~50 of the 297 columns).

Seconds are wall-clock inside the child around the load and the close (which checkpoints), not
interpreter start-up. Peak memory is the child's RSS high-water mark (``VmHWM``), so it
includes DuckDB's native memory, which ``tracemalloc`` cannot see; the row "python + duckdb
imported" is the floor every child starts from. Each figure is the median of ``--repeat`` runs;
the measurement order rotates between repeats. The synthetic file is made by
``benchmarks/synthetic.py`` and cached under ``benchmarks/out/``.
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.table import Table

try:
    from benchmarks import synthetic
except ModuleNotFoundError:  # run as a script: python benchmarks/ingest.py
    import synthetic  # type: ignore[no-redef]

OURS = "ours: load_file"
VARCHAR = "read_csv → table (all_varchar)"
AUTO = "read_csv → table (auto types)"
SAME_COLUMNS = "read_csv → table (same columns)"
STAGES = ("hashing", "reading/staging", "date evidence", "validation", "insert + commit")


# --------------------------------------------------------------------------- child process


def _timed(module: Any, name: str, stage: str, spent: dict[str, float]) -> None:
    """Wrap ``module.name`` so the seconds spent in it add up under ``stage``."""
    original = getattr(module, name)

    def wrapper(*args: Any, **kwargs: Any) -> Any:
        start = time.perf_counter()
        try:
            return original(*args, **kwargs)
        finally:
            spent[stage] = spent.get(stage, 0.0) + time.perf_counter() - start

    setattr(module, name, wrapper)


def _peak_rss_kb() -> int:
    """This process's RSS high-water mark in KiB.

    Linux's ``VmHWM`` belongs to the process image since ``exec``; ``ru_maxrss`` would not do,
    as Linux carries the forking parent's high-water mark over into the child's.
    """
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    except OSError:
        pass
    import resource  # noqa: PLC0415

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def _measure(spec: dict[str, Any]) -> dict[str, Any]:
    """Run one measurement in this (child) process; return its figures."""
    import duckdb  # noqa: PLC0415

    db = Path(spec["db"])
    files = [Path(f) for f in spec["files"]]
    method = spec["method"]
    per_file_ms: list[float] = []
    rows = 0
    spent: dict[str, float] = {}
    if method == OURS:
        from vendorwatch.warehouse import dates, loader, open_warehouse  # noqa: PLC0415
        from vendorwatch.warehouse import sniff as sniff_module  # noqa: PLC0415

        _timed(sniff_module, "content_sha256", "hashing", spent)
        _timed(loader, "_stage", "reading/staging", spent)
        _timed(dates, "gather_evidence", "date evidence", spent)
        _timed(loader, "_first_bad_value", "validation", spent)
        _timed(loader, "_insert", "insert + commit", spent)
        imported_kb = _peak_rss_kb()
        con = open_warehouse(db)
        for path in files:
            t0 = time.perf_counter()
            result = loader.load_file(con, path)
            per_file_ms.append((time.perf_counter() - t0) * 1000)
            if result.status != "loaded":
                raise SystemExit(f"{path}: {result.status}")
            rows += result.rows
    else:
        imported_kb = _peak_rss_kb()
        con = duckdb.connect(str(db))
        for index, path in enumerate(files):
            t0 = time.perf_counter()
            source = f"read_csv('{path}', all_varchar = {method != AUTO})"
            select = ", ".join(f'"{c}"' for c in spec.get("columns") or []) or "*"
            con.execute(f"CREATE TABLE t{index} AS SELECT {select} FROM {source}")
            per_file_ms.append((time.perf_counter() - t0) * 1000)
        rows = sum(
            con.execute(f"SELECT count(*) FROM t{i}").fetchone()[0]  # type: ignore[index]
            for i in range(len(files))
        )
    t_close = time.perf_counter()
    con.close()
    closed = time.perf_counter()
    load_seconds = sum(per_file_ms) / 1000
    return {
        "rows": rows,
        "seconds": load_seconds + (closed - t_close),
        "per_file_ms": per_file_ms,
        "stages": spent,
        "imported_kb": imported_kb,
        "peak_kb": _peak_rss_kb(),
    }


# --------------------------------------------------------------------------- parent process


@dataclass
class Runs:
    """The repeated measurements of one method on one input."""

    label: str
    method: str
    rows: int = 0
    seconds: list[float] = field(default_factory=list)
    peak_mb: list[float] = field(default_factory=list)
    floor_mb: list[float] = field(default_factory=list)
    per_file_ms: list[list[float]] = field(default_factory=list)
    stages: list[dict[str, float]] = field(default_factory=list)

    @property
    def median_s(self) -> float:
        return statistics.median(self.seconds)


def _run_child(method: str, files: list[Path], workdir: Path, columns: list[str]) -> dict[str, Any]:
    db = workdir / "bench.duckdb"
    for stale in (db, db.with_name(db.name + ".wal")):
        stale.unlink(missing_ok=True)
    spec = {"method": method, "files": [str(f) for f in files], "db": str(db), "columns": columns}
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parent.parent)}
    proc = subprocess.Popen(
        [sys.executable, __file__, "_measure", json.dumps(spec)],
        stdout=subprocess.PIPE,
        env=env,
    )
    assert proc.stdout is not None
    out = proc.stdout.read()
    proc.wait()
    if proc.returncode != 0:
        raise SystemExit(f"measurement {method} on {files[0].name} failed ({proc.returncode})")
    figures: dict[str, Any] = json.loads(out.decode().strip().splitlines()[-1])
    for stale in (db, db.with_name(db.name + ".wal")):
        stale.unlink(missing_ok=True)
    return figures


def real_contract_files(raw: Path) -> list[Path]:
    """Every file under ``raw`` the loader recognises as contract data (by header)."""
    from vendorwatch.errors import VendorwatchError  # noqa: PLC0415
    from vendorwatch.warehouse.layouts import detect_layout  # noqa: PLC0415
    from vendorwatch.warehouse.sniff import sniff  # noqa: PLC0415

    found = []
    for path in sorted(p for p in raw.rglob("*") if p.is_file()):
        try:
            if detect_layout(sniff(path).headers) is not None:
                found.append(path)
        except VendorwatchError:
            continue
    return found


def kept_columns(path: Path) -> list[str]:
    """The source headers our loader stages for this file."""
    from vendorwatch.warehouse.layouts import detect_layout  # noqa: PLC0415
    from vendorwatch.warehouse.loader import _plan  # noqa: PLC0415
    from vendorwatch.warehouse.sniff import sniff  # noqa: PLC0415

    headers = sniff(path).headers
    layout = detect_layout(headers)
    assert layout is not None
    return sorted(_plan(layout, headers).staged.values(), key=headers.index)


def _warm(paths: list[Path]) -> None:
    """Read each file once so every measurement starts from the page cache."""
    for path in paths:
        with path.open("rb") as handle:
            while handle.read(1 << 24):
                pass


def _fmt_rate(rows: int, seconds: float) -> str:
    return f"{rows / seconds:,.0f}" if seconds else "-"


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    if len(ordered) == 1:
        return ordered[0]
    return statistics.quantiles(ordered, n=100, method="inclusive")[int(q) - 1]


def main(  # noqa: PLR0917 - Typer options
    rows: Annotated[int, typer.Option(help="Synthetic PrimeTransactions rows.")] = 1_000_000,
    repeat: Annotated[int, typer.Option(help="Runs per measurement; the median is shown.")] = 3,
    quick: Annotated[bool, typer.Option(help="Smoke run: 100,000 rows, 1 repeat.")] = False,
    gzip: Annotated[bool, typer.Option(help="Also measure a gzip copy of the file.")] = True,
    real: Annotated[bool, typer.Option(help="Measure the real files too.")] = True,
    raw: Annotated[Path | None, typer.Option(help="The real data folder.")] = None,
    json_out: Annotated[Path | None, typer.Option("--json", help="Write all runs here.")] = None,
    markdown: Annotated[bool, typer.Option(help="Also print the tables as Markdown.")] = False,
) -> None:
    """Rows/s and peak memory of our loader next to DuckDB's read_csv of the same files."""
    import duckdb  # noqa: PLC0415

    if quick:
        rows, repeat = 100_000, 1
    raw = raw or synthetic.find_raw()
    console = Console(stderr=True)
    inputs: list[tuple[str, list[Path], list[str]]] = []
    if real:
        files = real_contract_files(raw)
        inputs.append((f"real files ({len(files)})", files, [VARCHAR]))
    with console.status(f"synthetic file, {rows:,} rows (cached in benchmarks/out/) …"):
        plain = synthetic.cached(rows, raw=raw)
        synthetic_inputs = [
            (f"SYNTHETIC {rows:,} rows, CSV", [plain], [VARCHAR, AUTO, SAME_COLUMNS])
        ]
        if gzip:
            zipped = synthetic.cached(rows, raw=raw, gzip=True)
            synthetic_inputs.append((f"SYNTHETIC {rows:,} rows, CSV.gz", [zipped], [VARCHAR]))
    inputs += synthetic_inputs
    _warm([f for _, files, _ in inputs for f in files])

    runs: dict[tuple[str, str], Runs] = {}
    synthetic.OUT.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=synthetic.OUT, prefix="ingest-") as tmp:
        plan = [(label, files, [OURS, *baselines]) for label, files, baselines in inputs]
        total = repeat * sum(len(methods) for _, _, methods in plan)
        done = 0
        for attempt in range(repeat):
            for label, files, methods in plan:
                shift = attempt % len(methods)
                for method in methods[shift:] + methods[:shift]:
                    done += 1
                    console.log(f"[{done}/{total}] {label}: {method}")
                    columns = kept_columns(files[0]) if method == SAME_COLUMNS else []
                    figures = _run_child(method, files, Path(tmp), columns)
                    entry = runs.setdefault((label, method), Runs(label, method))
                    entry.rows = figures["rows"]
                    entry.seconds.append(figures["seconds"])
                    entry.peak_mb.append(figures["peak_kb"] / 1024)
                    entry.floor_mb.append(figures["imported_kb"] / 1024)
                    entry.per_file_ms.append(figures["per_file_ms"])
                    entry.stages.append(figures["stages"])

    tables = _tables(runs, plan, repeat)
    out = Console()
    out.print(
        f"vendorwatch ingest benchmark · DuckDB {duckdb.__version__} · Python "
        f"{sys.version.split()[0]} · {os.cpu_count()} CPUs · median of {repeat}"
    )
    for table in tables:
        out.print(table)
    if markdown:
        for table in tables:
            print()
            print(_markdown(table))
    if json_out:
        json_out.write_text(
            json.dumps([r.__dict__ for r in runs.values()], indent=1, default=str), "utf-8"
        )


def _tables(
    runs: dict[tuple[str, str], Runs], plan: list[tuple[str, list[Path], list[str]]], repeat: int
) -> list[Table]:
    summary = Table(title=f"Ingest: rows/s and peak memory (median of {repeat})")
    for name, justify in [
        ("input", "left"),
        ("method", "left"),
        ("rows", "right"),
        ("seconds", "right"),
        ("rows/s", "right"),
        ("peak RSS MB", "right"),
        ("ours ÷ this", "right"),
    ]:
        summary.add_column(name, justify=justify)  # type: ignore[arg-type]
    floor = statistics.median(m for r in runs.values() for m in r.floor_mb)
    for label, _, methods in plan:
        ours = runs[(label, OURS)]
        for method in methods:
            r = runs[(label, method)]
            ratio = "" if method == OURS else f"{ours.median_s / r.median_s:.2f}x"
            summary.add_row(
                label if method == OURS else "",
                method,
                f"{r.rows:,}",
                f"{r.median_s:.2f}",
                _fmt_rate(r.rows, r.median_s),
                f"{statistics.median(r.peak_mb):,.0f}",
                ratio,
                end_section=method == methods[-1],
            )
    summary.add_row("", "python + duckdb imported (floor)", "", "", "", f"{floor:,.0f}", "")

    tables = [summary]
    real = [(label, files) for label, files, _ in plan if label.startswith("real")]
    if real:
        label, files = real[0]
        per_file = Table(
            title="Real files, one by one (median ms; p50/p95 over all files and runs)"
        )
        for name in ("file", "rows", "ours ms", "read_csv ms", "ours ÷ read_csv"):
            per_file.add_column(name, justify="left" if name == "file" else "right")
        ours, base = runs[(label, OURS)], runs[(label, VARCHAR)]
        for index, path in enumerate(files):
            o = statistics.median(run[index] for run in ours.per_file_ms)
            b = statistics.median(run[index] for run in base.per_file_ms)
            rows = _rows_of(path)
            per_file.add_row(path.name, f"{rows:,}", f"{o:,.0f}", f"{b:,.0f}", f"{o / b:.2f}x")
        all_ours = [ms for run in ours.per_file_ms for ms in run]
        all_base = [ms for run in base.per_file_ms for ms in run]
        for q in (50, 95):
            per_file.add_row(
                f"p{q}",
                "",
                f"{_percentile(all_ours, q):,.0f}",
                f"{_percentile(all_base, q):,.0f}",
                "",
            )
        tables.append(per_file)

    stages = Table(title="Where our loader's time goes (median seconds)")
    stages.add_column("input")
    for name in (*STAGES, "other (sniff, plan, close)", "total"):
        stages.add_column(name, justify="right")
    for label, _, _ in plan:
        r = runs[(label, OURS)]
        medians = [statistics.median(s.get(name, 0.0) for s in r.stages) for name in STAGES]
        total = r.median_s
        stages.add_row(
            label,
            *(f"{m:.2f} ({m / total:.0%})" for m in medians),
            f"{max(total - sum(medians), 0):.2f}",
            f"{total:.2f}",
        )
    tables.append(stages)
    return tables


def _rows_of(path: Path) -> int:
    import duckdb  # noqa: PLC0415

    con = duckdb.connect()
    found = con.execute(f"SELECT count(*) FROM read_csv('{path}', all_varchar = true)").fetchone()
    con.close()
    return int(found[0]) if found else 0


def _markdown(table: Table) -> str:
    """A Rich table as a GitHub Markdown table (for docs/performance.md)."""
    headers = [str(c.header) for c in table.columns]
    cells = [[str(v) for v in c._cells] for c in table.columns]
    align = ["---:" if c.justify == "right" else "---" for c in table.columns]
    lines = [
        f"**{table.title}**",
        "",
        "| " + " | ".join(headers) + " |",
        "|" + "|".join(align) + "|",
    ]
    for row in zip(*cells, strict=True):
        lines.append("| " + " | ".join(row) + " |")
    return "\n".join(lines)


if __name__ == "__main__":
    if len(sys.argv) > 2 and sys.argv[1] == "_measure":
        print(json.dumps(_measure(json.loads(sys.argv[2]))))
    else:
        typer.run(main)
