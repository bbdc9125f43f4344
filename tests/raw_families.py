"""The three dossier families' transactions read straight from the raw files with the csv
module, independent of the warehouse and the registry, for tests to check figures against."""

from __future__ import annotations

import csv
import gzip
import re
from datetime import date
from decimal import Decimal
from pathlib import Path

# Recipient names as they stand in the raw files, matched independently of the registry.
FAMILIES = {
    "relx-plc": re.compile(r"LEXISNEXIS|RELX|REED ELSEVIER|ELSEVIER"),
    "thomson-reuters-corp": re.compile(r"THOMSON REUTERS|WEST PUBLISHING"),
    "palantir": re.compile(r"^PALANTIR"),
}

IDENTITY = (
    "Generated Award ID", "Modification", "Action Date", "Federal Action Obligation",
    "Transaction Description",
)  # fmt: skip


def family_transactions(raw_data: Path) -> dict[str, list[tuple[date, Decimal]]]:
    """Each family's (action date, obligation) pairs; the scraper's page overlaps counted once."""
    found: dict[str, list[tuple[date, Decimal]]] = {family: [] for family in FAMILIES}
    seen: set[tuple[str, ...]] = set()
    for path in sorted(raw_data.glob("cbp-ice-dashboard/*.csv.gz")):
        with gzip.open(path, "rt", encoding="utf-8", newline="") as handle:
            for row in csv.DictReader(handle):
                identity = tuple(row[c] for c in IDENTITY)
                if identity in seen:
                    continue
                seen.add(identity)
                for family, pattern in FAMILIES.items():
                    if pattern.search(row["Recipient Name"]):
                        found[family].append(
                            (
                                date.fromisoformat(row["Action Date"]),
                                Decimal(row["Federal Action Obligation"]),
                            )
                        )
    return found
