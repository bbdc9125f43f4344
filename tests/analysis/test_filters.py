"""``DIMENSION=VALUE`` filters: a value by stored value, name or id gives the same rows, and
the sums are the raw files' (csv module + Decimal); an unknown value is an error with the
nearest ones, never an empty result."""

from __future__ import annotations

import json
import subprocess
import sys
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from vendorwatch.analysis import rollup
from vendorwatch.analysis.filters import parse_filters, resolve_filters
from vendorwatch.errors import VendorwatchError

from ..raw_families import family_transactions
from ..raw_rows import raw_rows

ICE = "U.S. Immigration and Customs Enforcement"

pytestmark = pytest.mark.engines  # every `con` test on DuckDB and on Spark (conftest.py)


def where(con: Any, *items: str) -> dict[str, str]:
    return {k: v[0] for k, v in resolve_filters(con, parse_filters(items)).items()}


def by_year(con: Any, *items: str) -> list[dict[str, Any]]:
    return rollup(con, ["fiscal_year"], where=where(con, *items))


def test_a_family_by_id_name_or_any_case_is_the_same_rows(con: Any, raw_data: Path) -> None:
    stored = by_year(con, "family=relx-plc")
    for asked in ("family=RELX PLC", "family=relx plc", "family=RELX-PLC", 'family="RELX PLC"'):
        assert by_year(con, asked) == stored, asked
    expected = sum((v for _, v in family_transactions(raw_data)["relx-plc"]), Decimal(0))
    assert sum(Decimal(r["obligations"]) for r in stored) == expected


def test_an_agency_by_its_registry_id_or_name(con: Any, raw_data: Path) -> None:
    assert where(con, "sub_agency=ICE") == {"sub_agency": ICE}
    assert where(con, "sub_agency=cbp") == {"sub_agency": "U.S. Customs and Border Protection"}
    stored = by_year(con, f"sub_agency={ICE}")
    assert by_year(con, "sub_agency=ICE") == stored
    assert by_year(con, f"sub_agency={ICE.upper()}") == stored
    expected = sum((r.obligation for r in raw_rows(raw_data) if r.agency == "ICE"), Decimal(0))
    assert sum(Decimal(r["obligations"]) for r in stored) == expected


def test_a_fiscal_year_with_or_without_fy(con: Any) -> None:
    assert where(con, "fiscal_year=FY2024") == where(con, "fiscal_year=2024")


@pytest.mark.parametrize(
    ("item", "said"),
    [
        ("family=relx", "no family 'relx'; did you mean relx-plc (RELX PLC)"),
        ("family=lexisnexis-risk-solutions", "use family=relx-plc or organisation="),
        ("sub_agency=FBI", "no sub_agency 'FBI'"),
        ("state=Minnesota!", "no state 'Minnesota!'"),
    ],
)
def test_unknown_values_name_the_nearest(con: Any, item: str, said: str) -> None:
    with pytest.raises(VendorwatchError, match=None) as raised:
        where(con, item)
    assert said in str(raised.value)


@pytest.mark.parametrize(
    ("item", "said"),
    [
        ("family", "write DIMENSION=VALUE"),
        ("family=", "write DIMENSION=VALUE"),
        ("famly=relx-plc", "unknown dimension 'famly'; choose from agency"),
    ],
)
def test_badly_written_filters(item: str, said: str) -> None:
    with pytest.raises(VendorwatchError) as raised:
        parse_filters([item])
    assert said in str(raised.value)


def cli(*args: str, warehouse: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "vendorwatch", *args, "--warehouse", str(warehouse)],
        capture_output=True, text=True, check=False,
    )  # fmt: skip


def test_rollup_and_export_take_the_same_filters(
    sample_warehouse: Path, raw_data: Path, tmp_path: Path
) -> None:
    """``rollup --where`` and ``export awards --filter`` (both spellings, both commands)."""
    shown = cli("rollup", "--by", "family", "--where", "family=RELX PLC", "--json",
                warehouse=sample_warehouse)  # fmt: skip
    assert shown.returncode == 0, shown.stderr
    expected = sum((v for _, v in family_transactions(raw_data)["relx-plc"]), Decimal(0))
    assert [(r["family"], Decimal(r["obligations"])) for r in json.loads(shown.stdout)] == [
        ("relx-plc", expected)
    ]
    alias = cli("rollup", "--by", "family", "--filter", "family=relx-plc", "--json",
                warehouse=sample_warehouse)  # fmt: skip
    assert json.loads(alias.stdout) == json.loads(shown.stdout)

    out = tmp_path / "relx.csv"
    exported = cli("export", "awards", "--where", "family=RELX PLC", "--where", "sub_agency=ICE",
                   "-o", str(out), "--json", warehouse=sample_warehouse)  # fmt: skip
    assert exported.returncode == 0, exported.stderr
    assert json.loads(exported.stdout)["awards"] > 0

    unknown = cli("export", "awards", "--filter", "family=relx", "-o", str(out),
                  warehouse=sample_warehouse)  # fmt: skip
    assert unknown.returncode == 1
    assert unknown.stderr.startswith("error: no family 'relx'; did you mean relx-plc (RELX PLC)")
    assert "Traceback" not in unknown.stderr


def test_a_space_for_the_colon_in_a_foia_event_shows_the_form() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "vendorwatch", "foia", "deadline", "--received", "2026-06-01",
         "--event", "info-requested", "2026-06-18"],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert done.returncode == 2
    said = " ".join(done.stderr.split())
    assert "--event info-requested:2026-06-18" in said
    assert "unexpected extra argument" not in said
