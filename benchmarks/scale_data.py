"""A SYNTHETIC all-agency contract history for the scale benchmark (benchmarks/scale.py).

Made from the real rows, in chunks, inside DuckDB (no Python loop over rows): the real sample
is loaded and resolved (`benchmarks.analysis.sample_warehouse`), then awards are drawn from its
``facts`` *with replacement*; each draw copies all of that award's real transactions (amounts,
modifications, recipients and their families — RELX, Thomson Reuters, Palantir … as resolved
— descriptions, competition, classes), moves them as a block to a fiscal year drawn uniformly
from FY2008-FY2026 (the gaps between its actions kept), and gives the award an awarding agency
drawn from ``scale_agencies.yaml`` (the real rows are DHS only; those shares are an assumption).

Marked synthetic everywhere: the folder and files are named ``SYNTHETIC_scale_<rows>``, every
award key is ``SYNTHETIC_<draw>_<real key>`` and every PIID ``<real PIID>-S<draw>``, and the
rows' provenance is one ``source_files`` row named ``SYNTHETIC_scale_<rows>``.

Written one Parquet file of at most ``chunk`` rows at a time (``part-NNNN.parquet``: the
dataset Spark reads), then copied into a DuckDB warehouse (the real sample plus the synthetic
``facts``, recorded as current, so the library's questions read it as they read any warehouse).
"""

from __future__ import annotations

import json
import shutil
import time
from pathlib import Path
from typing import Any

import duckdb
import yaml

GENERATOR_VERSION = 1
AGENCIES = Path(__file__).resolve().parent / "scale_agencies.yaml"
FIRST_FY, LAST_FY = 2008, 2026


def name_for(rows: int) -> str:
    return f"SYNTHETIC_scale_{rows}"


def _agency_table(con: duckdb.DuckDBPyConnection) -> None:
    """The agencies with their cumulative share ranges [lo, hi)."""
    entries = yaml.safe_load(AGENCIES.read_text("utf-8"))["agencies"]
    total = sum(float(e["share"]) for e in entries)
    con.execute(
        "CREATE TEMP TABLE agencies (k INT, agency VARCHAR, sub VARCHAR, lo DOUBLE, hi DOUBLE)"
    )
    lo = 0.0
    for k, e in enumerate(entries):
        hi = lo + float(e["share"]) / total
        con.execute(
            "INSERT INTO agencies VALUES (?, ?, ?, ?, ?)", [k, e["agency"], e["sub_agency"], lo, hi]
        )
        lo = hi
    con.execute("UPDATE agencies SET hi = 1.0001 WHERE k = (SELECT max(k) FROM agencies)")


def generate(
    sample: Path, rows: int, out: Path, *, chunk: int = 1_000_000, seed: int = 20261202
) -> dict[str, Any]:
    """Write ``out/SYNTHETIC_scale_<rows>/part-*.parquet`` and its manifest (cached)."""
    name = name_for(rows)
    folder = out / name
    manifest_path = out / f"{name}.json"
    if manifest_path.exists():
        manifest: dict[str, Any] = json.loads(manifest_path.read_text())
        if manifest.get("generator_version") == GENERATOR_VERSION and folder.is_dir():
            return manifest
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    started = time.perf_counter()
    con = duckdb.connect()
    con.execute("SET enable_progress_bar = false")
    con.execute("SET preserve_insertion_order = false")
    con.execute(f"ATTACH '{sample}' AS s (READ_ONLY)")
    con.execute(
        """
        CREATE TEMP TABLE real AS
        SELECT *, dense_rank() OVER (ORDER BY contract_award_unique_key) - 1 AS award_i,
               min(fiscal_year) OVER (PARTITION BY contract_award_unique_key) AS first_fy
        FROM s.facts WHERE contract_award_unique_key IS NOT NULL AND fiscal_year IS NOT NULL
        """
    )
    (real_rows, real_awards) = con.execute(
        "SELECT count(*), count(DISTINCT award_i) FROM real"
    ).fetchall()[0]
    _agency_table(con)
    draws_per_chunk = int(chunk * real_awards / real_rows * 1.05) + 1
    written, part = 0, 0
    while written < rows:
        take = min(chunk, rows - written)
        first_draw = part * draws_per_chunk
        target = folder / f"part-{part:04d}.parquet"
        con.execute(
            f"""
            COPY (
                WITH d AS (
                    SELECT range AS draw,
                           hash(range * 7919 + {seed}) % {real_awards} AS award_i,
                           {FIRST_FY} + hash(range * 104729 + {seed} + 1) % {LAST_FY - FIRST_FY + 1}
                               AS target_fy,
                           (hash(range * 15485863 + {seed} + 2) % 1000000) / 1000000.0 AS u
                    FROM range({first_draw}, {first_draw + draws_per_chunk})
                )
                SELECT r.* EXCLUDE (award_i, first_fy) REPLACE (
                    'SYNTHETIC_' || d.draw || '_' || r.contract_award_unique_key
                        AS contract_award_unique_key,
                    r.award_id_piid || '-S' || d.draw AS award_id_piid,
                    CAST(r.action_date + to_years(CAST(d.target_fy - r.first_fy AS INTEGER))
                         AS DATE) AS action_date,
                    CAST(r.fiscal_year + (d.target_fy - r.first_fy) AS {_type(con, "fiscal_year")})
                        AS fiscal_year,
                    a.agency AS awarding_agency_name,
                    a.sub AS awarding_sub_agency_name,
                    '{name}' AS source_sha256,
                    {written} + row_number() OVER () AS source_row)
                FROM d JOIN real r USING (award_i)
                JOIN agencies a ON d.u >= a.lo AND d.u < a.hi
                LIMIT {take}
            ) TO '{target}' (FORMAT parquet, COMPRESSION zstd)
            """
        )
        got = con.execute(f"SELECT count(*) FROM read_parquet('{target}')").fetchall()[0][0]
        written += int(got)
        part += 1
    con.close()
    manifest = {
        "generator_version": GENERATOR_VERSION,
        "synthetic": True,
        "rows": written,
        "parts": part,
        "chunk": chunk,
        "real_rows": int(real_rows),
        "real_awards": int(real_awards),
        "seconds": round(time.perf_counter() - started, 1),
        "bytes": sum(p.stat().st_size for p in folder.glob("*.parquet")),
        "how": "real awards drawn with replacement, all their transactions copied, moved to a "
        f"fiscal year in FY{FIRST_FY}-FY{LAST_FY}, agency drawn from scale_agencies.yaml",
    }
    manifest_path.write_text(json.dumps(manifest, indent=1))
    return manifest


def _type(con: duckdb.DuckDBPyConnection, column: str) -> str:
    (found,) = con.execute(
        "SELECT data_type FROM duckdb_columns() WHERE database_name = 's' "
        "AND table_name = 'facts' AND column_name = ?",
        [column],
    ).fetchall()
    return str(found[0])


def warehouse(sample: Path, rows: int, out: Path) -> Path:
    """The real sample plus the synthetic ``facts`` rows, recorded as current (cached)."""
    from vendorwatch.analysis.inputs import current_inputs, record_inputs  # noqa: PLC0415

    name = name_for(rows)
    path = out / f"{name}.duckdb"
    if path.exists():
        return path
    partial = path.with_suffix(".partial")
    shutil.copyfile(sample, partial)
    con = duckdb.connect(str(partial))
    con.execute("SET enable_progress_bar = false")
    con.execute("SET preserve_insertion_order = false")
    con.execute("BEGIN TRANSACTION")
    con.execute(f"INSERT INTO facts BY NAME SELECT * FROM read_parquet('{out / name}/*.parquet')")
    columns = con.execute("SELECT count(*) FROM duckdb_columns() WHERE table_name = 'source_files'")
    assert columns.fetchall()[0][0] == 11
    con.execute(
        f"""
        INSERT INTO source_files VALUES (
            '{name}', '{out / name}', '{name}', 'usaspending_api_transaction_search',
            'transactions', {rows}, 10, [], 'iso', 'none', current_timestamp::TIMESTAMP)
        """
    )
    record_inputs(con, current_inputs(con))  # the synthetic facts are the derived table
    con.execute("COMMIT")
    con.execute("CHECKPOINT")
    con.close()
    partial.rename(path)
    return path
