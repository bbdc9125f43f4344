"""Resolving the whole real warehouse: derived tables, families by date, the unresolved report."""

from __future__ import annotations

import csv
import gzip
import json
import shutil
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import duckdb
import pytest

from vendorwatch.registry import load_registry
from vendorwatch.resolve import Resolver
from vendorwatch.resolve.warehouse import (
    draft_recipient_lists,
    obligations_by_recipient,
    resolve_warehouse,
    unresolved_report,
)
from vendorwatch.warehouse import open_warehouse


@pytest.fixture(scope="module")
def resolved(sample_warehouse: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the sample warehouse with the resolution tables built."""
    path = tmp_path_factory.mktemp("resolved") / "warehouse.duckdb"
    shutil.copy(sample_warehouse, path)
    con = open_warehouse(path)
    resolve_warehouse(con, Resolver(load_registry()))
    con.close()
    return path


@pytest.fixture
def con(resolved: Path) -> duckdb.DuckDBPyConnection:
    c = open_warehouse(resolved, read_only=True)
    yield c  # type: ignore[misc]
    c.close()


def test_every_large_ice_cbp_recipient_is_resolved_or_registered(
    con: duckdb.DuckDBPyConnection,
) -> None:
    rows = obligations_by_recipient(con, Decimal(1_000_000))
    assert len(rows) > 1000  # the sample really has that many recipients over $1M
    assert unresolved_report(con, Decimal(1_000_000)) == []
    # Below the threshold there is a long tail nobody has registered yet, and it is reported.
    assert unresolved_report(con, Decimal(0))


def test_every_identity_has_one_decision_with_a_reason(con: duckdb.DuckDBPyConnection) -> None:
    ((missing,),) = con.execute(
        """
        SELECT count(*) FROM (SELECT DISTINCT recipient_name, recipient_uei, recipient_duns,
               recipient_parent_uei FROM transactions) t
        ANTI JOIN recipient_resolutions r
          ON r.recipient_name = t.recipient_name
         AND r.recipient_uei IS NOT DISTINCT FROM t.recipient_uei
         AND r.recipient_duns IS NOT DISTINCT FROM t.recipient_duns
         AND r.recipient_parent_uei IS NOT DISTINCT FROM t.recipient_parent_uei
        """
    ).fetchall()
    assert missing == 0
    ((blank,),) = con.execute(
        "SELECT count(*) FROM recipient_resolutions WHERE reason IS NULL OR reason = ''"
    ).fetchall()
    assert blank == 0


def test_family_rollup_by_transaction_date(con: duckdb.DuckDBPyConnection) -> None:
    families = dict(
        con.execute(
            """
            SELECT f.family, sum(t.federal_action_obligation)
            FROM transactions t
            JOIN recipient_resolutions r
              ON r.recipient_name = t.recipient_name
             AND r.recipient_uei IS NOT DISTINCT FROM t.recipient_uei
             AND r.recipient_duns IS NOT DISTINCT FROM t.recipient_duns
             AND r.recipient_parent_uei IS NOT DISTINCT FROM t.recipient_parent_uei
            JOIN organisation_families f
              ON f.organisation = r.organisation
             AND (f.valid_from IS NULL OR t.action_date >= f.valid_from)
             AND (f.valid_until IS NULL OR t.action_date < f.valid_until)
            GROUP BY 1
            """
        ).fetchall()
    )
    # RELX = RELX INC. + LexisNexis Risk Solutions + LexisNexis Special Services.
    assert families["relx-plc"] == Decimal("10316586.60") + Decimal("24509116.00") + Decimal(
        "27817044.02"
    )
    assert families["thomson-reuters-corp"] == Decimal("36335057.72") + Decimal("933712.44")
    assert families["palantir"] == Decimal("318692423.00")
    assert "outlook-nebraska" in families and "transunion" in families


def test_rebuild_replaces_not_appends(resolved: Path, tmp_path: Path) -> None:
    path = tmp_path / "again.duckdb"
    shutil.copy(resolved, path)
    con = open_warehouse(path)
    before = con.execute("SELECT count(*) FROM recipient_resolutions").fetchone()
    summary = resolve_warehouse(con, Resolver(load_registry()))
    after = con.execute("SELECT count(*) FROM recipient_resolutions").fetchone()
    con.close()
    assert before == after == (summary.identities,)


def test_draft_lists_only_what_is_not_yet_registered(con: duckdb.DuckDBPyConnection) -> None:
    assert draft_recipient_lists(con, Resolver(load_registry()), Decimal(1_000_000)) == (
        "recipient_lists:\n"
    )
    draft = draft_recipient_lists(con, Resolver(load_registry()), Decimal(20_000))
    assert draft.startswith("recipient_lists:\n  - title:") and "sources: [" in draft


def test_cli_resolve_names_json() -> None:
    run = subprocess.run(
        [sys.executable, "-m", "vendorwatch", "resolve", "OUTLOOK-NEBRASKA, INC.",
         "KATHERINE J THOMSON", "NOBODY AT ALL LLC", "APPRISS INSIGHTS LLC",
         "--as-of", "2019-01-01", "--json"],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert run.returncode == 0, run.stderr
    docs = json.loads(run.stdout)
    assert len(docs) == 4 and docs[0]["name"] == "OUTLOOK-NEBRASKA, INC."
    assert docs[0]["family"] == "outlook-nebraska"
    assert docs[1]["organisation"] is None and docs[1]["method"] == "override"
    assert docs[2] == {**docs[2], "organisation": None, "family": None, "method": "none"}
    assert docs[3]["family"] == "appriss-insights"


def vendorwatch(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "vendorwatch", *args], capture_output=True, text=True, check=False
    )


def test_cli_resolve_all_and_bad_usage(sample_warehouse: Path, tmp_path: Path) -> None:
    path = tmp_path / "w.duckdb"
    shutil.copy(sample_warehouse, path)
    run = vendorwatch("resolve", "--all", "--json", "--warehouse", str(path))
    assert run.returncode == 0, run.stderr
    doc = json.loads(run.stdout)
    assert doc["unresolved"] == [] and doc["summary"]["identities"] > 4000
    run = vendorwatch("resolve", "--all", "--min-amount", "0", "--warehouse", str(path))
    assert run.returncode == 0 and "Unresolved recipients over $0.00" in run.stdout
    bad = vendorwatch("resolve", "X", "--as-of", "yesterday")
    assert bad.returncode == 2 and "Traceback" not in bad.stderr


def test_cli_review_queue(sample_warehouse: Path, raw_data: Path) -> None:
    """The names a curator must settle, with the candidate, the reason and the obligations
    as loaded (summed here from the raw files with the csv module)."""
    run = vendorwatch("resolve", "--review", "--json", "--warehouse", str(sample_warehouse))
    assert run.returncode == 0, run.stderr
    queue = {r["name"]: r for r in json.loads(run.stdout)}
    satellite = queue["INTERNATIONAL SATELLITE SERVICES, INC."]
    assert satellite["candidate"] == "r-satellite-services-inc"
    assert "needs review" in satellite["reason"]
    raw_sum = Decimal(0)
    for path in sorted(raw_data.glob("cbp-ice-dashboard/*.csv.gz")):
        with gzip.open(path, "rt", encoding="utf-8", newline="") as handle:
            raw_sum += sum(
                (Decimal(r["Federal Action Obligation"]) for r in csv.DictReader(handle)
                 if r["Recipient Name"] == "INTERNATIONAL SATELLITE SERVICES, INC."),
                Decimal(0),
            )  # fmt: skip
    assert Decimal(satellite["amount"]) == raw_sum
    amounts = [Decimal(r["amount"]) for r in queue.values()]
    assert amounts == sorted(amounts, reverse=True)
