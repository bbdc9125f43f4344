"""Every transaction of the bundled ICE/CBP files read with the csv module (no warehouse, no
registry), each once, for tests to derive expected figures independently of the code."""

from __future__ import annotations

import csv
import gzip
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from functools import cache
from pathlib import Path

from .raw_families import IDENTITY


@dataclass(frozen=True)
class Row:
    agency: str  # "ICE" or "CBP", as the file says
    piid: str
    award_key: str
    recipient: str
    action_date: date
    obligation: Decimal
    description: str

    @property
    def fiscal_year(self) -> int:
        return self.action_date.year + (1 if self.action_date.month >= 10 else 0)

    def has_word(self, word: str, *fields: str) -> bool:
        """``word`` as a whole word (case-insensitive) in any of the named fields."""
        pattern = re.compile(rf"\b{re.escape(word.upper())}\b")
        return any(pattern.search(str(getattr(self, f)).upper()) for f in fields)


@cache
def raw_rows(raw_data: Path) -> tuple[Row, ...]:
    """The rows of cbp-ice-dashboard/*.csv.gz; the scraper's page overlaps counted once."""
    rows: list[Row] = []
    seen: set[tuple[str, ...]] = set()
    for path in sorted(raw_data.glob("cbp-ice-dashboard/*.csv.gz")):
        with gzip.open(path, "rt", encoding="utf-8", newline="") as handle:
            for r in csv.DictReader(handle):
                identity = tuple(r[c] for c in IDENTITY)
                if identity in seen:
                    continue
                seen.add(identity)
                rows.append(
                    Row(
                        agency=r["Agency"],
                        piid=r["Award ID"],
                        award_key=r["Generated Award ID"],
                        recipient=r["Recipient Name"],
                        action_date=date.fromisoformat(r["Action Date"]),
                        obligation=Decimal(r["Federal Action Obligation"]),
                        description=r["Transaction Description"],
                    )
                )
    return tuple(rows)


def award_totals(raw_data: Path) -> dict[str, Decimal]:
    """Each award's obligations over all its transactions, by generated award id."""
    totals: dict[str, Decimal] = {}
    for row in raw_rows(raw_data):
        totals[row.award_key] = totals.get(row.award_key, Decimal(0)) + row.obligation
    return totals


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
