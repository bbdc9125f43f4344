"""The accountability timeline of RELX and Thomson Reuters, read from the dossier's JSON.

Every event the campaign's seed reporting gives is on one of the two timelines with a source;
the awards' milestones and the obligations beside a vendor statement are derived here from the
raw files (csv + Decimal, `tests/raw_families.py`'s recipient patterns), never from the code.
"""

from __future__ import annotations

import json
from collections import defaultdict
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from vendorwatch.analysis.dossier import family_dossier
from vendorwatch.analysis.timeline import EXTENDS, family_timeline
from vendorwatch.registry import Registry, load_registry
from vendorwatch.reports.render import dossier_charts, dossier_html

from ..raw_families import FAMILIES
from ..raw_rows import transactions

RELX, TR = "relx-plc", "thomson-reuters-corp"

# The issue's events (issue 14, part 1), each with the day it happened as its source gives it.
ISSUE_EVENTS = {
    "lexisnexis-not-prevent-legal-immigration": ("vendor_statement", RELX),
    "ice-ncatc-lexisnexis-since-2016": ("reported_use", RELX),
    "jfl-mijente-release-1-2m-searches": ("foia_release", RELX),
    "nctue-ends-utility-data-sale-2021-12": ("sale_stopped", TR),
    "bcgeu-proposal-2020-agm": ("shareholder_action", TR),
    "thomson-reuters-human-rights-review-2022": ("vendor_statement", TR),
    "cook-county-hearing-2022-07-27": ("hearing", RELX),
    "lwtech-nexis-uni-not-renewed": ("institutional_cancellation", RELX),
    "foia-request-2020-09-14-relx-tr": ("foia_request", RELX),
}


@pytest.fixture(scope="module")
def registry() -> Registry:
    return load_registry()


pytestmark = pytest.mark.engines  # every `con` test on DuckDB and on Spark (conftest.py)
WHOLE_DOSSIER = (
    "renders a whole dossier (~80 queries, minutes on Spark local[1]); its timeline is checked "
    "on both engines below, and test_spark_engine.py compares RELX's dossier on Spark"
)


@pytest.fixture(scope="module")
def dossiers(con: Any, registry: Registry) -> dict[str, dict[str, Any]]:
    """Each dossier as its JSON file holds it (written and read back)."""
    return {
        family: json.loads(json.dumps(family_dossier(con, registry, family)))
        for family in (RELX, TR)
    }


@pytest.fixture(scope="module")
def timelines(con: Any, registry: Registry) -> dict[str, dict[str, Any]]:
    """Each family's timeline as its dossier's JSON holds it, asked alone (so on Spark too)."""
    return {
        family: {"timeline": json.loads(json.dumps(family_timeline(con, registry, family)))}
        for family in (RELX, TR)
    }


def raw_family_rows(raw_data: Path, family: str) -> list[dict[str, str]]:
    """The family's raw transactions, in file order (each once)."""
    pattern = FAMILIES[family]
    return [r for r in transactions(raw_data) if pattern.search(r["Recipient Name"])]


def test_every_issue_event_is_on_a_timeline_with_a_source(
    timelines: dict[str, dict[str, Any]],
) -> None:
    dossiers = timelines
    by_id = {
        e["id"]: (family, e)
        for family, d in dossiers.items()
        for e in d["timeline"]["events"]
        if not e["from_records"]
    }
    for event_id, (kind, family) in ISSUE_EVENTS.items():
        assert event_id in by_id, event_id
        _, event = by_id[event_id]
        assert event["kind"] == kind
        assert event["sources"], event_id
        assert all(s["title"] and (s["url"] or s["document"]) for s in event["sources"])
        on = {e["id"] for e in dossiers[family]["timeline"]["events"]}
        assert event_id in on, (event_id, family)
    relx = {e["id"]: e for e in dossiers[RELX]["timeline"]["events"]}
    trc = {e["id"]: e for e in dossiers[TR]["timeline"]["events"]}
    assert relx["cook-county-hearing-2022-07-27"]["day"] == "2022-07-27"
    assert "cook-county-hearing-2022-07-27" in trc  # both families were named at the hearing
    assert relx["foia-request-2020-09-14-relx-tr"]["day"] == "2020-09-14"
    assert "foia-request-2020-09-14-relx-tr" in trc
    assert trc["nctue-ends-utility-data-sale-2021-12"]["day"].startswith("2021-12")
    statement = relx["lexisnexis-not-prevent-legal-immigration"]
    assert statement["quote"] == "is not used to prevent legal immigration"
    assert "the loaded" not in statement["title"]  # the records sit beside it, not in its words


def test_a_vendor_statement_sits_beside_the_records_of_its_fiscal_year(
    timelines: dict[str, dict[str, Any]], raw_data: Path
) -> None:
    dossiers = timelines
    for family, event_id in (
        (RELX, "lexisnexis-not-prevent-legal-immigration"),
        (TR, "thomson-reuters-human-rights-review-2022"),
    ):
        event = next(e for e in dossiers[family]["timeline"]["events"] if e["id"] == event_id)
        beside = event["records_beside"]
        assert (beside["from"], beside["to"], beside["fiscal_year"]) == (
            "2021-10-01",
            "2022-09-30",
            2022,
        )
        within = [
            r
            for r in raw_family_rows(raw_data, family)
            if date(2021, 10, 1) <= date.fromisoformat(r["Action Date"]) <= date(2022, 9, 30)
        ]
        expected = sum((Decimal(r["Federal Action Obligation"]) for r in within), Decimal(0))
        assert Decimal(beside["obligations"]) == expected
        assert beside["transactions"] == len(within)
        assert beside["awards"] == len({r["Generated Award ID"] for r in within})


def test_awards_signed_and_extended_come_from_the_records(
    timelines: dict[str, dict[str, Any]], raw_data: Path
) -> None:
    dossiers = timelines
    for family in (RELX, TR):
        rows = raw_family_rows(raw_data, family)
        by_award: dict[str, list[dict[str, str]]] = defaultdict(list)
        for r in sorted(rows, key=lambda r: r["Action Date"]):  # stable: file order within a day
            by_award[r["Generated Award ID"]].append(r)
        expected = set()
        extended = set()
        for key, award_rows in by_award.items():
            first = award_rows[0]
            kind = "contract_signed" if first["Modification"] == "0" else "contract_running"
            expected.add((key, first["Action Date"], kind))
            for r in award_rows[1:]:
                if r["Modification"] != "0" and EXTENDS.search(r["Transaction Description"]):
                    extended.add((key, r["Action Date"], r["Modification"]))
        events = dossiers[family]["timeline"]["events"]
        firsts = {
            (e["award_key"], e["day"], e["kind"])
            for e in events
            if e["kind"] in ("contract_signed", "contract_running")
        }
        assert firsts == expected
        assert {
            (e["award_key"], e["day"], e["modification_number"])
            for e in events
            if e["kind"] == "contract_extended"
        } == extended
        assert all(e["record"]["file"] and e["record"]["row"] for e in events if e["from_records"])
    relx = dossiers[RELX]["timeline"]["events"]
    leids = [e for e in relx if e["from_records"] and e["piid"] == "70CMSD21C00000001"]
    assert leids[0]["kind"] == "contract_signed" and leids[0]["day"] == "2021-02-25"


def test_events_and_obligations_share_one_axis(
    timelines: dict[str, dict[str, Any]], raw_data: Path
) -> None:
    dossiers = timelines
    for family, d in dossiers.items():
        t = d["timeline"]
        rows = raw_family_rows(raw_data, family)
        days = [date.fromisoformat(r["Action Date"]) for r in rows]
        event_days = [date.fromisoformat(e["day"]) for e in t["events"]]
        axis = (date.fromisoformat(t["axis"]["from"]), date.fromisoformat(t["axis"]["to"]))
        assert axis == (min([*event_days, *days]), max([*event_days, *days]))
        total = sum((Decimal(r["Federal Action Obligation"]) for r in rows), Decimal(0))
        assert Decimal(t["curve"][-1]["cumulative"]) == total
        assert axis[0] <= date.fromisoformat(t["curve"][0]["month"])
    # RELX's axis starts with the reported use "since 2016", years before its first loaded award.
    assert dossiers[RELX]["timeline"]["axis"]["from"] == "2016-01-01"


@pytest.mark.duckdb_only(WHOLE_DOSSIER)
def test_the_dossier_and_its_chart_hold_the_same_timeline(
    dossiers: dict[str, dict[str, Any]], timelines: dict[str, dict[str, Any]]
) -> None:
    assert {f: {"timeline": d["timeline"]} for f, d in dossiers.items()} == timelines
    chart = dossier_charts(dossiers[RELX])["timeline"]
    assert chart.startswith("<svg") and ">2016<" in chart and ">2026<" in chart


@pytest.mark.duckdb_only(WHOLE_DOSSIER)
def test_the_dossier_page_lists_the_timeline_with_its_sources(
    dossiers: dict[str, dict[str, Any]],
) -> None:
    page = dossier_html(dossiers[TR])
    assert 'id="timeline"' in page and 'id="timeline-chart"' in page
    assert 'id="event-bcgeu-proposal-2020-agm"' in page
    assert "https://www.bcgeu.ca/union_investor_successfully_pushes" in page
    section = page.split('id="timeline"')[1].split("</section>")[0]
    assert "3 June 2020" in section  # people's dates, names not slugs
    assert "Thomson Reuters Special Services LLC" in section
    assert "thomson-reuters-special-services" not in section


def test_a_company_sees_its_family_events(con: Any, registry: Registry) -> None:
    t = family_timeline(con, registry, "west-publishing")
    ids = {e["id"] for e in t["events"]}
    assert "bcgeu-proposal-2021-agm" in ids
    assert {e["who"] for e in t["events"] if e["from_records"]} == {"West Publishing Corporation"}
