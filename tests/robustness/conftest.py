"""The bad-input suite's scorecards: ``audit scorecard: N/23`` (and others) after the run.

A test joins a scorecard with ``@pytest.mark.scorecard_<name>``; each such test is one case,
passed or not. The totals are the issue's counts, so a case that is skipped or missing shows.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from vendorwatch.web import create_app

SCORECARDS = {"audit": 23, "load": 28}  # name → the number of cases the issue lists
_outcomes: dict[str, dict[str, bool]] = {}


@pytest.fixture(scope="session")
def sample_site(sample_warehouse: Path) -> Iterator[TestClient]:
    """One site on the session's sample warehouse for every module asking its pages (each
    start warms the site: seconds). Short time limit: a broken limit shows as a 503 "too
    large", not a frozen test run."""
    with TestClient(create_app(sample_warehouse, time_limit=30.0)) as client:
        yield client


def pytest_configure(config: pytest.Config) -> None:
    for name in SCORECARDS:
        config.addinivalue_line("markers", f"scorecard_{name}: one case of the {name} scorecard")


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    """Runs where the results are gathered (the controller under xdist too)."""
    for name in SCORECARDS:
        if f"scorecard_{name}" not in report.keywords:
            continue
        cases = _outcomes.setdefault(name, {})
        ok = cases.get(report.nodeid, True) and not report.failed and not report.skipped
        if report.when == "call" or not ok:
            cases[report.nodeid] = ok and (report.when == "call" or report.passed)


def pytest_terminal_summary(terminalreporter: Any) -> None:
    for name, total in SCORECARDS.items():
        cases = _outcomes.get(name)
        if cases is None:
            continue
        passed = sum(cases.values())
        terminalreporter.write_line(f"{name} scorecard: {passed}/{total}")
        for nodeid, ok in sorted(cases.items()):
            if not ok:
                terminalreporter.write_line(f"  failed: {nodeid}")
