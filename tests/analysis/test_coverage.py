"""What the loaded data covers, checked against the raw files read with the csv module."""

from __future__ import annotations

import csv
import gzip
from collections import Counter
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from tests.raw_families import IDENTITY, family_transactions
from vendorwatch.analysis.coverage import coverage

AGENCY_NAMES = {
    "CBP": "U.S. Customs and Border Protection",
    "ICE": "U.S. Immigration and Customs Enforcement",
}


def _raw(raw_data: Path) -> dict[str, Any]:
    """Per agency first/last action date, rows per file and agency, and the obligations
    counted once (the scraper's page overlaps dropped, as the warehouse documents)."""
    spans: dict[str, list[date]] = {}
    per_file: Counter[tuple[str, str]] = Counter()
    amounts: dict[tuple[str, str], list[Decimal]] = {}
    seen: set[tuple[str, ...]] = set()
    total = Decimal(0)
    for path in sorted(raw_data.glob("cbp-ice-dashboard/*.csv.gz")):
        with gzip.open(path, "rt", encoding="utf-8", newline="") as handle:
            for row in csv.DictReader(handle):
                agency, day = row["Agency"], date.fromisoformat(row["Action Date"])
                per_file[(path.name, agency)] += 1
                amounts.setdefault((path.name, agency), []).append(
                    Decimal(row["Federal Action Obligation"])
                )
                span = spans.setdefault(agency, [day, day])
                span[0], span[1] = min(span[0], day), max(span[1], day)
                identity = tuple(row[c] for c in IDENTITY)
                if identity not in seen:
                    seen.add(identity)
                    total += Decimal(row["Federal Action Obligation"])
    return {"spans": spans, "per_file": per_file, "amounts": amounts, "total": total,
            "rows": len(seen)}  # fmt: skip


@pytest.fixture(scope="module")
def raw(raw_data: Path) -> dict[str, Any]:
    return _raw(raw_data)


def test_agencies_and_dates_are_the_raw_files(con: Any, raw: dict[str, Any]) -> None:
    found = coverage(con, today=date(2026, 12, 1))
    spans = raw["spans"]
    assert {a.name for a in found.agencies} == {AGENCY_NAMES[a] for a in spans}
    for a in found.agencies:
        short = next(k for k, v in AGENCY_NAMES.items() if v == a.name)
        assert a.short == short
        assert (a.first, a.last) == tuple(spans[short])
    assert found.first == min(s[0] for s in spans.values())
    assert found.last == max(s[1] for s in spans.values())
    assert found.scope() == (
        "CBP and ICE obligations only, 1 October 2020 to 20 August 2026 (FY2021\u2013FY2026; "
        "FY2026 partial)."
    )
    assert "DHS" not in found.scope()


def test_partial_fiscal_year_and_partial_source(con: Any, raw: dict[str, Any]) -> None:
    found = coverage(con, today=date(2026, 12, 1))
    last = max(s[1] for s in raw["spans"].values())
    assert last < date(2026, 9, 30)  # the raw files stop before FY2026 ends
    assert [y.year for y in found.partial_years] == [2026]
    assert "ends 20 August 2026, before the year ended on 30 September 2026" in str(
        found.partial_years[0].reason
    )
    assert [y.year for y in found.fiscal_years] == list(range(2021, 2027))
    assert found.missing_years == []
    assert found.partial
    (source,) = found.sources
    assert not source.complete and not source.has_competition
    assert source.files == 6
    assert source.transactions == raw["rows"]
    rounds = sorted(
        f"{n:,} {agency} rows in {name}"
        for (name, agency), n in raw["per_file"].items()
        if n >= 1000 and n % 100 == 0
    )
    assert sorted(source.round_counts) == rounds
    assert any("3,000 ICE rows" in r for r in rounds)
    caveats = " ".join(found.caveats())
    assert caveats.startswith(f"Partial source: all {raw['rows']:,} transactions counted")
    assert "FY2026 is partial" in caveats


def test_which_way_the_partial_totals_can_be_wrong(con: Any, raw: dict[str, Any]) -> None:
    """Each agency's list in each raw file is sorted largest first and none stops above $0, so
    only $0 actions and de-obligations can be missing: net totals can only be too high."""
    lists = raw["amounts"]
    assert all(v == sorted(v, reverse=True) for v in lists.values())
    cut = max(v[-1] for v in lists.values())
    assert cut == 0
    stopped = {k for k, v in lists.items() if len(v) % 100 == 0}
    assert all(lists[k][-1] == 0 and min(lists[k]) >= 0 for k in stopped)  # no de-obligations
    (source,) = coverage(con).sources
    assert source.direction == "high"
    assert {(i.file_name, i.agency) for i in source.lists} == set(lists)
    assert {(i.file_name, i.agency): i.smallest for i in source.lists} == {
        k: v[-1] for k, v in lists.items()
    }
    assert {(i.file_name, i.agency): i.negatives for i in source.lists} == {
        k: sum(1 for x in v if x < 0) for k, v in lists.items()
    }
    found = coverage(con)
    assert "overstated (de-obligations can be missing), not understated" in str(found.bound())
    text = found.caveats()[0]
    assert "Net totals can be too high, not too low" in text
    assert "3 of its 12 lists" in text


def test_unknown_competition_is_every_dollar_without_the_field(
    con: Any, raw: dict[str, Any]
) -> None:
    found = coverage(con)
    assert found.unknown.total == raw["total"]
    assert found.unknown.obligations == raw["total"]
    assert found.unknown.no_field == raw["total"] and found.unknown.blank == 0
    text = next(c for c in found.caveats() if c.startswith("Competition"))
    assert "100% of obligations" in text
    assert "no competition field" in text and "not counted as competed" in text


def test_a_family_keeps_the_data_scope_and_its_own_unknown(con: Any, raw_data: Path) -> None:
    found = coverage(con, family="palantir")
    expected = sum((amount for _, amount in family_transactions(raw_data)["palantir"]), Decimal(0))
    assert found.subject == "palantir"
    assert found.unknown.total == expected == found.unknown.obligations
    assert found.partial
    assert found.first == date(2020, 10, 1)  # the data's range, not the family's first award
    document = found.as_dict()
    assert document["unknown_competition"]["obligations"] == f"{expected:.2f}"
    assert document["fiscal_years"][-1] == {
        "year": 2026, "first": "2025-10-01", "last": "2026-08-20", "partial": True,
        "reason": document["fiscal_years"][-1]["reason"],
    }  # fmt: skip
