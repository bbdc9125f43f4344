"""Seeding the warehouse from USAspending's bulk award downloads.

A first full-history `sync` of ICE is tens of thousands of awards at two requests each; a bulk
download is one request, a wait and a zip per federal fiscal year. Each fiscal year is asked
for separately (as the API's own example does), the zips are kept beside the warehouse
(``<warehouse>.sync/downloads/``, so an interrupted download resumes and a re-run re-uses
them), each CSV inside is loaded all or nothing (the loader knows a file it already holds by
its content), and then recipients are resolved and the facts rebuilt once.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from vendorwatch.analysis.base import fiscal_year_of
from vendorwatch.build import build
from vendorwatch.errors import VendorwatchError
from vendorwatch.sources.downloads import load_download
from vendorwatch.sources.journal import Journal
from vendorwatch.sources.usaspending import AGENCIES, AWARD_TYPE_GROUPS, UsaspendingClient
from vendorwatch.warehouse import LoadResult, open_warehouse

Progress = Callable[[str, int, int | None], None]
"""(step, done, total): what the CLI turns into progress bars."""


@dataclass
class BulkResult:
    downloads: list[Path] = field(default_factory=list)
    loads: list[LoadResult] = field(default_factory=list)
    identities: int | None = None  # recipient identities resolved afterwards
    facts: int | None = None  # rows in the rebuilt facts table

    def as_dict(self) -> dict[str, Any]:
        return {
            "downloads": [str(p) for p in self.downloads],
            "files": [
                {"file": r.path.name, "status": r.status, "rows": r.rows, "error": r.error}
                for r in self.loads
            ],
            "identities": self.identities,
            "facts": self.facts,
        }


def fiscal_year_windows(start: date, end: date) -> list[tuple[date, date]]:
    """``[start, end]`` cut at federal fiscal-year boundaries (1 October)."""
    if end < start:
        raise VendorwatchError(f"the window ends ({end}) before it starts ({start})")
    windows = []
    for year in range(fiscal_year_of(start), fiscal_year_of(end) + 1):
        first, last = date(year - 1, 10, 1), date(year, 9, 30)
        windows.append((max(first, start), min(last, end)))
    return windows


def download_body(agencies: Sequence[str], start: date, end: date) -> dict[str, Any]:
    """The ``bulk_download/awards/`` request: contract and IDV prime awards by action date."""
    unknown = [a for a in agencies if a not in AGENCIES]
    if unknown:
        raise VendorwatchError(
            f"unknown agency {', '.join(unknown)}; choose from {', '.join(AGENCIES)}"
        )
    return {
        "filters": {
            "prime_award_types": [*AWARD_TYPE_GROUPS["contracts"], *AWARD_TYPE_GROUPS["idvs"]],
            "date_type": "action_date",
            "date_range": {"start_date": start.isoformat(), "end_date": end.isoformat()},
            "agencies": [AGENCIES[a].as_filter() for a in agencies],
        },
        "file_format": "csv",
    }


def bulk_seed(
    warehouse: Path,
    client: UsaspendingClient,
    agencies: Sequence[str],
    start: date,
    end: date,
    *,
    progress: Progress | None = None,
    poll_every: float = 10.0,
) -> BulkResult:
    """Download each fiscal year's contract awards of ``agencies`` and load them."""
    windows = fiscal_year_windows(start, end)
    bodies = [download_body(agencies, first, last) for first, last in windows]
    folder = Journal(warehouse).root / "downloads"  # beside sync's cache and journal
    result = BulkResult()
    report = progress or (lambda step, done, total: None)
    for done, body in enumerate(bodies):
        report("downloads", done, len(bodies))
        result.downloads.append(client.bulk_download(body, folder, poll_every=poll_every))
    report("downloads", len(bodies), len(bodies))
    con = open_warehouse(warehouse)
    try:
        for done, zip_path in enumerate(result.downloads):
            report("loading", done, len(result.downloads))
            result.loads += load_download(con, zip_path)
        report("loading", len(result.downloads), len(result.downloads))
        built = build(con, [])
    finally:
        con.close()
    result.identities = built.resolution.identities if built.resolution else None
    result.facts = built.facts
    return result
