"""Scale benchmark: a SYNTHETIC all-agency history (10^7 rows, 10^8 if it fits), four questions,
vendorwatch beside bare DuckDB SQL and Spark, in the same run.

    python benchmarks/scale.py --rows 10000000 --repeat 5 --engines duckdb,spark --markdown

The data: `benchmarks.scale_data` (real awards drawn with replacement, moved across
FY2008-FY2026, agencies drawn across government; marked SYNTHETIC in every key and file name),
written as Parquet chunk by chunk and copied into a DuckDB warehouse.

The questions: the family dossier (summary figures of relx-plc: `family_dossier` without the
claims and extras, as `vendorwatch family` prints it), rollup by family, the browse facets
filtered to relx-plc, and relx-plc as of a date (a different month end each run).

The columns, each in its own child process (peak memory is its RSS high-water mark, the JVM's
added for Spark):

- ``vendorwatch``: the library's functions on the DuckDB warehouse;
- ``bare DuckDB``: hand-written SQL over the same warehouse file, giving the same figures
  (checked: the smoke test compares them);
- ``vendorwatch on Spark``: the same library functions as ``vendorwatch``, on Spark
  ``local[2]`` (or ``--master``) over the warehouse version's Parquet dataset
  (`vendorwatch.analysis.spark.open_analysis`, as ``vendorwatch --engine spark`` opens it; the
  dataset is written on first use and its time is in "open / start").

Both vendorwatch columns read the same warehouse (the synthetic rows and the real sample), so
their figures must be equal: the parent checks it, figure for figure, before printing.

First run of each question (compile, cold cache) is reported apart; p50/p95 over ``--repeat``.
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.table import Table

from vendorwatch.analysis.browse import FACETS

try:
    from benchmarks import scale_data
    from benchmarks.analysis import OUT, sample_warehouse
    from benchmarks.ingest import _markdown, _peak_rss_kb
    from vendorwatch.settings import find_sample_data
except ModuleNotFoundError:  # run as a script: python benchmarks/scale.py
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    from benchmarks import scale_data
    from benchmarks.analysis import OUT, sample_warehouse
    from benchmarks.ingest import _markdown, _peak_rss_kb
    from vendorwatch.settings import find_sample_data

FAMILY = "relx-plc"
QUESTIONS = (
    "family dossier (relx-plc)",
    "rollup by family",
    "facets (family=relx-plc)",
    "as of a date (relx-plc)",
)
DAYS = [date(year, 9, 30) for year in range(2010, 2027)]
ENGINES = {"duckdb": ("vendorwatch", "bare DuckDB"), "spark": ("vendorwatch on Spark",)}
# browse's facets, less the two the bare query cannot state in one column (place_state falls
# back on the award summary; role is prime or sub, never summed together)
FACET_DIMS = tuple(f for f in FACETS if f not in ("place_state", "role"))
_COLUMN = {
    "sub_agency": "awarding_sub_agency_name",
    "family": "family",
    "fiscal_year": "fiscal_year",
    "competition": "competition",
    "classification": "classification",
    "agency": "awarding_agency_name",
    "state": "primary_place_of_performance_state_code",
    "organisation": "organisation",
}
_GROUP = (
    "sum(federal_action_obligation) AS obligations, count(*) AS transactions, "
    "count(DISTINCT contract_award_unique_key) AS awards"
)

# --------------------------------------------------------------------------- the questions


def library_calls(con: Any) -> dict[str, Callable[[int], Any]]:
    """vendorwatch's own functions over an analysis connection of either engine."""
    from vendorwatch.analysis import rollup  # noqa: PLC0415
    from vendorwatch.analysis.as_of import family_as_of  # noqa: PLC0415
    from vendorwatch.analysis.browse import facets  # noqa: PLC0415
    from vendorwatch.analysis.dossier import family_dossier  # noqa: PLC0415
    from vendorwatch.registry import load_registry  # noqa: PLC0415

    registry = load_registry()
    return {
        QUESTIONS[0]: lambda i: family_dossier(con, registry, FAMILY, claims=False, extras=False),
        QUESTIONS[1]: lambda i: rollup(con, ["family"]),
        QUESTIONS[2]: lambda i: facets(con, {"family": [FAMILY]}),
        QUESTIONS[3]: lambda i: family_as_of(con, registry, FAMILY, DAYS[i % len(DAYS)]),
    }


def _grouped(con: Any, by: str, where: str, params: list[Any]) -> list[tuple[Any, ...]]:
    order = f"{by}, " if by else ""
    group = f"GROUP BY {by}" if by else ""
    sql = f"SELECT {order}{_GROUP} FROM facts WHERE {where} {group} ORDER BY obligations DESC"
    return [tuple(r) for r in con.execute(sql, params).fetchall()]


def bare_calls(warehouse: Path) -> dict[str, Callable[[int], Any]]:
    """The same figures as hand-written DuckDB SQL over the same file."""
    import duckdb  # noqa: PLC0415

    from vendorwatch.warehouse.snapshots import reader_path  # noqa: PLC0415

    con = duckdb.connect(str(reader_path(warehouse)), read_only=True)
    fam = ["family = ?", [FAMILY]]

    def dossier(i: int) -> Any:
        return {
            "total": _grouped(con, "", *fam),  # type: ignore[arg-type]
            "by_year_agency": _grouped(con, "fiscal_year, awarding_sub_agency_name", *fam),  # type: ignore[arg-type]
            "competition": _grouped(con, "fiscal_year, competition", *fam),  # type: ignore[arg-type]
        }

    def facets(i: int) -> Any:
        out = {}
        for dim in FACET_DIMS:  # each facet under the other filters (its own filter skipped)
            where = ("TRUE", []) if dim == "family" else ("family = ?", [FAMILY])
            out[dim] = _grouped(con, _COLUMN[dim], *where)  # type: ignore[arg-type]
        return out

    def as_of(i: int) -> Any:
        day = DAYS[i % len(DAYS)]
        return {
            "total": _grouped(con, "", "family = ? AND action_date <= ?", [FAMILY, day]),
            "after": _grouped(con, "", "family = ? AND action_date > ?", [FAMILY, day]),
            "by_organisation": _grouped(
                con, "organisation", "family = ? AND action_date <= ?", [FAMILY, day]
            ),
        }

    return {
        QUESTIONS[0]: dossier,
        QUESTIONS[1]: lambda i: _grouped(con, "family", "TRUE", []),
        QUESTIONS[2]: facets,
        QUESTIONS[3]: as_of,
    }


def duckdb_analysis(warehouse: Path) -> Any:
    """The warehouse as the CLI opens it by default."""
    from vendorwatch.analysis import connect  # noqa: PLC0415

    return connect(warehouse)


def spark_analysis(warehouse: Path, master: str, memory: str) -> Any:
    """The warehouse as ``vendorwatch --engine spark`` opens it, on ``master`` (``local[2]``,
    or ``spark://host:7077`` with the dataset on storage every worker reads). The session is
    made here first only to give the driver ``memory`` (set before its JVM starts); the
    library's own `session` then finds it."""
    from pyspark.sql import SparkSession  # noqa: PLC0415

    from vendorwatch.analysis.spark import open_analysis  # noqa: PLC0415

    SparkSession.builder.master(master).config("spark.driver.memory", memory).getOrCreate()
    return open_analysis("spark", master=master, warehouse=warehouse)


# --------------------------------------------------------------------------- child process


def _tree_peak_kb(pid: int) -> int:
    """The RSS high-water mark of ``pid``'s child processes (Spark's JVM), in KiB."""
    total = 0
    try:
        children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    except OSError:
        return 0
    for child in children:
        try:
            for line in Path(f"/proc/{child}/status").read_text().splitlines():
                if line.startswith("VmHWM:"):
                    total += int(line.split()[1])
        except OSError:
            continue
        total += _tree_peak_kb(int(child))
    return total


def measure(spec: dict[str, Any]) -> dict[str, Any]:
    """Run every question ``repeat`` times (after one first run) in this process."""
    column = spec["column"]
    started = time.perf_counter()
    warehouse = Path(spec["warehouse"])
    if column == "vendorwatch":
        calls = library_calls(duckdb_analysis(warehouse))
    elif column == "bare DuckDB":
        calls = bare_calls(warehouse)
    else:
        calls = library_calls(spark_analysis(warehouse, spec["master"], spec["spark_memory"]))
    out: dict[str, Any] = {"open_s": time.perf_counter() - started, "questions": {}}
    for question in QUESTIONS:
        t0 = time.perf_counter()
        answer = calls[question](0)
        first = time.perf_counter() - t0
        times = []
        for i in range(1, spec["repeat"] + 1):
            t0 = time.perf_counter()
            calls[question](i)
            times.append(time.perf_counter() - t0)
        out["questions"][question] = {
            "first_s": first, "times_s": times, "answer": comparable(answer)
        }  # fmt: skip
    out["peak_kb"] = _peak_rss_kb() + _tree_peak_kb(os.getpid())
    return out


def _child(spec: dict[str, Any]) -> dict[str, Any]:
    run = subprocess.run(
        [sys.executable, __file__, "--child", json.dumps(spec)],
        capture_output=True,
        text=True,
        check=False,
        cwd=Path(__file__).resolve().parent.parent,
    )
    if run.returncode != 0:
        raise SystemExit(f"{spec['column']} failed:\n{run.stderr[-4000:]}")
    result: dict[str, Any] = json.loads(run.stdout.strip().splitlines()[-1])
    return result


def percentile(values: list[float], q: int) -> float:
    if len(values) == 1:
        return values[0]
    return statistics.quantiles(values, n=100, method="inclusive")[q - 1]


def comparable(value: Any) -> Any:
    """An answer as two engines can be compared (and sent as JSON): every number as the text
    of its exact Decimal (``5`` and ``5.00`` the same), lists in one order (an engine may
    order ties differently), dates as text."""
    if isinstance(value, dict):
        return {str(k): comparable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return sorted((comparable(v) for v in value), key=lambda v: json.dumps(v, sort_keys=True))
    if isinstance(value, int | float | Decimal) and not isinstance(value, bool):
        exact = Decimal(str(value))
        return "0" if exact == 0 else str(exact.normalize())
    if value is None or isinstance(value, bool | str):
        return value
    return str(value)


def differences(a: Any, b: Any, where: str = "") -> list[str]:
    """Where two `comparable` answers differ (empty when they are equal)."""
    if isinstance(a, dict) and isinstance(b, dict):
        found = []
        for key in sorted(set(a) | set(b)):
            found += differences(a.get(key), b.get(key), f"{where}.{key}")
        return found
    if isinstance(a, list) and isinstance(b, list) and len(a) == len(b):
        return [d for i, (x, y) in enumerate(zip(a, b, strict=True))
                for d in differences(x, y, f"{where}[{i}]")]  # fmt: skip
    return [] if a == b else [f"{where or '.'}: {a!r} != {b!r}"]


# --------------------------------------------------------------------------- parent process


def main(  # noqa: PLR0917 - Typer options
    rows: Annotated[int, typer.Option(help="SYNTHETIC transactions.")] = 10_000_000,
    repeat: Annotated[int, typer.Option(help="Timed runs per question (after a first).")] = 5,
    engines: Annotated[str, typer.Option(help="Comma-separated: duckdb, spark.")] = "duckdb,spark",
    master: Annotated[str, typer.Option(help="Spark master URL.")] = "local[2]",
    spark_memory: Annotated[str, typer.Option(help="Spark driver memory.")] = "6g",
    chunk: Annotated[int, typer.Option(help="Rows per generated Parquet file.")] = 1_000_000,
    markdown: Annotated[bool, typer.Option(help="Also print the table as Markdown.")] = False,
    out: Annotated[Path, typer.Option(help="Where the synthetic data is cached.")] = OUT,
    child: Annotated[str | None, typer.Option(hidden=True)] = None,
) -> None:
    """Generate (or reuse) the synthetic history, then time the questions side by side."""
    if child is not None:
        print(json.dumps(measure(json.loads(child))))
        return
    console = Console(stderr=True)
    load = Path("/proc/loadavg").read_text().split()[:3]
    out.mkdir(parents=True, exist_ok=True)
    t0 = time.perf_counter()
    raw = find_sample_data()
    if raw is None:
        raise SystemExit("../shared/data/raw not found: the generator samples the real rows")
    sample = sample_warehouse(raw)
    manifest = scale_data.generate(sample, rows, out, chunk=chunk)
    console.log(
        f"synthetic Parquet: {manifest['rows']:,} rows, {manifest['parts']} parts, "
        f"{manifest['bytes'] / 1e9:.2f} GB, generated in {manifest['seconds']} s"
    )
    t1 = time.perf_counter()
    wh = scale_data.warehouse(sample, rows, out)
    console.log(
        f"warehouse {wh.name} ready in {time.perf_counter() - t1:.0f} s "
        f"({wh.stat().st_size / 1e9:.2f} GB); total prep {time.perf_counter() - t0:.0f} s"
    )
    columns = [c for e in engines.split(",") for c in ENGINES[e.strip()]]
    results = {}
    for column in columns:
        console.log(f"timing {column} …")
        spec = {
            "column": column,
            "warehouse": str(wh),
            "master": master,
            "spark_memory": spark_memory,
            "repeat": repeat,
        }
        results[column] = _child(spec)
    if "vendorwatch" in results and "vendorwatch on Spark" in results:
        for question in QUESTIONS:  # the same library on the same data: the same figures
            found = differences(
                results["vendorwatch"]["questions"][question]["answer"],
                results["vendorwatch on Spark"]["questions"][question]["answer"],
            )
            if found:
                raise SystemExit(f"{question}: Spark differs from DuckDB: {found[:5]}")
        console.log("vendorwatch on DuckDB and on Spark gave the same figures for every question")
    table = Table(title=f"{manifest['rows']:,} SYNTHETIC transactions, load {' '.join(load)}")
    table.add_column("question")
    for column in columns:
        for part in ("first s", "p50 s", "p95 s", "Mrows/s"):
            table.add_column(f"{column} {part}", justify="right")
    for question in QUESTIONS:
        cells = [question]
        for column in columns:
            q = results[column]["questions"][question]
            p50 = percentile(q["times_s"], 50)
            cells += [
                f"{q['first_s']:.2f}",
                f"{p50:.2f}",
                f"{percentile(q['times_s'], 95):.2f}",
                f"{manifest['rows'] / p50 / 1e6:.1f}",
            ]
        table.add_row(*cells)
    peak = ["peak memory (MiB)"]
    for column in columns:
        peak += ["", f"{results[column]['peak_kb'] / 1024:.0f}", "", ""]
    table.add_row(*peak)
    opened = ["open / start (s)"]
    for column in columns:
        opened += ["", f"{results[column]['open_s']:.1f}", "", ""]
    table.add_row(*opened)
    Console(width=260).print(table)
    if markdown:
        print(_markdown(table))


if __name__ == "__main__":
    typer.run(main)
