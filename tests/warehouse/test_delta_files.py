"""A USAspending delta file: a key seen again replaces its version, a D row deletes it.

The corrected warehouse and the figures expected after it (summed with the csv module and
Decimal from the rows written, applying the delta the way USAspending does) are
`tests.warehouse.delta_scenario`'s.
"""

from __future__ import annotations

import json
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

from tests.warehouse.delta_scenario import corrected_warehouse
from vendorwatch.analysis import award_history, connect
from vendorwatch.analysis.corrections import corrections_of
from vendorwatch.warehouse import open_warehouse


def test_a_delta_file_corrects_adds_and_deletes(raw_data: Path, tmp_path: Path) -> None:
    scenario = corrected_warehouse(raw_data, tmp_path)
    warehouse, rows, by_key, expected = (
        scenario.warehouse, scenario.rows, scenario.by_key, scenario.expected
    )  # fmt: skip
    base, delta, fix_blank, gone = scenario.base, scenario.delta, scenario.fix_blank, scenario.gone
    assert expected != scenario.base_totals
    con = open_warehouse(warehouse)
    got = dict(
        con.execute(
            "SELECT contract_award_unique_key, sum(federal_action_obligation) FROM facts GROUP BY 1"
        ).fetchall()
    )
    assert con.execute("SELECT count(*) FROM facts").fetchone() == (len(by_key),)
    assert con.execute("SELECT count(*) FROM transactions").fetchone() == (len(rows) + 4,)
    con.close()
    assert got == expected

    ibis_con = connect(warehouse)
    history = award_history(ibis_con, gone["contract_award_unique_key"], None)
    assert history.obligated == expected[gone["contract_award_unique_key"]]
    deleted = corrections_of(ibis_con, gone["contract_award_unique_key"])
    fixed = corrections_of(ibis_con, fix_blank["contract_award_unique_key"])
    ibis_con.con.close()
    assert [c.kind for c in deleted] == ["deleted"]
    was = Decimal(gone["federal_action_obligation"])
    assert deleted[0].sentence.startswith(
        f"modification {gone['modification_number']} deleted on 2 July 2025 (was "
    )
    assert deleted[0].was == was
    assert (deleted[0].source.file, deleted[0].source.row) == (delta.name, 4)
    assert (deleted[0].earlier.file, deleted[0].earlier.row) == (base.name, rows.index(gone) + 1)
    assert [(c.kind, c.was, c.now, c.source.row) for c in fixed] == [
        ("corrected", Decimal(fix_blank["federal_action_obligation"]), Decimal("-17.03"), 2)
    ]

    # The same through the command line: the history is said, in words and in JSON.
    def award(*extra: str) -> str:
        args = [sys.executable, "-m", "vendorwatch", "award", gone["contract_award_unique_key"]]
        run = subprocess.run(
            [*args, *extra, "--warehouse", str(warehouse)],
            capture_output=True,
            text=True,
            check=True,
        )
        return run.stdout

    said = award()
    assert "Corrections and deletions" in said
    assert f"deleted on 2 July 2025 (was ${was:,.2f})" in " ".join(said.split())
    document = json.loads(award("--json"))
    assert [(c["kind"], c["was"], c["source"]["file"]) for c in document["corrections"]] == [
        ("deleted", f"{was:.2f}", delta.name)
    ]


def test_a_layout_3_warehouse_gains_the_indicator(tmp_path: Path) -> None:
    """Migration 3 -> 4: rows loaded before are original records (NULL indicator)."""
    path = tmp_path / "w.duckdb"
    con = open_warehouse(path)
    con.execute("ALTER TABLE transactions DROP COLUMN correction_delete_ind")
    con.execute("DROP TABLE sync_award_versions")
    con.execute("UPDATE schema_version SET version = 3")
    con.close()
    con = open_warehouse(path)
    assert con.execute("SELECT version FROM schema_version").fetchall() == [(4,)]
    names = {
        n
        for (n,) in con.execute(
            "SELECT column_name FROM duckdb_columns() WHERE table_name = 'transactions'"
        ).fetchall()
    }
    assert "correction_delete_ind" in names
    assert con.execute("SELECT count(*) FROM sync_award_versions").fetchall() == [(0,)]
    con.close()
