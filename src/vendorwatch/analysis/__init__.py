"""Analysis: rollups, as-of figures and competition flags, read through Ibis.

The public surface that the CLI and the web app both call.
"""

from vendorwatch.analysis.awards import AwardHistory, award_history
from vendorwatch.analysis.base import connect, fiscal_year_of
from vendorwatch.analysis.competition import Competed, CompetitionFlag, flag
from vendorwatch.analysis.rollups import DIMENSIONS, rollup

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
