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
- ``spark``: the library's Ibis rollups (`vendorwatch.analysis.rollups.rollup_of`: the same
  groupings the dossier, facets and as-of use) on Spark ``local[2]`` over the Parquet dataset.
  `spark_facts` is the one place that opens it: when the analysis can open a whole warehouse on
  Spark (issue 15, items 1-3), point it there and run the ``vendorwatch`` calls instead.

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
ENGINES = {"duckdb": ("vendorwatch", "bare DuckDB"), "spark": ("spark",)}
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


def library_calls(warehouse: Path) -> dict[str, Callable[[int], Any]]:
    """vendorwatch's own functions over the warehouse."""
    from vendorwatch.analysis import connect, rollup  # noqa: PLC0415
    from vendorwatch.analysis.as_of import family_as_of  # noqa: PLC0415
    from vendorwatch.analysis.browse import facets  # noqa: PLC0415
    from vendorwatch.analysis.dossier import family_dossier  # noqa: PLC0415
    from vendorwatch.registry import load_registry  # noqa: PLC0415

    con, registry = connect(warehouse), load_registry()
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


def spark_facts(parquet: Path, master: str) -> Any:
    """The Spark plug: the synthetic facts as an Ibis table on Spark (``master``: ``local[2]``,
    or ``spark://host:7077`` with the Parquet on storage every worker reads)."""
    import ibis  # noqa: PLC0415
    from pyspark.sql import SparkSession  # noqa: PLC0415

    session = (
        SparkSession.builder.master(master)
        .appName("vendorwatch-scale")
        .config("spark.driver.memory", os.environ.get("SCALE_SPARK_MEMORY", "6g"))
        .config("spark.sql.shuffle.partitions", "8")
        .config("spark.ui.enabled", "false")
        .getOrCreate()
    )
    session.sparkContext.setLogLevel("ERROR")
    con = ibis.pyspark.connect(session)
    return con.read_parquet(str(parquet / "*.parquet"), table_name="facts")


def ibis_calls(facts: Any) -> dict[str, Callable[[int], Any]]:
    """The library's rollups (`rollup_of`) over an Ibis facts table of any engine."""
    from vendorwatch.analysis.rollups import rollup_of  # noqa: PLC0415

    fam = {"family": FAMILY}

    def as_of(i: int) -> Any:
        day = DAYS[i % len(DAYS)]
        before = facts.filter(facts.action_date <= day)
        after = facts.filter(facts.action_date > day)
        return {
            "total": rollup_of(before, (), where=fam),
            "after": rollup_of(after, (), where=fam),
            "by_organisation": rollup_of(before, ("organisation",), where=fam),
        }

    return {
        QUESTIONS[0]: lambda i: {
            "total": rollup_of(facts, (), where=fam),
            "by_year_agency": rollup_of(facts, ("fiscal_year", "sub_agency"), where=fam),
            "competition": rollup_of(facts, ("fiscal_year", "competition"), where=fam),
        },
        QUESTIONS[1]: lambda i: rollup_of(facts, ("family",)),
        QUESTIONS[2]: lambda i: {
            d: rollup_of(facts, (d,), where=None if d == "family" else fam) for d in FACET_DIMS
        },
        QUESTIONS[3]: as_of,
    }


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
    if column == "vendorwatch":
        calls = library_calls(Path(spec["warehouse"]))
    elif column == "bare DuckDB":
        calls = bare_calls(Path(spec["warehouse"]))
    else:
        calls = ibis_calls(spark_facts(Path(spec["parquet"]), spec["master"]))
    out: dict[str, Any] = {"open_s": time.perf_counter() - started, "questions": {}}
    for question in QUESTIONS:
        t0 = time.perf_counter()
        calls[question](0)
        first = time.perf_counter() - t0
        times = []
        for i in range(1, spec["repeat"] + 1):
            t0 = time.perf_counter()
            calls[question](i)
            times.append(time.perf_counter() - t0)
        out["questions"][question] = {"first_s": first, "times_s": times}
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


def plain_figures(value: Any) -> Any:
    """Figures as comparable values: money as Decimal, rows as tuples."""
    if isinstance(value, dict):
        return {k: plain_figures(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [plain_figures(v) for v in value]
    if isinstance(value, float | str) and value.__class__ is not bool:
        try:
            return Decimal(str(value))
        except ArithmeticError:
            return value
    return value


# --------------------------------------------------------------------------- parent process


def main(  # noqa: PLR0917 - Typer options
    rows: Annotated[int, typer.Option(help="SYNTHETIC transactions.")] = 10_000_000,
    repeat: Annotated[int, typer.Option(help="Timed runs per question (after a first).")] = 5,
    engines: Annotated[str, typer.Option(help="Comma-separated: duckdb, spark.")] = "duckdb,spark",
    master: Annotated[str, typer.Option(help="Spark master URL.")] = "local[2]",
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
            "parquet": str(out / wh.stem),
            "master": master,
            "repeat": repeat,
        }
        results[column] = _child(spec)
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
