"""Agreements and orders (issue 18.6): the parent agreement of every order, a rollup by it, the
agreement's page across agencies and OCDS relatedProcesses, against the raw files (csv +
Decimal)."""

from __future__ import annotations

import csv
import gzip
from collections import defaultdict
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from vendorwatch.analysis import rollup
from vendorwatch.analysis.agreements import agreement
from vendorwatch.errors import VendorwatchError
from vendorwatch.exports import release_package
from vendorwatch.web.app import create_app

from ..raw_rows import transactions

SCHEDULE = "GS02F026DA"  # a GSA schedule West Publishing's ICE and CBP orders were placed under


def parent_of(generated_award_id: str) -> str | None:
    """CONT_AWD_<piid>_<agency>_<parent piid>_<parent agency>: the parent is the second-last."""
    parent = generated_award_id.split("_")[-2]
    return None if parent == "-NONE-" else parent


@pytest.fixture(scope="module")
def summaries(raw_data: Path) -> list[dict[str, str]]:
    path = next(raw_data.glob("mn-ice-contracts/*PrimeAwardSummaries*.csv.gz"))
    with gzip.open(path, "rt", encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))


def test_rollup_by_agreement_matches_the_transaction_files(con: Any, raw_data: Path) -> None:
    money: dict[str | None, Decimal] = defaultdict(Decimal)
    orders: dict[str | None, set[str]] = defaultdict(set)
    for row in transactions(raw_data):
        parent = parent_of(row["Generated Award ID"])
        money[parent] += Decimal(row["Federal Action Obligation"])
        orders[parent].add(row["Generated Award ID"])
    got = rollup(con, ["agreement"])
    assert {r["agreement"]: Decimal(r["obligations"]) for r in got} == dict(money)
    assert {r["agreement"]: r["awards"] for r in got} == {k: len(v) for k, v in orders.items()}
    (one,) = rollup(con, ["agreement"], where={"agreement": SCHEDULE})
    assert Decimal(one["obligations"]) == money[SCHEDULE]


def expected_orders(raw_data: Path, summaries: list[dict[str, str]]) -> dict[str, Any]:
    """Each order under the schedule: the summary's total where a summary has it, else the sum
    of its rows in the transaction export; with its agency as the file names it."""
    found: dict[str, Any] = {}
    for r in summaries:
        if r["parent_award_id_piid"] == SCHEDULE:
            found[r["contract_award_unique_key"]] = (
                Decimal(r["total_obligated_amount"] or "0"),
                "ICE",  # the Minnesota file is ICE's awards only
            )
    sums: dict[str, Decimal] = defaultdict(Decimal)
    agency: dict[str, str] = {}
    for row in transactions(raw_data):
        if parent_of(row["Generated Award ID"]) == SCHEDULE:
            sums[row["Generated Award ID"]] += Decimal(row["Federal Action Obligation"])
            agency[row["Generated Award ID"]] = row["Agency"]
    for key, total in sums.items():
        found.setdefault(key, (total, agency[key]))
    return found


def test_agreement_lists_its_orders_across_agencies(
    con: Any, raw_data: Path, summaries: list[dict[str, str]]
) -> None:
    want = expected_orders(raw_data, summaries)
    got = agreement(con, SCHEDULE)
    assert {o["award_key"]: Decimal(o["obligated"]) for o in got["orders"]} == {
        k: v[0] for k, v in want.items()
    }
    per_agency: dict[str, Decimal] = defaultdict(Decimal)
    for total, short in want.values():
        per_agency[short] += total
    assert {a["short"]: Decimal(a["obligated"]) for a in got["by_agency"]} == dict(per_agency)
    assert len(per_agency) >= 2  # ICE and CBP both placed orders under it
    assert Decimal(got["totals"]["obligated"]) == sum((v[0] for v in want.values()), Decimal(0))
    assert got["totals"]["orders"] == len(want)
    assert "orders in files not loaded" in got["covers"]
    with pytest.raises(VendorwatchError, match="no loaded order names 'NOPE'"):
        agreement(con, "NOPE")


def test_agreement_page_and_api(
    sample_warehouse: Path, raw_data: Path, summaries: list[dict[str, str]]
) -> None:
    want = expected_orders(raw_data, summaries)
    total = sum((v[0] for v in want.values()), Decimal(0))
    with TestClient(create_app(sample_warehouse)) as client:
        for _ in range(3):  # the site may still be warming up
            page = client.get(f"/agreement/{SCHEDULE}")
            if page.status_code != 503:
                break
        assert page.status_code == 200
        assert f"(${total:,.2f})</strong> obligated on {len(want)} orders" in page.text
        assert "ICE and CBP" in page.text or "CBP and ICE" in page.text
        for key in want:
            assert f'href="/award/{key}"' in page.text
        assert client.get("/agreement/NOPE").status_code == 404
        api = client.get(f"/api/agreements/{SCHEDULE}").json()
        assert Decimal(api["totals"]["obligated"]) == total
        award = client.get(f"/award/{next(k for k in want if k.startswith('CONT_AWD_'))}")
        assert f'href="/agreement/{SCHEDULE}"' in award.text
        rolled = client.get("/api/rollup", params={"by": "agreement"}).json()
        # the schedule is far down the list (rank ~1,400 of ~2,800): the API's first rows are
        # checked against the raw files instead, largest first
        money: dict[str | None, Decimal] = defaultdict(Decimal)
        for row in transactions(raw_data):
            money[parent_of(row["Generated Award ID"])] += Decimal(row["Federal Action Obligation"])
        largest = sorted(money.items(), key=lambda kv: -kv[1])[:3]
        assert [(r["agreement"], Decimal(r["obligations"])) for r in rolled[:3]] == largest


def test_ocds_orders_name_their_agreement(con: Any) -> None:
    package = release_package(con, {"family": ["thomson-reuters-corp"]}, prefix="ocds-test01")
    releases = package["releases"]
    assert releases
    under = 0
    for r in releases:
        key = r["awards"][0]["id"]
        parts = key.split("_")
        if parts[-2] == "-NONE-":
            assert "relatedProcesses" not in r, key
            continue
        under += 1
        (process,) = r["relatedProcesses"]
        assert process["relationship"] == ["framework"]
        assert process["identifier"] == f"ocds-test01-CONT_IDV_{parts[-2]}_{parts[-1]}"
        assert process["scheme"] == "ocid"
    assert under > 0


def test_agreement_command(
    sample_warehouse: Path, raw_data: Path, summaries: list[dict[str, str]]
) -> None:
    """`vendorwatch agreement PIID` (the page's library function, as a command): its figures
    in words and JSON, and one line with exit 1 for a PIID no order names."""
    from typer.testing import CliRunner

    from vendorwatch.cli.app import app

    want = expected_orders(raw_data, summaries)
    total = sum((v[0] for v in want.values()), Decimal(0))
    runner = CliRunner()
    words = runner.invoke(app, ["agreement", SCHEDULE, "--warehouse", str(sample_warehouse)])
    assert words.exit_code == 0, words.output
    assert f"{SCHEDULE}: {len(want)} orders, ${total:,.2f} obligated" in words.output
    answer = runner.invoke(
        app, ["agreement", SCHEDULE, "--warehouse", str(sample_warehouse), "--json"]
    )
    assert answer.exit_code == 0, answer.output
    import json

    got = json.loads(answer.output)
    assert {o["award_key"]: Decimal(o["obligated"]) for o in got["orders"]} == {
        k: v[0] for k, v in want.items()
    }
    import subprocess
    import sys

    missing = subprocess.run(
        [sys.executable, "-m", "vendorwatch", "agreement", "NOPE", "--warehouse",
         str(sample_warehouse)],
        capture_output=True, text=True, timeout=600, check=False,
    )  # fmt: skip
    assert missing.returncode == 1
    assert "no loaded order names 'NOPE'" in missing.stderr
    assert "Traceback" not in missing.stderr + missing.stdout
