"""What an export covers, carried with it: Parquet in its schema metadata, CSV beside it.

A CSV or Parquet file of totals travels without the page it came from, so the caveats must
travel with it: the agencies and dates the loaded data covers, whether a source is partial
(and which way its totals can be wrong), partial fiscal years and what "unknown" competition
means (`vendorwatch.analysis.coverage`). CSV has no place for metadata, so a W3C CSV on the
Web sidecar (``FILE.csv-metadata.json``, where CSVW tools look for it) holds them.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from vendorwatch.analysis.coverage import coverage
from vendorwatch.exports.typed import Table

KEY = "vendorwatch.coverage"


def with_coverage(
    table: Table, con: Any, filters: Mapping[str, Sequence[str] | str] | None = None
) -> Table:
    """``table`` with the coverage of the loaded data (one family's, if the filter is one)."""
    family = (filters or {}).get("family")
    if isinstance(family, Sequence) and not isinstance(family, str):
        family = family[0] if len(family) == 1 else None
    document = coverage(con, family=family or None).as_dict()
    return table.with_metadata(KEY, json.dumps(document))


def coverage_of(table: Table) -> dict[str, Any] | None:
    """The coverage a table carries, if any."""
    raw = table.metadata.get(KEY)
    return None if raw is None else dict(json.loads(raw))


def sidecar_path(path: Path) -> Path:
    return path.with_name(path.name + "-metadata.json")


def write_sidecar(table: Table, path: Path) -> Path | None:
    """The CSVW metadata beside a CSV: its columns, and the coverage in words and in fields."""
    found = coverage_of(table)
    if found is None:
        return None
    document = {
        "@context": "http://www.w3.org/ns/csvw",
        "url": path.name,
        "dc:title": f"vendorwatch export {path.name}",
        "dc:description": " ".join([found["scope"], *(found.get("caveats") or [])]),
        "tableSchema": {"columns": [{"name": n, "titles": n} for n in table.column_names]},
        "notes": [{"vendorwatch:coverage": found}],
    }
    target = sidecar_path(path)
    target.write_text(json.dumps(document, indent=1, ensure_ascii=False) + "\n", "utf-8")
    return target
