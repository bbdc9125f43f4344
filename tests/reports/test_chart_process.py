"""The site's chart child (`vendorwatch.reports.chart_process`): it draws what vl-convert draws
in process, byte for byte, and a child killed with SIGKILL is replaced on the next chart."""

from __future__ import annotations

import os
import signal
from collections import defaultdict
from decimal import Decimal
from pathlib import Path

import vl_convert

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
