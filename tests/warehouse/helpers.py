"""Helpers for warehouse tests: read real files independently of the loader, make variants."""

from __future__ import annotations

import csv
import gzip
import io
from pathlib import Path

import duckdb

from vendorwatch.warehouse.schema import TABLES


def read_rows(path: Path) -> tuple[list[str], list[list[str]]]:
    """Header and records of a real CSV file, read with the csv module (not the loader)."""
    opener = gzip.open if path.name.endswith(".gz") else open
    with opener(path, "rt", encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.reader(handle))
    return rows[0], rows[1:]


def write_rows(
    path: Path, header: list[str], rows: list[list[str]], *, delimiter: str = ",", bom: bool = False
) -> Path:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    data = buffer.getvalue().encode("utf-8")
    path.write_bytes((b"\xef\xbb\xbf" if bom else b"") + data)
    return path


def snapshot(con: duckdb.DuckDBPyConnection) -> dict[str, object]:
    """Everything a load could change: row counts, money totals, provenance of every file."""
    state: dict[str, object] = {
        "source_files": con.execute(
            "SELECT sha256, path, layout, rows, loaded_at FROM source_files ORDER BY sha256"
        ).fetchall()
    }
    for table in TABLES.values():
        state[table.name] = con.execute(
            f"SELECT count(*), sum({table.amount_column}), "
            f"sum(hash(source_sha256, source_row)) FROM {table.name}"
        ).fetchone()
    return state


def real_files(raw: Path) -> dict[str, Path]:
    return {
        "summaries": next(raw.glob("mn-ice-contracts/*PrimeAwardSummaries*.csv.gz")),
        "subawards": next(raw.glob("mn-ice-contracts/*Subawards*.csv")),
        **{p.name[8:14]: p for p in sorted(raw.glob("cbp-ice-dashboard/*.csv.gz"))},
    }
