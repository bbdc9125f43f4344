"""An award's loaded transactions set beside its award record on the same date: where they
differ, the award page and `vendorwatch award` say the figure covers part of the award only.
Expected values come from the raw award-summary file and the raw transaction exports."""

from __future__ import annotations

import csv
import gzip
from collections import defaultdict
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from vendorwatch.analysis.awards import award_history

WEST_CLEAR = "CONT_AWD_HSCEMD17F00008_7012_GS02F026DA_4732"


@pytest.fixture(scope="module")
def records(raw_data: Path) -> dict[str, tuple[Decimal, date]]:
    """Each award record's total obligated and its last modification (m/d/yy in this file)."""
    path = next(raw_data.glob("mn-ice-contracts/*PrimeAwardSummaries*.csv.gz"))
    with gzip.open(path, "rt", encoding="utf-8-sig", newline="") as handle:
        return {
            r["contract_award_unique_key"]: (
                Decimal(r["total_obligated_amount"] or "0"),
                datetime.strptime(r["last_modified_date"], "%m/%d/%y").date(),
            )
            for r in csv.DictReader(handle)
        }


@pytest.fixture(scope="module")
def exported(raw_data: Path) -> dict[str, list[tuple[date, Decimal]]]:
    """Each award's transactions in the raw API exports: (action date, obligation)."""
    found: dict[str, list[tuple[date, Decimal]]] = defaultdict(list)
    for path in sorted(raw_data.glob("cbp-ice-dashboard/CBP_ICE_FY*_Contract_Obligations.csv.gz")):
        with gzip.open(path, "rt", encoding="utf-8-sig", newline="") as handle:
            for r in csv.DictReader(handle):
                found[r["Generated Award ID"]].append(
                    (date.fromisoformat(r["Action Date"]), Decimal(r["Federal Action Obligation"]))
                )
    return found


def expected(
    key: str, records: dict[str, tuple[Decimal, date]], exported: dict[str, Any]
) -> tuple[Decimal, date, Decimal, int] | None:
    total, modified = records[key]
    to_then = [amount for day, amount in exported[key] if day <= modified]
    loaded = sum(to_then, Decimal(0))
    return None if loaded == total else (total, modified, loaded, len(to_then))


def test_west_clear_order_is_flagged_as_part_of_the_award(
    con: Any, records: dict[str, tuple[Decimal, date]], exported: dict[str, Any]
) -> None:
    history = award_history(con, WEST_CLEAR, date(2026, 12, 1))
    want = expected(WEST_CLEAR, records, exported)
    assert want is not None, "the raw files should disagree for this order"
    got = history.record_differs
    assert got is not None
    assert (got.record_total, got.record_modified, got.loaded_total) == want[:3]
    assert got.loaded_transactions == want[3]
    assert history.notes[0] == got.sentence
    assert "$20,632,465.71" in got.sentence and "21 April 2021" in got.sentence


def test_every_award_in_both_files_agrees_with_the_raw_comparison(
    con: Any, records: dict[str, tuple[Decimal, date]], exported: dict[str, Any]
) -> None:
    both = sorted(k for k in records if k in exported)
    assert len(both) > 10
    flagged = 0
    for key in both:
        history = award_history(con, key, date(2026, 12, 1))
        if any(not a.source_file.startswith("CBP_ICE_FY") for a in history.transactions):
            continue  # another loaded file adds transactions the exports do not hold
        want = expected(key, records, exported)
        got = history.record_differs
        if want is None:
            assert got is None, key
        else:
            flagged += 1
            assert got is not None, key
            assert (got.record_total, got.record_modified, got.loaded_total) == want[:3], key
    assert flagged > 0
