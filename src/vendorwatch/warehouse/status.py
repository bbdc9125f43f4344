"""What the warehouse holds: per source file and per table, computed from the rows themselves."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

import duckdb

from vendorwatch.warehouse.file_columns import file_columns
from vendorwatch.warehouse.schema import TABLES


def _json_value(value: Any) -> Any:
    if isinstance(value, Decimal):
        return f"{value:.2f}"
    if isinstance(value, datetime | date):
        return value.isoformat()
    return value


def status(con: duckdb.DuckDBPyConnection) -> dict[str, Any]:
    """Files (layout, rows, date range, agencies, total) and per-table totals; money as strings."""
    files: list[dict[str, Any]] = []
    tables: dict[str, dict[str, Any]] = {}
    read_as = file_columns(con)
    for table in TABLES.values():
        per_file = con.execute(
            f"""
            SELECT f.file_name, f.path, f.sha256, f.layout, f.rows, f.columns_in_file,
                   f.missing_columns, f.date_convention, f.compression, f.loaded_at,
                   min(t.{table.date_column}), max(t.{table.date_column}),
                   list_sort(list(DISTINCT t.{table.agency_column})),
                   coalesce(sum(t.{table.amount_column}), 0), count(t.source_row)
            FROM source_files f LEFT JOIN {table.name} t ON t.source_sha256 = f.sha256
            WHERE f.target_table = ?
            GROUP BY ALL ORDER BY f.file_name
            """,
            [table.name],
        ).fetchall()
        for row in per_file:
            files.append(
                {
                    "file_name": row[0],
                    "path": row[1],
                    "sha256": row[2],
                    "layout": row[3],
                    "table": table.name,
                    "rows": row[4],
                    "rows_in_table": row[14],
                    "columns_in_file": row[5],
                    "missing_columns": list(row[6]),
                    # header -> column where the names differ; column -> headers it came from
                    "mapped_columns": read_as.get(row[2], {}).get("mapped", {}),
                    "derived_columns": read_as.get(row[2], {}).get("derived", {}),
                    "date_convention": row[7],
                    "compression": row[8],
                    "loaded_at": _json_value(row[9]),
                    "date_column": table.date_column,
                    "date_min": _json_value(row[10]),
                    "date_max": _json_value(row[11]),
                    "agencies": [a for a in row[12] if a is not None],
                    "amount_column": table.amount_column,
                    "amount_total": _json_value(row[13]),
                }
            )
        # fetchall, not fetchone: DuckDB 2 keeps a half-read result open on the connection,
        # and the site's next query on it (through Ibis) then fails.
        (total,) = con.execute(
            f"""
            SELECT count(*), count(DISTINCT source_sha256), coalesce(sum({table.amount_column}), 0),
                   min({table.date_column}), max({table.date_column})
            FROM {table.name}
            """
        ).fetchall()
        tables[table.name] = {
            "rows": total[0],
            "files": total[1],
            "amount_column": table.amount_column,
            "amount_total": _json_value(total[2]),
            "date_column": table.date_column,
            "date_min": _json_value(total[3]),
            "date_max": _json_value(total[4]),
        }
    return {"files": files, "tables": tables}
