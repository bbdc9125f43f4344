"""As-of figures and competition, checked against the raw rows read independently."""

from __future__ import annotations

import json
import subprocess
import sys
from collections import Counter, defaultdict
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from vendorwatch.analysis import Competed, award_history, flag, rollup
from vendorwatch.errors import VendorwatchError

from ..warehouse.helpers import read_rows, real_files

pytestmark = pytest.mark.engines  # every `con` test on DuckDB and on Spark (conftest.py)


@pytest.fixture(scope="module")
def export_rows(raw_data: Path) -> list[dict[str, str]]:
    rows: list[dict[str, str]] = []
    for key in ("FY2021", "FY2022", "FY2023", "FY2024", "FY2025", "FY2026"):
        header, part = read_rows(real_files(raw_data)[key])
        rows += [dict(zip(header, r, strict=True)) for r in part]
    return rows


@pytest.mark.duckdb_only(
    "20 award histories, over a minute on Spark local[1]; award as-of on Spark: "
    "test_award_by_piid_with_provenance, family as-of: test_as_of.py"
)
def test_as_of_matches_the_raw_transactions(con: Any, export_rows: list[dict[str, str]]) -> None:
    """For the awards with the most modifications, every as-of date agrees with the raw rows."""
    by_award: dict[str, list[dict[str, str]]] = defaultdict(list)
    for row in export_rows:
        by_award[row["Generated Award ID"]].append(row)
    busiest = sorted(by_award, key=lambda k: -len({r["Modification"] for r in by_award[k]}))[:5]
    for key in busiest:
        rows = by_award[key]
        unique = {
            (r["Modification"], r["Action Date"], r["Federal Action Obligation"]) for r in rows
        }
        days = sorted({date.fromisoformat(r["Action Date"]) for r in rows})
        for as_of in [days[0], days[len(days) // 2], days[-1], date(2020, 1, 1)]:
            expected = sum(
                (Decimal(amount) for _, day, amount in unique if date.fromisoformat(day) <= as_of),
                Decimal(0),
            )
            history = award_history(con, key, as_of)
            assert history.obligated == expected, (key, as_of)
        assert len(history.transactions) == len(unique)


def test_award_by_piid_with_provenance(con: Any, export_rows: list[dict[str, str]]) -> None:
    history = award_history(con, "70CMSD21C00000001", date(2021, 6, 1))
    assert history.recipient == "LEXISNEXIS RISK SOLUTIONS INC"
    raw = [r for r in export_rows if r["Award ID"] == "70CMSD21C00000001"]
    assert len(history.transactions) == len(raw)
    counted = [a for a in history.transactions if a.counted]
    assert history.obligated == sum((a.obligation for a in counted), Decimal(0))
    assert all(a.action_date <= date(2021, 6, 1) for a in counted)
    first = history.transactions[0]
    assert first.source_file.startswith("CBP_ICE_FY2021")
    assert history.competition.status is Competed.UNKNOWN
    assert "no extent_competed field" in history.competition.rule


def test_an_award_known_only_from_its_summary_says_so(
    con: Any, raw_data: Path, export_rows: list[dict[str, str]]
) -> None:
    header, rows = read_rows(real_files(raw_data)["summaries"])
    in_export = {r["Generated Award ID"] for r in export_rows}
    record = next(dict(zip(header, r, strict=True)) for r in rows if r[0] not in in_export)
    history = award_history(con, record["contract_award_unique_key"])
    assert history.obligated is None
    assert "only the award summary is loaded" in history.notes[0]
    assert history.summary is not None
    assert history.summary["total_obligated_amount"] == Decimal(record["total_obligated_amount"])
    assert history.competition.extent_competed_code == (record["extent_competed_code"] or None)


def test_unknown_and_ambiguous_award_ids(con: Any) -> None:
    with pytest.raises(VendorwatchError, match="no award"):
        award_history(con, "NOT-A-PIID")


def test_competition_counts_match_the_mn_file(con: Any, raw_data: Path) -> None:
    """SOURCES.md: A 918, CDO 161, F 102, G 48, C 45, blank 37, NDO 24, E 14, D 13, B 7."""
    header, rows = read_rows(real_files(raw_data)["summaries"])
    codes = Counter(r[header.index("extent_competed_code")] for r in rows)
    assert codes == Counter(
        {
            "A": 918,
            "CDO": 161,
            "F": 102,
            "G": 48,
            "C": 45,
            "": 37,
            "NDO": 24,
            "E": 14,
            "D": 13,
            "B": 7,
        }
    )
    flags = Counter(flag(code).status for code in codes.elements())
    assert flags[Competed.NOT_COMPETED] == 48 + 45 + 24 + 7
    assert flags[Competed.COMPETED] == 918 + 161 + 102 + 14 + 13
    assert flags[Competed.UNKNOWN] == 37


@pytest.mark.parametrize(
    ("code", "status"),
    [
        ("B", "not competed"),
        ("C", "not competed"),
        ("G", "not competed"),
        ("NDO", "not competed"),
        ("A", "competed"),
        ("D", "competed"),
        ("E", "competed"),
        ("F", "competed"),
        ("CDO", "competed"),
        ("cdo ", "competed"),
        ("", "unknown"),
        (None, "unknown"),
        ("Z", "unknown"),
    ],
)
def test_flag_rule(code: str | None, status: str) -> None:
    result = flag(code)
    assert result.status.value == status
    assert result.rule


def test_single_offer_is_noted() -> None:
    assert flag("A", offers_received=1).single_offer
    assert not flag("A", offers_received=3).single_offer
    assert not flag("C", offers_received=1).single_offer


def test_fiscal_year_rollup_matches_the_files(con: Any, export_rows: list[dict[str, str]]) -> None:
    """Each FY file holds one fiscal year; exact repeats (page overlap) count once."""
    expected: dict[int, Decimal] = defaultdict(Decimal)
    seen: set[tuple[str, ...]] = set()
    for r in export_rows:
        identity = tuple(
            r[c]
            for c in (
                "Generated Award ID",
                "Modification",
                "Action Date",
                "Federal Action Obligation",
                "Transaction Description",
            )
        )
        if identity in seen:
            continue
        seen.add(identity)
        day = date.fromisoformat(r["Action Date"])
        expected[day.year + (day.month >= 10)] += Decimal(r["Federal Action Obligation"])
    got = {row["fiscal_year"]: Decimal(row["obligations"]) for row in rollup(con, ["fiscal_year"])}
    assert got == dict(expected)
    assert len(seen) == len(export_rows) - 126


def test_rollup_rejects_unknown_dimensions(con: Any) -> None:
    with pytest.raises(VendorwatchError, match="unknown dimension colour"):
        rollup(con, ["colour"])


def test_award_cli_json(sample_warehouse: Path) -> None:
    run = subprocess.run(
        [
            sys.executable,
            "-m",
            "vendorwatch",
            "award",
            "70CMSD21C00000001",
            "--as-of",
            "2022-12-31",
            "--json",
            "--warehouse",
            str(sample_warehouse),
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    document = json.loads(run.stdout)
    assert {"piid", "recipient", "family", "agency", "as_of", "obligated", "transactions"} <= set(
        document
    )
    assert document["as_of"] == "2022-12-31"
    assert document["obligated"] == "8276020.00"


def test_award_cli_bad_date(sample_warehouse: Path) -> None:
    run = subprocess.run(
        [
            sys.executable,
            "-m",
            "vendorwatch",
            "award",
            "70CMSD21C00000001",
            "--as-of",
            "31/12/2022",
            "--warehouse",
            str(sample_warehouse),
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert run.returncode == 1
    assert "YYYY-MM-DD" in run.stderr


def test_cli_help_names_every_dimension() -> None:
    from vendorwatch.analysis import DIMENSIONS
    from vendorwatch.cli.analysis import DIMENSION_NAMES

    assert list(DIMENSIONS) == DIMENSION_NAMES


@pytest.mark.duckdb_only(
    "about 40 award histories, two minutes on Spark local[1]; the summary's period on Spark: "
    "test_an_api_export_award_has_no_period, rollups with summaries: test_award_values.py"
)
def test_whether_an_award_was_running_follows_its_summary(con: Any, raw_data: Path) -> None:
    """Before its start, inside its period, after its end: judged from the raw summary's dates."""
    import csv
    import gzip

    path = next(raw_data.glob("mn-ice-contracts/*PrimeAwardSummaries*.csv.gz"))
    with gzip.open(path, "rt", encoding="utf-8-sig", newline="") as handle:
        rows = [
            r
            for r in csv.DictReader(handle)
            if r["period_of_performance_start_date"] and r["period_of_performance_current_end_date"]
        ]

    def day_of(text: str) -> date:  # this file writes dates as m/d/yy
        return datetime.strptime(text, "%m/%d/%y").date()

    checked = 0
    for row in rows[:: max(1, len(rows) // 8)]:
        start = day_of(row["period_of_performance_start_date"])
        end = day_of(row["period_of_performance_current_end_date"])
        key = row["contract_award_unique_key"]
        if not start < end:
            continue
        history = award_history(con, key, end)
        if history.transactions:  # dated transactions would take precedence; keep it plain
            continue
        for day, status in [
            (date.fromordinal(start.toordinal() - 1), "not started"),
            (start, "running"),
            (end, "running"),
            (date.fromordinal(end.toordinal() + 1), "ended"),
        ]:
            got = award_history(con, key, day).performance
            assert got is not None
            assert (got.status, got.start, got.current_end) == (status, start, end), key
            assert got.basis.startswith("award summary")
        checked += 1
    assert checked >= 3


def test_an_api_export_award_has_no_period(con: Any) -> None:
    history = award_history(con, "70CMSD21C00000001", date(2024, 1, 1))
    assert history.performance is not None
    assert history.performance.status == "unknown"
    assert "API export" in history.performance.basis
    assert history.as_dict()["performance"]["status"] == "unknown"
