"""Analysis: rollups, as-of figures and competition flags, read through Ibis.

The public surface that the CLI and the web app both call. Its names are imported on first
use (PEP 562): importing one light module of the package (`vendorwatch.analysis.readcon`)
must not import every analysis module and Ibis with it.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from vendorwatch.analysis.awards import AwardHistory, award_history
    from vendorwatch.analysis.base import fiscal_year_of
    from vendorwatch.analysis.competition import Competed, CompetitionFlag, flag
    from vendorwatch.analysis.readcon import connect
    from vendorwatch.analysis.rollups import DIMENSIONS, rollup

_WHERE = {
    "AwardHistory": "awards",
    "award_history": "awards",
    "connect": "readcon",
    "fiscal_year_of": "base",
    "Competed": "competition",
    "CompetitionFlag": "competition",
    "flag": "competition",
    "DIMENSIONS": "rollups",
    "rollup": "rollups",
}

__all__ = [
    "DIMENSIONS",
    "AwardHistory",
    "Competed",
    "CompetitionFlag",
    "award_history",
    "connect",
    "fiscal_year_of",
    "flag",
    "rollup",
]


def __getattr__(name: str) -> Any:
    module = _WHERE.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(importlib.import_module(f"{__name__}.{module}"), name)
