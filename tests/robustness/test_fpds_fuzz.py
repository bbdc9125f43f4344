"""Property-based fuzzing of the FPDS ATOM reader (`vendorwatch.warehouse.fpds_atom`).

The real DoD sample feed, damaged at random: bytes inserted, dropped or replaced, the file cut
short, a digit of an amount changed. A load may end in only two ways: a `VendorwatchError` with
one line naming the file (and nothing of it in the warehouse), or a correct result: as many rows
as the damaged XML, read here on its own with defusedxml, holds records, and the obligations'
total equal to theirs.
"""

from __future__ import annotations

import tempfile
from decimal import Decimal, InvalidOperation
from pathlib import Path

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from vendorwatch.errors import VendorwatchError
from vendorwatch.warehouse import load_file, open_warehouse

from ..warehouse.test_fpds_atom import expected_records

SAMPLE = "fpds-atom-samples/fpds_atom_feed_sample_dod_2020-04-02.xml"


@st.composite
def damaged(draw: st.DrawFn, data: bytes) -> bytes:
    kind = draw(st.sampled_from(["insert", "drop", "replace", "cut", "digit"]))
    at = draw(st.integers(0, len(data) - 1))
    if kind == "insert":
        return data[:at] + draw(st.binary(min_size=1, max_size=8)) + data[at:]
    if kind == "drop":
        return data[:at] + data[at + draw(st.integers(1, 64)) :]
    if kind == "replace":
        return data[:at] + draw(st.binary(min_size=1, max_size=4)) + data[at + 4 :]
    if kind == "cut":
        return data[:at]
    marker = b"obligatedAmount>"
    spots = [i for i in range(len(data)) if data.startswith(marker, i)]
    spot = spots[draw(st.integers(0, len(spots) - 1))] + len(marker)
    return data[:spot] + str(draw(st.integers(0, 9))).encode() + data[spot + 1 :]


@pytest.fixture(scope="module")
def sample(raw_data: Path) -> bytes:
    return (raw_data / SAMPLE).read_bytes()


def test_a_damaged_feed_loads_right_or_is_refused_in_one_line(sample: bytes) -> None:
    @settings(
        max_examples=30,
        deadline=None,
        derandomize=True,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )
    @given(damaged(sample))
    def check(data: bytes) -> None:
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / "feed.xml"
            path.write_bytes(data)
            con = open_warehouse(Path(folder) / "w.duckdb")
            try:
                try:
                    result = load_file(con, path)
                except VendorwatchError as exc:
                    event("refused")
                    assert "\n" not in str(exc), str(exc)
                    assert "feed.xml" in str(exc)
                    rows = con.execute("SELECT count(*) FROM transactions").fetchall()
                    assert rows == [(0,)]
                    return
                event("loaded")
                try:
                    records = expected_records(path)
                except Exception as exc:  # noqa: BLE001 - the loader read what XML cannot
                    pytest.fail(f"loaded a feed the XML parser refuses: {exc!r}")
                try:
                    expected = sum(
                        (Decimal(str(r.get("federal_action_obligation", 0))) for r in records),
                        Decimal(0),
                    )
                except InvalidOperation:
                    pytest.fail("loaded a feed with an amount that is not a number")
                found = con.execute(
                    "SELECT count(*), coalesce(sum(federal_action_obligation), 0) FROM transactions"
                ).fetchall()
                assert result.rows == len(records)
                assert found == [(len(records), expected)]
            finally:
                con.close()

    check()
