"""The site's chart child (`vendorwatch.reports.chart_process`): it draws what vl-convert draws
in process, byte for byte, and a child killed with SIGKILL is replaced on the next chart."""

from __future__ import annotations

import os
import signal
from collections import defaultdict
from decimal import Decimal
from pathlib import Path

import pytest
import vl_convert

from vendorwatch.errors import VendorwatchError
from vendorwatch.reports import charts
from vendorwatch.reports.chart_process import ChartProcess

from ..raw_families import family_transactions


def _spec(raw_data: Path) -> dict[str, object]:
    """RELX's obligations per calendar year, summed from the raw files with Decimal."""
    years: dict[int, Decimal] = defaultdict(Decimal)
    for day, amount in family_transactions(raw_data)["relx-plc"]:
        years[day.year] += amount
    values = [{"year": str(y), "obligations": float(v)} for y, v in sorted(years.items())]
    return {
        "$schema": charts.SCHEMA,
        "description": "RELX obligations by year",
        "data": {"values": values},
        "mark": {"type": "bar"},
        "encoding": {
            "x": {"field": "year", "type": "ordinal"},
            "y": {"field": "obligations", "type": "quantitative"},
        },
    }


def test_a_killed_chart_child_is_replaced_and_draws_the_same_bytes(raw_data: Path) -> None:
    spec = _spec(raw_data)
    expected = str(vl_convert.vegalite_to_svg(spec))  # drawn here, in this process
    process = ChartProcess()
    try:
        assert process.svg(spec) == expected
        first = process.pid
        assert first is not None
        os.kill(first, signal.SIGKILL)
        assert process.svg(spec) == expected  # the next chart, from a new child
        assert process.pid not in (None, first)
    finally:
        process.close()
    assert process.pid is None


def test_a_chart_that_takes_too_long_stops_its_child_and_the_next_one_draws(
    raw_data: Path,
) -> None:
    """A child that does not answer within the time limit is killed, with a clear error; no
    page waits on it for good. (A limit no child start can meet stands in for a hang.)"""
    spec = _spec(raw_data)
    expected = str(vl_convert.vegalite_to_svg(spec))
    process = ChartProcess(timeout=0.001)
    try:
        with pytest.raises(VendorwatchError, match=r"took more than 0.001 s; its process"):
            process.svg(spec)
        assert process.pid is None  # the hung child was stopped
        process.timeout = 60.0
        assert process.svg(spec) == expected  # the next chart, from a new child
    finally:
        process.close()
