"""Values and competition from the best source at hand (issue 18.4): West Publishing's awards
show their current and potential value and competition, on their pages and in the dossier's
competition chart, as the raw Minnesota award-summary file says (read here with csv + Decimal).
"""

from __future__ import annotations

import csv
import gzip
import re
from collections import defaultdict
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from vendorwatch.analysis.awards import award_history
from vendorwatch.analysis.competition_trend import competition_trend
from vendorwatch.analysis.dossier import family_dossier
from vendorwatch.registry import load_registry
from vendorwatch.reports.render import dossier_charts, dossier_html
from vendorwatch.web.app import create_app

from ..raw_rows import transactions

WEST_UEI = "L997DB4PEJL8"
WEST_NAME = "WEST PUBLISHING CORPORATION"
# Issue 4's grouping, restated here rather than read from the code's YAML.
NOT_COMPETED = {"B", "C", "G", "NDO"}
COMPETED = {"A", "D", "E", "F", "CDO"}


def status(code: str) -> str:
    code = code.strip().upper()
    return "not competed" if code in NOT_COMPETED else "competed" if code in COMPETED else "unknown"


def fiscal_year(day: date) -> int:
    return day.year + (1 if day.month >= 10 else 0)


def money_text(value: Decimal) -> str:
    return f"${value:,.2f}"


@pytest.fixture(scope="module")
def west_summaries(raw_data: Path) -> list[dict[str, str]]:
    path = next(raw_data.glob("mn-ice-contracts/*PrimeAwardSummaries*.csv.gz"))
    with gzip.open(path, "rt", encoding="utf-8-sig", newline="") as handle:
        rows = [r for r in csv.DictReader(handle) if r["recipient_uei"] == WEST_UEI]
    assert len(rows) == 76  # what SOURCES.md says the file holds
    return rows


def test_west_awards_take_value_and_competition_from_the_summary(
    con: Any, west_summaries: list[dict[str, str]]
) -> None:
    """The transaction export has neither field: every figure is the summary's, and says so."""
    for raw in west_summaries:
        h = award_history(con, raw["contract_award_unique_key"], date(2025, 3, 21))
        values = h.values
        for column in ("current_total_value_of_award", "potential_total_value_of_award"):
            want = Decimal(raw[column]) if raw[column] else None
            got = values[column]["value"]
            assert got == want, (raw["award_id_piid"], column)
            if want is not None:
                assert values[column]["source"] == "award summary"
                assert values[column]["file"].startswith("ICE_MN_Contracts_PrimeAwardSummaries")
        assert h.competition.status.value == status(raw["extent_competed_code"])
        if raw["extent_competed_code"]:
            assert h.competition.source == "award summary"
        offers = raw["number_of_offers_received"]
        assert values["number_of_offers_received"]["value"] == (int(offers) if offers else None)
        code = raw["solicitation_procedures_code"] or None
        assert values["solicitation_procedures_code"]["value"] == code


def test_west_award_pages_show_the_summary_figures(
    sample_warehouse: Path, west_summaries: list[dict[str, str]]
) -> None:
    chosen = {}
    for raw in west_summaries:  # one award of each competition status, with a value
        if raw["current_total_value_of_award"] and raw["potential_total_value_of_award"]:
            chosen.setdefault(status(raw["extent_competed_code"]), raw)
    assert {"competed", "not competed"} <= set(chosen)
    with TestClient(create_app(sample_warehouse)) as client:
        for raw in chosen.values():
            for _ in range(3):  # the site may still be warming up (503 with Retry-After)
                page = client.get(f"/award/{raw['contract_award_unique_key']}")
                if page.status_code != 503:
                    break
            assert page.status_code == 200
            html = page.text
            current = re.search(r'id="current-value">([^<]+)<', html)
            potential = re.search(r'id="potential-value">([^<]+)<', html)
            assert current and potential
            assert current.group(1) == money_text(Decimal(raw["current_total_value_of_award"]))
            assert potential.group(1) == money_text(Decimal(raw["potential_total_value_of_award"]))
            competition = html[html.index('id="competition"') :][:400]
            assert f">{status(raw['extent_competed_code'])} " in competition
            assert "from the award summary" in competition
            assert "PrimeAwardSummaries" in html[html.index('id="ceiling"') :][:1500]


def expected_trend(
    raw_data: Path, west_summaries: list[dict[str, str]]
) -> dict[int, dict[str, Any]]:
    """Per fiscal year signed: West's summary awards by their code and total obligated, and its
    awards that only the transaction export has (competition unknown, FY of their first row)."""
    years: dict[int, dict[str, Any]] = defaultdict(
        lambda: {"awards": 0, "not_competed": 0, "competed": 0, "unknown": 0,
                 "not_competed_obligated": Decimal(0), "obligated": Decimal(0)}
    )  # fmt: skip
    for raw in west_summaries:
        signed = datetime.strptime(raw["award_base_action_date"], "%m/%d/%y").date()
        y = years[fiscal_year(signed)]
        kind = status(raw["extent_competed_code"]).replace(" ", "_")
        money = Decimal(raw["total_obligated_amount"] or "0")
        y["awards"] += 1
        y[kind] += 1
        y["obligated"] += money
        if kind == "not_competed":
            y["not_competed_obligated"] += money
    known = {r["contract_award_unique_key"] for r in west_summaries}
    only_tx: dict[str, list[dict[str, str]]] = defaultdict(list)
    for row in transactions(raw_data):
        if row["Recipient Name"] == WEST_NAME and row["Generated Award ID"] not in known:
            only_tx[row["Generated Award ID"]].append(row)
    assert only_tx  # the data has some: they must count as unknown, not vanish
    for rows in only_tx.values():
        first = min(date.fromisoformat(r["Action Date"]) for r in rows)
        y = years[fiscal_year(first)]
        y["awards"] += 1
        y["unknown"] += 1
        y["obligated"] += sum((Decimal(r["Federal Action Obligation"]) for r in rows), Decimal(0))
    return dict(years)


def test_west_dossier_competition_chart_matches_the_raw_files(
    sample_warehouse: Path, con: Any, raw_data: Path, west_summaries: list[dict[str, str]]
) -> None:
    dossier = family_dossier(con, load_registry(), "west-publishing", claims=False)
    trend = dossier["competition_trend"]
    want = expected_trend(raw_data, west_summaries)
    got = {y["fiscal_year"]: y for y in trend["years"]}
    assert sorted(got) == sorted(want)
    for year, w in want.items():
        g = got[year]
        for key in ("awards", "not_competed", "competed", "unknown"):
            assert g[key] == w[key], (year, key)
        assert Decimal(g["obligated"]) == w["obligated"], year
        assert Decimal(g["not_competed_obligated"]) == w["not_competed_obligated"], year
    # The reading: the latest year with a non-competed award, as a share of that year's awards.
    latest = max(y for y, w in want.items() if w["not_competed"])
    w = want[latest]
    assert trend["reading"].startswith(
        f"Of West Publishing Corporation's {w['awards']} ICE awards in FY{latest}, "
        f"{w['not_competed']} {'was' if w['not_competed'] == 1 else 'were'} not competed"
    )
    # ... and the same share over every year, so that one year is not read as the whole.
    known = sum(v["competed"] + v["not_competed"] for v in want.values())
    not_competed = sum(v["not_competed"] for v in want.values())
    assert (
        f"from FY{min(want)} to FY{max(want)}, {not_competed} of the {known} awards of known "
        "competition were not competed"
    ) in trend["reading"]
    svg = dossier_charts(dossier)["competition_trend"]
    assert "<svg" in svg and "not competed" in svg
    html = dossier_html(dossier)
    assert trend["reading"].replace("'", "&#39;") in html
    assert 'id="competition-by-year"' in html


def test_too_little_data_is_not_called_a_trend() -> None:
    rows = [
        {"fiscal_year": 2018, "competition": "not competed", "sub_agency": None,
         "awards": 4, "obligated": Decimal("10.00")},
        {"fiscal_year": 2018, "competition": "competed", "sub_agency": None,
         "awards": 3, "obligated": Decimal("5.00")},
        {"fiscal_year": 2019, "competition": "unknown", "sub_agency": None,
         "awards": 9, "obligated": Decimal("1.00")},
    ]  # fmt: skip
    answer = competition_trend("Thomson Reuters", rows)
    assert answer["reading"] == (
        "Of Thomson Reuters's 7 awards in FY2018, 4 were not competed ($10 of $15). That is the "
        "latest fiscal year with an award not competed; from FY2018 to FY2019, 4 of the 7 "
        "awards of known competition were not competed ($10 of $15), and 9 more awards of "
        "unknown competition."
    )
    assert answer["trend"]["enough"] is False
    assert answer["trend"]["note"].startswith("Too little to call a trend: 1 fiscal year has")
    rising = [
        {"fiscal_year": fy, "competition": c, "sub_agency": None, "awards": n, "obligated": 1}
        for fy, nc in ((2019, 0), (2020, 2), (2021, 4))
        for c, n in (("not competed", nc), ("competed", 4 - nc))
        if n
    ]
    assert competition_trend("X", rising)["trend"]["direction"] == "rising"
