"""The load scorecard: how many of the load cases (`loadcases.CASES`) held, printed at the end.

Imported by this folder's conftest.py, which makes these functions pytest hooks.
"""

from __future__ import annotations

import pytest

from tests.robustness.loadcases import CASES

TEST = "test_load_scorecard.py::test_load_case["
outcomes: dict[str, bool] = {}


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    if TEST not in report.nodeid:
        return
    case = report.nodeid.split(TEST, 1)[1].rstrip("]")
    if report.when == "call" or (report.when == "setup" and not report.passed):
        outcomes[case] = report.passed


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    if not outcomes:
        return
    held = sum(outcomes.values())
    failed = sorted(name for name, ok in outcomes.items() if not ok)
    line = f"load scorecard: {held}/{len(CASES)}"
    if len(outcomes) < len(CASES):
        line += f" ({len(CASES) - len(outcomes)} not run)"
    if failed:
        line += " - failed: " + ", ".join(failed)
    terminalreporter.write_line(line)
