"""Load source files into the warehouse: one file, one transaction, all rows or none.

The steps, each a DuckDB query over the whole file (no Python loop over rows):

1. sniff the header to pick the layout, and hash the file (a file already loaded is skipped);
2. stage the columns the layout needs, as text, in a temporary table in file order;
3. decide the file's date convention from its values (or stop if it cannot be decided);
4. check every typed value; the first bad one is reported with its line and column;
5. in one transaction, insert the typed rows and the file's ``source_files`` record.

A process killed before step 5 commits leaves the warehouse as it was: DuckDB writes nothing
visible until COMMIT, and the staging table is temporary.
"""

from __future__ import annotations

import re
import threading
import time
import uuid
from collections.abc import Callable, Iterable, Iterator
from contextlib import suppress
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import duckdb

from vendorwatch.errors import (
    AmbiguousDatesError,
    BadInputError,
    Location,
    NoRowsError,
    NotContractDataError,
    VendorwatchError,
)
from vendorwatch.faults import fault_point
from vendorwatch.warehouse import dates, fpds_atom
from vendorwatch.warehouse.dates import DateConvention
from vendorwatch.warehouse.file_columns import record_file_columns
from vendorwatch.warehouse.layouts import Layout, closest_layout, detect_layout
from vendorwatch.warehouse.schema import SQL_TYPES, Kind
from vendorwatch.warehouse.sniff import (
    Sniffed,
    check_unique_headers,
    find_structural_problem,
    record_line,
    sniff,
)
from vendorwatch.warehouse.validate import (
    explain_header,
    failures,
    recordcount,
    refuse_control_characters,
)

Progress = Callable[[str, float | None], None]
"""Told the current step and, where DuckDB knows it, the fraction done (0-1)."""

# Amounts as USAspending writes them: optional sign, digits, at most two decimals (trailing
# zeros beyond those are harmless, e.g. "110367609.0" or "12.500").
MONEY_PATTERN = r"^[+-]?\d{1,16}(\.\d{0,2}0*)?$"
INT_PATTERN = r"^[+-]?\d{1,18}(\.0*)?$"

EXPECTED = {
    Kind.MONEY: "an amount such as -1234.56 (digits, optional sign, at most 2 decimals)",
    Kind.INT: "a whole number",
    Kind.DATE: "a date (YYYY-MM-DD, or m/d/yy or d/m/yy as elsewhere in the file)",
}


@dataclass
class LoadResult:
    path: Path
    status: str  # "loaded" | "already loaded" | "skipped" | "error"
    layout: str | None = None
    table: str | None = None
    rows: int = 0
    sha256: str | None = None
    date_convention: str | None = None
    seconds: float = 0.0
    error: str | None = None
    already_loaded_as: str | None = None
    missing_columns: list[str] = field(default_factory=list)
    derived_columns: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, object]:
        return {
            "path": str(self.path),
            "status": self.status,
            "layout": self.layout,
            "table": self.table,
            "rows": self.rows,
            "sha256": self.sha256,
            "date_convention": self.date_convention,
            "seconds": round(self.seconds, 3),
            "error": self.error,
            "already_loaded_as": self.already_loaded_as,
            "missing_columns": self.missing_columns,
            "derived_columns": self.derived_columns,
        }


def _ident(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _run(con: duckdb.DuckDBPyConnection, sql: str, step: str, progress: Progress | None) -> None:
    """Run one statement; while it runs, pass DuckDB's own progress estimate on."""
    if progress is None:
        con.execute(sql)
        return
    failure: list[BaseException] = []

    def work() -> None:
        try:
            con.execute(sql)
        except BaseException as exc:  # noqa: BLE001 - re-raised in the caller's thread below
            failure.append(exc)

    worker = threading.Thread(target=work, daemon=True)
    worker.start()
    try:
        progress(step, None)
        fault_point(f"{step}-started")  # a test may send SIGINT here, the query running
        while worker.is_alive():
            worker.join(0.1)
            try:
                done = con.query_progress()
            except duckdb.Error:
                done = -1
            progress(step, done / 100 if done is not None and done >= 0 else None)
    except BaseException:  # Ctrl-C: stop the query before the connection is closed under it
        con.interrupt()
        worker.join()
        raise
    if failure:
        raise failure[0]


@dataclass(frozen=True)
class _Plan:
    """Which staged column feeds each table column."""

    staged: dict[str, str]  # staged name -> source header
    sources: dict[str, str]  # table column -> staged name
    derived: dict[str, str]  # table column -> SQL over staged names
    missing: list[str]


def _plan(layout: Layout, headers: list[str]) -> _Plan:
    position = {name: index for index, name in enumerate(headers)}
    staged: dict[str, str] = {}
    sources: dict[str, str] = {}
    missing: list[str] = []
    for column, candidates in layout.fields.items():
        header = next((h for h in candidates if h in position), None)
        if header is None:
            missing.append(column)
            continue
        name = f"c{position[header]}"
        staged[name] = header
        sources[column] = name
    templates = {**layout.derived, **(layout.derive(headers) if layout.derive else {})}
    derived: dict[str, str] = {}
    for column, template in templates.items():
        if column in sources:  # the file has it: derive only what it lacks
            continue
        sql = template
        for header, index in position.items():
            placeholder = "{" + header + "}"
            if placeholder in sql:
                staged[f"c{index}"] = header
                sql = sql.replace(placeholder, f"c{index}")
        derived[column] = sql
    missing = [column for column in missing if column not in derived]
    return _Plan(staged, sources, derived, missing)


def _derived_from(column: str, plan: _Plan) -> str:
    """The headers a derived column was worked out from, in words."""
    sql = plan.derived[column]
    staged = sorted(plan.staged.items(), key=lambda item: int(item[0][1:]))
    used = [header for name, header in staged if re.search(rf"\b{name}\b", sql)]
    return ", ".join(used) or "constants"


def _typed_sql(kind: Kind, column: str, convention: DateConvention) -> str:
    trimmed = f"nullif(trim({column}), '')"
    if kind is Kind.TEXT:
        return trimmed
    if kind is Kind.MONEY:
        return (
            f"CASE WHEN regexp_matches(trim({column}), '{MONEY_PATTERN}') "
            f"THEN CAST(trim({column}) AS {SQL_TYPES[kind]}) END"
        )
    if kind is Kind.INT:
        return (
            f"CASE WHEN regexp_matches(trim({column}), '{INT_PATTERN}') "
            f"THEN CAST(CAST(trim({column}) AS DECIMAL(20,1)) AS BIGINT) END"
        )
    return dates.parse_sql(column, convention)


def _read_csv_sql(sniffed: Sniffed) -> str:
    columns = ", ".join(f"'c{i}': 'VARCHAR'" for i in range(len(sniffed.headers)))
    return (
        f"read_csv({_literal(str(sniffed.path))}, header = true, auto_detect = false, "
        f"columns = {{{columns}}}, delim = {_literal(sniffed.delimiter)}, quote = '\"', "
        f"escape = '\"', strict_mode = true, null_padding = false, "
        f"compression = {_literal(sniffed.compression)}, encoding = 'utf-8', "
        f"max_line_size = {recordcount.Limits.from_settings().max_line})"
    )


def _stage(
    con: duckdb.DuckDBPyConnection,
    sniffed: Sniffed,
    plan: _Plan,
    stage: str,
    progress: Progress | None,
) -> None:
    select = ", ".join(sorted(plan.staged, key=lambda c: int(c[1:]))) or "NULL AS c0"
    try:
        _run(
            con,
            f"CREATE TEMP TABLE {stage} AS SELECT {select} FROM {_read_csv_sql(sniffed)}",
            "reading",
            progress,
        )
    except duckdb.Error as exc:
        if failures.is_disk_full(exc):
            raise
        located = find_structural_problem(sniffed.path, sniffed.delimiter, len(sniffed.headers))
        if located is not None:
            raise located from None
        first_line = str(exc).strip().splitlines()[0]
        raise BadInputError(f"cannot read as CSV: {first_line}", Location(sniffed.path)) from None


def _first_bad_value(
    con: duckdb.DuckDBPyConnection,
    layout: Layout,
    plan: _Plan,
    stage: str,
    convention: DateConvention,
) -> tuple[int, str, str, int] | None:
    """(record number, table column, raw value, count of bad values) of the first bad value."""
    checks = {
        column: (plan.sources[column], kind)
        for column, kind in layout.table.columns.items()
        if kind is not Kind.TEXT and column in plan.sources
    }
    if not checks:
        return None
    bad = {
        column: f"({staged} IS NOT NULL AND trim({staged}) <> '' "
        f"AND ({_typed_sql(kind, staged, convention)}) IS NULL)"
        for column, (staged, kind) in checks.items()
    }
    firsts = ", ".join(f"min(CASE WHEN {cond} THEN rowid END)" for cond in bad.values())
    counts = " + ".join(f"count(*) FILTER (WHERE {cond})" for cond in bad.values())
    row = con.execute(f"SELECT {firsts}, {counts} FROM {stage}").fetchone()
    assert row is not None
    *first_rows, total = row
    found = [(r, column) for r, column in zip(first_rows, bad, strict=True) if r is not None]
    if not found:
        return None
    rowid, column = min(found)
    value = con.execute(f"SELECT {checks[column][0]} FROM {stage} WHERE rowid = ?", [rowid])
    raw = value.fetchone()
    return int(rowid) + 1, column, raw[0] if raw else "", int(total)


def _date_columns(layout: Layout, plan: _Plan) -> list[str]:
    return [
        plan.sources[c]
        for c, kind in layout.table.columns.items()
        if kind is Kind.DATE and c in plan.sources
    ]


def load_file(
    con: duckdb.DuckDBPyConnection,
    path: Path,
    *,
    dates_override: DateConvention | None = None,
    progress: Progress | None = None,
) -> LoadResult:
    """Load one file atomically; raises `VendorwatchError` for anything wrong with the file."""
    started = time.perf_counter()
    path = Path(path)
    if progress:
        progress("hashing", None)
    if fpds_atom.is_atom_feed(path):  # XML, not a table: read by its own module
        result: LoadResult = fpds_atom.load_feed(con, path)
        return result
    sniffed = sniff(path)
    layout = detect_layout(sniffed.headers)
    if layout is None:
        if (nearly := explain_header(sniffed)) is not None:
            raise nearly
        shown = ", ".join(sniffed.headers[:6]) + (" …" if len(sniffed.headers) > 6 else "")
        near, lacks, rules_out = closest_layout(sniffed.headers)
        differs = [f"lacks {', '.join(lacks)}"] if lacks else []
        differs += [f"has {', '.join(rules_out)}"] if rules_out else []
        raise NotContractDataError(
            f"not a contract file: its header ({len(sniffed.headers)} columns: {shown}) "
            "matches none of the layouts `vendorwatch layouts` lists; closest is "
            f"{near.title}, which it {' and '.join(differs)}",
            Location(path, 1),
        )
    check_unique_headers(sniffed)
    previous = con.execute(
        "SELECT file_name, loaded_at FROM source_files WHERE sha256 = ?", [sniffed.sha256]
    ).fetchone()
    if previous is not None:
        return LoadResult(
            path=path,
            status="already loaded",
            layout=layout.name,
            table=layout.table.name,
            sha256=sniffed.sha256,
            seconds=time.perf_counter() - started,
            already_loaded_as=(
                f"as {previous[0]} at {previous[1].isoformat(timespec='seconds')} UTC"
            ),
        )

    if progress:
        progress("counting", None)
    census = recordcount.census(sniffed)  # refuses what DuckDB would misread, with the line
    if census.records == 0:
        raise NoRowsError(
            "no rows: the file holds its header and no records; nothing was loaded",
            Location(path, 2),
        )
    plan = _plan(layout, sniffed.headers)
    stage = f"vw_stage_{uuid.uuid4().hex}"
    try:
        _stage(con, sniffed, plan, stage, progress)
        staged = sorted(plan.staged, key=lambda c: int(c[1:]))
        recordcount.confirm_staged(con, stage, sniffed, staged, census)
        refuse_control_characters(
            con, stage, sniffed, layout.table, sources=plan.sources, staged=plan.staged
        )
        if progress:
            progress("checking", None)
        try:
            convention = dates.decide(
                dates.gather_evidence(con, stage, _date_columns(layout, plan)), dates_override
            )
        except dates.ConventionProblem as exc:
            where = Location(path)
            if exc.example is not None:
                header = plan.staged[exc.example.column]
                where = Location(
                    path,
                    record_line(path, sniffed.delimiter, exc.example.record + 1),
                    sniffed.headers.index(header) + 1,
                    header,
                )
            raise AmbiguousDatesError(str(exc), where) from None
        bad = _first_bad_value(con, layout, plan, stage, convention)
        if bad is not None:
            record, column, raw, total = bad
            header = plan.staged[plan.sources[column]]
            more = f" ({total - 1} more bad values in the file)" if total > 1 else ""
            raise BadInputError(
                f"{raw!r} is not {EXPECTED[layout.table.columns[column]]}{more}; "
                "nothing from this file was loaded",
                Location(
                    path,
                    record_line(path, sniffed.delimiter, record),
                    sniffed.headers.index(header) + 1,
                    header,
                ),
            )
        rows = _insert(
            con,
            layout=layout,
            plan=plan,
            sniffed=sniffed,
            stage=stage,
            convention=convention,
            progress=progress,
            census=census,
        )
    finally:
        with suppress(duckdb.Error):  # after a fatal error (disk full) the first error tells
            con.execute(f"DROP TABLE IF EXISTS {stage}")
    return LoadResult(
        path=path,
        status="loaded",
        layout=layout.name,
        table=layout.table.name,
        rows=rows,
        sha256=sniffed.sha256,
        date_convention=convention.value,
        seconds=time.perf_counter() - started,
        missing_columns=plan.missing,
        derived_columns=sorted(plan.derived),
    )


def _insert(
    con: duckdb.DuckDBPyConnection,
    *,
    layout: Layout,
    plan: _Plan,
    sniffed: Sniffed,
    stage: str,
    convention: DateConvention,
    progress: Progress | None,
    census: recordcount.Census,
) -> int:
    table = layout.table
    targets: list[str] = []
    exprs: list[str] = []
    for column, kind in table.columns.items():
        if column in plan.sources:
            exprs.append(_typed_sql(kind, plan.sources[column], convention))
        elif column in plan.derived:
            exprs.append(f"CAST(({plan.derived[column]}) AS {SQL_TYPES[kind]})")
        else:
            continue
        targets.append(column)
    count = con.execute(f"SELECT count(*) FROM {stage}").fetchone()
    rows = int(count[0]) if count else 0
    con.execute("BEGIN TRANSACTION")
    try:
        _run(
            con,
            f"INSERT INTO {table.name} ({', '.join(targets)}, source_sha256, source_row) "
            f"SELECT {', '.join(exprs)}, {_literal(sniffed.sha256)}, rowid + 1 FROM {stage}",
            "writing",
            progress,
        )
        con.execute(
            "INSERT INTO source_files VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [
                sniffed.sha256,
                str(sniffed.path.resolve()),
                sniffed.path.name,
                layout.name,
                table.name,
                rows,
                len(sniffed.headers),
                plan.missing,
                convention.value,
                sniffed.compression,
                datetime.now(UTC).replace(tzinfo=None),
            ],
        )
        record_file_columns(
            con,
            sniffed.sha256,
            mapped={c: plan.staged[s] for c, s in plan.sources.items() if plan.staged[s] != c},
            derived={c: _derived_from(c, plan) for c in plan.derived},
            missing=plan.missing,
        )
        fault_point("before-commit")  # a crash test may kill the process here
        recordcount.confirm_loaded(con, table.name, sniffed, census)  # every record, no more
        con.execute("COMMIT")
    except BaseException:
        with suppress(duckdb.Error):  # DuckDB may have ended it (disk full): keep the cause
            con.execute("ROLLBACK")
        raise
    return rows


FEED_IN_FOLDER = (
    "an FPDS ATOM feed found in a folder; name the file to load it (vendorwatch load FEED.xml)"
)


def expand_paths(paths: Iterable[Path]) -> Iterator[Path]:
    """The files named, and every file under a named folder in name order (each once)."""
    seen: set[Path] = set()
    for path in paths:
        for child in sorted(p for p in path.rglob("*") if p.is_file()) if path.is_dir() else [path]:
            if child.resolve() not in seen:
                seen.add(child.resolve())
                yield child


def load_paths(
    con: duckdb.DuckDBPyConnection,
    paths: Iterable[Path],
    *,
    dates_override: DateConvention | None = None,
    progress: Callable[[Path], Progress] | None = None,
) -> list[LoadResult]:
    """Load each file on its own; one bad file does not stop the others."""
    results: list[LoadResult] = []
    named = {Path(p).resolve() for p in paths if not Path(p).is_dir()}
    for path in expand_paths(paths):
        if path.resolve() not in named and fpds_atom.is_atom_feed(path):
            # A feed page is one page of a search, often of other departments (the sample
            # folder's are DoD and GSA): loaded when named, not picked up with a folder.
            results.append(LoadResult(path=path, status="skipped", error=FEED_IN_FOLDER))
            continue
        try:
            results.append(
                load_file(
                    con,
                    path,
                    dates_override=dates_override,
                    progress=progress(path) if progress else None,
                )
            )
        except NotContractDataError as exc:
            results.append(LoadResult(path=path, status="skipped", error=str(exc)))
        except VendorwatchError as exc:
            results.append(LoadResult(path=path, status="error", error=str(exc)))
    return results
