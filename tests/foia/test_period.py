"""A request drafted from an award asks for its whole life: the start date and its source,
checked on real PIIDs against the raw files read with the csv module."""

from __future__ import annotations

import csv
import gzip
from collections import defaultdict
from collections.abc import Iterator
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest

from vendorwatch.analysis import connect
from vendorwatch.foia.directory import find_office
from vendorwatch.foia.letters import Requester, RequestSpec, awards_by_id, compose_request
from vendorwatch.foia.period import piid_fiscal_year

ON = date(2026, 12, 1)
ANA = Requester("Ana Example", "Example Law Clinic", email="ana@example.org")


@pytest.fixture(scope="module")
def con(sample_warehouse: Path) -> Iterator[Any]:
    c = connect(sample_warehouse)
    yield c
    c.disconnect()


@pytest.fixture(scope="module")
def actions(raw_data: Path) -> dict[str, list[tuple[str, date]]]:
    """Every PIID's (modification, action date) in the API export files."""
    found: dict[str, list[tuple[str, date]]] = defaultdict(list)
    for path in sorted(raw_data.glob("cbp-ice-dashboard/*.csv.gz")):
        with gzip.open(path, "rt", encoding="utf-8", newline="") as handle:
            for row in csv.DictReader(handle):
                found[row["Award ID"]].append(
                    (row["Modification"], date.fromisoformat(row["Action Date"]))
                )
    return found


@pytest.fixture(scope="module")
def summaries(raw_data: Path) -> dict[str, date]:
    """PIID → base action date from the ICE award summaries (dates re-saved as m/d/yy)."""
    (path,) = raw_data.glob("mn-ice-contracts/*PrimeAwardSummaries*.csv.gz")
    with gzip.open(path, "rt", encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    return {
        r["award_id_piid"]: datetime.strptime(r["award_base_action_date"], "%m/%d/%y").date()
        for r in rows
    }


def _letter(con: Any, piid: str) -> str:
    spec = RequestSpec(
        office=find_office("ice"), requester=ANA, awards=awards_by_id(con, [piid]), on=ON
    )
    return compose_request(spec).text


def test_fy2018_order_asks_from_fy2018_not_from_the_first_loaded_action(
    con: Any, actions: dict[str, list[tuple[str, date]]], summaries: dict[str, date]
) -> None:
    piid = "70B04C18F00000031"
    rows = actions[piid]
    assert piid not in summaries and all(mod != "0" for mod, _ in rows)
    first = min(d for _, d in rows)
    assert first == date(2020, 12, 1)  # what the letter used to start from
    (award,) = awards_by_id(con, [piid])
    assert award.start == date(2017, 10, 1)
    text = _letter(con, piid)
    assert "from 1 October 2017 to 1 December 2026" in text
    assert "the start of FY2018, the fiscal year encoded in its PIID" in text
    assert "FAR 4.1603(a)" in text
    assert "2020-12-01" not in text


def test_award_summary_gives_the_base_date(
    con: Any, actions: dict[str, list[tuple[str, date]]], summaries: dict[str, date]
) -> None:
    piid = "70CDCR20P00000069"
    base = summaries[piid]
    assert base < min(d for _, d in actions[piid])  # the summary reaches further back
    (award,) = awards_by_id(con, [piid])
    assert award.start == base
    text = _letter(con, piid)
    assert "from 23 July 2020 to 1 December 2026" in text
    assert "the base award date in USAspending's award summary" in text


def test_base_transaction_gives_the_base_date(
    con: Any, actions: dict[str, list[tuple[str, date]]], summaries: dict[str, date]
) -> None:
    piid = "70B03C21F00001132"
    assert piid not in summaries
    (base,) = [d for mod, d in actions[piid] if mod == "0"]
    (award,) = awards_by_id(con, [piid])
    assert award.start == base
    assert "(modification 0)" in _letter(con, piid)


def test_older_dhs_piid_starts_a_year_earlier(
    con: Any, actions: dict[str, list[tuple[str, date]]], summaries: dict[str, date]
) -> None:
    piid = "HSBP1017C00137"  # CBP, numbered for FY2017, no summary or base action loaded
    assert piid not in summaries and all(mod != "0" for mod, _ in actions[piid])
    (award,) = awards_by_id(con, [piid])
    assert award.start == date(2015, 10, 1)
    assert "the start of FY2016, a year before the FY2017 encoded in its PIID" in _letter(con, piid)


def test_without_any_base_the_letter_says_so(
    con: Any, actions: dict[str, list[tuple[str, date]]]
) -> None:
    piid = "HSCEOP06F00684BASE"  # 18 characters: not a uniform PIID
    assert piid_fiscal_year(piid) is None
    (award,) = awards_by_id(con, [piid])
    assert award.start == min(d for _, d in actions[piid])
    assert "the earliest action I have seen; the base award may be older" in _letter(con, piid)


def test_piid_fiscal_year_matches_every_uniform_summary(summaries: dict[str, date]) -> None:
    uniform = {p: d for p, d in summaries.items() if p.startswith("70")}
    assert len(uniform) > 100
    for piid, base in uniform.items():
        assert piid_fiscal_year(piid, today=ON) == base.year + (base.month >= 10), piid
    assert piid_fiscal_year("70B04C18F00000031") == 2018
    assert piid_fiscal_year("HSCEMD98F00008", today=ON) == 1998


def test_partial_record_is_said_beside_the_amount(con: Any) -> None:
    text = _letter(con, "70B04C18F00000031")
    assert "obligated in the actions I have seen (a partial record" in text
