"""Analysis benchmark: dossier, rollup, as-of and facet queries at 10M rows, beside SQLite.

    python benchmarks/analysis.py                  # real sample + 10,000,000 SYNTHETIC rows
    python benchmarks/analysis.py --quick          # smoke run: 200,000 rows, 5 repeats
    python benchmarks/analysis.py --rows 20000000 --repeat 30 --markdown

**The synthetic warehouse** (cached as ``benchmarks/out/SYNTHETIC_analysis_<rows>.duckdb``,
gitignored) is made inside DuckDB from the real rows: the real sample is loaded and resolved
with ``vendorwatch.build.build``; then awards are drawn from the real awards *with
replacement* and each draw copies all that award's real transactions (amounts, dates,
modifications, recipients, descriptions, agencies), so per-award shapes, the family mix and
the fiscal-year spread are the real ones. Each copy is marked: its award key is
``SYNTHETIC_<draw>_<real key>``, its PIID ``<real PIID>-S<draw>``, and every synthetic row's
provenance points at one ``source_files`` row named ``SYNTHETIC_analysis_<rows>`` (its
``source_row`` numbers the synthetic rows). ``build(con, [])`` then rebuilds ``facts``.

**The SQLite copy** (``…sqlite`` beside it) holds ``facts`` (the columns these queries read;
money as integer cents, so sums stay exact; dates ISO text), ``source_files`` and ``awards``,
with the indexes a Datasette user would add: one per facet column and on the award key/PIID.
Each SQLite query is hand-written SQL that returns the same figures as its vendorwatch call.

**Method.** Each (engine, query, warehouse) runs in its own child process: open the
warehouse, run the query once (*first*: includes Ibis compiling and DuckDB reading the file),
then ``--repeat`` more times; p50/p95 are over the repeats. The as-of query asks for a
different award each time. Peak memory is the child's ``VmHWM`` (RSS high-water mark, so
DuckDB's native memory counts). Other jobs share the two cores: rerun and read medians.
"""

from __future__ import annotations

import json
import os
import random
import sqlite3
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Annotated, Any

import duckdb
import typer
from rich.console import Console
from rich.table import Table

try:
    from benchmarks import synthetic
    from benchmarks.ingest import _markdown, _peak_rss_kb
except ModuleNotFoundError:  # run as a script: python benchmarks/analysis.py
    import synthetic  # type: ignore[no-redef]
    from ingest import _markdown, _peak_rss_kb  # type: ignore[no-redef]

GENERATOR_VERSION = 1
OUT = synthetic.OUT
FAMILY = "relx-plc"
FACET_FILTERS = {"family": [FAMILY], "fiscal_year": ["2024"]}
AS_OF = date(2024, 9, 30)
QUERIES = (
    "family dossier data (relx-plc)",
    "rollup by family",
    "award as of a date",
    "facets: family=relx-plc, FY2024",
    "facets: no filter",
    "family as of a date (relx-plc)",
)
# A different day each call: month ends across the sample's fiscal years.
FAMILY_DAYS = [date(year, month, 28) for year in range(2021, 2026) for month in (3, 6, 9, 12)]
ENGINES = ("vendorwatch: DuckDB via Ibis", "SQLite, indexed")

# --------------------------------------------------------------------------- the warehouses


def synthetic_name(rows: int) -> str:
    return f"SYNTHETIC_analysis_{rows}"


def sample_warehouse(raw: Path) -> Path:
    """The real sample, loaded and resolved (cached)."""
    from vendorwatch.build import build  # noqa: PLC0415
    from vendorwatch.warehouse import open_warehouse  # noqa: PLC0415

    path = OUT / "analysis-sample.duckdb"
    if not path.exists():
        OUT.mkdir(parents=True, exist_ok=True)
        partial = path.with_suffix(".partial")
        partial.unlink(missing_ok=True)
        con = open_warehouse(partial)
        build(con, [raw])
        con.close()
        partial.rename(path)
    return path


def synthetic_warehouse(rows: int, raw: Path, console: Console) -> Path:
    """The real sample plus ``rows`` SYNTHETIC transactions drawn award by award (cached)."""
    from vendorwatch.build import build  # noqa: PLC0415

    name = synthetic_name(rows)
    path = OUT / f"{name}.duckdb"
    manifest = path.with_suffix(".json")
    if (
        path.exists()
        and manifest.exists()
        and json.loads(manifest.read_text())["generator_version"] == GENERATOR_VERSION
    ):
        return path
    OUT.mkdir(parents=True, exist_ok=True)
    partial = path.with_suffix(".partial")
    partial.unlink(missing_ok=True)
    partial.write_bytes(sample_warehouse(raw).read_bytes())
    con = duckdb.connect(str(partial))
    con.execute("SET preserve_insertion_order = false")
    con.execute("SET enable_progress_bar = false")
    started = time.perf_counter()
    real_rows, real_awards = con.execute(
        "SELECT count(*), count(DISTINCT contract_award_unique_key) FROM transactions"
    ).fetchall()[0]
    draws = int(rows * real_awards / real_rows * 1.02) + 1
    console.log(f"drawing {draws:,} awards from {real_awards:,} real ones for {rows:,} rows")
    sha = name  # the synthetic "file" is named, not hashed: it is no file
    con.execute("BEGIN TRANSACTION")
    con.execute(
        """
        CREATE TEMP TABLE real_awards AS
        SELECT contract_award_unique_key AS real_key,
               row_number() OVER (ORDER BY contract_award_unique_key) - 1 AS i
        FROM (SELECT DISTINCT contract_award_unique_key FROM transactions)
        """
    )
    con.execute(
        f"""
        CREATE TEMP TABLE draws AS
        SELECT range AS draw, hash(range * 7919 + 20261123) % {real_awards} AS i
        FROM range({draws})
        """
    )
    con.execute(
        f"""
        INSERT INTO transactions BY NAME
        SELECT t.* REPLACE (
                   'SYNTHETIC_' || d.draw || '_' || t.contract_award_unique_key
                       AS contract_award_unique_key,
                   t.award_id_piid || '-S' || d.draw AS award_id_piid,
                   '{sha}' AS source_sha256,
                   row_number() OVER () AS source_row)
        FROM draws d
        JOIN real_awards r USING (i)
        JOIN transactions t ON t.contract_award_unique_key = r.real_key
        LIMIT {rows}
        """
    )
    con.execute(
        f"""
        INSERT INTO source_files VALUES (
            '{sha}', 'benchmarks/out/{name}.duckdb', '{name}', 'usaspending_api_transaction_search',
            'transactions', {rows}, 10, [], 'iso', 'none', current_timestamp::TIMESTAMP)
        """
    )
    con.execute("COMMIT")
    console.log(f"synthetic rows inserted in {time.perf_counter() - started:.0f}s; facts …")
    started = time.perf_counter()
    build(con, [])
    facts = con.execute("SELECT count(*) FROM facts").fetchall()[0][0]
    con.execute("CHECKPOINT")
    con.close()
    console.log(f"facts rebuilt ({facts:,} rows) in {time.perf_counter() - started:.0f}s")
    partial.rename(path)
    manifest.write_text(
        json.dumps(
            {
                "generator_version": GENERATOR_VERSION,
                "synthetic": True,
                "rows": rows,
                "real_rows": real_rows,
                "facts": facts,
                "how": "real awards drawn with replacement, all their transactions copied",
            },
            indent=1,
        )
    )
    path.with_suffix(".sqlite").unlink(missing_ok=True)  # stale copy of an older build
    return path


SQLITE_FACTS = (
    ("contract_award_unique_key", "TEXT"),
    ("award_id_piid", "TEXT"),
    ("modification_number", "TEXT"),
    ("action_date", "TEXT"),
    ("cents", "INTEGER"),  # federal_action_obligation in cents: exact sums
    ("transaction_description", "TEXT"),
    ("recipient_name", "TEXT"),
    ("recipient_uei", "TEXT"),
    ("organisation", "TEXT"),
    ("family", "TEXT"),
    ("fiscal_year", "INTEGER"),
    ("awarding_agency_name", "TEXT"),
    ("awarding_sub_agency_name", "TEXT"),
    ("competition", "TEXT"),
    ("classification", "TEXT"),
    ("classification_rule", "TEXT"),
    ("classification_evidence", "TEXT"),
    ("primary_place_of_performance_state_code", "TEXT"),
    ("extent_competed_code", "TEXT"),
    ("source_sha256", "TEXT"),
    ("source_row", "INTEGER"),
)
SQLITE_INDEXES = (
    "family",
    "fiscal_year",
    "awarding_sub_agency_name",
    "awarding_agency_name",
    "competition",
    "classification",
    "primary_place_of_performance_state_code",
    "contract_award_unique_key",
    "award_id_piid",
    "organisation",
)


def sqlite_copy(warehouse: Path, console: Console) -> Path:
    """``facts``, ``source_files`` and ``awards`` in SQLite, indexed as for Datasette (cached)."""
    path = warehouse.with_suffix(".sqlite")
    if path.exists():
        return path
    partial = path.with_suffix(".sqlite-partial")
    partial.unlink(missing_ok=True)
    started = time.perf_counter()
    src = duckdb.connect(str(warehouse), read_only=True)
    db = sqlite3.connect(partial)
    db.execute("PRAGMA journal_mode = OFF")
    db.execute("PRAGMA synchronous = OFF")
    columns = ", ".join(f"{n} {t}" for n, t in SQLITE_FACTS)
    db.execute(f"CREATE TABLE facts ({columns})")
    select = ", ".join(
        "CAST(round(federal_action_obligation * 100) AS BIGINT)"
        if n == "cents"
        else f"CAST({n} AS VARCHAR)"
        if n == "action_date"
        else n
        for n, _ in SQLITE_FACTS
    )
    reader = src.execute(f"SELECT {select} FROM facts").to_arrow_reader(200_000)
    marks = ", ".join("?" for _ in SQLITE_FACTS)
    for batch in reader:
        db.executemany(
            f"INSERT INTO facts VALUES ({marks})", zip(*batch.to_pydict().values(), strict=True)
        )
    for table in ("source_files", "awards"):
        cursor = src.execute(f"SELECT * FROM {table}")
        names = [d[0] for d in cursor.description]
        rows = [[_sqlite_value(v) for v in row] for row in cursor.fetchall()]
        db.execute(f"CREATE TABLE {table} ({', '.join(names)})")
        db.executemany(f"INSERT INTO {table} VALUES ({', '.join('?' for _ in names)})", rows)
    console.log(f"SQLite rows copied in {time.perf_counter() - started:.0f}s; indexes …")
    for column in SQLITE_INDEXES:
        db.execute(f"CREATE INDEX facts_{column} ON facts ({column})")
    db.execute("CREATE INDEX awards_key ON awards (contract_award_unique_key)")
    db.execute("ANALYZE")
    db.commit()
    db.close()
    src.close()
    partial.rename(path)
    console.log(f"SQLite copy ready in {time.perf_counter() - started:.0f}s")
    return path


def _sqlite_value(value: Any) -> Any:
    if value is None or isinstance(value, int | float | str):
        return value
    if isinstance(value, list):
        return json.dumps(value)
    return str(value)  # Decimal (exact text), date, timestamp


def award_sample(warehouse: Path, count: int) -> list[str]:
    """Award keys to ask as-of questions about: RELX's and any others, real and synthetic."""
    con = duckdb.connect(str(warehouse), read_only=True)
    keys = [
        k
        for (k,) in con.execute(
            "SELECT DISTINCT contract_award_unique_key FROM facts ORDER BY 1"
        ).fetchall()
    ]
    relx = [
        k
        for (k,) in con.execute(
            "SELECT DISTINCT contract_award_unique_key FROM facts WHERE family = ? ORDER BY 1",
            [FAMILY],
        ).fetchall()
    ]
    con.close()
    rng = random.Random(20261123)
    return rng.sample(relx, min(count // 2, len(relx))) + rng.sample(keys, count - count // 2)


# --------------------------------------------------------------------------- SQLite queries

_GROUP = "sum(cents), count(*), count(DISTINCT contract_award_unique_key)"
_FACET_COLUMNS = {
    "sub_agency": "awarding_sub_agency_name",
    "family": "family",
    "fiscal_year": "CAST(fiscal_year AS TEXT)",
    "competition": "competition",
    "classification": "classification",
    "state": "primary_place_of_performance_state_code",
    "agency": "awarding_agency_name",
}


def sqlite_dossier(db: sqlite3.Connection, family: str, claims: list[tuple[str, str]]) -> Any:
    """The figures `family_dossier` computes, as the SQL one would write for SQLite."""
    where = "FROM facts WHERE family = ?"
    out: dict[str, Any] = {}
    for name, by in (
        ("by_year_and_agency", "fiscal_year, awarding_sub_agency_name"),
        ("competition", "fiscal_year, competition"),
        ("by_organisation", "organisation"),
        ("classification", "classification"),
    ):
        out[name] = db.execute(
            f"SELECT {by}, {_GROUP} {where} GROUP BY {by} ORDER BY 3 DESC", [family]
        ).fetchall()
    out["totals"] = db.execute(f"SELECT {_GROUP} {where}", [family]).fetchall()
    out["top_awards"] = db.execute(
        f"""SELECT contract_award_unique_key, max(award_id_piid), max(recipient_name),
                   max(organisation), max(awarding_sub_agency_name), sum(cents), count(*),
                   min(action_date), max(action_date), max(transaction_description),
                   max(classification), max(classification_rule), max(classification_evidence)
            {where} GROUP BY contract_award_unique_key ORDER BY 6 DESC LIMIT 10""",
        [family],
    ).fetchall()
    out["claims"] = [
        db.execute(
            f"SELECT action_date, sum(cents) FROM facts WHERE {column} = ? "
            "GROUP BY action_date ORDER BY action_date",
            [subject],
        ).fetchall()
        for column, subject in claims
    ]
    out["data_sources"] = db.execute(
        f"""SELECT s.file_name, s.layout, s.loaded_at, c.n, s.rows
            FROM (SELECT source_sha256, count(*) AS n {where} GROUP BY source_sha256) c
            JOIN source_files s ON s.sha256 = c.source_sha256 ORDER BY s.file_name""",
        [family],
    ).fetchall()
    return out


def sqlite_award(db: sqlite3.Connection, key: str, as_of: date) -> Any:
    """`award_history`: the award's transactions with provenance, running total, summary."""
    rows = db.execute(
        """SELECT f.*, s.file_name, s.layout FROM facts f
           JOIN source_files s ON s.sha256 = f.source_sha256
           WHERE f.contract_award_unique_key = ? OR f.award_id_piid = ?
           ORDER BY action_date, modification_number, source_row""",
        [key, key],
    ).fetchall()
    summary = db.execute(
        "SELECT * FROM awards WHERE contract_award_unique_key = ? "
        "ORDER BY last_modified_date DESC LIMIT 1",
        [key],
    ).fetchall()
    obligated = sum(r[4] for r in rows if r[3] <= as_of.isoformat())
    return rows, summary, obligated


def sqlite_facets(db: sqlite3.Connection, filters: dict[str, list[str]]) -> Any:
    out = {}
    for name, column in _FACET_COLUMNS.items():
        clauses, params = [], []
        for other, values in filters.items():
            if other == name:
                continue
            clauses.append(f"{_FACET_COLUMNS[other]} IN ({', '.join('?' for _ in values)})")
            params += values
        where = f"WHERE {' AND '.join(clauses)}" if clauses else ""
        out[name] = db.execute(
            f"SELECT {column} AS v, {_GROUP} FROM facts {where} GROUP BY v ORDER BY 2 DESC, v",
            params,
        ).fetchall()[:12]
    return out


def sqlite_family_as_of(db: sqlite3.Connection, family: str, day: date) -> Any:
    """`family_as_of`: totals before and after the day, by company, the last transactions."""
    where = "FROM facts WHERE family = ? AND action_date"
    params = [family, day.isoformat()]
    return {
        "before": db.execute(f"SELECT {_GROUP} {where} <= ?", params).fetchall(),
        "after": db.execute(f"SELECT {_GROUP} {where} > ?", params).fetchall(),
        "by_organisation": db.execute(
            f"SELECT organisation, {_GROUP} {where} <= ? GROUP BY organisation ORDER BY 2 DESC",
            params,
        ).fetchall(),
        "latest": db.execute(
            """SELECT f.action_date, f.contract_award_unique_key, f.award_id_piid,
                       f.recipient_name, f.organisation, f.modification_number, f.cents,
                       f.transaction_description, s.file_name, s.layout, f.source_row,
                       f.source_sha256
                FROM facts f JOIN source_files s ON s.sha256 = f.source_sha256
                WHERE f.family = ? AND f.action_date <= ?
                ORDER BY f.action_date DESC, f.source_row DESC LIMIT 10""",
            params,
        ).fetchall(),
    }


def sqlite_rollup_family(db: sqlite3.Connection) -> Any:
    return db.execute(
        f"SELECT family, {_GROUP} FROM facts GROUP BY family ORDER BY 2 DESC"
    ).fetchall()


# --------------------------------------------------------------------------- child process


def _claim_subjects(registry: Any, family: str) -> list[tuple[str, str]]:
    from vendorwatch.analysis.dossier import family_members  # noqa: PLC0415

    members = family_members(registry, family)
    return [
        ("family" if c.value.subject == family else "organisation", c.value.subject)
        for c in registry.claims.values()
        if c.value.subject == family or c.value.subject in members
    ]


def _calls(spec: dict[str, Any]) -> Callable[[int], Any]:
    query, keys = spec["query"], spec["keys"]
    if spec["engine"] == ENGINES[0]:
        from vendorwatch.analysis import award_history, connect, rollup  # noqa: PLC0415
        from vendorwatch.analysis.as_of import family_as_of  # noqa: PLC0415
        from vendorwatch.analysis.browse import facets  # noqa: PLC0415
        from vendorwatch.analysis.dossier import family_dossier  # noqa: PLC0415
        from vendorwatch.registry import load_registry  # noqa: PLC0415

        con = connect(Path(spec["duckdb"]))
        registry = load_registry()
        calls: dict[str, Callable[[int], Any]] = {
            QUERIES[0]: lambda i: family_dossier(con, registry, FAMILY),
            QUERIES[1]: lambda i: rollup(con, ["family"]),
            QUERIES[2]: lambda i: award_history(con, keys[i % len(keys)], AS_OF),
            QUERIES[3]: lambda i: facets(con, FACET_FILTERS),
            QUERIES[4]: lambda i: facets(con, {}),
            QUERIES[5]: lambda i: family_as_of(
                con, registry, FAMILY, FAMILY_DAYS[i % len(FAMILY_DAYS)]
            ),
        }
        return calls[query]
    from vendorwatch.registry import load_registry  # noqa: PLC0415

    db = sqlite3.connect(f"file:{spec['sqlite']}?mode=ro", uri=True)
    claims = _claim_subjects(load_registry(), FAMILY)
    calls = {
        QUERIES[0]: lambda i: sqlite_dossier(db, FAMILY, claims),
        QUERIES[1]: lambda i: sqlite_rollup_family(db),
        QUERIES[2]: lambda i: sqlite_award(db, keys[i % len(keys)], AS_OF),
        QUERIES[3]: lambda i: sqlite_facets(db, FACET_FILTERS),
        QUERIES[4]: lambda i: sqlite_facets(db, {}),
        QUERIES[5]: lambda i: sqlite_family_as_of(db, FAMILY, FAMILY_DAYS[i % len(FAMILY_DAYS)]),
    }
    return calls[query]


def _measure(spec: dict[str, Any]) -> dict[str, Any]:
    started = time.perf_counter()
    call = _calls(spec)
    opened = time.perf_counter()
    call(0)
    first = time.perf_counter()
    times = []
    for i in range(1, spec["repeat"] + 1):
        t0 = time.perf_counter()
        call(i)
        times.append((time.perf_counter() - t0) * 1000)
    return {
        "open_ms": (opened - started) * 1000,
        "first_ms": (first - opened) * 1000,
        "times_ms": times,
        "peak_kb": _peak_rss_kb(),
    }


# --------------------------------------------------------------------------- parent process


@dataclass
class Runs:
    warehouse: str
    engine: str
    query: str
    first_ms: list[float] = field(default_factory=list)
    times_ms: list[float] = field(default_factory=list)
    peak_mb: list[float] = field(default_factory=list)


def percentile(values: list[float], q: int) -> float:
    ordered = sorted(values)
    if len(ordered) == 1:
        return ordered[0]
    return statistics.quantiles(ordered, n=100, method="inclusive")[q - 1]


def _run_child(spec: dict[str, Any]) -> dict[str, Any]:
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parent.parent)}
    proc = subprocess.run(
        [sys.executable, __file__, "_measure", json.dumps(spec)],
        stdout=subprocess.PIPE,
        env=env,
        check=False,
    )
    if proc.returncode != 0:
        raise SystemExit(f"measurement {spec['engine']} / {spec['query']} failed")
    figures: dict[str, Any] = json.loads(proc.stdout.decode().strip().splitlines()[-1])
    return figures


def main(  # noqa: PLR0917 - Typer options
    rows: Annotated[int, typer.Option(help="Synthetic transactions.")] = 10_000_000,
    repeat: Annotated[int, typer.Option(help="Timed runs per child after the first.")] = 20,
    rounds: Annotated[int, typer.Option(help="Children per measurement (medians).")] = 2,
    quick: Annotated[bool, typer.Option(help="Smoke run: 200,000 rows, 5 repeats.")] = False,
    real: Annotated[bool, typer.Option(help="Measure the real sample too.")] = True,
    scaled: Annotated[bool, typer.Option(help="Measure the synthetic warehouse.")] = True,
    raw: Annotated[Path | None, typer.Option(help="The real data folder.")] = None,
    only: Annotated[list[str] | None, typer.Option(help="Only queries containing this.")] = None,
    json_out: Annotated[Path | None, typer.Option("--json", help="Write all runs here.")] = None,
    markdown: Annotated[bool, typer.Option(help="Also print the tables as Markdown.")] = False,
) -> None:
    """p50/p95 ms and peak memory of the analysis queries, DuckDB via Ibis beside SQLite."""
    if quick:
        rows, repeat, rounds = 200_000, 5, 1
    raw = raw or synthetic.find_raw()
    console = Console(stderr=True)
    warehouses: list[tuple[str, Path]] = []
    if real:
        warehouses.append(("real sample", sample_warehouse(raw)))
    if scaled:
        with console.status(f"synthetic warehouse, {rows:,} rows (cached in benchmarks/out/) …"):
            warehouse = synthetic_warehouse(rows, raw, console)
            warehouses.append((f"SYNTHETIC {rows:,} rows", warehouse))
    plan = []
    for label, path in warehouses:
        with console.status(f"SQLite copy of {label} …"):
            lite = sqlite_copy(path, console)
        keys = award_sample(path, 50)
        for query in QUERIES:
            if only and not any(word in query for word in only):
                continue
            for engine in ENGINES:
                plan.append((label, path, lite, keys, query, engine))
    runs: dict[tuple[str, str, str], Runs] = {}
    total = len(plan) * rounds
    done = 0
    for attempt in range(rounds):
        order = (
            plan
            if attempt % 2 == 0
            else [p for pair in zip(plan[1::2], plan[::2], strict=True) for p in pair]
        )
        for label, path, lite, keys, query, engine in order:
            done += 1
            console.log(f"[{done}/{total}] {label}: {engine}: {query}")
            spec = {"duckdb": str(path), "sqlite": str(lite), "keys": keys, "query": query,
                    "engine": engine, "repeat": repeat}  # fmt: skip
            figures = _run_child(spec)
            entry = runs.setdefault((label, query, engine), Runs(label, engine, query))
            entry.first_ms.append(figures["first_ms"])
            entry.times_ms += figures["times_ms"]
            entry.peak_mb.append(figures["peak_kb"] / 1024)

    table = Table(
        title=f"Analysis queries: ms (p50/p95 over {repeat} x {rounds} runs) and peak RSS"
    )
    for name in ("warehouse", "query", "engine", "first ms", "p50 ms", "p95 ms", "peak RSS MB"):
        table.add_column(
            name, justify="left" if name in ("warehouse", "query", "engine") else "right"
        )
    last = None
    for (label, query, engine), r in runs.items():
        table.add_row(
            label if label != last else "",
            query if engine == ENGINES[0] else "",
            engine,
            f"{statistics.median(r.first_ms):,.0f}",
            f"{percentile(r.times_ms, 50):,.1f}",
            f"{percentile(r.times_ms, 95):,.1f}",
            f"{statistics.median(r.peak_mb):,.0f}",
            end_section=engine == ENGINES[-1] and query == QUERIES[-1],
        )
        last = label
    out = Console(width=160)
    out.print(
        f"vendorwatch analysis benchmark · DuckDB {duckdb.__version__} · SQLite "
        f"{sqlite3.sqlite_version} · Python {sys.version.split()[0]} · {os.cpu_count()} CPUs"
    )
    out.print(table)
    if markdown:
        print()
        print(_markdown(table))
    if json_out:
        json_out.write_text(json.dumps([r.__dict__ for r in runs.values()], indent=1), "utf-8")


if __name__ == "__main__":
    if len(sys.argv) > 2 and sys.argv[1] == "_measure":
        print(json.dumps(_measure(json.loads(sys.argv[2]))))
    else:
        typer.run(main)
