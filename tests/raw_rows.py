"""The CBP/ICE transactions read straight from the raw files with the csv module and Decimal,
independent of the warehouse, the registry and the rules, for tests to sum expected figures."""

from __future__ import annotations

import csv
import gzip
from collections.abc import Callable
from decimal import Decimal
from functools import cache
from pathlib import Path

# What makes a row one transaction: the scraper's overlapping pages repeat rows verbatim.
IDENTITY = (
    "Generated Award ID", "Modification", "Action Date", "Federal Action Obligation",
    "Transaction Description",
)  # fmt: skip


@cache
def transactions(raw_data: Path) -> tuple[dict[str, str], ...]:
    """Every distinct raw transaction row, as the csv module reads it."""
    rows: list[dict[str, str]] = []
    seen: set[tuple[str, ...]] = set()
    for path in sorted(raw_data.glob("cbp-ice-dashboard/*.csv.gz")):
        with gzip.open(path, "rt", encoding="utf-8", newline="") as handle:
            for row in csv.DictReader(handle):
                identity = tuple(row[c] for c in IDENTITY)
                if identity not in seen:
                    seen.add(identity)
                    rows.append(row)
    return tuple(rows)


def total(raw_data: Path, keep: Callable[[dict[str, str]], bool] = lambda _: True) -> Decimal:
    """The sum of Federal Action Obligation over the rows ``keep`` accepts."""
    return sum(
        (Decimal(r["Federal Action Obligation"]) for r in transactions(raw_data) if keep(r)),
        Decimal(0),
    )


def awards(raw_data: Path, keep: Callable[[dict[str, str]], bool]) -> set[str]:
    """The Generated Award IDs of the rows ``keep`` accepts."""
    return {r["Generated Award ID"] for r in transactions(raw_data) if keep(r)}
