"""Family rollups: resolution joined as of each action date, adding no rows."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from vendorwatch.analysis import award_history, rollup

from ..warehouse.helpers import read_rows, real_files

pytestmark = pytest.mark.engines  # every test on DuckDB and on Spark (conftest.py)


def test_families_partition_the_obligations(con: Any) -> None:
    total = rollup(con, [])[0]
    by_family = rollup(con, ["family"])
    assert sum(Decimal(r["obligations"]) for r in by_family) == Decimal(total["obligations"])
    assert sum(r["transactions"] for r in by_family) == total["transactions"]


def test_palantir_family_matches_the_raw_rows(con: Any, raw_data: Path) -> None:
    """SOURCES.md: Palantir Technologies, 34 rows, about $318M."""
    expected = Decimal(0)
    count = 0
    for key in ("FY2021", "FY2022", "FY2023", "FY2024", "FY2025", "FY2026"):
        header, rows = read_rows(real_files(raw_data)[key])
        name, amount = header.index("Recipient Name"), header.index("Federal Action Obligation")
        for row in rows:
            if row[name] == "PALANTIR TECHNOLOGIES INC.":
                expected += Decimal(row[amount])
                count += 1
    got = rollup(con, ["family"], where={"family": "palantir"})
    assert got == [
        {
            "family": "palantir",
            "obligations": f"{expected:.2f}",
            "transactions": count,
            "awards": got[0]["awards"],
        }
    ]
    assert count == 34


def test_relx_family_gathers_its_companies(con: Any) -> None:
    organisations = {
        r["organisation"] for r in rollup(con, ["organisation"], where={"family": "relx-plc"})
    }
    assert {"relx-inc", "lexisnexis-risk-solutions", "lexisnexis-special-services"} <= organisations


def test_award_history_names_the_family(con: Any) -> None:
    history = award_history(con, "70CMSD21C00000001")
    assert history.family == "relx-plc"
